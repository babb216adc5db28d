"""Judging the workload's results: right answers, stale reads, requests served through faults, DB reads saved."""

from __future__ import annotations

from collections import Counter

from ..labkit import DatabaseUnavailable
from .entries import price_of
from .workload import Op, same_product

FAULT_BUDGET = 1.0  # seconds: the longest one request may take while Redis is down or timing out
SLOW_STALL = 2.5  # seconds each command waits while Redis is slow (a client with a shorter socket_timeout gives up)
SLOW_BUDGET = 1.5  # seconds: the longest one request may take while Redis is slow (a GET and a SET may time out)
BUDGETS = {"outage": FAULT_BUDGET, "timeouts": FAULT_BUDGET, "slow": SLOW_BUDGET}


class WorkloadJudge:
    """Part of ``ServiceCheck``: what the workload's results say about each standard, and the hidden fault probes."""

    def _judge_workload(self) -> None:
        owner = {"get": "pattern-cache-aside", "update": "pattern-write-through", "invalidate": "cmd-scan-not-keys"}
        tainted: set[int] = set()  # products changed while Redis was down: their cached copy may lag (see lesson)
        stale, wrong, fault_failures, slow = [], [], [], []
        updated_healthy: set[int] = set()
        raised_healthy: dict[str, tuple[Op, BaseException]] = {}
        skipped = [r for r in self.results if r.skipped]
        for res in self.results:
            op = res.op
            if op.fault:
                if res.skipped:
                    continue
                if op.kind == "update":
                    tainted.add(op.product_id)
                if res.error is not None:
                    fault_failures.append(f"{op} raised {type(res.error).__name__}: {res.error}")
                elif op.kind == "get" and not same_product(res.value, res.row):
                    fault_failures.append(f"{op} returned {res.value!r}"[:120])
                if res.seconds > BUDGETS[op.fault]:
                    slow.append(f"{op} took {res.seconds:.2f} s (budget {BUDGETS[op.fault]} s)" + (
                        ": no socket_timeout, so the client waited for the stalled Redis" if op.fault == "slow"
                        and not self._pool_option("socket_timeout") else ""))  # fmt: skip
                continue
            if res.error is not None:
                raised_healthy.setdefault(owner[op.kind], (op, res.error))
                continue
            if op.kind == "update":
                updated_healthy.add(op.product_id)
                tainted.discard(op.product_id)
            if op.kind == "get" and op.product_id not in tainted:
                row = res.row
                if not same_product(res.value, row):
                    (stale if op.product_id in updated_healthy else wrong).append((op, res.value, row))
        for sid, (op, error) in raised_healthy.items():
            self._raised(sid, str(op), error)
        faulty = [r for r in self.results if r.op.fault and not r.skipped]
        problems = slow + fault_failures
        if (
            self.expect(
                not problems,
                "client-error-handling",
                expected=f"every request made while Redis was down or timing out served from the database within "
                f"{FAULT_BUDGET} s (within {SLOW_BUDGET} s while each command stalls {SLOW_STALL} s), "
                "no exception escaping",
                got="; ".join(problems[:2])
                + (f" (and {len(problems) - 2} more)" if len(problems) > 2 else "")
                + (f"; the other {len(skipped)} fault requests were not sent" if skipped else ""),
                hint="Short timeouts on the pool (`socket_timeout=0.2, socket_connect_timeout=0.2`), a retry policy "
                "that gives up fast (`retry=Retry(NoBackoff(), 0)`; the default retries 10 times with backoff), "
                "and `except redis.RedisError` around every cache call, falling back to the database.",
            )
            and faulty
        ):
            kinds = Counter(r.op.fault for r in faulty)
            self.saw(
                "client-error-handling",
                f"{kinds['outage']} requests during an outage, {kinds['timeouts']} during timeouts, {kinds['slow']} "
                f"while slow: all served, slowest {max(r.seconds for r in faulty) * 1000:.0f} ms",
            )
        if stale:
            op, got, row = stale[0]
            self.expect(
                False,
                "pattern-write-through",
                expected=f"after update_price, get_product({op.product_id}) returns the new price {row['price']}",
                got=f"{len(stale)} stale read(s), e.g. request {op.index}: price {price_of(got)} "
                f"(the database says {row['price']})",
                hint="After writing the database, write the fresh product to the cache in update_price.",
            )
        if wrong:
            op, got, row = wrong[0]
            self.expect(
                False,
                "pattern-cache-aside",
                expected=f"get_product({op.product_id}) returns the product",
                got=f"{len(wrong)} wrong answer(s), e.g. {got!r}"[:140],
            )
        # database reads saved: the service against an ideal cache-aside on the same requests
        healthy_gets = [r for r in self.results if r.op.kind == "get" and not r.op.fault and r.error is None]
        actual = sum(r.product_reads for r in healthy_gets)
        ideal = self._ideal_misses()
        allowed = ideal + max(3, ideal // 10)
        if healthy_gets and self.expect(
            actual <= allowed,
            "pattern-cache-aside",
            expected=f"at most about {ideal} database reads for {len(healthy_gets)} reads "
            "(one per product not yet cached)",
            got=f"{actual} database reads: {actual / len(healthy_gets):.0%} of reads went to the database",
            hint="On a hit, return the cached value; only misses may read the database.",
        ):
            self.saw(
                "pattern-cache-aside",
                f"{len(healthy_gets)} reads cost {actual} database reads "
                f"({1 - actual / len(healthy_gets):.0%} saved); cold GET → DB → SET, warm one GET",
            )
            self.evidence["pattern-cache-aside"].reverse()

    def _ideal_misses(self) -> int:
        cached: set[int] = set()
        misses = 0
        for res in self.results:
            op = res.op
            if op.fault:
                continue
            if op.kind == "get":
                misses += op.product_id not in cached
                cached.add(op.product_id)
            elif op.kind == "update":
                cached.discard(op.product_id)
            else:
                cached -= {p for p in cached if self.db.peek_product(p)["category"] == op.category}
        return misses

    def _pool_option(self, name: str):
        return (self.pools_made[0] if self.pools_made else {}).get(name)

    def probe_database_errors_surface(self) -> None:
        """Redis down *and* the database down: a database error must reach the caller, not become None."""
        if self.service is None:
            return
        product_id = 97
        self._forget(product_id)
        with self.db.fail("the database is down too (injected by the grader)"):
            got, error, _ = self._call_in_fault("outage", self.service.get_product, product_id)
        self.expect(
            isinstance(error, DatabaseUnavailable),
            "client-error-handling",
            expected="DatabaseUnavailable raised when the database is down (catch Redis errors only)",
            got=f"returned {got!r}" if error is None else f"{type(error).__name__}: {error}",
            hint="`except redis.RedisError:`, not `except Exception:`.",
        )

    def probe_out_of_memory(self) -> None:
        """Redis full (OOM refuses writes): reads and updates still work."""
        if self.service is None:
            return
        product_id = 101
        self._forget(product_id)
        row = self.db.peek_product(product_id)
        with self.faults.out_of_memory():
            got, error = self._call(self.service.get_product, product_id)
            _, error2 = self._call(self.service.update_price, product_id, 12.5)
        failed = error or error2
        self.expect(
            failed is None and same_product(got, row) and self.db.peek_product(product_id)["price"] == 12.5,
            "client-error-handling",
            expected="with Redis out of memory (writes refused), get_product and update_price still work",
            got=f"{type(failed).__name__}: {failed}" if failed else f"get_product → {got!r}"[:120],
        )
