"""Where a lesson's Redis lives: the embedded fakeredis (default) or the real server at ``REDIS_URL``.

Every client the lab kit makes for one kernel talks to the same server, so data a learner writes in one
cell is there in the next, whichever helper made the client.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import fakeredis
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

REDIS_URL_ENV = "REDIS_URL"
FAKE = "fakeredis"
REAL = "redis-server"


def no_retry() -> Retry:
    """A retry policy that fails at once: for graders and tests, so a dead server costs no seconds."""
    return Retry(NoBackoff(), 0)


class BackendError(RuntimeError):
    """The configured Redis cannot be used; the message says why and how to fix it."""


@dataclass(frozen=True)
class Backend:
    """How to reach the lesson's Redis. Make pools and clients with it, never by hand."""

    name: str
    url: str | None = None
    fake_server: fakeredis.FakeServer | None = field(default=None, repr=False, compare=False)

    @property
    def is_real(self) -> bool:
        return self.name == REAL

    @property
    def display_url(self) -> str:
        """The URL with any password replaced by ``***``."""
        return redact_url(self.url) if self.url else "(embedded, in this kernel)"

    def describe(self) -> str:
        if self.is_real:
            return f"real redis-server at {self.display_url}"
        return f"embedded fakeredis {fakeredis.__version__} (in this kernel; set REDIS_URL for a real server)"

    @property
    def connection_class(self) -> type[redis.Connection]:
        if self.is_real:
            return redis.ConnectionPool.from_url(self.url).connection_class
        return fakeredis.FakeRedisConnection

    @property
    def db(self) -> int:
        """The database the lesson's connections select (``/3`` in ``REDIS_URL``); 0 by default."""
        return int(self.connection_kwargs().get("db") or 0)

    def connection_kwargs(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments a ``redis.ConnectionPool`` needs to reach this backend."""
        if self.is_real:
            kwargs = dict(redis.ConnectionPool.from_url(self.url).connection_kwargs)
        else:
            kwargs = {"server": self.fake_server, "version": (7, 0)}
        kwargs.setdefault("decode_responses", True)
        kwargs.update(overrides)
        return kwargs

    def pool(
        self,
        *,
        connection_class: type[redis.Connection] | None = None,
        pool_class: type[redis.ConnectionPool] = redis.ConnectionPool,
        **overrides: Any,
    ) -> redis.ConnectionPool:
        """A new connection pool on this backend (``decode_responses=True`` unless overridden)."""
        return pool_class(
            connection_class=connection_class or self.connection_class, **self.connection_kwargs(**overrides)
        )

    def client(self, **overrides: Any) -> redis.Redis:
        """A new client with a pool of its own."""
        return redis.Redis(connection_pool=self.pool(**overrides))


def redact_url(url: str) -> str:
    """``redis://user:secret@host`` → ``redis://user:***@host``; URLs without a password are unchanged.

    Only the password changes: an IPv6 host keeps its brackets, a port, database, path or query stays as given.
    """
    parts = urlsplit(url)
    if parts.password is None:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0]
    netloc = f"{user}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def backend_from_env(environ: dict[str, str] | None = None) -> Backend:
    """The backend named by ``REDIS_URL`` (a real server), or a new embedded fakeredis server."""
    environ = os.environ if environ is None else environ
    url = environ.get(REDIS_URL_ENV, "").strip()
    if not url:
        return Backend(FAKE, fake_server=fakeredis.FakeServer(version=(7, 0)))
    scheme = urlsplit(url).scheme
    if scheme not in ("redis", "rediss", "unix"):
        raise BackendError(
            f"REDIS_URL={redact_url(url)!r} is not a Redis URL. Use redis://[:password@]host:port "
            "(or unset REDIS_URL to use the embedded fakeredis)."
        )
    return Backend(REAL, url=url)


@cache
def lesson_backend() -> Backend:
    """The one backend of this kernel, chosen from ``REDIS_URL`` on first use."""
    return backend_from_env()


@cache
def _shared_pool() -> redis.ConnectionPool:
    return lesson_backend().pool()


def connect() -> redis.Redis:
    """A client on the lesson's Redis, sharing one connection pool per kernel."""
    return redis.Redis(connection_pool=_shared_pool())
