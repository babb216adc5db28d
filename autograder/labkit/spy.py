"""A command spy: records every command a client sends, on fakeredis and on a real server.

It works at the connection layer, so it sees plain commands, pipelines, transactions, scripts and raw
``execute_command`` alike. The connection handshake (``HELLO``, ``AUTH``, ``CLIENT SETINFO``...) is left out,
and passwords never reach the log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import redis

from .backend import Backend, lesson_backend

# Commands whose name is two words: ("CLIENT", "ID") is logged as "CLIENT ID".
_CONTAINER_COMMANDS = frozenset(
    {
        "ACL",
        "CLIENT",
        "CLUSTER",
        "COMMAND",
        "CONFIG",
        "FUNCTION",
        "MEMORY",
        "MODULE",
        "OBJECT",
        "SCRIPT",
        "SLOWLOG",
        "XGROUP",
        "XINFO",
        "LATENCY",
        "PUBSUB",
    }
)
# Protocol chatter a connection sends while it opens; dropped from the log only during the handshake.
_HANDSHAKE = frozenset({"HELLO", "AUTH", "CLIENT SETINFO", "CLIENT SETNAME", "CLIENT MAINT_NOTIFICATIONS", "PING"})
REDACTED = "***"


def _text(part: Any) -> str:
    if isinstance(part, bytes):
        return part.decode("utf-8", errors="replace")
    return str(part)


@dataclass(frozen=True)
class Command:
    """One command as the server received it.

    ``via`` is "command", "pipeline", "transaction", or "handshake" (sent while a connection opened, e.g. the
    SELECT of a client made with ``db=2``). ``at`` is ``time.perf_counter_ns()`` when it was sent (not part of
    equality): the lesson database stamps its queries with the same clock, so the two logs interleave.
    """

    name: str
    args: tuple[Any, ...]
    via: str = "command"
    at: int = field(default_factory=time.perf_counter_ns, compare=False, repr=False)

    @classmethod
    def from_parts(cls, parts: Iterable[Any], via: str = "command") -> Command:
        parts = list(parts)
        name = _text(parts[0]).upper()
        args = parts[1:]
        if name in _CONTAINER_COMMANDS and args:
            name = f"{name} {_text(args[0]).upper()}"
            args = args[1:]
        return cls(name, tuple(_redact(name, args)), via)

    @property
    def key(self) -> str | None:
        """The first argument as text: the key, for the single-key commands caching code sends."""
        return _text(self.args[0]) if self.args else None

    def arg_text(self) -> list[str]:
        return [_text(a) for a in self.args]

    def __str__(self) -> str:
        shown = " ".join(_shorten(_text(a)) for a in self.args)
        return f"{self.name} {shown}".strip()


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…({len(text)} chars)"


def _redact(name: str, args: Iterable[Any]) -> list[Any]:
    args = list(args)
    if name == "AUTH":
        return [REDACTED] * len(args)
    if name == "HELLO":
        for i, arg in enumerate(args):
            if _text(arg).upper() == "AUTH" and i + 2 < len(args):
                args[i + 2] = REDACTED
        return args
    if name in ("CONFIG SET", "ACL SETUSER"):
        return [
            REDACTED if _text(a).startswith(">") or _looks_like_password_value(args, i) else a
            for i, a in enumerate(args)
        ]
    return args


def _looks_like_password_value(args: list[Any], i: int) -> bool:
    return i > 0 and _text(args[i - 1]).lower() in ("requirepass", "masterauth")


class CommandSpy:
    """Records the commands sent by clients it makes, and the connections they open.

    >>> spy = CommandSpy()
    >>> r = spy.client()
    >>> r.set("user:1:name", "Ada", ex=60)
    True
    >>> [str(c) for c in spy.commands]
    ['SET user:1:name Ada EX 60']
    """

    def __init__(self, backend: Backend | None = None):
        self.backend = backend or lesson_backend()
        self._lock = threading.Lock()
        self._commands: list[Command] = []
        self.connections_opened = 0
        self.connection_class = self._spying_connection_class()

    # -- making clients -------------------------------------------------------------------------------
    def pool(self, pool_class: type[redis.ConnectionPool] = redis.ConnectionPool, **overrides: Any):
        """A new pool on the backend whose connections report to this spy."""
        return self.backend.pool(connection_class=self.connection_class, pool_class=pool_class, **overrides)

    def client(self, **overrides: Any) -> redis.Redis:
        """A new client (with a pool of its own) whose commands this spy records."""
        return redis.Redis(connection_pool=self.pool(**overrides))

    # -- reading the log ------------------------------------------------------------------------------
    @property
    def commands(self) -> list[Command]:
        with self._lock:
            return list(self._commands)

    def names(self) -> list[str]:
        return [c.name for c in self.commands]

    def named(self, *names: str) -> list[Command]:
        wanted = {n.upper() for n in names}
        return [c for c in self.commands if c.name in wanted]

    def clear(self) -> None:
        with self._lock:
            self._commands.clear()
            self.connections_opened = 0

    def __iter__(self) -> Iterator[Command]:
        return iter(self.commands)

    def __len__(self) -> int:
        return len(self.commands)

    # -- recording ------------------------------------------------------------------------------------
    def _record(self, commands: Iterable[Command]) -> None:
        with self._lock:
            self._commands.extend(commands)

    def _opened_connection(self) -> None:
        with self._lock:
            self.connections_opened += 1

    def _spying_connection_class(self) -> type[redis.Connection]:
        spy = self
        base = self.backend.connection_class

        class SpiedConnection(base):  # type: ignore[misc, valid-type]
            _in_handshake = False

            def on_connect_check_health(self, *args: Any, **kwargs: Any) -> None:
                spy._opened_connection()
                self._in_handshake = True
                try:
                    super().on_connect_check_health(*args, **kwargs)
                finally:
                    self._in_handshake = False

            def send_command(self, *args: Any, **kwargs: Any) -> None:
                command = Command.from_parts(args, "handshake" if self._in_handshake else "command")
                # Inside the handshake only the protocol chatter is dropped: a SELECT there still counts.
                if not (self._in_handshake and command.name in _HANDSHAKE):
                    spy._record([command])
                super().send_command(*args, **kwargs)

            def pack_commands(self, commands: Iterable[Any]) -> Any:
                commands = list(commands)
                names = {_text(c[0]).upper() for c in commands if c}
                via = "transaction" if "MULTI" in names else "pipeline"
                spy._record([Command.from_parts(c, via) for c in commands if c])
                return super().pack_commands(commands)

        SpiedConnection.__name__ = SpiedConnection.__qualname__ = f"Spied{base.__name__}"
        return SpiedConnection
