"""The lesson database: deterministic seed, honest counts, slow and failing on purpose, safe across threads."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from autograder.labkit import Command, CommandSpy, DatabaseUnavailable, LessonDB, backend_from_env, timeline
from autograder.labkit import db as db_module


@pytest.fixture(scope="module")
def small():
    return LessonDB.create(seed=7, products=500, users=100, orders=300)


@pytest.fixture
def db(small):
    small.reset_counts()
    return small


def test_same_seed_same_rows_other_seed_other_rows():
    a, b, c = (LessonDB.create(seed=s, products=200, users=50, orders=80) for s in (7, 7, 8))
    rows = lambda db: ([db.peek_product(i) for i in range(1, 201)], [db.peek_user(i) for i in range(1, 51)])  # noqa: E731
    assert rows(a) == rows(b)
    assert rows(a) != rows(c)
    assert [a.count_rows(t) for t in ("products", "users", "orders")] == [200, 50, 80]


def test_default_sizes_are_big_enough_to_measure_and_quick_to_build():
    started = time.perf_counter()
    db = LessonDB.create()
    assert time.perf_counter() - started < 2
    assert (db.count_rows("products"), db.count_rows("users"), db.count_rows("orders")) == (10_000, 2_000, 5_000)


def test_rows_are_plain_json_ready_dicts(db):
    product, user = db.get_product(42), db.get_user(7)
    assert set(product) == {"id", "sku", "name", "category", "price", "stock", "updated_at"}
    assert product["id"] == 42 and product["sku"] == "SKU-00042" and isinstance(product["price"], float)
    assert set(user) == {"id", "name", "email", "country", "created_at"} and user["id"] == 7
    assert db.get_product(10**9) is None and db.get_user(-1) is None
    assert all(o["user_id"] == 7 for o in db.get_orders_for_user(7))


def test_reads_and_writes_are_counted_per_table_and_logged_in_order(db):
    db.get_product(1)
    db.get_product(2)
    db.get_user(1)
    db.get_user(999_999)  # a miss in the database is still a read
    assert db.update_product_price(1, 12.5) is True
    assert db.update_product_price(10**9, 1) is False
    assert db.update_user(1, name="Ada L.") is True
    assert (db.reads, db.writes) == (4, 3)
    assert db.read_counts == {"products": 2, "users": 2}
    assert db.write_counts == {"products": 2, "users": 1}
    assert [str(e) for e in db.events][:3] == ["DB READ products id=1", "DB READ products id=2", "DB READ users id=1"]
    assert [e.name for e in db.events] == ["DB READ"] * 4 + ["DB WRITE"] * 3
    assert db.peek_product(1)["price"] == 12.5 and db.get_user(1)["name"] == "Ada L."
    db.reset_counts()
    assert (db.reads, db.writes, db.events) == (0, 0, [])
    assert db.peek_product(1)["price"] == 12.5  # the data stays


def test_peek_and_count_rows_do_not_count(db):
    db.peek_product(3)
    db.peek_user(3)
    db.count_rows("orders")
    assert (db.reads, db.events) == (0, [])


def test_create_update_and_delete_users(db):
    new_id = db.create_user("Katherine Johnson", "kj@example.com", "US")
    assert db.get_user(new_id)["name"] == "Katherine Johnson"
    assert db.delete_user(new_id) is True and db.get_user(new_id) is None
    with pytest.raises(ValueError):
        db.update_user(1, password="x")


def test_slow_really_sleeps_and_recovers(db, monkeypatch):
    with db.slow(0.05):
        started = time.perf_counter()
        db.get_product(5)
        assert time.perf_counter() - started >= 0.05
    sleeps: list[float] = []  # what the database asks the clock for after the block: deterministic under load
    monkeypatch.setattr(db_module.time, "sleep", sleeps.append)
    db.get_product(5)
    assert sleeps == [] and db.reads == 2


def test_slow_queries_from_many_threads_overlap(db):
    with db.slow(0.1), ThreadPoolExecutor(10) as pool:
        started = time.perf_counter()
        list(pool.map(db.get_product, range(1, 11)))
        elapsed = time.perf_counter() - started
    assert elapsed < 0.5, "slow queries should overlap, not queue behind one lock"
    assert db.reads == 10


def test_fail_raises_a_clear_error_counts_it_and_recovers(db):
    with db.fail(), pytest.raises(DatabaseUnavailable, match="down"):
        db.get_user(1)
    with db.fail("replica lag"), pytest.raises(DatabaseUnavailable, match="replica lag"):
        db.update_product_price(1, 3)
    assert (db.reads, db.writes, db.failed) == (0, 0, 2)
    assert [(e.name, e.ok) for e in db.events] == [("DB READ", False), ("DB WRITE", False)]
    assert "FAILED" in str(db.events[0])
    assert db.get_user(1)["id"] == 1  # recovered
    assert db.reads == 1


def test_concurrent_reads_from_many_threads_are_all_counted(db):
    def work(n):
        return [db.get_product(1 + (n * 37 + i) % 500)["id"] for i in range(50)]

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(work, range(32)))
    assert all(len(r) == 50 for r in results)
    assert db.reads == 32 * 50 == len(db.events)
    assert {e.thread for e in db.events} != {threading.current_thread().name}


def test_timeline_interleaves_db_events_with_spy_commands(db):
    spy = CommandSpy(backend_from_env({}))
    r = spy.client()
    assert r.get("product:9") is None
    row = db.get_product(9)
    r.set("product:9", str(row["price"]), ex=60)
    steps = [s.name for s in timeline(spy.commands, db.events)]
    assert steps == ["GET", "DB READ", "SET"]


def test_command_equality_ignores_the_timestamp():
    a = Command("SET", ("k", "v"))
    time.sleep(0.001)
    b = Command("SET", ("k", "v"), "command")
    assert a == b and a.at < b.at and "at=" not in repr(a)
