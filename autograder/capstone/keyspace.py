"""What the service did to the keyspace: the audit of every command it sent and every key it left."""

from __future__ import annotations

from .. import checks

MAX_TTL = 3600  # seconds: "a TTL of at most an hour"


class KeyspaceAudit:
    """Part of ``ServiceCheck``: the key, TTL, command and connection standards, on everything the run did."""

    def _audit(self) -> None:
        """The whole command log and the keyspace it left, against the key, TTL and command standards."""
        commands = self.spy.commands
        keys = checks.written_keys(commands)
        if not keys:
            return
        reader = self._reader()
        namespaced = checks.keys_namespaced(keys)
        if self.check(namespaced):
            self.saw("key-namespace", f"{len(keys)} keys written, all `object:id` (e.g. `{keys[0]}`)")
        flat = {k for k in keys if checks.keys_namespaced([k])}
        # A key that is not namespaced at all is key-namespace's finding; readability judges the rest.
        readable = [
            f
            for f in checks.keys_readable(keys)
            if not (f.expected.startswith("a descriptive object type") and any(f"`{k}`" in f.got for k in flat))
        ]
        if self.check(readable):
            longest = max(keys, key=len)
            self.saw(
                "key-readable", f"no spaces, object type spelt out; longest key {len(longest)} chars (`{longest}`)"
            )
        dbs = {int(p.get("db", 0) or 0) for p in self.pools_made}
        selects = checks.no_numbered_db(commands)
        self.check(selects)
        if (
            self.expect(
                dbs <= {0},
                "key-no-numbered-db",
                expected="a pool on database 0",
                got=f"new_pool(db={max(dbs)}): the service lives in a numbered database",
                hint="Drop `db=`; the `product:` namespace already separates the data.",
            )
            and not selects
        ):
            self.saw("key-no-numbered-db", f"{len(commands)} commands, no SELECT, pool on db 0")
        sizes = [len(str(c.args[1]).encode()) for c in commands if c.name == "SET" and len(c.args) > 1]
        if self.check(checks.values_under_limit(commands)) and sizes:
            self.saw("key-size-limit", f"{len(sizes)} values written, largest {max(sizes):,} bytes")
        ttl_findings = checks.writes_have_ttl(commands)
        immortal = [k for k in keys if reader.ttl(k) == -1]
        self.check(ttl_findings[:1])
        self.expect(
            not immortal,
            "ttl-always",
            expected="every key the service wrote to expire",
            got=f"{len(immortal)} key(s) left with no TTL (TTL -1), e.g. `{immortal[0] if immortal else ''}`",
            hint="Write with `set(key, value, ex=ttl)`.",
        )
        ttls = [t for k in keys if (t := reader.ttl(k)) > 0]
        too_long = [k for k in keys if reader.ttl(k) > MAX_TTL]
        self.expect(
            not too_long,
            "ttl-always",
            expected=f"TTLs of at most an hour ({MAX_TTL} s), as the task says",
            got=f"{len(too_long)} key(s) with a longer TTL, e.g. `{too_long[0] if too_long else ''}` "
            f"({reader.ttl(too_long[0]) if too_long else 0} s)",
            hint="A changed price must show within the TTL even if a cache write was lost: `ex=600`.",
        )
        writes = [c for c in commands if c.name in ("SET", "SETEX", "HSET", "MSET")]
        if not ttl_findings and not immortal and not too_long and writes:
            self.saw(
                "ttl-always",
                f"{len(writes)} writes, each with its TTL; keyspace audit: no key without TTL "
                f"(TTLs {min(ttls, default=0)}–{max(ttls, default=0)} s)",
            )
        keys_sent = checks.no_keys_command(commands)
        self.check(keys_sent)
        opened = self.spy.connections_opened
        self.expect(
            len(self.pools_made) == 1,
            "client-pool-reuse",
            expected="one pool, made once in __init__",
            got=f"new_pool called {len(self.pools_made)} times for {len(self.results)} requests",
            hint="Make the pool and the client in __init__, keep them on `self`, use them in every method.",
        )
        dropped = sum(1 for e in self.faults.events if e.fault == "slow")  # each timeout drops its connection
        limit = 4 + 2 * len({r.op.fault for r in self.results if r.op.fault}) + dropped + self.extra_connections
        if (
            self.expect(
                opened <= limit,
                "client-pool-reuse",
                expected=f"connections reused: at most {limit} opened for {len(self.results)} requests "
                "(one, plus reconnecting after each fault, plus one per request of the concurrent burst)",
                got=f"{opened} connections opened",
            )
            and len(self.pools_made) == 1
        ):
            self.saw(
                "client-pool-reuse",
                f"1 pool, {opened} connection(s) opened for {len(self.results)} requests, the fault windows and a "
                f"burst of concurrent requests",
            )

    # -- hidden probes -----------------------------------------------------------------------------------
