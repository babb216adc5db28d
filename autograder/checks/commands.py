"""``cmd-scan-not-keys``: what the command log shows about walking the keyspace."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from ..labkit.spy import Command
from .findings import Finding
from .log import script_bodies

_WALK_IN_LUA = re.compile(r"""redis\s*\.\s*p?call\s*\(\s*['"](keys|scan)['"]""", re.IGNORECASE)


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


def no_keyspace_walk_in_scripts(commands: Iterable[Command]) -> list[Finding]:
    """``cmd-scan-not-keys`` inside Lua: a script that calls KEYS (or loops SCAN) blocks the server for the whole
    walk, like KEYS itself, and the command log shows only the EVAL."""
    walks = sorted({m.group(1).upper() for body in script_bodies(commands) for m in _WALK_IN_LUA.finditer(body)})
    if not walks:
        return []
    return [
        Finding(
            "cmd-scan-not-keys",
            expected="keyspace walks a page at a time from the client (`scan_iter`), never inside one script",
            got=f"a Lua script calls {' and '.join(walks)}: the server runs the whole walk as one blocking call",
            hint="A script runs atomically: nothing else runs until it returns. Walk with SCAN from Python.",
        )
    ]


MAX_SCAN_COUNT = 1000  # keys one SCAN call may examine: above it, one call blocks like a small KEYS


def _option(cmd: Command, name: str) -> str | None:
    args = [a.upper() for a in cmd.arg_text()]
    return cmd.arg_text()[args.index(name) + 1] if name in args[1:-1] else None


def scan_walk(
    commands: Iterable[Command], *, match: str | None = None, max_count: int = MAX_SCAN_COUNT, whole: bool = True
) -> list[Finding]:
    """``cmd-scan-not-keys`` judged on the SCAN calls themselves (their replies recorded by the spy).

    - at least one SCAN, each examining at most ``max_count`` keys (COUNT; 10 when not given);
    - ``match``: every call filters on the server with that MATCH pattern, not in Python;
    - ``whole``: the cursor is followed from 0 until the server answers 0 (every page read, none skipped).
    """
    scans = [c for c in commands if c.name == "SCAN"]
    if not scans:
        return [Finding("cmd-scan-not-keys", "the keyspace walked with SCAN, a page at a time",
                        "no SCAN sent", "Loop with `for key in r.scan_iter(match=pattern, count=500):`.")]  # fmt: skip
    findings = []
    counts = [int(_option(c, "COUNT") or 10) for c in scans]
    if max(counts) > max_count:
        findings.append(
            Finding(
                "cmd-scan-not-keys",
                expected=f"pages of at most {max_count:,} keys (`count=`): each SCAN call stays short",
                got=f"`{scans[counts.index(max(counts))]}`: one call examines up to {max(counts):,} keys",
                hint="A huge COUNT turns SCAN back into one long blocking call. Keep COUNT in the hundreds.",
            )
        )
    if match is not None:
        unfiltered = [c for c in scans if _option(c, "MATCH") != match]
        if unfiltered:
            findings.append(
                Finding(
                    "cmd-scan-not-keys",
                    expected=f"the server filters the keys: `MATCH {match}` on every SCAN call",
                    got=f"`{unfiltered[0]}`"
                    + (
                        ""
                        if _option(unfiltered[0], "MATCH")
                        else ": every key sent back to Python to be filtered there"
                    ),  # fmt: skip
                    hint=f"`r.scan_iter(match={match!r}, count=500)`.",
                )
            )
    if whole:
        replies = [c.reply[0] for c in scans if c.answered and isinstance(c.reply[0], list | tuple)]
        cursors = [str(r[0]) for r in replies]
        if replies and "0" not in cursors:
            findings.append(
                Finding(
                    "cmd-scan-not-keys",
                    expected="the cursor followed until SCAN answers 0: every page read",
                    got=f"{len(scans)} SCAN call(s), the last answering cursor {cursors[-1]}: the walk stopped early",
                    hint="Pass each reply's cursor to the next SCAN until it comes back as 0 (`scan_iter` does).",
                )
            )
    return findings


_DELETES = {"DEL", "UNLINK", "GETDEL", "FLUSHDB", "FLUSHALL"}


def removed_by(cmd: Command) -> int:
    """How many keys one command removes (outright or by a TTL already due), as far as its arguments say."""
    if cmd.name in ("DEL", "UNLINK"):
        return len(cmd.args)
    if cmd.name == "GETDEL":
        return 1
    if cmd.name in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT") and len(cmd.args) > 1:
        try:
            value = float(cmd.arg_text()[1])
        except ValueError:
            return 0
        if cmd.name in ("EXPIRE", "PEXPIRE"):
            return 1 if value <= 0 else 0
        # An absolute time (Unix seconds, or milliseconds for PEXPIREAT) already past deletes the key at once.
        seconds = value / 1000 if cmd.name == "PEXPIREAT" else value
        return 1 if seconds <= time.time() else 0
    return 0


def deleting_commands(commands: Iterable[Command]) -> list[Command]:
    """Every command that removes keys: DEL, UNLINK, GETDEL, FLUSHDB/FLUSHALL, an EXPIRE already due."""
    return [c for c in commands if c.name in _DELETES or removed_by(c)]
