"""The capstone grader (autograder/capstone/): per-standard scoring, the workload, and the config audit."""

import contextlib
import json
import threading
import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from autograder import capstone
from autograder.catalog.exercises import exercise_info

SERVICE_STANDARDS = exercise_info("l10-catalog-service").standards


class GoodService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)
        self.locks = {}

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self.locks.setdefault(product_id, threading.Lock()):  # one loader per product
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _read(self, key):
        try:
            return json.loads(self.cache.get(key) or "null")
        except (redis.RedisError, json.JSONDecodeError):
            return None

    def update_price(self, product_id, price):
        with self.locks.setdefault(product_id, threading.Lock()):  # one writer per product
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        with contextlib.suppress(redis.RedisError):
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except json.JSONDecodeError:
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)


class NoTTL(GoodService):
    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product))


class Stub:
    def __init__(self, db, new_pool):
        raise NotImplementedError()


def _grade(service_class, capsys):
    ex = capstone.ServiceCheck("l10-catalog-service", requests=120, products=200)
    ex.run(service_class)
    ex.probe_database_errors_surface()
    ex.probe_out_of_memory()
    score = ex.verdict()
    ex.close()
    return ex, score, capsys.readouterr().out


def test_workload_is_deterministic_zipf_with_fault_windows():
    ops = capstone.workload(seed=4, n=300, products=500)
    assert ops == capstone.workload(seed=4, n=300, products=500)
    assert {op.kind for op in ops} == {"get", "update", "invalidate"}
    assert [op.index for op in ops if op.fault == "outage"] == list(range(120, 150))
    assert sum(op.fault == "timeouts" for op in ops) == 20
    assert [op.index for op in ops if op.fault == "slow"] == [250, 251]  # every command stalls
    reads = [op.product_id for op in ops if op.kind == "get"]
    assert max(reads.count(p) for p in set(reads)) >= 10  # skewed: a hot product


def test_a_service_keeping_every_standard_scores_all_points(capsys):
    ex, score, out = _grade(GoodService, capsys)
    assert score == len(SERVICE_STANDARDS) == 11
    assert out.count("✅ kept") == 11 and "Score for this cell: 11" in out


def test_breaking_one_standard_loses_exactly_that_point(capsys):
    ex, score, out = _grade(NoTTL, capsys)
    assert score == 10
    assert not ex.kept("ttl-always") and all(ex.kept(s) for s in SERVICE_STANDARDS if s != "ttl-always")
    assert "[ttl-always]" in out and "expected:" in out and "got:" in out


def test_a_stub_scores_zero_with_one_row_per_standard(capsys):
    ex, score, out = _grade(Stub, capsys)
    assert score == 0
    assert out.count("❌ broken") == 11 and "NotImplementedError" in out


def test_a_standard_never_exercised_is_not_kept(capsys):
    card = capstone.StandardsScorecard("l10-catalog-service")
    assert card.standards == SERVICE_STANDARDS  # the catalog's standards, not a copy
    assert card.verdict() == 0  # no evidence, no finding: not observed is not kept
    card.saw("ttl-always", "3 writes with EX")
    assert card.verdict() == 1
    second = capsys.readouterr().out.split("Score for this cell: 0")[1]
    assert "| ttl-always" in second and "not observed" not in second.split("| ttl-always")[1].splitlines()[0]


GOOD_CONF = """
bind 127.0.0.1 -::1
protected-mode yes
maxmemory 256mb
maxmemory-policy allkeys-lru
save ""
appendonly no
user default off
user app on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous
user admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all
"""


def _config_score(text, capsys):
    ex = capstone.ConfigCheck("l10-cache-config").run(lambda: text)
    ex.expect_maxmemory_at_least()
    score = ex.verdict()
    return ex, score, capsys.readouterr().out


def test_config_check_scores_each_standard(capsys):
    assert _config_score(GOOD_CONF, capsys)[1] == 5
    ex, score, out = _config_score(GOOD_CONF.replace("bind 127.0.0.1 -::1", "bind 0.0.0.0"), capsys)
    assert score == 4 and not ex.kept("security-network")  # an actionable finding breaks it in the capstone
    ex, score, _ = _config_score(GOOD_CONF.replace("256mb", "1kb"), capsys)
    assert score == 4 and not ex.kept("config-maxmemory")


def test_config_check_unreadable_or_stub_scores_zero(capsys):
    assert _config_score("maxmemory lots\n", capsys)[1] == 0
    ex = capstone.ConfigCheck("l10-cache-config").run(Stub)
    assert ex.verdict() == 0


# ---------------------------------------------------------------- faults, concurrency and the gate (issue 12)


class NoTimeouts(GoodService):  # no socket_timeout: a stalled Redis stalls every request
    def __init__(self, db, new_pool):
        super().__init__(db, lambda **options: new_pool(max_connections=32, retry=Retry(NoBackoff(), 0)))


class DefaultRetries(GoodService):  # no retry=: 10 retries with backoff, seconds per request while Redis is down
    def __init__(self, db, new_pool):
        super().__init__(db, lambda **options: new_pool(max_connections=32, socket_timeout=0.2))


class NoStampedeLock(GoodService):
    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is None and (cached := self.db.get_product(product_id)) is not None:
            self._store(key, cached)
        return cached


class RacingWriters(GoodService):
    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        product = self.db.get_product(product_id)
        self._store(f"product:{product_id}", product)
        return product


class OnePageScan(GoodService):
    def invalidate_category(self, category):
        removed = 0
        with contextlib.suppress(redis.RedisError):
            for key in self.cache.scan(0, match="product:*", count=500)[1]:
                if json.loads(self.cache.get(key) or "{}").get("category") == category:
                    removed += self.cache.unlink(key)
        return removed


class HurriedButTidy(NoTimeouts, NoStampedeLock, RacingWriters):  # three behavioural standards broken
    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product))  # no TTL: a fourth


@pytest.mark.parametrize(
    ("service", "broken"),
    [
        (NoTimeouts, "client-error-handling"),
        (DefaultRetries, "client-error-handling"),
        (NoStampedeLock, "pattern-cache-aside"),
        (RacingWriters, "pattern-write-through"),
        (OnePageScan, "cmd-scan-not-keys"),
    ],
    ids=lambda v: getattr(v, "__name__", v),
)
def test_each_fault_probe_costs_exactly_its_standard(service, broken, capsys):
    ex, score, out = _grade(service, capsys)
    assert score == 10, out
    assert not ex.kept(broken) and f"essential · [{broken}]" in out


def test_a_timeout_less_client_or_default_retries_are_stopped_without_stalling_the_run(capsys):
    started = time.perf_counter()
    ex, _, out = _grade(DefaultRetries, capsys)
    assert time.perf_counter() - started < 20, "a retrying client must not stall the grader"
    assert any(r.skipped for r in ex.results) and "were not sent" in out


def test_tidy_keys_earn_no_point_in_a_service_that_is_not_a_working_cache(capsys):
    ex, score, out = _grade(HurriedButTidy, capsys)
    structural = ("key-namespace", "key-readable", "key-no-numbered-db", "key-size-limit", "cmd-scan-not-keys")
    assert all(ex.shown(s) and not ex.kept(s) for s in structural), out
    assert score == sum(ex.kept(s) for s in SERVICE_STANDARDS) and score <= 2
    assert "⏸ gated" in out and "earn no point yet" in out
