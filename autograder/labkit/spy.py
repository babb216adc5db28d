"""A command spy: records every command a client sends, on fakeredis and on a real server.

It works at the connection layer, so it sees plain commands, pipelines, transactions, scripts and raw
``execute_command`` alike. The connection handshake (``HELLO``, ``AUTH``, ``CLIENT SETINFO``...) is left out,
and passwords never reach the log.
"""

from __future__ import annotations

import threading
import time
from collections import deque
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
# Commands that run Lua on the server: the log shows the call, not the commands the script runs inside it.
SCRIPT_COMMANDS = frozenset({"EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO", "FCALL", "FCALL_RO"})


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
    batch: int = field(default=0, compare=False, repr=False)  # pipelines and transactions: one number per round trip
    # The server's reply once read (``reply[0]``; empty until then): what a command cost and returned.
    reply: list = field(default_factory=list, compare=False, repr=False)

    @property
    def answered(self) -> bool:
        return bool(self.reply)

    @property
    def reply_size(self) -> int:
        """Bytes of data in the reply (strings counted by length, containers summed): what travelled back."""
        return _size(self.reply[0]) if self.reply else 0

    @classmethod
    def from_parts(cls, parts: Iterable[Any], via: str = "command", batch: int = 0) -> Command:
        parts = list(parts)
        name = _text(parts[0]).upper()
        args = parts[1:]
        if name in _CONTAINER_COMMANDS and args:
            name = f"{name} {_text(args[0]).upper()}"
            args = args[1:]
        return cls(name, tuple(_redact(name, args)), via, batch=batch)

    @property
    def key(self) -> str | None:
        """The first argument as text: the key, for the single-key commands caching code sends."""
        return _text(self.args[0]) if self.args else None

    def arg_text(self) -> list[str]:
        return [_text(a) for a in self.args]

    def __str__(self) -> str:
        shown = " ".join(_shorten(_text(a)) for a in self.args)
        return f"{self.name} {shown}".strip()


def _size(value: Any) -> int:
    if isinstance(value, bytes | str):
        return len(value.encode() if isinstance(value, str) else value)
    if isinstance(value, dict):
        return sum(_size(k) + _size(v) for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return sum(_size(v) for v in value)
    return 8 if isinstance(value, int | float) else 0


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
        self._batches = 0
        self.connections_opened = 0
        # Called (then dropped) just before the next script call is sent: lets a grader look at the keyspace
        # first, since the log will not show what the script does.
        self.before_next_script: list = []
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

    def _about_to_send(self, names: Iterable[str]) -> None:
        if self.before_next_script and SCRIPT_COMMANDS.intersection(names):
            hooks, self.before_next_script = self.before_next_script, []
            for hook in hooks:
                hook()

    def _next_batch(self) -> int:
        with self._lock:
            self._batches += 1
            return self._batches

    def _is_configured_db(self, command: Command) -> bool:
        return command.name == "SELECT" and self.backend.is_real and command.arg_text() == [str(self.backend.db)]

    def _opened_connection(self) -> None:
        with self._lock:
            self.connections_opened += 1

    def _spying_connection_class(self) -> type[redis.Connection]:
        spy = self
        base = self.backend.connection_class

        class SpiedConnection(base):  # type: ignore[misc, valid-type]
            _in_handshake = False
            _awaiting: deque | None = None  # commands sent on this connection whose replies are still to be read

            def _expect_replies(self, commands: Iterable[Command | None]) -> None:
                if self._awaiting is None:
                    self._awaiting = deque()
                self._awaiting.extend(commands)

            def read_response(self, *args: Any, **kwargs: Any) -> Any:
                try:
                    response = super().read_response(*args, **kwargs)
                except redis.ResponseError as error:  # an error reply (NOSCRIPT, WRONGTYPE...) answers its command
                    self._answer(error)
                    raise
                self._answer(response)
                return response

            def _answer(self, response: Any) -> None:
                if self._awaiting and not self._in_handshake:  # the handshake's own replies are not ours
                    command = self._awaiting.popleft()
                    if command is not None:
                        command.reply[:] = [response]
                        if command.name == "EXEC" and isinstance(response, list):
                            _spread_exec_replies(spy, command, response)

            def disconnect(self, *args: Any, **kwargs: Any) -> None:
                if self._awaiting:
                    self._awaiting.clear()
                super().disconnect(*args, **kwargs)

            def on_connect_check_health(self, *args: Any, **kwargs: Any) -> None:
                spy._opened_connection()
                self._in_handshake = True
                try:
                    super().on_connect_check_health(*args, **kwargs)
                finally:
                    self._in_handshake = False

            def send_command(self, *args: Any, **kwargs: Any) -> None:
                command = Command.from_parts(args, "handshake" if self._in_handshake else "command")
                spy._about_to_send([command.name])
                # Inside the handshake only the protocol chatter is dropped: a SELECT there still counts, unless
                # it selects the database REDIS_URL names (the lab's setup, not the learner's choice).
                recorded = not (self._in_handshake and (command.name in _HANDSHAKE or spy._is_configured_db(command)))
                if recorded:
                    spy._record([command])
                super().send_command(*args, **kwargs)
                if not self._in_handshake:
                    self._expect_replies([command if recorded else None])

            def pack_commands(self, commands: Iterable[Any]) -> Any:
                commands = list(commands)
                names = {_text(c[0]).upper() for c in commands if c}
                via = "transaction" if "MULTI" in names else "pipeline"
                spy._about_to_send(names)
                batch = spy._next_batch()
                logged = [Command.from_parts(c, via, batch) for c in commands if c]
                spy._record(logged)
                packed = super().pack_commands(commands)
                self._expect_replies(logged)
                return packed

        SpiedConnection.kata_spy = spy  # how the harness finds the spy behind a client it is handed
        SpiedConnection.__name__ = SpiedConnection.__qualname__ = f"Spied{base.__name__}"
        return SpiedConnection


def _spread_exec_replies(spy: CommandSpy, exec_command: Command, results: list) -> None:
    """A transaction's commands are answered QUEUED; EXEC's reply holds their real results, in order."""
    queued = [c for c in spy.commands if c.batch == exec_command.batch and c.name not in ("MULTI", "EXEC")]
    for command, result in zip(queued, results, strict=False):
        command.reply[:] = [result]
