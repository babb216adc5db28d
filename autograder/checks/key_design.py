"""The key-design standards: namespaced, readable keys in database 0, values under the size limit."""

from __future__ import annotations

import re
from collections.abc import Iterable

import redis

from ..labkit.backend import lesson_backend
from ..labkit.spy import Command
from .findings import Finding, Severity

ONE_MB = 1024 * 1024
LONG_KEY = 128  # characters; longer keys cost memory on every lookup and are hard to read in an incident
_NAMESPACED = re.compile(r"^[^:\s]+(:[^:\s]+)+$")


def keys_namespaced(keys: Iterable[str]) -> list[Finding]:
    """``key-namespace``: keys read ``object:id:attribute``, colon-separated."""
    bad = [k for k in keys if not _NAMESPACED.match(k)]
    if not bad:
        return []
    return [
        Finding(
            "key-namespace",
            expected="colon-separated namespaced keys such as `user:1001:settings`",
            got=", ".join(f"`{k}`" for k in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else ""),
            hint="Join the parts with colons, most general first: object type, id, then attribute.",
        )
    ]


# Short words every operator reads at a glance (a key type of two or three letters is otherwise a cryptic
# abbreviation such as `u` or `usr`).
KNOWN_SHORT = frozenset({
    "acl", "api", "app", "bag", "bus", "cdn", "dns", "faq", "geo", "id", "ip", "job", "jwt", "key", "log", "map",
    "otp", "pdf", "sku", "sms", "tag", "tax", "tip", "tls", "ttl", "url", "vat", "web", "zip", "db", "os", "ui",
})  # fmt: skip
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def cryptic(part: str) -> bool:
    """Whether a key's object type is an abbreviation an operator cannot read (``u``, ``us``, ``prd``, ``42``).

    Descriptive types pass however they are spelt: ``user``, ``product-page``, ``oauth2``, ``s3``, ``v2`` (a
    letter with a digit names a protocol, a service or a version), and the short words in ``KNOWN_SHORT``.
    """
    if not _WORD.match(part):
        return True
    core = part.replace("-", "").replace("_", "")
    if len(core) >= 4 or core.lower() in KNOWN_SHORT:
        return False
    if any(ch.isdigit() for ch in core):
        return len(core) < 2  # s3, v2, oauth2 name a service, a version, a protocol
    return len(core) < 3 or not any(ch in "aeiouy" for ch in core.lower())  # `u`, `us`, `prd` are cryptic


def keys_readable(keys: Iterable[str]) -> list[Finding]:
    """``key-readable``: no spaces, no huge keys, a descriptive object type."""
    findings = []
    for key in keys:
        if any(ch.isspace() for ch in key):
            findings.append(
                Finding(
                    "key-readable",
                    "keys without spaces or newlines",
                    f"`{key!r}`",
                    "Replace spaces with `-` or `_`; split structure with `:`.",
                )
            )
        elif len(key) > LONG_KEY:
            findings.append(
                Finding(
                    "key-readable",
                    f"keys of at most {LONG_KEY} characters",
                    f"a key of {len(key)} characters: `{key[:40]}…`",
                    "Hash long parts (e.g. a SHA-1 of a query) instead of embedding them.",
                )
            )
        else:
            object_type = key.split(":", 1)[0].strip("{}")  # a hash tag `{cart:42}` is still the type `cart`
            if cryptic(object_type):
                findings.append(
                    Finding(
                        "key-readable",
                        "a descriptive object type first (`user`, `product`, `session`)",
                        f"`{key}` starts with `{object_type}`",
                        "Operators read keys during incidents: spell the object type out.",
                        Severity.ESSENTIAL,
                    )
                )
    return findings


def no_numbered_db(commands: Iterable[Command], client: redis.Redis | None = None) -> list[Finding]:
    """``key-no-numbered-db``: no SELECT of another database, and no ``/n`` database in the URL."""
    findings = []
    for cmd in commands:
        if cmd.name == "SELECT" and cmd.arg_text()[:1] != ["0"]:
            findings.append(
                Finding(
                    "key-no-numbered-db",
                    expected="all data in database 0, separated by key namespaces",
                    got=f"`{cmd}` switched to another numbered database",
                    hint="Redis Cluster has only db 0. Put a namespace prefix in the key instead of a SELECT.",
                )
            )
    if client is not None:
        db = int(client.connection_pool.connection_kwargs.get("db", 0) or 0)
        if db and db != _lab_db(client):
            findings.append(
                Finding(
                    "key-no-numbered-db",
                    expected="a client on database 0",
                    got=f"a client configured with db={db}",
                    hint="Drop `db=` (or `/n` in the URL) and namespace the keys instead.",
                )
            )
    return findings


def _lab_db(client: redis.Redis) -> int:
    """The database the lab itself is configured on (``REDIS_URL=.../3``): a client there made no choice."""
    spy = getattr(client.connection_pool.connection_class, "kata_spy", None)
    backend = spy.backend if spy is not None else lesson_backend()
    return backend.db if backend.is_real else 0


def _written_values(cmd: Command) -> list[tuple[str, int]]:
    args = cmd.args
    if cmd.name in ("SET", "SETNX", "GETSET", "APPEND"):
        return [(cmd.key, _size(args[1]))] if len(args) > 1 else []
    if cmd.name in ("SETEX", "PSETEX"):
        return [(cmd.key, _size(args[2]))] if len(args) > 2 else []
    if cmd.name in ("HSET", "HMSET"):
        return [(f"{cmd.key} field {args[i]}", _size(args[i + 1])) for i in range(1, len(args) - 1, 2)]
    if cmd.name == "MSET":
        return [(str(args[i]), _size(args[i + 1])) for i in range(0, len(args) - 1, 2)]
    return []


def _size(value: object) -> int:
    if isinstance(value, bytes):
        return len(value)
    return len(str(value).encode("utf-8"))


def values_under_limit(commands: Iterable[Command], limit: int = ONE_MB) -> list[Finding]:
    """``key-size-limit``: no single value written is over ``limit`` bytes (1 MB by default)."""
    findings = []
    for cmd in commands:
        for where, size in _written_values(cmd):
            if size > limit:
                findings.append(
                    Finding(
                        "key-size-limit",
                        expected=f"values of at most {limit:,} bytes",
                        got=f"{size:,} bytes written to `{where}` by {cmd.name}",
                        hint="Split the object: one hash field per attribute, or numbered chunks under one namespace.",
                    )
                )
    return findings
