"""A fault-injection kit: make a cache misbehave on purpose, on fakeredis and on a real server alike.

    >>> inj = FaultInjector()
    >>> r = inj.client()
    >>> with inj.outage():
    ...     r.get("user:1")          # raises redis.ConnectionError
    >>> r.get("user:1")              # recovered

Faults live in a connection subclass (``send_command`` / ``pack_commands`` / ``read_response`` and the
socket connect consult the injector), so they behave the same on both backends and every route a command
can take (plain commands, pipelines, transactions, scripts) meets them. Clients the injector makes fail at
once (``retry=no_retry()``) unless you pass a ``retry=`` of your own; redis-py's ``Retry`` then really
retries the injected errors, exactly as it would on a network fault.

Which commands a fault reaches:

- ``outage()``, ``timeouts()``, ``auth_failure()``: everything, opening a connection included (they are a
  state of the world: the server is gone, unreachable, or rejects the password).
- ``out_of_memory()``: the write commands a full Redis rejects (``SET``, ``HSET``, ``INCR``... the ones
  Redis flags ``denyoom``); reads, ``DEL``, ``EXPIRE`` still work, as on a real server under ``maxmemory``.
- ``slow(seconds)`` and ``fail_next(n)``: the application's commands, not the connection handshake. A
  pipeline or transaction is one round trip, so it counts (and is delayed) once.

A connection-level fault (ConnectionError, TimeoutError, AuthenticationError) drops the connection, as redis-py
does on a real network error; a server-side one (ResponseError, OOM) leaves it open. Commands that fail
before reaching the server are not recorded by a spy; a command the server rejects (OOM, a ResponseError
from ``fail_next``) is, because the server did receive it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import redis
from redis.exceptions import OutOfMemoryError

from .backend import Backend, lesson_backend, no_retry
from .spy import Command, CommandSpy, _text

OOM_MESSAGE = "command not allowed when used memory > 'maxmemory'."
"""What redis-py's parser leaves of the server's ``-OOM command not allowed when used memory > 'maxmemory'.``"""

AUTH_MESSAGE = "invalid username-password pair or user is disabled."
"""What redis-py's parser leaves of the server's ``-WRONGPASS invalid username-password pair...``"""

# Commands Redis 7 flags `denyoom` (rejected with OOM when maxmemory is reached and nothing can be evicted),
# plus scripts, which are denied as soon as they write.
WRITE_COMMANDS = frozenset(
    [
        "APPEND",
        "BITFIELD",
        "BITOP",
        "BLMOVE",
        "BRPOPLPUSH",
        "COPY",
        "DECR",
        "DECRBY",
        "EVAL",
        "EVALSHA",
        "FCALL",
        "GEOADD",
        "GEORADIUS",
        "GEORADIUSBYMEMBER",
        "GEOSEARCHSTORE",
        "GETSET",
        "HINCRBY",
        "HINCRBYFLOAT",
        "HMSET",
        "HSET",
        "HSETEX",
        "HSETNX",
        "INCR",
        "INCRBY",
        "INCRBYFLOAT",
        "LINSERT",
        "LMOVE",
        "LPUSH",
        "LPUSHX",
        "LSET",
        "MSET",
        "MSETEX",
        "MSETNX",
        "PFADD",
        "PFMERGE",
        "PSETEX",
        "RESTORE",
        "RPOPLPUSH",
        "RPUSH",
        "RPUSHX",
        "SADD",
        "SDIFFSTORE",
        "SET",
        "SETBIT",
        "SETEX",
        "SETNX",
        "SETRANGE",
        "SINTERSTORE",
        "SORT",
        "SUNIONSTORE",
        "XADD",
        "ZADD",
        "ZDIFFSTORE",
        "ZINCRBY",
        "ZINTERSTORE",
        "ZRANGESTORE",
        "ZUNIONSTORE",
    ]
) | {"FUNCTION LOAD", "FUNCTION RESTORE", "XGROUP CREATE"}

_CONNECTION_LEVEL = (redis.ConnectionError, redis.TimeoutError)


def is_write_command(name: str) -> bool:
    """True when a full Redis (OOM) would reject the command ``name`` (e.g. "SET", "HSET")."""
    return name.upper() in WRITE_COMMANDS


@dataclass(frozen=True)
class InjectedFault:
    """One fault the injector raised: which fault, on which command ("(connect)" while connecting)."""

    fault: str
    command: str
    error: str


class _Fault:
    """An active fault. ``kind`` is one of outage, timeouts, auth_failure, out_of_memory, slow, fail_next."""

    def __init__(self, kind: str, *, seconds: float = 0.0, remaining: int = 0, error_cls: type | None = None):
        self.kind = kind
        self.seconds = seconds
        self.remaining = remaining
        self.error_cls = error_cls


class FailNext:
    """What ``fail_next`` returns: armed at once; a ``with`` block around it disarms what is left on exit."""

    def __init__(self, injector: FaultInjector, fault: _Fault):
        self._injector = injector
        self._fault = fault

    @property
    def remaining(self) -> int:
        """How many of the ``n`` failures have not happened yet."""
        return self._fault.remaining

    def __enter__(self) -> FailNext:
        return self

    def __exit__(self, *exc: object) -> None:
        self._injector._remove(self._fault)


class FaultInjector:
    """Makes clients and pools whose commands fail on demand, then recover.

    ``backend``: where the clients connect (the lesson's backend by default). ``spy``: a ``CommandSpy`` whose
    connection class to build on, so everything the clients send is also recorded (and counted in
    ``spy.connections_opened``). Faults apply to every client and pool this injector made, and to none other.
    """

    def __init__(self, backend: Backend | None = None, spy: CommandSpy | None = None):
        if spy is not None and backend is not None and backend is not spy.backend:
            raise ValueError("FaultInjector: pass the spy's backend (or leave backend out when you pass a spy)")
        self.spy = spy
        self.backend = spy.backend if spy is not None else (backend or lesson_backend())
        self._lock = threading.Lock()
        self._faults: list[_Fault] = []
        self.events: list[InjectedFault] = []
        self.connection_class = self._faulty_connection_class()

    # -- making clients ---------------------------------------------------------------------------------
    def pool(self, pool_class: type[redis.ConnectionPool] = redis.ConnectionPool, **overrides: Any):
        """A new pool whose connections meet this injector's faults (``retry=no_retry()`` unless overridden)."""
        overrides.setdefault("retry", no_retry())
        return self.backend.pool(connection_class=self.connection_class, pool_class=pool_class, **overrides)

    def client(self, **overrides: Any) -> redis.Redis:
        """A new client with a pool of its own; ``retry=``, ``socket_timeout=``... go to its connections."""
        return redis.Redis(connection_pool=self.pool(**overrides))

    # -- what happened ----------------------------------------------------------------------------------
    @property
    def injected(self) -> int:
        """How many faults were raised so far (each retry attempt that met a fault counts)."""
        with self._lock:
            return len(self.events)

    @property
    def active(self) -> list[str]:
        """The kinds of fault in force now, e.g. ``["outage"]``."""
        with self._lock:
            return [f.kind for f in self._faults]

    # -- faults (context managers) ------------------------------------------------------------------------
    @contextmanager
    def _activate(self, fault: _Fault) -> Iterator[_Fault]:
        self._add(fault)
        try:
            yield fault
        finally:
            self._remove(fault)

    def outage(self):
        """The server is gone: every command (and every connect) raises ``redis.ConnectionError``."""
        return self._activate(_Fault("outage"))

    def timeouts(self):
        """The server does not answer in time: every command raises ``redis.TimeoutError`` (at once)."""
        return self._activate(_Fault("timeouts"))

    def auth_failure(self):
        """The password is rejected: every command raises ``redis.AuthenticationError``."""
        return self._activate(_Fault("auth_failure"))

    def out_of_memory(self):
        """Redis is full (``maxmemory``, policy ``noeviction``): write commands raise
        ``redis.exceptions.OutOfMemoryError`` (a ``redis.ResponseError``); reads still work."""
        return self._activate(_Fault("out_of_memory"))

    def slow(self, seconds: float):
        """Each command waits ``seconds`` (a real sleep: keep it tiny). A connection whose ``socket_timeout``
        is shorter gives up after ``socket_timeout`` with ``redis.TimeoutError``, as it would on a slow server."""
        if seconds < 0:
            raise ValueError("slow(seconds): seconds must be >= 0")
        return self._activate(_Fault("slow", seconds=seconds))

    def fail_next(self, n: int, error_cls: type[Exception] = redis.ConnectionError) -> FailNext:
        """The next ``n`` commands raise ``error_cls``, then everything works again (for retry drills).

        Armed as soon as it is called; use it as ``with inj.fail_next(2):`` to disarm what is left on exit.
        """
        if n < 0:
            raise ValueError("fail_next(n): n must be >= 0")
        fault = _Fault("fail_next", remaining=n, error_cls=error_cls)
        self._add(fault)
        return FailNext(self, fault)

    def _add(self, fault: _Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def _remove(self, fault: _Fault) -> None:
        with self._lock:
            if fault in self._faults:
                self._faults.remove(fault)

    # -- deciding -------------------------------------------------------------------------------------
    def _record(self, fault: str, command: str, error: BaseException) -> None:
        with self._lock:
            self.events.append(InjectedFault(fault, command, f"{type(error).__name__}: {error}"))

    def _connect_fault(self) -> str | None:
        """The fault that stops a new connection, if any (outage or timeouts)."""
        with self._lock:
            for fault in self._faults:
                if fault.kind in ("outage", "timeouts"):
                    return fault.kind
        return None

    def _command_fault(
        self, names: list[str], handshake: bool, host: str, socket_timeout: float | None
    ) -> tuple[BaseException | None, float, str]:
        """Decide what happens to one round trip: (error to raise or None, seconds to sleep, fault name)."""
        delay = 0.0
        with self._lock:
            faults = list(self._faults)
            for fault in faults:
                if fault.kind == "slow" and not handshake:
                    delay += fault.seconds
            for fault in faults:
                if fault.kind == "outage":
                    return redis.ConnectionError("Connection closed by server."), 0.0, fault.kind
                if fault.kind == "timeouts":
                    return redis.TimeoutError(f"Timeout reading from {host}"), 0.0, fault.kind
                if fault.kind == "auth_failure":
                    return redis.AuthenticationError(AUTH_MESSAGE), 0.0, fault.kind
                if handshake:
                    continue
                if fault.kind == "out_of_memory" and any(is_write_command(n) for n in names):
                    return OutOfMemoryError(OOM_MESSAGE), 0.0, fault.kind
                if fault.kind == "fail_next" and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._faults.remove(fault)
                    return _make_error(fault.error_cls, host), delay, fault.kind
        if socket_timeout is not None and delay > socket_timeout:
            return redis.TimeoutError(f"Timeout reading from {host}"), socket_timeout, "slow"
        return None, delay, "slow"

    def _faulty_connection_class(self) -> type[redis.Connection]:
        injector = self
        base = self.spy.connection_class if self.spy is not None else self.backend.connection_class

        class FaultyConnection(base):  # type: ignore[misc, valid-type]
            _faulty_in_handshake = False

            def _connect(self):
                kind = injector._connect_fault()
                if kind == "outage":
                    refused = ConnectionRefusedError(111, "Connection refused")
                    # redis-py turns it into ConnectionError("Error 111 connecting to host:port. Connection refused.")
                    injector._record(kind, "(connect)", redis.ConnectionError(self._error_message(refused)))
                    raise refused
                if kind == "timeouts":
                    # redis-py turns a socket timeout into TimeoutError("Timeout connecting to server")
                    injector._record(kind, "(connect)", redis.TimeoutError("Timeout connecting to server"))
                    raise TimeoutError("timed out")
                return super()._connect()

            def on_connect_check_health(self, *args: Any, **kwargs: Any) -> None:
                self._faulty_in_handshake = True
                try:
                    super().on_connect_check_health(*args, **kwargs)
                finally:
                    self._faulty_in_handshake = False

            def _meet_faults(self, parts_list: list[list[Any]], via: str) -> None:
                names = [Command.from_parts(parts).name for parts in parts_list if parts]
                error, delay, kind = injector._command_fault(
                    names, self._faulty_in_handshake, _host(self), getattr(self, "socket_timeout", None)
                )
                if delay:
                    time.sleep(delay)
                if error is None:
                    return
                injector._record(kind, " ".join(names[:3]) + (" ..." if len(names) > 3 else ""), error)
                if isinstance(error, _CONNECTION_LEVEL):
                    self.disconnect()
                elif injector.spy is not None:  # the server received it and said no: the spy sees it
                    injector.spy._record([Command.from_parts(parts, via) for parts in parts_list if parts])
                raise error

            def send_command(self, *args: Any, **kwargs: Any) -> None:
                self._meet_faults([list(args)], "command")
                super().send_command(*args, **kwargs)

            def pack_commands(self, commands: Iterable[Any]) -> Any:
                commands = list(commands)
                names = {_text(c[0]).upper() for c in commands if c}
                self._meet_faults([list(c) for c in commands], "transaction" if "MULTI" in names else "pipeline")
                return super().pack_commands(commands)

            def read_response(self, *args: Any, **kwargs: Any) -> Any:
                # A connection lost between sending and reading (an outage that began mid-command).
                kind = injector._connect_fault() if not self._faulty_in_handshake else None
                if kind is not None:
                    error: Exception = (
                        redis.ConnectionError("Connection closed by server.")
                        if kind == "outage"
                        else redis.TimeoutError(f"Timeout reading from {_host(self)}")
                    )
                    injector._record(kind, "(read)", error)
                    self.disconnect()
                    raise error
                return super().read_response(*args, **kwargs)

        FaultyConnection.__name__ = FaultyConnection.__qualname__ = f"Faulty{base.__name__}"
        return FaultyConnection


def _host(connection: Any) -> str:
    return f"{getattr(connection, 'host', 'localhost')}:{getattr(connection, 'port', 6379)}"


def _make_error(error_cls: type[Exception] | None, host: str) -> Exception:
    error_cls = error_cls or redis.ConnectionError
    if issubclass(error_cls, OutOfMemoryError):
        return error_cls(OOM_MESSAGE)
    if issubclass(error_cls, redis.AuthenticationError):
        return error_cls(AUTH_MESSAGE)
    if issubclass(error_cls, redis.TimeoutError):
        return error_cls(f"Timeout reading from {host}")
    if issubclass(error_cls, redis.ConnectionError):
        return error_cls("Connection closed by server.")
    if issubclass(error_cls, redis.ResponseError):
        return error_cls("WRONGTYPE Operation against a key holding the wrong kind of value")
    return error_cls("injected fault")
