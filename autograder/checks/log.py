"""Reading a command log: which commands write which keys (the vocabulary every check shares)."""

from __future__ import annotations

from collections.abc import Iterable

from ..labkit.spy import SCRIPT_COMMANDS, Command

# Commands that store a value, with the positions of their value arguments (after the key).
STRING_WRITES = {"SET", "SETEX", "PSETEX", "SETNX", "GETSET", "APPEND", "SETRANGE"}
COLLECTION_WRITES = {"HSET", "HSETNX", "HMSET", "RPUSH", "LPUSH", "SADD", "ZADD", "XADD"}
TTL_SET_OPTIONS = {"EX", "PX", "EXAT", "PXAT", "KEEPTTL"}
EXPIRES = {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"}


def written_keys(commands: Iterable[Command]) -> list[str]:
    """Keys that write commands in the log stored values under, in order, without repeats."""
    keys: dict[str, None] = {}
    for cmd in commands:
        if cmd.name in STRING_WRITES | COLLECTION_WRITES and cmd.key is not None:
            keys[cmd.key] = None
        elif cmd.name == "MSET":
            for key in cmd.arg_text()[::2]:
                keys[key] = None
    return list(keys)


SCRIPT_CALLS = SCRIPT_COMMANDS
_TOUCHES = EXPIRES | {"PERSIST", "GETEX", "EXPIRETIME", "RESTORE", "COPY", "RENAME", "RENAMENX", "INCR", "INCRBY",
                      "DECR", "DECRBY", "INCRBYFLOAT", "LPUSHX", "RPUSHX", "HINCRBY", "HINCRBYFLOAT", "ZINCRBY",
                      "SMOVE", "LMOVE", "GETDEL"}  # fmt: skip


def script_keys(cmd: Command) -> list[str]:
    """The KEYS a script call declares (``EVAL script numkeys key...``): all a log can say of what it touched."""
    args = cmd.arg_text()
    try:
        numkeys = int(args[1])
    except (IndexError, ValueError):
        return []
    return args[2 : 2 + numkeys]


def touched_keys(commands: Iterable[Command], *, script_keys_too: bool = True) -> list[str]:
    """Keys the commands wrote, or whose value or TTL they changed (script calls: the keys they declare, which a
    script may only read; ``script_keys_too=False`` leaves them to a keyspace comparison)."""
    keys: dict[str, None] = dict.fromkeys(written_keys(commands))
    for cmd in commands:
        if cmd.name in _TOUCHES and cmd.key is not None:
            keys[cmd.key] = None
            if cmd.name in ("RENAME", "RENAMENX", "COPY", "SMOVE", "LMOVE") and len(cmd.args) > 1:
                keys[cmd.arg_text()[1]] = None
        elif cmd.name in SCRIPT_CALLS and script_keys_too:
            keys.update(dict.fromkeys(script_keys(cmd)))
    return list(keys)


def script_bodies(commands: Iterable[Command]) -> list[str]:
    """The Lua a log shows being run or loaded (EVAL's script, SCRIPT LOAD, FUNCTION LOAD)."""
    bodies = []
    for cmd in commands:
        if cmd.name in ("EVAL", "EVAL_RO", "SCRIPT LOAD", "FUNCTION LOAD") and cmd.args:
            bodies.append(cmd.arg_text()[-1] if cmd.name == "FUNCTION LOAD" else cmd.arg_text()[0])
    return bodies
