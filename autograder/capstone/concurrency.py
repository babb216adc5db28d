"""Concurrency probes of a learner's service: a burst of misses on a hot key, and two writers of one product."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from typing import Any

import redis

from .entries import decode, price_of, product_key
from .workload import same_product

BURST = 20  # concurrent requests for one hot product just after its cached copy expired
BURST_READS = 2  # database reads allowed for them (one, plus one for a loader that gave up waiting)
DB_LATENCY = 0.1  # seconds each database query takes during the probes, so the requests really overlap
REDIS_LATENCY = 0.005  # seconds each Redis command takes during the burst: every request holds a connection at once
WRITER_PAUSE = 0.2  # seconds the first writer stalls between reading its row back and writing the cache


class ConcurrencyProbes:
    """Part of ``ServiceCheck``: what happens when requests really overlap (threads, a slowed database)."""

    extra_connections = 0  # connections the burst may open on top of the workload's (one per request at most)

    def _in_threads(self, calls: list[tuple[str, Any, tuple]], timeout: float = 10.0) -> dict[str, tuple]:
        """Run each (name, fn, args) in its own thread, all released together; name → (value, error)."""
        results: dict[str, tuple] = {}
        barrier = threading.Barrier(len(calls))

        def run(name: str, fn: Any, args: tuple) -> None:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout)
            results[name] = self._call(fn, *args)

        threads = [threading.Thread(target=run, args=c, name=c[0], daemon=True) for c in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout)
        return results

    def _pool_ceiling(self) -> int | None:
        """The pool's ``max_connections`` when it raises past it (a plain ConnectionPool), else None."""
        options = self.pools_made[0] if self.pools_made else {}
        if "Blocking" in str(options.get("pool_class", "")):
            return None
        ceiling = options.get("max_connections")
        return int(ceiling) if isinstance(ceiling, int) else None

    def _probe_hot_key_burst(self) -> None:
        """The hottest product expires, then 20 requests for it arrive at once: about one database read."""
        if self.service is None:
            return
        hot = Counter(op.product_id for op in self.ops if op.kind == "get").most_common(1)[0][0]
        row = self.db.peek_product(hot)
        mark = len(self.spy.commands)
        self._call(self.service.get_product, hot)
        key = product_key(self.spy.commands[mark:], row) or f"product:{hot}"
        self._forget(hot)  # its cached copy expires
        reads, opened, mark = self.db.read_counts["products"], self.spy.connections_opened, len(self.spy.commands)
        original = self.db.get_product

        def get_product(pid: int) -> Any:  # the first loader answers only once every request has looked
            deadline = time.monotonic() + 1.0
            while sum(c.key == key for c in self.spy.commands[mark:]) < BURST and time.monotonic() < deadline:
                time.sleep(0.002)
            return original(pid)

        self.db.get_product = get_product  # the grader's own database object: shadowed for this probe only
        try:
            with self.db.slow(DB_LATENCY), self.faults.slow(REDIS_LATENCY):
                results = self._in_threads([(f"burst-{i}", self.service.get_product, (hot,)) for i in range(BURST)])
        finally:
            del self.db.get_product
        reads = self.db.read_counts["products"] - reads
        self.extra_connections += min(BURST, self.spy.connections_opened - opened)
        raised = [(n, e) for n, (_, e) in results.items() if e is not None]
        if raised:
            name, error = raised[0]
            standard = "client-error-handling" if isinstance(error, redis.RedisError) else "pattern-cache-aside"
            self._raised(standard, f"get_product({hot}) ({len(raised)} of {BURST} concurrent requests)", error)
            return
        wrong = [v for v, _ in results.values() if not same_product(v, row)]
        ceiling = self._pool_ceiling()
        if ceiling is not None and ceiling < BURST:
            self.expect(
                False,
                "client-pool-reuse",
                expected=f"a pool that serves {BURST} concurrent requests: `max_connections` of at least {BURST}, "
                "or `pool_class=redis.BlockingConnectionPool` (requests wait for a free connection)",
                got=f"a ConnectionPool of max_connections={ceiling}: past {ceiling} requests at once it raises "
                f"`Too many connections`, and {reads} of the {BURST} requests went to the database",
                hint="`new_pool(max_connections=32, ...)`, or a BlockingConnectionPool with a short `timeout=`.",
            )
            return
        ok = self.expect(
            not wrong and reads <= BURST_READS,
            "pattern-cache-aside",
            expected=f"{BURST} concurrent requests for product {hot} just after its entry expired: the product "
            f"each time, and at most {BURST_READS} database reads (one request loads it, the others wait for it)",
            got=f"{reads} database reads" + (f"; {len(wrong)} wrong answers, e.g. {wrong[0]!r}"[:120] if wrong else ""),
            hint="A stampede: on a miss, let one request load the product while the others wait a moment and "
            "read the cache again (a lock per product: `SET lock:product:<id> token NX PX 2000`, or a "
            "`threading.Lock` per product in this process).",
        )
        if ok:
            self.saw("pattern-cache-aside", f"{BURST} concurrent misses on hot product {hot}: {reads} database read(s)")

    def _probe_concurrent_writers(self) -> None:
        """Two update_price calls on one product at once: the cache ends with the row the database ends with."""
        if self.service is None:
            return
        product_id = 43
        self._call(self.service.get_product, product_id)
        first, second = (round(self.db.peek_product(product_id)["price"] + d, 2) for d in (1.5, 2.75))
        if time.time() % 1 > 0.5:  # both commits in the same second: `updated_at` cannot tell them apart
            time.sleep(1.02 - time.time() % 1)  # land just past the next second, never just before it
        original, mark = self.db.get_product, len(self.db.events)
        paused = threading.Event()

        def get_product(pid: int) -> Any:  # the first writer stalls after reading its committed row back
            row = original(pid)
            me = threading.current_thread().name
            if (
                me == "writer-1"
                and not paused.is_set()
                and any(e.kind == "write" and e.ok and e.thread == me for e in self.db.events[mark:])
            ):
                paused.set()
                time.sleep(WRITER_PAUSE)
            return row

        self.db.get_product = get_product  # the grader's own database object: shadowed for this probe only
        try:
            results: dict[str, tuple] = {}
            one = threading.Thread(
                target=lambda: results.update({"1": self._call(self.service.update_price, product_id, first)}),
                name="writer-1", daemon=True,
            )  # fmt: skip
            one.start()
            deadline = time.monotonic() + 2
            while not paused.is_set() and one.is_alive() and time.monotonic() < deadline:
                time.sleep(0.005)
            results["2"] = self._call(self.service.update_price, product_id, second)
            one.join(5)
        finally:
            del self.db.get_product
        final = self.db.peek_product(product_id)
        key = product_key(self.spy.commands, final) or f"product:{product_id}"
        cached = decode(self._reader().get(key))
        errors = [e for _, e in results.values() if e is not None]
        ok = self.expect(
            not errors and (cached is None or same_product(cached, final)),
            "pattern-write-through",
            expected=f"two concurrent update_price({product_id}, …): the cache ends with the price the database "
            f"ends with ({final['price']}), or with nothing",
            got=f"it raised {type(errors[0]).__name__}: {errors[0]}"
            if errors
            else f"`{key}` holds price {price_of(cached)}: the writers committed in one order and wrote the cache "
            "in the other",
            hint="Serialise the writers of one product (a lock per product around the database write and the "
            "cache write), or re-read the row after writing the cache and write again if it changed.",
        )
        if ok:
            self.saw("pattern-write-through", f"two concurrent writers of product {product_id}: cache = database")
