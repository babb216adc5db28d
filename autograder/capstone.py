"""Grading for the capstone (lesson 10): a whole cached service held to every standard, with partial credit.

    ex = ServiceCheck("l10-catalog-service")
    ex.run(CatalogService)          # a realistic workload with injected faults, plus probes
    ex.verdict()                    # prints one row per standard; returns how many were kept (the points)

Each standard is judged on its own: kept when the run showed positive evidence for it and no essential
finding against it. A check cell whose last expression is ``ex.verdict()`` gets that number as its nbgrader
partial credit (capped at the cell's points), so a service that breaks one standard loses only that point.
"""

from __future__ import annotations

import ast
import contextlib
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis

from . import checks, tamper
from .confaudit import ConfigError, audit_config, parse_config
from .exercises import exercise_info
from .findings import Finding, Severity
from .labkit import DatabaseUnavailable, FaultInjector, LessonDB, grading_spy, no_retry
from .labkit.spy import Command

SERVICE_STANDARDS = (
    "pattern-cache-aside",
    "pattern-write-through",
    "ttl-always",
    "client-serialization",
    "client-error-handling",
    "client-pool-reuse",
    "cmd-scan-not-keys",
    "key-namespace",
    "key-readable",
    "key-no-numbered-db",
    "key-size-limit",
)
CONFIG_STANDARDS = (
    "config-maxmemory",
    "config-persistence",
    "security-auth",
    "security-dangerous-commands",
    "security-network",
)
CATEGORIES = ("audio", "books", "games", "garden", "kitchen", "office", "sport", "toys")
FAULT_BUDGET = 0.5  # seconds: the longest one request may take while Redis is down or timing out
_COMPARED = ("id", "sku", "name", "category", "price", "stock")  # updated_at may lag a write-through by design


# ---------------------------------------------------------------- the scorecard


class Scorecard:
    """Findings and evidence per standard; ``verdict()`` prints the table and returns the standards kept."""

    def __init__(self, exercise_id: str, standards: tuple[str, ...]):
        self.info = exercise_info(exercise_id)
        self.standards = standards
        self.findings: dict[str, list[Finding]] = {s: [] for s in standards}
        self.evidence: dict[str, list[str]] = {s: [] for s in standards}

    def saw(self, standard_id: str, text: str) -> None:
        """Positive evidence that ``standard_id`` was exercised and kept (shown in the table)."""
        self.evidence[standard_id].append(text)

    def expect(
        self,
        ok: bool,
        standard_id: str,
        *,
        expected: str,
        got: str,
        hint: str = "",
        severity: Severity = Severity.ESSENTIAL,
    ) -> bool:
        if not ok:
            self.findings[standard_id].append(Finding(standard_id, expected, got, hint, severity))
        return ok

    def check(self, findings: list[Finding]) -> bool:
        for finding in findings:
            self.findings.setdefault(finding.standard_id, []).append(finding)
        return not findings

    def fail_all(self, expected: str, got: str, hint: str = "") -> None:
        for sid in self.standards:
            self.expect(False, sid, expected=expected, got=got, hint=hint)

    def kept(self, standard_id: str) -> bool:
        return bool(self.evidence[standard_id]) and not any(f.fails for f in self.findings[standard_id])

    def score(self) -> int:
        if tamper.changed_grader_code():
            return 0
        return sum(self.kept(s) for s in self.standards)

    def table(self) -> str:
        width = max(len(s) for s in self.standards)
        lines = [f"| {'standard':<{width}} | result    | evidence", f"|{'-' * (width + 2)}|-----------|{'-' * 60}"]
        for sid in self.standards:
            if self.kept(sid):
                mark, text = "✅ kept  ", self.evidence[sid][0]
            else:
                failing = [f for f in self.findings[sid] if f.fails]
                mark = "❌ broken"
                text = _one_line(failing[0].got) if failing else "not observed: the service never exercised it"
            lines.append(f"| {sid:<{width}} | {mark} | {_one_line(text, 110)}")
        return "\n".join(lines)

    def verdict(self) -> int:
        """Print the per-standard report; return the number of standards kept (the cell's partial credit)."""
        changed = tamper.changed_grader_code()
        kept = 0 if changed else sum(self.kept(s) for s in self.standards)
        total = len(self.standards)
        head = "✅ PASS" if kept == total else "❌ NOT YET"
        print(f"{head} · {self.info.title}: {kept} of {total} standards kept → {kept} of {total} points")
        print(self.table())
        if changed:
            print(f"  essential · code in this notebook replaced grader code ({', '.join(changed[:3])}): 0 points.")
        broken = [s for s in self.standards if not self.kept(s)]
        if broken:
            print("\nWhat to fix, standard by standard:")
        for sid in broken:
            failing = [f for f in self.findings[sid] if f.fails]
            if not failing:
                failing = [
                    Finding(
                        sid,
                        "the service to show this standard at work",
                        "nothing to judge it by: the operations that exercise it did not run",
                    )
                ]
            for finding in failing[:2]:
                print("\n".join("  " + line for line in finding.lines()))
        notes = [f for s in self.standards for f in self.findings[s] if not f.fails]
        for finding in notes[:3]:
            print("\n".join("  " + line for line in finding.lines()))
        if broken:
            print(f"  Stuck? Reveal a hint: hints('{self.info.id}')")
        print(f"Score for this cell: {kept} (the number below).")
        return kept


def _frames(error: BaseException) -> str:
    from .exercise import _learner_frames  # late: importing exercise snapshots the grader for tamper checks

    return _learner_frames(error)


def _one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- the workload


@dataclass(frozen=True)
class Op:
    """One request of the workload: read a product, change a price, or invalidate a category."""

    index: int
    kind: str  # "get" | "update" | "invalidate"
    product_id: int = 0
    price: float = 0.0
    category: str = ""
    fault: str = ""  # "", "outage" or "timeouts": what Redis does while this request runs

    def __str__(self) -> str:
        what = {
            "get": f"get_product({self.product_id})",
            "update": f"update_price({self.product_id}, {self.price})",
            "invalidate": f"invalidate_category({self.category!r})",
        }[self.kind]
        return what + (
            f" during a Redis {self.fault[:-1] if self.fault == 'timeouts' else self.fault}" if self.fault else ""
        )


def workload(
    seed: int = 10,
    n: int = 300,
    products: int = 500,
    *,
    writes: float = 0.12,
    invalidations: float = 0.03,
    faults: tuple[tuple[str, int, int], ...] | None = None,
) -> list[Op]:
    """``n`` requests: Zipf-distributed product reads, some price updates and category invalidations, with Redis
    failing during the ``faults`` windows (kind, first request, request after the last). By default Redis is down
    for the tenth of the requests starting at 40%, and times out for a fifteenth starting at two thirds."""
    if faults is None:
        faults = (("outage", 2 * n // 5, n // 2), ("timeouts", 2 * n // 3, 2 * n // 3 + n // 15))
    rng = random.Random(seed)
    ranked = list(range(1, products + 1))
    rng.shuffle(ranked)
    ids = rng.choices(ranked, weights=[1 / k for k in range(1, products + 1)], k=n)
    ops = []
    for i, product_id in enumerate(ids):
        fault = next((kind for kind, start, stop in faults if start <= i < stop), "")
        roll = rng.random()
        if roll < invalidations:
            ops.append(Op(i, "invalidate", category=rng.choice(CATEGORIES), fault=fault))
        elif roll < invalidations + writes:
            ops.append(Op(i, "update", product_id, round(rng.randrange(199, 50000) / 100, 2), fault=fault))
        else:
            ops.append(Op(i, "get", product_id, fault=fault))
    return ops


@dataclass
class OpResult:
    op: Op
    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0
    product_reads: int = 0  # database reads of the products table during the request
    row: dict | None = None  # what the database held for the product right after the request


def same_product(got: Any, row: dict | None) -> bool:
    """Whether a returned (or cached) product is the database's row (``updated_at`` aside)."""
    if row is None or not isinstance(got, dict):
        return got is None and row is None
    return all(got.get(k) == row.get(k) for k in _COMPARED)


# ---------------------------------------------------------------- the service check


class ServiceCheck(Scorecard):
    """Runs a ``CatalogService(db, new_pool)`` through a workload with faults and judges 11 standards."""

    def __init__(self, exercise_id: str, *, seed: int = 10, requests: int = 300, products: int = 500):
        super().__init__(exercise_id, SERVICE_STANDARDS)
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

    # -- what the service is given ----------------------------------------------------------------------
    def new_pool(self, pool_class: type[redis.ConnectionPool] = redis.ConnectionPool, **options: Any):
        """The ``new_pool`` the service receives: a pool on the lesson's Redis that the grader watches and breaks."""
        self.pools_made.append(dict(options, pool_class=pool_class.__name__))
        options.setdefault("retry", no_retry())
        return self.faults.pool(pool_class=pool_class, **options)

    def _reader(self) -> redis.Redis:
        """A plain client (not watched, never broken) on the database the service's pool uses."""
        if self.reader is None:
            db = int((self.pools_made[0] if self.pools_made else {}).get("db", 0) or 0)
            self.reader = self.spy.backend.client(retry=no_retry(), db=db)
        return self.reader

    def _call(self, fn: Callable[..., Any], *args: Any) -> tuple[Any, BaseException | None]:
        try:
            with contextlib.redirect_stderr(sys.stdout):
                return fn(*args), None
        except Exception as error:  # noqa: BLE001 - a learner error is evidence, not a crash
            if isinstance(error, NotImplementedError):
                self.stub = True
            return None, error

    def _raised(self, standard_id: str, what: str, error: BaseException) -> None:
        stub = isinstance(error, NotImplementedError)
        self.expect(
            False,
            standard_id,
            expected=f"`{what}` to return",
            got="the stub still raises NotImplementedError" if stub else f"it raised {type(error).__name__}: {error}",
            hint="Replace `raise NotImplementedError()` with your code and run that cell again."
            if stub
            else "Where it broke in your code:\n" + _frames(error),
        )

    # -- the run ---------------------------------------------------------------------------------------
    def run(self, service_class: type, progress: Callable[[Any], Any] | None = None) -> ServiceCheck:
        """Build the service, probe it, run the workload with faults, audit everything it sent and left."""
        self.service, error = self._call(service_class, self.db, self.new_pool)
        if error is not None:
            self.fail_all(
                "`CatalogService(db, new_pool)` to build the service",
                f"it raised {type(error).__name__}: {error}"
                if not isinstance(error, NotImplementedError)
                else "the stub still raises NotImplementedError",
                "Write __init__ first: make one pool with `new_pool(...)` and a client on it.",
            )
            return self
        product_key = self._probe_cache_aside(17)
        ops = progress(self.ops) if progress else self.ops
        self._run_workload(ops)
        self._judge_workload()
        self._probe_write_through()
        self._probe_corrupt_entry(product_key)
        self._probe_invalidation()
        self._audit()
        return self

    def _forget(self, product_id: int) -> None:
        """Make sure a product is not cached, whatever the service calls its key."""
        for key in [k for k in checks.written_keys(self.spy.commands) if _mentions(k, product_id)]:
            self._reader().unlink(key)

    def _probe_cache_aside(self, product_id: int) -> str | None:
        """A cold read then a warm read of one product: GET → DB read → SET, then GET alone."""
        self._reader().unlink(f"product:{product_id}")
        row = self.db.peek_product(product_id)
        mark, events = len(self.spy.commands), len(self.db.events)
        first, error = self._call(self.service.get_product, product_id)
        if error is not None:
            self._raised("pattern-cache-aside", f"get_product({product_id})", error)
            return None
        sent, asked = self.spy.commands[mark:], self.db.events[events:]
        steps = [s.name for s in sorted([*sent, *asked], key=lambda s: s.at) if s.name in ("GET", "DB READ", "SET")]
        key = _product_key(sent, row)
        order_ok = steps[:1] == ["GET"] and "DB READ" in steps and "SET" in steps[steps.index("DB READ") :]
        self.expect(
            order_ok,
            "pattern-cache-aside",
            expected="a cold read: GET the cache → read the database → SET the cache",
            got="sent: " + " → ".join(steps or ["nothing"]),
            hint="GET first; only on a miss call db.get_product(...), then write the answer back.",
        )
        self.expect(
            same_product(first, row),
            "pattern-cache-aside",
            expected=f"product {product_id} returned",
            got=repr(first)[:100],
        )
        mark, reads = len(self.spy.commands), self.db.read_counts["products"]
        second, error = self._call(self.service.get_product, product_id)
        if error is not None:
            self._raised("pattern-cache-aside", f"get_product({product_id})", error)
            return key
        warm = self.spy.commands[mark:]
        hit_ok = self.db.read_counts["products"] == reads and [c.name for c in warm][:1] == ["GET"]
        self.expect(
            hit_ok and same_product(second, row),
            "pattern-cache-aside",
            expected="a warm read: one GET, no database read",
            got=f"sent {[c.name for c in warm]}, {self.db.read_counts['products'] - reads} database read(s)",
            hint="Return the cached JSON on a hit; do not ask the database.",
        )
        if order_ok and hit_ok:
            self.saw("pattern-cache-aside", f"cold read GET → DB → SET `{key}`, warm read one GET")
        if key is None:
            self.expect(
                False,
                "client-serialization",
                expected=f"product {product_id} cached as JSON",
                got="no value written for it: " + "; ".join(str(c) for c in sent)[:120],
            )
            return None
        cached = self._reader().get(key)
        decoded = _json(cached)
        if self.expect(
            same_product(decoded, row),
            "client-serialization",
            expected=f"`{key}` readable by any client: `json.loads(value)` gives the product's fields",
            got=f"the cache holds {cached!r}"[:140],
            hint="Write `json.dumps(product)`; `str(product)` is Python's repr, unreadable elsewhere.",
        ):
            self.saw("client-serialization", f"`{key}` = JSON readable by a plain `json.loads`")
        return key

    def _fault(self, kind: str):
        if kind == "outage":
            return self.faults.outage()
        if kind == "timeouts":
            return self.faults.timeouts()
        if kind == "out_of_memory":
            return self.faults.out_of_memory()
        return contextlib.nullcontext()

    def _run_workload(self, ops) -> None:
        for op in ops:
            fn = {
                "get": self.service.get_product,
                "update": self.service.update_price,
                "invalidate": self.service.invalidate_category,
            }[op.kind]
            args = {"get": (op.product_id,), "update": (op.product_id, op.price), "invalidate": (op.category,)}[op.kind]
            reads = self.db.read_counts["products"]
            started = time.perf_counter()
            with self._fault(op.fault):
                value, error = self._call(fn, *args)
            seconds, reads = time.perf_counter() - started, self.db.read_counts["products"] - reads
            row = self.db.peek_product(op.product_id) if op.product_id else None
            self.results.append(OpResult(op, value, error, seconds, reads, row))

    def _judge_workload(self) -> None:
        owner = {"get": "pattern-cache-aside", "update": "pattern-write-through", "invalidate": "cmd-scan-not-keys"}
        tainted: set[int] = set()  # products changed while Redis was down: their cached copy may lag (see lesson)
        stale, wrong, fault_failures, slow = [], [], [], []
        updated_healthy: set[int] = set()
        raised_healthy: dict[str, tuple[Op, BaseException]] = {}
        for res in self.results:
            op = res.op
            if op.fault:
                if op.kind == "update":
                    tainted.add(op.product_id)
                if res.error is not None:
                    fault_failures.append(f"{op} raised {type(res.error).__name__}: {res.error}")
                elif op.kind == "get" and not same_product(res.value, res.row):
                    fault_failures.append(f"{op} returned {res.value!r}"[:120])
                if res.seconds > FAULT_BUDGET:
                    slow.append(f"{op} took {res.seconds:.2f} s")
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
        faulty = [r for r in self.results if r.op.fault]
        if (
            self.expect(
                not fault_failures and not slow,
                "client-error-handling",
                expected=f"all {len(faulty)} requests made while Redis was down or timing out served from "
                f"the database, each within {FAULT_BUDGET} s, no exception escaping",
                got="; ".join((fault_failures + slow)[:2])
                + (f" (and {len(fault_failures) + len(slow) - 2} more)" if len(fault_failures) + len(slow) > 2 else ""),
                hint="Catch `redis.RedisError` around every cache call and fall back to the database; "
                "never retry with sleeps in the request path.",
            )
            and faulty
        ):
            kinds = Counter(r.op.fault for r in faulty)
            self.saw(
                "client-error-handling",
                f"{kinds['outage']} requests during an outage, {kinds['timeouts']} "
                f"during timeouts: all served, slowest {max(r.seconds for r in faulty) * 1000:.1f} ms",
            )
        if stale:
            op, got, row = stale[0]
            self.expect(
                False,
                "pattern-write-through",
                expected=f"after update_price, get_product({op.product_id}) returns the new price {row['price']}",
                got=f"{len(stale)} stale read(s), e.g. request {op.index}: price {_price(got)} "
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

    def _probe_write_through(self) -> None:
        """Update a cached product: the cache holds the new price at once; a failed database write changes nothing."""
        product_id = 29
        self._call(self.service.get_product, product_id)
        price = round(self.db.peek_product(product_id)["price"] + 1.25, 2)
        mark = len(self.spy.commands)
        _, error = self._call(self.service.update_price, product_id, price)
        if error is not None:
            self._raised("pattern-write-through", f"update_price({product_id}, {price})", error)
            return
        key = _product_key(self.spy.commands[mark:], self.db.peek_product(product_id)) or f"product:{product_id}"
        cached = _decode(self._reader().get(key))
        db_price = self.db.peek_product(product_id)["price"]
        ok = self.expect(
            db_price == price and _price(cached) == price,
            "pattern-write-through",
            expected=f"update_price writes the database (price {price}) and the cache (`{key}` holds it)",
            got=f"database price {db_price}, cache: "
            + (
                "no entry (deleted: that is cache-aside invalidation, not write-through)"
                if cached is None
                else f"price {_price(cached)}"
            ),
            hint="db.update_product_price(...), then `set(key, json.dumps(fresh_product), ex=ttl)`.",
        )
        after, error = self._call(self.service.get_product, product_id)
        ok &= self.expect(
            error is None and _price(after) == price,
            "pattern-write-through",
            expected="the next read returns the new price",
            got=f"{type(error).__name__}: {error}" if error else f"{after!r}"[:100],
        )
        # the database refuses the write: the cache must not get the new price either
        other = 31
        self._call(self.service.get_product, other)
        old = self.db.peek_product(other)["price"]
        with self.db.fail("the database is down (injected by the grader)"):
            self._call(self.service.update_price, other, old + 10)
        cached = _decode(self._reader().get(_product_key(self.spy.commands, self.db.peek_product(other)) or ""))
        after, _ = self._call(self.service.get_product, other)
        ok &= self.expect(
            _price(cached) != old + 10 and _price(after) == old,
            "pattern-write-through",
            expected="when the database write fails, the cache keeps the old price (the database "
            "is the source of truth)",
            got=f"cache price {_price(cached)}, get_product → {_price(after)}, database {old}",
            hint="Write the database first; write the cache only once the database write succeeded.",
        )
        stale = sum(1 for r in self.results if r.op.kind == "update" and not r.op.fault)
        if ok:
            self.saw(
                "pattern-write-through",
                f"cache updated with the database on {stale + 1} price changes; no "
                "stale read; a failed database write left the cache alone",
            )

    def _probe_corrupt_entry(self, key: str | None) -> None:
        """A corrupt entry is a miss: reloaded from the database and overwritten."""
        if key is None:
            return
        product_id = 17
        row = self.db.peek_product(product_id)
        reader = self._reader()
        for bad in ('{"id": 17, "sku": "SKU-000', "{'id': 17, 'price': 0.0}"):
            reader.set(key, bad, ex=60)
            got, error = self._call(self.service.get_product, product_id)
            now = _json(reader.get(key))
            if not self.expect(
                error is None and same_product(got, row),
                "client-serialization",
                expected=f"a corrupt entry (`{bad}`) treated as a miss: product {product_id} returned",
                got=f"it raised {type(error).__name__}: {error}" if error else f"returned {got!r}"[:120],
                hint="Wrap json.loads in `try/except json.JSONDecodeError` and fall through to the database.",
            ):
                return
            if not self.expect(
                now is None or same_product(now, row),
                "client-serialization",
                expected=f"the corrupt `{key}` overwritten with valid JSON",
                got=f"it still holds {reader.get(key)!r}"[:120],
            ):
                return
        self.saw(
            "client-serialization",
            f"`{key}` = JSON readable by a plain `json.loads`; 2 corrupt entries treated as misses",
        )
        self.evidence["client-serialization"].reverse()

    def _cached_products(self) -> dict[str, dict]:
        """Every cached product the service wrote (key → decoded value), read by the grader's plain client."""
        keys = [k for k in checks.written_keys(self.spy.commands) if self._reader().exists(k)]
        return {k: v for k in keys if isinstance(v := _decode(self._reader().get(k)), dict) and "category" in v}

    def _probe_invalidation(self) -> None:
        """invalidate_category removes that category's cached products (found with SCAN) and nothing else."""
        for product_id in range(40, 80):
            self._call(self.service.get_product, product_id)
        before = self._cached_products()
        counts = Counter(v["category"] for v in before.values())
        if not counts:
            self.expect(
                False,
                "cmd-scan-not-keys",
                expected="cached products to invalidate",
                got="no cached product found in Redis",
            )
            return
        target = counts.most_common(1)[0][0]
        mark = len(self.spy.commands)
        _, error = self._call(self.service.invalidate_category, target)
        if error is not None:
            self._raised("cmd-scan-not-keys", f"invalidate_category({target!r})", error)
            return
        sent = self.spy.commands[mark:]
        after = self._cached_products()
        left = [k for k, v in after.items() if v["category"] == target]
        others_before = sum(n for c, n in counts.items() if c != target)
        others_after = sum(1 for v in after.values() if v["category"] != target)
        ok = self.expect(
            not left,
            "cmd-scan-not-keys",
            expected=f"invalidate_category({target!r}) removes all {counts[target]} cached {target} products",
            got=f"{len(left)} still cached, e.g. `{left[0] if left else ''}`",
            hint="`for key in r.scan_iter(match='product:*', count=500):` read each entry and unlink "
            "the ones in that category.",
        )
        ok &= self.expect(
            others_after >= others_before - 1,
            "cmd-scan-not-keys",
            expected=f"the other categories' {others_before} cached products left alone",
            got=f"only {others_after} left: the whole cache was emptied",
            hint="Remove only the keys you found for that category; never FLUSHDB.",
        )
        scans = [c for c in sent if c.name == "SCAN"]
        ok &= self.expect(
            bool(scans),
            "cmd-scan-not-keys",
            expected="the category's keys found with SCAN",
            got="sent " + ", ".join(sorted({c.name for c in sent}) or ["nothing"]),
            hint="Iterate with `r.scan_iter(match='product:*', count=500)`: a page at a time.",
        )
        if ok:
            self.saw(
                "cmd-scan-not-keys",
                f"invalidate_category({target!r}): {counts[target]} keys removed after "
                f"{len(scans)} SCAN page(s), {others_after} others kept, no KEYS",
            )

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
        writes = [c for c in commands if c.name in ("SET", "SETEX", "HSET", "MSET")]
        if not ttl_findings and not immortal and writes:
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
        limit = 4 + 2 * len({r.op.fault for r in self.results if r.op.fault})
        if (
            self.expect(
                opened <= limit,
                "client-pool-reuse",
                expected=f"connections reused: at most {limit} opened for {len(self.results)} requests "
                "(one, plus reconnecting after each fault)",
                got=f"{opened} connections opened",
            )
            and len(self.pools_made) == 1
        ):
            self.saw(
                "client-pool-reuse",
                f"1 pool, {opened} connection(s) opened for {len(self.results)} requests and 2 fault windows",
            )

    # -- hidden probes -----------------------------------------------------------------------------------
    def probe_database_errors_surface(self) -> None:
        """Redis down *and* the database down: a database error must reach the caller, not become None."""
        if self.service is None:
            return
        product_id = 97
        self._forget(product_id)
        with self.faults.outage(), self.db.fail("the database is down too (injected by the grader)"):
            got, error = self._call(self.service.get_product, product_id)
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

    def close(self) -> None:
        """Remove what the run left (the service's keys, on whatever database it used)."""
        reader = self._reader()
        keys = checks.written_keys(self.spy.commands)
        for start in range(0, len(keys), 500):
            reader.unlink(*keys[start : start + 500])
        reader.close()


def _mentions(key: str, product_id: int) -> bool:
    return str(product_id) in key.replace("-", ":").replace("_", ":").replace(".", ":").split(":")


def _product_key(sent: list[Command], row: dict | None) -> str | None:
    """The key a product was cached under: the last value written that carries the product's SKU."""
    if row is None:
        return None
    for cmd in reversed(sent):
        if cmd.name in ("SET", "SETEX", "PSETEX", "SETNX") and cmd.key:
            value = cmd.args[2] if cmd.name in ("SETEX", "PSETEX") else (cmd.args[1] if len(cmd.args) > 1 else "")
            if row["sku"] in (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)):
                return cmd.key
    return None


def _decode(value: Any) -> Any:
    """What a cached entry holds, for the grader's own bookkeeping: JSON, or failing that a Python literal (so
    an entry in the wrong encoding is judged once, by the serialization checks, and not by every probe)."""
    decoded = _json(value)
    if decoded == "(not JSON)":
        with contextlib.suppress(ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            decoded = ast.literal_eval(value)
    return decoded


def _json(value: Any) -> Any:
    """What a plain JSON reader in any language gets from a cached entry: the object, None, or "(not JSON)"."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return "(not JSON)"


def _price(product: Any) -> Any:
    return product.get("price") if isinstance(product, dict) else product


# ---------------------------------------------------------------- the config check


class ConfigCheck(Scorecard):
    """Audits the redis.conf text ``cache_config()`` returns against the configuration and security standards."""

    def __init__(self, exercise_id: str):
        super().__init__(exercise_id, CONFIG_STANDARDS)
        self.config = None

    def run(self, cache_config: Callable[[], str]) -> ConfigCheck:
        try:
            with contextlib.redirect_stderr(sys.stdout):
                text = cache_config()
        except Exception as error:  # noqa: BLE001 - reported per standard
            got = (
                "the stub still raises NotImplementedError"
                if isinstance(error, NotImplementedError)
                else f"it raised {type(error).__name__}: {error}"
            )
            self.fail_all("`cache_config()` to return redis.conf text", got)
            return self
        if not isinstance(text, str) or not text.strip():
            self.fail_all("redis.conf text (a str)", repr(text)[:80])
            return self
        try:
            self.config = parse_config(text, source="cache_config()")
        except ConfigError as error:
            self.fail_all("a redis.conf Redis 7 can read", str(error))
            return self
        findings = audit_config(self.config, purpose="cache", keys_have_ttls=True)
        for finding in findings:
            if finding.severity is Severity.ACTIONABLE:  # the capstone's bar: nothing left to fix before production
                finding = Finding(finding.standard_id, finding.expected, finding.got, finding.hint)
            self.check([finding])
        for sid in self.standards:
            self.saw(sid, self._evidence(sid))
        return self

    def expect_maxmemory_at_least(self, minimum: int = 1024 * 1024) -> None:
        if self.config is None:
            return
        limit = self.config.memory("maxmemory") or 0
        self.expect(
            not limit or limit >= minimum,
            "config-maxmemory",
            expected=f"room for a cache: `maxmemory` of at least {minimum // (1024 * 1024)} MB",
            got=f"`maxmemory {self.config.get('maxmemory')}` ({limit:,} bytes): every write would evict",
            hint="Size it from the working set, e.g. `maxmemory 256mb`, below the host's RAM.",
        )

    def _evidence(self, sid: str) -> str:
        config = self.config

        def line(name: str, default: str) -> str:
            d = config.last(name)
            return f"`{d}`" if d else default

        if sid == "config-maxmemory":
            return f"{line('maxmemory', 'no maxmemory')}, {line('maxmemory-policy', 'policy noeviction')}"
        if sid == "config-persistence":
            saves = config.every("save")
            snapshots = f"`{saves[-1]}`" if saves else "default RDB snapshots"
            return f"{snapshots}, {line('appendonly', 'appendonly no')}: a pure cache"
        if sid == "security-auth":
            users = config.every("user")
            apps = [u.args[0] for u in users if u.args[0] != "default"]
            if users:
                return f"{len(users)} ACL users ({', '.join(f'`{a}`' for a in apps) or 'default'}), passwords 16+ chars"
            return line("requirepass", "")
        if sid == "security-dangerous-commands":
            return "FLUSHDB, FLUSHALL, CONFIG, KEYS, DEBUG denied to the application user(s)"
        return f"{line('bind', 'no bind line')}, {line('protected-mode', 'protected-mode yes (default)')}"
