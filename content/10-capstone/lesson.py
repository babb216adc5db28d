# %% [markdown] id="title"
# # Lesson 10 · Capstone: a cached service to the standards
#
# **Goals.** Put the whole workbook together: build a small product-catalogue service over the lesson database with cache-aside reads, write-through updates, one connection pool, graceful errors, JSON, TTLs on every write, namespaced keys and SCAN-based maintenance, and write the redis.conf it should run on. The grader runs a realistic workload against your service (300 Zipf-distributed reads and writes, with Redis failing, then slow, in the middle, and bursts of concurrent requests) and reports **one row per standard**: you earn a point for every standard you keep.
#
# **Standards:** all 16. The service is judged on `pattern-cache-aside`, `pattern-write-through`, `ttl-always`, `client-serialization`, `client-error-handling`, `client-pool-reuse`, `cmd-scan-not-keys`, `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`; the configuration on `config-maxmemory`, `config-persistence`, `security-auth`, `security-dangerous-commands`, `security-network`.
#
# **Time:** about 40 minutes.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import contextlib
import json
import logging
import threading

import matplotlib.pyplot as plt
import redis
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.retry import Retry
from tqdm.auto import tqdm

from autograder.lesson import (
    DatabaseUnavailable,
    Exercise,
    capstone,
    hints,
    lesson_backend,
    show_progress,
    start_lesson,
)

start_lesson()  # prints which Redis this notebook talks to (the service makes its own pool on it)
log = logging.getLogger("catalog")  # log.warning(...) shows up in the cell's output
REAL = lesson_backend().is_real

# %% [markdown] id="brief"
# ## The brief
#
# An online shop shows product pages. The products live in the lesson database (`LessonDB`: SQLite, 500 products in the grader's copy, every query counted). Pages are read far more often than prices change, and a few products get most of the traffic. Your job is the caching layer in front of it, `CatalogService`:
#
# | method | what it does | standards it carries |
# |---|---|---|
# | `CatalogService(db, new_pool)` | runs once at start-up: one pool, one client | `client-pool-reuse`, `key-no-numbered-db` |
# | `get_product(id)` | cache-aside read of `product:<id>` (JSON, TTL) | `pattern-cache-aside`, `client-serialization`, `ttl-always`, `key-*` |
# | `update_price(id, price)` | write-through: database first, then the cache | `pattern-write-through`, `ttl-always` |
# | `invalidate_category(name)` | drop that category's cached products (a sale starts) | `cmd-scan-not-keys` |
# | every method | keeps working when Redis is down, slow or full, and when requests arrive at once | `client-error-handling`, `client-pool-reuse` |
# | `cache_config()` | the redis.conf the cache runs on | `config-*`, `security-*` |
#
# Each row was the subject of an earlier lesson; this one checks that they still hold **together**, under load and under faults.

# %% [markdown] id="why"
# ## Why: what the grader sees in a service written in a hurry
#
# Here is a service a busy team might ship. It works on a quiet afternoon: every page shows the right product. The grader does not look at the afternoon. It runs **300 requests** (Zipf-distributed product reads, about 12% price changes, a few category invalidations), takes Redis **down for 30 requests**, makes it **time out for 20 more** and **stall for 2** (every command waits 2.5 s: only a client with a short `socket_timeout` gives up in time), corrupts a cached entry, sends **20 requests at once** for a hot product whose entry just expired and **two price changes at once** for one product, and then audits the command log, the keyspace, the connections opened and the database reads. As soon as one request blows its time budget during a fault (and a second request confirms it), the grader stops sending requests to the faulty Redis (the point is lost already, and the run stays short).
#
# The cell below runs the hurried service through exactly the check your service will meet, and prints the report you will get: one row per standard, with the evidence.

# %% id="why-demo"
class HurriedCatalog:  # BAD: works on a quiet afternoon
    def __init__(self, db, new_pool):
        self.db, self.new_pool = db, new_pool

    def get_product(self, product_id):
        r = redis.Redis.from_pool(self.new_pool())  # a client (and a connection) per request
        cached = r.get(f"product{product_id}")  # no namespace
        if cached:
            return eval(cached)  # Python's repr, read back with eval
        product = self.db.get_product(product_id)
        r.set(f"product{product_id}", str(product))  # no TTL, not JSON
        return product

    def update_price(self, product_id, price):
        self.db.update_product_price(product_id, price)  # the cached copy stays stale

    def invalidate_category(self, category):
        r = redis.Redis.from_pool(self.new_pool())
        for key in r.keys("product*"):  # KEYS blocks the server
            if f"'category': '{category}'" in (r.get(key) or ""):
                r.delete(key)


hurried = capstone.ServiceCheck("l10-catalog-service", seed=3, demo=True)  # a demo: not your progress
hurried.run(HurriedCatalog, progress=lambda ops: tqdm(ops, desc="300 requests", leave=False))
hurried_score = hurried.verdict()
hurried.close()

# %% id="why-plot"
results = hurried.results
windows = [(kind, min(r.op.index for r in results if r.op.fault == kind),
            max(r.op.index for r in results if r.op.fault == kind))
           for kind in ("outage", "timeouts", "slow") if any(r.op.fault == kind for r in results)]  # fmt: skip
served, reads, failed_at = [], [], []
for res in results:
    served.append((served[-1] if served else 0) + (res.error is None and not res.skipped))
    reads.append((reads[-1] if reads else 0) + res.product_reads)
    if res.error is not None:
        failed_at.append(res.op.index)
skipped = sum(res.skipped for res in results)
slowest = max((res.seconds for res in results if res.op.fault and not res.skipped), default=0)
fig, ax = plt.subplots(figsize=(9, 3.2))
ax.plot([r.op.index for r in results], [r.op.index + 1 for r in results], "--", color="grey", label="requests sent")
ax.plot([r.op.index for r in results], served, color="tab:green", label="requests served")
ax.plot([r.op.index for r in results], reads, color="tab:red", label="database reads so far")
colours = {"outage": "tab:orange", "timeouts": "tab:purple", "slow": "tab:brown"}
for kind, start, stop in windows:
    ax.axvspan(start, stop + 1, color=colours[kind], alpha=0.15, label=f"Redis {kind}")
ax.set_xlabel("request number")
ax.set_ylabel("count (requests or reads)")
ax.set_title(f"The hurried service under the grader's workload ({lesson_backend().name}): "
             f"{len(failed_at)} requests failed, {skipped} not sent")  # fmt: skip
ax.legend(fontsize=8, loc="upper left")
fig.tight_layout()
print(f"The slowest request during a fault took {slowest:.2f} s; after it, {skipped} fault requests were not sent.")
plt.show()


# %% [markdown] id="why-text"
# Read the report and the plot above (computed just now):
#
# - **The quiet-afternoon bugs are invisible in the output.** Every healthy request returned the right product… until a price changed: the cached copy is never updated (`pattern-write-through`), so the page shows the old price until the key is evicted, and with no TTL (`ttl-always`) that is never.
# - **Faults turn into outages.** The first request of the outage takes seconds (the slowest is printed above): the pool was made without `retry=`, so redis-py retries 10 times with backoff before it gives up, and the request then fails anyway (`client-error-handling`), although the database was fine all along. The grader stops sending requests into the faults after that, so the green line stays flat through the shaded windows.
# - **The log tells on it.** `KEYS` (`cmd-scan-not-keys`), values written without `EX`, keys like `product42` with no namespace, `str()`/`eval` instead of JSON (`client-serialization`; `eval` on cache contents also runs whatever a stranger wrote there), and one connection per request (`client-pool-reuse`).
# - Partial credit is per standard, so a service that breaks one standard loses one point, not all of them. But tidy keys and commands (`key-*`, `cmd-scan-not-keys`) earn their point only in a service that works as a cache: one that keeps at least half of the six behavioural standards (`pattern-cache-aside`, `pattern-write-through`, `ttl-always`, `client-serialization`, `client-error-handling`, `client-pool-reuse`). The hurried service keeps none of the six, so its small values and db 0 show as "gated": no points.
#
# *Which backend measured this?* The title of the plot says. On a real server the counts are the same (the faults are injected in the client, the same way on both); each request costs a network round trip more, and the `KEYS` call blocks the real server for everyone while it walks the keyspace.

# %% [markdown] id="how"
# ## How: the pieces, from earlier lessons
#
# Nothing here is new; the craft is in putting the pieces together so that they hold at the same time:
#
# - **One pool** (lesson 05): make it in `__init__` with `new_pool(max_connections=..., socket_timeout=..., socket_connect_timeout=..., retry=...)` and keep one `redis.Redis.from_pool(pool)` on `self`. Short timeouts: a slow Redis must not make a slow page. Room for the concurrency you expect: a plain pool raises `Too many connections` past `max_connections` (or pass `pool_class=redis.BlockingConnectionPool`, which waits). And choose the retry policy: `new_pool` gives its connections redis-py's default, as `redis.Redis(host=...)` does (10 retries with backoff: seconds per request while Redis is down), unless you pass `retry=Retry(NoBackoff(), 0)` or a couple of quick retries (`Retry(ExponentialBackoff(cap=0.05, base=0.01), 1)`).
# - **Keys** (lesson 01): `product:<id>`, nothing else in the key, db 0.
# - **Cache-aside read** (lesson 07): `GET` → hit: `json.loads` → miss or corrupt: `db.get_product` → `set(key, json.dumps(product), ex=ttl)`. Against a stampede (many misses on one hot key at once), let one request load the product while the others wait and read the cache again: a lock per product (`SET lock:product:<id> token NX PX 2000` from lesson 07, or a `threading.Lock` per product inside this one process).
# - **Write-through update** (lesson 08): `db.update_product_price(...)` **first**; only if that succeeded, write the fresh product to the cache with its TTL. If the database write fails, the cache must not show a price the database does not have. Two writers of one product at once can commit in one order and write the cache in the other (lesson 08's overwrite race; `updated_at` counts whole seconds, so it cannot order them): serialise the writers of one product.
# - **Errors** (lessons 05, 07): wrap every cache call in `try/except redis.RedisError` (or `contextlib.suppress(redis.RedisError)`) and fall back to the database; let `DatabaseUnavailable` through. A write that fails because Redis is down leaves the *old* value in the cache until its TTL runs out: one more reason for a modest TTL.
# - **Maintenance** (lesson 03): `scan_iter(match="product:*", count=500)`, never `KEYS`; read each entry and `unlink` the ones of the category. (With many products, keep a per-category index instead; here a scan is enough.)
# - **Size** (lesson 04): one product per key, a few hundred bytes; never the whole catalogue in one value.
#
# A small helper keeps the error handling in one place:
#
# ```python
# def _store(self, key, product):
#     with contextlib.suppress(redis.RedisError):   # the cache is an optimisation: never fail a request over it
#         self.cache.set(key, json.dumps(product), ex=self.TTL)
# ```

# %% [markdown] id="ex1-task"
# ## Exercise 1 · The catalogue service (11 points, one per standard)
#
# **Goal:** a `CatalogService` that keeps every service standard at once, under load and under faults.
#
# Write the class:
#
# - `CatalogService(db, new_pool)`: `db` is a `LessonDB`; `new_pool(**options)` makes a `redis.ConnectionPool` on the lesson's Redis (it takes `redis.ConnectionPool`'s options, e.g. `max_connections=`, `socket_timeout=`). Make **one** pool and one client here.
# - `get_product(product_id)` → the product dict (as `db.get_product` returns it) or `None`: cache-aside on `product:<product_id>`, JSON, a TTL between a minute and an hour; an unreadable entry is a miss (reload and overwrite it, or delete it); when Redis fails, serve from the database; a `DatabaseUnavailable` error is not yours to hide. When 20 requests for a product arrive at once just after its entry expired, at most 2 of them may read the database.
# - `update_price(product_id, price)` → the updated product (or `None` if there is no such product): write-through. Database first; then the fresh product (`db.get_product`) to the cache, with its TTL. A failed database write must leave the cache alone; a failed cache write must not fail the update. Two concurrent updates of one product must leave the cache with the price the database ends with.
# - `invalidate_category(category)` → how many cached products were removed: find the cached products with **SCAN** (every page: the database also holds thousands of other keys) and unlink those of that category, leaving the others. When Redis fails, return 0.
# - Time budgets while Redis fails: each request within 1 s while Redis is down or timing out, within 1.5 s while every command stalls 2.5 s (the GETs and the SET of a miss may all time out, and must fit: socket timeouts of about 0.2 s, no slow retries).
#
# ```python
# >>> service = CatalogService(db, new_pool)
# >>> service.get_product(17)            # GET product:17 (miss) → database → SET product:17 '{"id": 17, ...}' EX 600
# {'id': 17, 'sku': 'SKU-00017', 'name': '...', 'category': '...', 'price': ..., 'stock': ..., 'updated_at': '...'}
# >>> service.update_price(17, 9.99)     # UPDATE in the database → SET product:17 '{..., "price": 9.99, ...}' EX 600
# >>> service.invalidate_category("books")
# 12
# ```
#
# The check cell builds your service on a fresh Redis and a fresh database, runs the workload from the demo (with the outage, the timeouts and the slow window), probes a cold and a warm read, a corrupt entry, an update with the database down, a burst of 20 concurrent misses, two concurrent writers and a category invalidation, then audits everything your service sent and left behind. Its score is the number of standards kept (the number printed last); the five structural standards (`key-*`, `cmd-scan-not-keys`) count only once the service works as a cache (at least three of the six behavioural standards kept). A TTL is judged under `ttl-always` (present, at most an hour) and, for a TTL too short to serve a second read, under `pattern-cache-aside`.

# %% answer="l10-catalog-service"
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        ### BEGIN SOLUTION
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2,
                        retry=Retry(NoBackoff(), 0))  # room for bursts; give up fast and fall back  # fmt: skip
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time
        ### END SOLUTION

    def get_product(self, product_id):
        ### BEGIN SOLUTION
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product
        ### END SOLUTION

    def update_price(self, product_id, price):
        ### BEGIN SOLUTION
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product
        ### END SOLUTION

    def invalidate_category(self, category):
        ### BEGIN SOLUTION
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError as error:
            log.info("invalidation of %s failed: %s", category, error)
        return removed
        ### END SOLUTION

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        ### BEGIN SOLUTION
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)
        ### END SOLUTION

    def _read(self, key):
        ### BEGIN SOLUTION
        try:
            cached = self.cache.get(key)
        except redis.RedisError as error:
            log.info("cache read failed for %s: %s", key, error)
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload
        ### END SOLUTION

    def _lock(self, product_id):
        ### BEGIN SOLUTION
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id
        ### END SOLUTION


# %% check harness="capstone.ServiceCheck"
ex.run(CatalogService)  # builds your service, probes it, runs 300 requests with an outage and timeouts, audits
### BEGIN HIDDEN TESTS
ex.probe_database_errors_surface()  # Redis and the database both down: DatabaseUnavailable must reach the caller
ex.probe_out_of_memory()  # Redis full (writes refused): reads and updates still work
ex.close()
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-1"
# Stuck? Run the cell below for a hint; run it again for the next one. The report above names the standards still broken; each has its own hint line.

# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · The cache's redis.conf (5 points, one per standard)
#
# **Goal:** the configuration the service's Redis runs on, audited like a production review.
#
# Write `cache_config()` returning the text of a `redis.conf` for this **cache** (Redis 7):
#
# - `config-maxmemory`: a memory limit (e.g. 256 MB) and an evicting policy that suits a cache whose every key has a TTL;
# - `config-persistence`: chosen deliberately: the data can be rebuilt from the database;
# - `security-auth`: nobody gets in without a strong password; prefer ACL users (and switch the `default` user off);
# - `security-dangerous-commands`: the application's user cannot run `FLUSHDB`, `FLUSHALL`, `CONFIG`, `KEYS`, `DEBUG` (ACL rules, not the deprecated `rename-command`);
# - `security-network`: only trusted interfaces, protected mode on.
#
# The check parses your text as Redis does and audits it (`autograder/confaudit.py`, the same audit as `python -m autograder audit-config FILE`). The capstone's bar is production-ready: a finding that is *essential* or *actionable* breaks its standard. Passwords here are examples; in production they come from a secret store, never from a notebook.

# %% answer="l10-cache-config"
def cache_config():
    ### BEGIN SOLUTION
    return """
# The catalogue cache: data rebuilt from the database, every key has a TTL.
bind 127.0.0.1 -::1
protected-mode yes
port 6379

maxmemory 256mb
maxmemory-policy allkeys-lru

save ""
appendonly no

user default off
user catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous
user admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all
"""
    ### END SOLUTION


# %% check harness="capstone.ConfigCheck"
ex.run(cache_config)  # parse as redis.conf, audit as a cache, one row per configuration and security standard
### BEGIN HIDDEN TESTS
ex.expect_maxmemory_at_least(1024 * 1024)  # a limit so small that every write evicts is no limit at all
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# The last review of the workbook. A colleague's "finished" catalogue module:
#
# ```python
# import json
# import os
#
# import redis
# from redis.backoff import NoBackoff
# from redis.retry import Retry
#
# r = redis.Redis(host="cache.internal", port=6379, db=2, username="catalog", password=os.environ["CACHE_PASSWORD"],
#                 decode_responses=True, socket_timeout=0.2, retry=Retry(NoBackoff(), 1))
#
#
# def read_cached(key):
#     """The cached object, or None for a miss, an unreadable entry or a Redis error."""
#     try:
#         cached = r.get(key)
#         return json.loads(cached) if cached is not None else None
#     except (redis.RedisError, json.JSONDecodeError):
#         return None
#
#
# def get_product(product_id):
#     key = f"catalog:product:{product_id}"
#     product = read_cached(key)
#     if not isinstance(product, dict):  # a miss, or an entry that is not a product
#         product = db.get_product(product_id)
#         try:
#             r.set(key, json.dumps(product), ex=900)
#         except redis.RedisError:
#             pass
#     return product
#
#
# def update_price(product_id, price):
#     try:
#         r.set(f"catalog:product:{product_id}", json.dumps({**get_product(product_id), "price": price}), ex=900)
#     except redis.RedisError:
#         pass
#     db.update_product_price(product_id, price)
#
#
# def clear_category(category):
#     try:
#         for key in r.scan_iter(match="catalog:product:*", count=500):
#             product = read_cached(key)
#             if not isinstance(product, dict) or product.get("category") == category:
#                 r.unlink(key)  # unreadable or foreign entries go too
#         r.set(f"catalog:cleared:{category}", "yes")
#     except redis.RedisError:
#         pass
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`. Count each fault under the **most specific** standard that names it. The candidates (one per standard): `config-persistence`, `config-maxmemory`, `security-auth`, `security-dangerous-commands`, `security-network`, `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`, `client-pool-reuse`, `client-error-handling`, `client-serialization`, `pattern-cache-aside`, `pattern-write-through`, `ttl-always`.

# %% answer="l10-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"key-no-numbered-db", "pattern-write-through", "ttl-always"}
    ### END SOLUTION


# %% check
spotted = ex.call(kata_violations)
ex.kata(spotted)
ex.verdict()

# %% [markdown] id="hint-kata"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="recap"
# ## Recap: the whole workbook, one line per standard
#
# | standard | the rule in one line | lesson |
# |---|---|---|
# | `key-namespace` | `object:id:attribute`, colon-separated: `product:42`, `user:1001:settings` | 01 |
# | `key-readable` | descriptive, concise keys: no spaces, no cryptic abbreviations, no huge keys | 01 |
# | `key-no-numbered-db` | stay in db 0 (no `SELECT`, no `/n` in the URL); separate data with namespaces | 01 |
# | `ttl-always` | every write carries its TTL in the same command: `set(key, value, ex=ttl)` | 02 |
# | `cmd-scan-not-keys` | never `KEYS`; iterate with `scan_iter(match=..., count=...)` | 03 |
# | `key-size-limit` | values under 1 MB; split big objects into fields or chunks | 04 |
# | `client-pool-reuse` | one pool, made at start-up, with a ceiling; never a client per request | 05 |
# | `client-error-handling` | timeouts; catch `redis.RedisError`; fall back to the database; retry only what is safe | 05 |
# | `client-serialization` | JSON both ways; an unreadable entry is a miss | 06 |
# | `pattern-cache-aside` | `GET` → miss → database → `SET EX`; invalidate on update | 07 |
# | `pattern-write-through` | database first, then the cache, together; a failed database write leaves the cache alone | 08 |
# | `config-maxmemory` | `maxmemory` plus an evicting policy (`allkeys-lru`) for a cache | 09 |
# | `config-persistence` | choose it: none for a pure cache, RDB/AOF for data that must survive | 09 |
# | `security-auth` | ACL users with long random passwords; `user default off` | 09 |
# | `security-dangerous-commands` | `-@dangerous` for application users (not `rename-command`) | 09 |
# | `security-network` | `bind` private interfaces, `protected-mode yes`, never public | 09 |
#
# **Next:** [Lesson 11 · Hot keys and freshness](../11-hot-keys/11-hot-keys.ipynb), for the keys that take most of the load. And take the service you wrote above, point `REDIS_URL` at a real server, and run the notebook again: the same report, measured on a real Redis. Then audit your production redis.conf with `python -m autograder audit-config /etc/redis/redis.conf`.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("10-capstone")
