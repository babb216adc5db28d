"""Count the connections a piece of code opens, on fakeredis and on a real server alike."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .backend import Backend, lesson_backend, no_retry


@dataclass
class ConnectionCount:
    """Filled in when the ``with`` block ends."""

    opened: int | None = None


def _new_client_id(backend: Backend) -> int:
    probe = backend.client(retry=no_retry())
    try:
        return int(probe.client_id())
    finally:
        probe.close()
        probe.connection_pool.disconnect()


@contextmanager
def count_connections(backend: Backend | None = None) -> Iterator[ConnectionCount]:
    """Count connections opened inside the block.

    The server numbers connections in order (``CLIENT ID``); a probe connection before and after the block
    brackets everything opened in between: ``after - before - 1``. On a shared real server, other clients'
    connections would count too, so measure on a server of your own.
    """
    backend = backend or lesson_backend()
    count = ConnectionCount()
    before = _new_client_id(backend)
    yield count
    count.opened = _new_client_id(backend) - before - 1
