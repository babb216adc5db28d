"""Cluster readiness in a command log: what would fail on Redis Cluster (issue 17).

A cluster hashes each key to one of 16,384 slots (only the part inside ``{...}`` when the key has a hash tag).
A command, a script call or a ``MULTI``/``EXEC`` transaction whose keys fall in different slots fails there with
``CROSSSLOT``, and ``SELECT`` of any database but 0 fails on every node. These checks read any command log,
fakeredis's too, so code is held to the cluster's rules before it meets one.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis.crc import key_slot

from ..labkit.spy import Command
from .findings import Finding
from .log import SCRIPT_CALLS, script_keys

EVERY_ARG = {"MGET", "DEL", "UNLINK", "EXISTS", "TOUCH", "WATCH", "SUNION", "SINTER", "SDIFF", "SUNIONSTORE",
             "SINTERSTORE", "SDIFFSTORE", "PFCOUNT", "PFMERGE"}  # fmt: skip
EVERY_OTHER_ARG = {"MSET", "MSETNX"}  # key value key value ...
FIRST_TWO = {"RENAME", "RENAMENX", "COPY", "SMOVE", "LMOVE", "BLMOVE", "RPOPLPUSH", "BRPOPLPUSH"}
HASH_TAG_HINT = (
    "Wrap the part the keys share in braces, so that only it is hashed: `cart:{42}:items` and `cart:{42}:total` "
    "land in one slot. Tag per user or object, never a constant (that puts every key on one node)."
)


def slot(key: str) -> int:
    """The cluster slot of ``key`` (CRC16 of the key, or of its ``{hash tag}``), as every cluster client computes."""
    return key_slot(key.encode())


def command_keys(cmd: Command) -> list[str]:
    """The keys one command names: every key of a multi-key command, a script's declared KEYS, else its key."""
    args = cmd.arg_text()
    if cmd.name in EVERY_ARG:
        return args
    if cmd.name in EVERY_OTHER_ARG:
        return args[::2]
    if cmd.name in FIRST_TWO:
        return args[:2]
    if cmd.name in SCRIPT_CALLS:
        return script_keys(cmd)
    return [cmd.key] if cmd.key is not None else []


def _spread(keys: list[str]) -> list[int]:
    return sorted({slot(k) for k in keys})


def cluster_ready(commands: Iterable[Command]) -> list[Finding]:
    """``key-namespace`` (hash tags) for commands and transactions whose keys span slots; ``key-no-numbered-db``
    for a SELECT of another database. One finding per command or transaction that would fail on a cluster."""
    commands = list(commands)
    findings = []
    for cmd in commands:
        if cmd.name == "SELECT" and cmd.arg_text()[:1] != ["0"]:
            findings.append(Finding(
                "key-no-numbered-db", expected="database 0 only: a cluster has no other",
                got=f"`{cmd}`: every cluster node refuses it (SELECT is not allowed in cluster mode)",
                hint="Namespace the keys (`tenant:3:report`) instead of switching databases.",
            ))  # fmt: skip
        elif cmd.via != "transaction" and len(slots := _spread(command_keys(cmd))) > 1:
            findings.append(Finding(
                "key-namespace", expected="the keys one command uses, in one cluster slot",
                got=f"`{cmd}` names keys in slots {', '.join(map(str, slots[:4]))}: CROSSSLOT on a cluster",
                hint=HASH_TAG_HINT,
            ))  # fmt: skip
    transactions: dict[int, list[Command]] = {}
    for cmd in commands:
        if cmd.via == "transaction" and cmd.name not in ("MULTI", "EXEC", "DISCARD"):
            transactions.setdefault(cmd.batch, []).append(cmd)
    for batch in transactions.values():
        slots = _spread([key for cmd in batch for key in command_keys(cmd)])
        if len(slots) > 1:
            names = " · ".join(str(cmd) for cmd in batch[:3]) + (" …" if len(batch) > 3 else "")
            findings.append(Finding(
                "key-namespace", expected="every key of a MULTI/EXEC transaction in one cluster slot",
                got=f"a transaction over slots {', '.join(map(str, slots[:4]))} ({names}): CROSSSLOT on a cluster",
                hint=HASH_TAG_HINT,
            ))  # fmt: skip
    return findings
