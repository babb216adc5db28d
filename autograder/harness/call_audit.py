"""The standards every exercise holds, whatever it is about, judged on what one learner call really did.

``Exercise.call`` brackets each call of learner code that is handed a spied client (or pool): it notes where
the spy's log stands and, just before the call's first Lua script (if any) runs, which keys exist with which
TTL. After the call it reports, under their own standards:

- ``ttl-always``: writes without their TTL in the same command or MULTI/EXEC, TTLs stripped (PERSIST, GETEX
  PERSIST), and, from the keyspace, every key the call wrote or touched that is left with TTL -1 (keys a Lua
  script wrote included: the keyspace before and after is compared);
- ``key-namespace``: keys written that are not ``object:id[:attribute]``;
- ``key-no-numbered-db``: a SELECT of another database;
- ``cmd-scan-not-keys``: KEYS, or a Lua script that walks the keyspace (KEYS or SCAN inside one call).

An exercise opts out of a standard its task does not ask for with ``audit_skip`` in ``exercises.toml``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from typing import Any

import redis

from .. import checks
from ..checks.findings import Finding
from ..checks.log import SCRIPT_CALLS, touched_keys, written_keys
from ..labkit import no_retry
from ..labkit.spy import CommandSpy

CLUSTER_READY_ENV = "KATA_CLUSTER_READY"  # set: every call is also held to Redis Cluster's rules
SNAPSHOT_LIMIT = 20_000  # keys; above it only the keys the log names are read back


def spies_in(values: Iterable[Any]) -> list[CommandSpy]:
    """The command spies behind any clients or pools among ``values`` (duplicates removed)."""
    found: dict[int, CommandSpy] = {}
    for value in values:
        pool = value.connection_pool if isinstance(value, redis.Redis) else value
        if isinstance(pool, redis.ConnectionPool):
            spy = getattr(pool.connection_class, "kata_spy", None)
            if isinstance(spy, CommandSpy):
                found[id(spy)] = spy
    return list(found.values())


def _reader_for(spy: CommandSpy) -> redis.Redis:
    """One plain client per spy (not watched, never broken by a fault kit) for reading the keyspace back."""
    reader = getattr(spy, "_audit_reader", None)
    if reader is None:
        reader = spy._audit_reader = spy.backend.client(retry=no_retry())
    return reader


class CallAudit:
    def __init__(self, spy: CommandSpy, skip: Iterable[str] = ()):
        self.spy = spy
        self.skip = frozenset(skip)
        self.mark = len(spy.commands)
        self.reader = _reader_for(spy)
        self.before: dict[str, int] | None = None
        spy.before_next_script.append(self._before_script)

    def _before_script(self) -> None:
        """The keyspace just before the call's first script runs (the log cannot see inside scripts)."""
        self.before = self._snapshot()

    def _snapshot(self) -> dict[str, int] | None:
        """key → TTL of the whole keyspace (db 0), or None when it is too big to list cheaply."""
        try:
            if self.reader.dbsize() > SNAPSHOT_LIMIT:
                return None
            keys = list(self.reader.scan_iter(count=1000))
            pipe = self.reader.pipeline(transaction=False)
            for key in keys:
                pipe.ttl(key)
            return dict(zip(keys, pipe.execute(), strict=True))
        except redis.RedisError:
            return None

    def findings(self) -> list[Finding]:
        commands = self.spy.commands[self.mark :]
        with contextlib.suppress(ValueError):
            self.spy.before_next_script.remove(self._before_script)  # no script ran
        after = self._snapshot() if self.before is not None else None
        try:
            return self._judge(commands, after)
        except redis.RedisError:
            return []  # the server went away (a fault the check injected): the check cell says what it expects

    def _judge(self, commands: list, after: dict[str, int] | None) -> list[Finding]:
        out: list[Finding] = []
        if "ttl-always" not in self.skip:
            out += checks.writes_have_ttl(commands)
            touched = set(touched_keys(commands, script_keys_too=False))  # what scripts did: the keyspace says
            if after is not None:  # keyspace truth, scripts included: keys that are new or changed TTL
                touched |= {k for k, ttl in after.items() if self.before.get(k) != ttl}
            out += checks.keys_left_without_ttl(self.reader, touched)
        if "key-namespace" not in self.skip:
            written = written_keys(commands)
            if after is not None and any(c.name in SCRIPT_CALLS for c in commands):
                written += [k for k in after if k not in self.before]
            out += checks.keys_namespaced(written)
        if "key-no-numbered-db" not in self.skip:
            out += checks.no_numbered_db(commands)
        if "cmd-scan-not-keys" not in self.skip:
            out += checks.no_keys_command(commands) + checks.no_keyspace_walk_in_scripts(commands)
        if cluster_ready_mode() and "key-namespace" not in self.skip:
            out += checks.cluster_ready(commands)
        return out


def cluster_ready_mode(environ=None) -> bool:
    """Whether every call is also held to Redis Cluster's rules (``KATA_CLUSTER_READY=1``, which
    ``grade --cluster-ready`` sets)."""
    return (os.environ if environ is None else environ).get(CLUSTER_READY_ENV, "") not in ("", "0")
