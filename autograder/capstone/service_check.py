"""``ServiceCheck``: a learner's ``CatalogService`` run through a workload with faults, judged per standard."""

from __future__ import annotations

import contextlib
import copy
import inspect
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from .. import messages
from ..checks.log import written_keys
from ..harness.learner_code import error_finding, run_quietly
from ..labkit import FaultInjector, LessonDB, grading_spy, no_retry
from .concurrency import ConcurrencyProbes
from .entries import mentions
from .invalidation import InvalidationProbe
from .judge import BUDGETS, SLOW_STALL, WorkloadJudge
from .keyspace import KeyspaceAudit
from .probes import ReadWriteProbes
from .standards_card import StandardsScorecard
from .workload import OpResult, workload

# What `redis.Redis(host=...)` gives its connections when no `retry=` is passed: 10 retries with backoff.
REDIS_DEFAULT_RETRY = inspect.signature(redis.Redis).parameters["retry"].default
# The structural standards earn their point only in a service that works as a cache (see ``withheld``).
BEHAVIOURAL = ("pattern-cache-aside", "pattern-write-through", "ttl-always", "client-serialization",
               "client-error-handling", "client-pool-reuse")  # fmt: skip


class ServiceCheck(
    ReadWriteProbes, ConcurrencyProbes, InvalidationProbe, WorkloadJudge, KeyspaceAudit, StandardsScorecard
):
    """Runs a ``CatalogService(db, new_pool)`` through a workload with faults and judges the catalog's standards.

    The probes, the workload's judgement and the keyspace audit live in the classes it is made of.
    """

    def __init__(
        self, exercise_id: str, *, seed: int = 10, requests: int = 300, products: int = 500, demo: bool = False
    ):
        super().__init__(exercise_id, demo=demo)
        self.seed = seed
        self.ops = workload(seed, requests, products)
        self.spy = grading_spy("product:*")
        self.faults = FaultInjector(spy=self.spy)
        self.db = LessonDB.create(seed=seed, products=products, users=0, orders=0)
        self.pools_made: list[dict[str, Any]] = []
        self.reader: redis.Redis | None = None
        self.service: Any = None
        self.results: list[OpResult] = []
        self.stub = False
        self.budget_blown = False  # a request took longer than its fault budget: later fault requests are skipped

    # -- what the service is given ----------------------------------------------------------------------
    def new_pool(self, pool_class: type[redis.ConnectionPool] = redis.ConnectionPool, **options: Any):
        """The ``new_pool`` the service receives: a pool on the lesson's Redis that the grader watches and breaks.

        Its connections retry as ``redis.Redis(host=...)``'s do (10 times, with backoff) unless ``retry=`` says
        otherwise, so a retry policy costs here what it costs in production."""
        self.pools_made.append(dict(options, pool_class=pool_class.__name__))
        options.setdefault("retry", copy.deepcopy(REDIS_DEFAULT_RETRY))
        return self.faults.pool(pool_class=pool_class, **options)

    def withheld(self, standard_id: str) -> str:
        """Why a structural standard's point is withheld: it counts only in a service that works as a cache,
        one that keeps at least half of the behavioural standards."""
        if standard_id in BEHAVIOURAL or self.stub:
            return ""
        kept = [s for s in BEHAVIOURAL if self.shown(s)]
        if len(kept) * 2 >= len(BEHAVIOURAL):
            return ""
        return (f"withheld: tidy keys and commands count in a working cache, and this one keeps only {len(kept)} "
                f"of the {len(BEHAVIOURAL)} behavioural standards")  # fmt: skip

    def _reader(self) -> redis.Redis:
        """A plain client (not watched, never broken) on the database the service's pool uses."""
        if self.reader is None:
            db = int((self.pools_made[0] if self.pools_made else {}).get("db", 0) or 0)
            self.reader = self.spy.backend.client(retry=no_retry(), db=db)
        return self.reader

    def _call(self, fn: Callable[..., Any], *args: Any) -> tuple[Any, BaseException | None]:
        try:
            return run_quietly(fn, *args), None
        except Exception as error:  # noqa: BLE001 - a learner error is evidence, not a crash
            if isinstance(error, NotImplementedError):
                self.stub = True
            return None, error

    def _raised(self, standard_id: str, what: str, error: BaseException) -> None:
        self.findings.append(error_finding(standard_id, what, error))

    # -- the run ---------------------------------------------------------------------------------------
    def run(self, service_class: type, progress: Callable[[Any], Any] | None = None) -> ServiceCheck:
        """Build the service, probe it, run the workload with faults, audit everything it sent and left."""
        self.service, error = self._call(service_class, self.db, self.new_pool)
        if error is not None:
            self.fail_all(
                "`CatalogService(db, new_pool)` to build the service",
                f"it raised {type(error).__name__}: {error}"
                if not isinstance(error, NotImplementedError)
                else messages.STUB_GOT,
                "Write __init__ first: make one pool with `new_pool(...)` and a client on it.",
            )
            return self
        product_key = self._probe_cache_aside(17)
        ops = progress(self.ops) if progress else self.ops
        self._run_workload(ops)
        self._judge_workload()
        self._probe_write_through()
        self._probe_corrupt_entry(product_key)
        self._probe_hot_key_burst()
        self._probe_concurrent_writers()
        self._probe_invalidation()
        self._audit()
        return self

    def _forget(self, product_id: int) -> None:
        """Make sure a product is not cached, whatever the service calls its key."""
        for key in [k for k in written_keys(self.spy.commands) if mentions(k, product_id)]:
            self._reader().unlink(key)

    def _fault(self, kind: str):
        if kind == "outage":
            return self.faults.outage()
        if kind == "timeouts":
            return self.faults.timeouts()
        if kind == "out_of_memory":
            return self.faults.out_of_memory()
        if kind == "slow":
            return self.faults.slow(SLOW_STALL)
        return contextlib.nullcontext()

    def _run_workload(self, ops) -> None:
        for op in ops:
            fn = {
                "get": self.service.get_product,
                "update": self.service.update_price,
                "invalidate": self.service.invalidate_category,
            }[op.kind]
            args = {"get": (op.product_id,), "update": (op.product_id, op.price), "invalidate": (op.category,)}[op.kind]
            if op.fault and self.budget_blown:  # the point is lost already: keep the run short
                row = self.db.peek_product(op.product_id) if op.product_id else None
                self.results.append(OpResult(op, row=row, skipped=True))
                continue
            reads = self.db.read_counts["products"]
            value, error, seconds = self._call_in_fault(op.fault, fn, *args)
            reads = self.db.read_counts["products"] - reads
            if op.fault and seconds > BUDGETS[op.fault]:  # slow, or a busy machine? Ask once more to be sure
                _, _, again = self._call_in_fault(op.fault, self.service.get_product, op.product_id or 17)
                seconds = seconds if again > BUDGETS[op.fault] else again
                self.budget_blown = seconds > BUDGETS[op.fault]
            row = self.db.peek_product(op.product_id) if op.product_id else None
            self.results.append(OpResult(op, value, error, seconds, reads, row))

    def _call_in_fault(self, kind: str, fn: Callable[..., Any], *args: Any) -> tuple[Any, BaseException | None, float]:
        """Call ``fn`` while Redis suffers ``kind``: (value, error, seconds). A call still running after its budget
        gets the fault lifted, so a client that retries for seconds gets through now instead of stalling the run."""
        if not kind:
            started = time.perf_counter()
            value, error = self._call(fn, *args)
            return value, error, time.perf_counter() - started
        outcome: list[Any] = []

        def request() -> None:
            started = time.perf_counter()
            outcome.extend([*self._call(fn, *args), time.perf_counter() - started])

        worker = threading.Thread(target=request, name="capstone-request", daemon=True)
        with self._fault(kind):
            worker.start()
            worker.join(BUDGETS.get(kind, 0.5) + 0.1)
        worker.join(SLOW_STALL + 2.0)  # the fault is lifted: retries and stalls end within about a second
        if len(outcome) < 3:
            return None, TimeoutError(f"still running {SLOW_STALL + 2.0} s after the fault was lifted"), float("inf")
        return outcome[0], outcome[1], outcome[2]

    def close(self) -> None:
        """Remove what the run left (the service's keys, on whatever database it used)."""
        reader = self._reader()
        keys = written_keys(self.spy.commands)
        for start in range(0, len(keys), 500):
            reader.unlink(*keys[start : start + 500])
        reader.close()
