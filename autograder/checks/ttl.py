"""``ttl-always``: every cache write carries its TTL, set atomically with the value.

Two views that back each other: the command log (was the TTL given in the write itself, or in the same
MULTI/EXEC right after it?) and keyspace truth (does every key the code wrote or touched end with a TTL?). The
log cannot see inside a Lua script and cannot tell whether ``KEEPTTL`` kept a TTL or kept none; the keyspace
can, so an exercise that involves TTLs runs both.
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from ..labkit.spy import Command
from .findings import Finding
from .log import COLLECTION_WRITES, EXPIRES, STRING_WRITES, TTL_SET_OPTIONS

_HINT = "Pass the TTL to the write itself: `r.set(key, value, ex=ttl_seconds)`."
_KEEPS_TTL = {"APPEND", "SETRANGE"}  # modify a string in place: its TTL (or lack of one) stays


def _set_has_ttl(cmd: Command) -> bool:
    """SETEX/PSETEX, or SET with EX/PX/EXAT/PXAT; KEEPTTL keeps whatever TTL there was (judged on the keyspace)."""
    if cmd.name in ("SETEX", "PSETEX"):
        return True
    return any(a.upper() in TTL_SET_OPTIONS for a in cmd.arg_text()[2:])


def _expired_in_same_transaction(commands: list[Command], i: int) -> bool:
    """Whether the write at ``i`` is followed by an EXPIRE of its key inside the same MULTI/EXEC round trip."""
    cmd = commands[i]
    if cmd.via != "transaction":
        return False
    return any(
        c.name in EXPIRES and c.key == cmd.key and c.via == "transaction" and c.batch == cmd.batch
        for c in commands[i + 1 :]
    )


def writes_have_ttl(commands: Iterable[Command]) -> list[Finding]:
    """``ttl-always`` in the command log: every write carries a TTL, atomically, and nothing strips one."""
    commands = list(commands)
    findings = []
    for i, cmd in enumerate(commands):
        keeps_ttl = cmd.name == "SET" and "KEEPTTL" in [a.upper() for a in cmd.arg_text()[2:]]
        later_expire = any(c.name in EXPIRES and c.key == cmd.key for c in commands[i + 1 :])
        if keeps_ttl and not (later_expire and not _expired_in_same_transaction(commands, i)):
            continue  # KEEPTTL keeps the TTL the key had (or none): the keyspace tells which
        if cmd.name in STRING_WRITES and cmd.name not in _KEEPS_TTL and (keeps_ttl or not _set_has_ttl(cmd)):
            if _expired_in_same_transaction(commands, i):
                continue
            findings.append(
                Finding(
                    "ttl-always",
                    expected=f"`{cmd.key}` written with its TTL in the same command: `SET key value EX seconds`",
                    got=f"`{cmd}`"
                    + (
                        " followed by a separate EXPIRE (not atomic: a crash in between leaves a key that never "
                        "expires; only a MULTI/EXEC around both, EXPIRE after the write, is atomic)"
                        if later_expire
                        else " with no TTL at all"
                    ),
                    hint=_HINT,
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
        elif cmd.name in COLLECTION_WRITES and not _expired_in_same_transaction(commands, i):
            how = {"pipeline": "in a plain pipeline (not a transaction: not atomic)",
                   "transaction": "in a MULTI/EXEC"}.get(cmd.via, "on its own")  # fmt: skip
            findings.append(
                Finding(
                    "ttl-always",
                    expected=f"`{cmd.key}` given its TTL in the same MULTI/EXEC, right after the write",
                    got=f"`{cmd}` {how}, with no EXPIRE after it in "
                    + ("that transaction" if cmd.via == "transaction" else "a MULTI/EXEC"),
                    hint="Write the fields, then `expire(key, ttl)`, in one `r.pipeline(transaction=True)`.",
                )
            )
        elif cmd.name == "PERSIST" or (cmd.name == "GETEX" and "PERSIST" in [a.upper() for a in cmd.arg_text()]):
            findings.append(
                Finding(
                    "ttl-always",
                    expected=f"`{cmd.key}` keeps its TTL",
                    got=f"`{cmd}` removed it: the key now lives until memory runs out",
                    hint="Never PERSIST a cache key; to refresh it, give it a new TTL (`GETEX key EX seconds`).",
                )
            )
    return findings


def keys_left_without_ttl(client: redis.Redis, keys: Iterable[str], what: str = "your code") -> list[Finding]:
    """``ttl-always`` on the keyspace: the given keys (those the code wrote or touched) that exist with TTL -1."""
    keys = sorted(set(keys))
    if not keys:
        return []
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.ttl(key)
    immortal = [k for k, ttl in zip(keys, pipe.execute(), strict=True) if ttl == -1]
    if not immortal:
        return []
    shown = ", ".join(f"`{k}`" for k in immortal[:5]) + (f" and {len(immortal) - 5} more" if len(immortal) > 5 else "")
    return [
        Finding(
            "ttl-always",
            expected=f"every key {what} wrote to expire",
            got=f"{len(immortal)} key(s) left with no TTL (TTL -1): {shown}",
            hint="A TTL of -1 means the key lives until memory runs out. Give every write its TTL (`ex=`).",
        )
    ]


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


def ttl_close(
    client: redis.Redis, key: str, seconds: float, *, slack: float = 2.0, standard_id: str = "ttl-always"
) -> list[Finding]:
    """The key's TTL is the one the task asked for: between ``seconds - slack`` and ``seconds`` (value and unit).

    Read in milliseconds, so ``px=3600`` (3.6 s) is told apart from ``ex=3600`` (one hour).
    """
    pttl = client.pttl(key)
    left = pttl / 1000 if pttl >= 0 else pttl
    if pttl >= 0 and seconds - slack <= left <= seconds:
        return []
    if pttl == -2:
        got = f"`{key}` is not there (TTL -2)"
    elif pttl == -1:
        got = f"`{key}` has no TTL (TTL -1)"
    else:
        shown = f"{left:,.0f}" if left >= 10 else f"{left:,.3f}"  # whole seconds: a millisecond passes while read
        got = f"`{key}` expires in {shown} s"
        if left < seconds / 100:
            got += " (a TTL in milliseconds where seconds were meant? `px=` is milliseconds, `ex=` seconds)"
    return [
        Finding(
            standard_id,
            expected=f"`{key}` with a TTL of {seconds:g} s",
            got=got,
            hint="Use the TTL the task gives, in seconds: `ex=seconds` (or `px=` in milliseconds).",
        )
    ]
