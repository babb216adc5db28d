"""The capstone grader (autograder/capstone.py): per-standard scoring, the workload, and the config audit."""

import contextlib
import json

import redis

from autograder import capstone


class GoodService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        self.cache = redis.Redis.from_pool(new_pool(max_connections=4, socket_timeout=0.25))

    def get_product(self, product_id):
        key = f"product:{product_id}"
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return json.loads(cached)
            except json.JSONDecodeError:
                pass
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def update_price(self, product_id, price):
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
    reads = [op.product_id for op in ops if op.kind == "get"]
    assert max(reads.count(p) for p in set(reads)) >= 10  # skewed: a hot product


def test_a_service_keeping_every_standard_scores_all_points(capsys):
    ex, score, out = _grade(GoodService, capsys)
    assert score == len(capstone.SERVICE_STANDARDS) == 11
    assert out.count("✅ kept") == 11 and "Score for this cell: 11" in out


def test_breaking_one_standard_loses_exactly_that_point(capsys):
    ex, score, out = _grade(NoTTL, capsys)
    assert score == 10
    assert not ex.kept("ttl-always") and all(ex.kept(s) for s in capstone.SERVICE_STANDARDS if s != "ttl-always")
    assert "[ttl-always]" in out and "expected:" in out and "got:" in out


def test_a_stub_scores_zero_with_one_row_per_standard(capsys):
    ex, score, out = _grade(Stub, capsys)
    assert score == 0
    assert out.count("❌ broken") == 11 and "NotImplementedError" in out


def test_a_standard_never_exercised_is_not_kept(capsys):
    card = capstone.Scorecard("l10-catalog-service", ("ttl-always",))
    assert card.verdict() == 0  # no evidence, no finding: not observed is not kept
    card.saw("ttl-always", "3 writes with EX")
    assert card.verdict() == 1
    assert "not observed" not in capsys.readouterr().out.split("Score for this cell: 0")[1]


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
