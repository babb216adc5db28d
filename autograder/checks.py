"""Behaviour checks: read a command log (from the spy) or a live keyspace and return findings.

Each check cites the standard it enforces by id and returns an empty list when the code kept it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import redis

from .findings import Finding, Severity
from .labkit.spy import Command

ONE_MB = 1024 * 1024
LONG_KEY = 128  # characters; longer keys cost memory on every lookup and are hard to read in an incident

# Commands that store a value, with the positions of their value arguments (after the key).
_STRING_WRITES = {"SET", "SETEX", "PSETEX", "SETNX", "GETSET", "APPEND", "SETRANGE"}
_COLLECTION_WRITES = {"HSET", "HSETNX", "HMSET", "RPUSH", "LPUSH", "SADD", "ZADD", "XADD"}
_TTL_SET_OPTIONS = {"EX", "PX", "EXAT", "PXAT", "KEEPTTL"}
_EXPIRES = {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}
_NAMESPACED = re.compile(r"^[^:\s]+(:[^:\s]+)+$")


def written_keys(commands: Iterable[Command]) -> list[str]:
    """Keys that write commands in the log stored values under, in order, without repeats."""
    keys: dict[str, None] = {}
    for cmd in commands:
        if cmd.name in _STRING_WRITES | _COLLECTION_WRITES and cmd.key is not None:
            keys[cmd.key] = None
        elif cmd.name == "MSET":
            for key in cmd.arg_text()[::2]:
                keys[key] = None
    return list(keys)


def no_keys_command(commands: Iterable[Command]) -> list[Finding]:
    """``cmd-scan-not-keys``: the log holds no KEYS, whichever route sent it."""
    sent = [c for c in commands if c.name == "KEYS"]
    if not sent:
        return []
    routes = sorted({c.via for c in sent})
    return [
        Finding(
            "cmd-scan-not-keys",
            expected="keys found with SCAN (`r.scan_iter(match=...)`), a page at a time",
            got=f"{len(sent)} KEYS command(s) sent (via {', '.join(routes)}): `{sent[0]}`",
            hint="KEYS walks the whole keyspace in one blocking call. "
            "Loop with `for key in r.scan_iter(match=pattern):`.",
        )
    ]


def _set_has_ttl(cmd: Command) -> bool:
    if cmd.name in ("SETEX", "PSETEX"):
        return True
    return any(a.upper() in _TTL_SET_OPTIONS for a in cmd.arg_text()[2:])


def writes_have_ttl(commands: Iterable[Command]) -> list[Finding]:
    """``ttl-always``: every cache write carries a TTL, set atomically with the value."""
    commands = list(commands)
    findings = []
    for i, cmd in enumerate(commands):
        if cmd.name in _STRING_WRITES and cmd.name not in ("APPEND", "SETRANGE") and not _set_has_ttl(cmd):
            later_expire = any(c.name in _EXPIRES and c.key == cmd.key for c in commands[i + 1 :])
            same_batch = later_expire and cmd.via == "transaction"
            if same_batch:
                continue
            findings.append(
                Finding(
                    "ttl-always",
                    expected=f"`{cmd.key}` written with its TTL in the same command: `SET key value EX seconds`",
                    got=f"`{cmd}`"
                    + (
                        " followed later by a separate EXPIRE (not atomic: a crash in between "
                        "leaves a key that never expires)"
                        if later_expire
                        else " with no TTL at all"
                    ),
                    hint="Pass the TTL to the write itself: `r.set(key, value, ex=ttl_seconds)`.",
                )
            )
        elif cmd.name == "MSET":
            findings.append(
                Finding(
                    "ttl-always",
                    expected="each key written with a TTL",
                    got=f"`{cmd}`: MSET cannot set a TTL",
                    hint="Use a pipeline of `set(key, value, ex=ttl)` calls instead of MSET.",
                )
            )
        elif cmd.name in _COLLECTION_WRITES:
            expired = any(c.name in _EXPIRES and c.key == cmd.key and c.via == cmd.via != "command" for c in commands)
            if not expired:
                findings.append(
                    Finding(
                        "ttl-always",
                        expected=f"`{cmd.key}` given a TTL in the same transaction as the write",
                        got=f"`{cmd}` with no EXPIRE beside it in a MULTI/EXEC",
                        hint="Write the fields and `expire(key, ttl)` in one `r.pipeline(transaction=True)`.",
                    )
                )
    return findings


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
            object_type = key.split(":", 1)[0]
            if len(object_type) < 3 or not object_type.replace("-", "").replace("_", "").isalpha():
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
        if db:
            findings.append(
                Finding(
                    "key-no-numbered-db",
                    expected="a client on database 0",
                    got=f"a client configured with db={db}",
                    hint="Drop `db=` (or `/n` in the URL) and namespace the keys instead.",
                )
            )
    return findings


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


def keys_without_ttl(client: redis.Redis, match: str = "*") -> list[Finding]:
    """``ttl-always`` on the keyspace: SCAN for keys whose TTL is -1 (they never expire)."""
    immortal = [k for k in client.scan_iter(match=match, count=500) if client.ttl(k) == -1]
    if not immortal:
        return []
    shown = ", ".join(f"`{k}`" for k in sorted(immortal)[:5])
    return [
        Finding(
            "ttl-always",
            expected=f"every key matching `{match}` to expire",
            got=f"{len(immortal)} key(s) with no TTL: {shown}",
            hint="A TTL of -1 means the key lives until memory runs out. Write with `ex=`.",
        )
    ]


def command_log_findings(commands: Iterable[Command]) -> list[Finding]:
    """Every log-based check at once: what a cache's command log should never show."""
    commands = list(commands)
    keys = written_keys(commands)
    return (
        no_keys_command(commands)
        + writes_have_ttl(commands)
        + keys_namespaced(keys)
        + keys_readable(keys)
        + no_numbered_db(commands)
        + values_under_limit(commands)
    )
