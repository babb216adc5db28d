# %% [markdown] id="title"
# # Lesson 07 · Cache-aside: read the cache, fall back to the database, write back with a TTL
#
# **Goals.** Port the standard's `getUser` to Python; measure what a cache saves on a realistic, skewed workload (database reads, latency, hit ratio as the cache warms); invalidate on update without racing; cache "not found" briefly; stop a thundering herd on a hot key (a lock with a timeout, TTL jitter, early refresh); keep serving when the cache is down.
#
# **Standards:** `pattern-cache-aside` (read cache; on a miss read the database, then write the cache with a TTL; invalidate on update), with `ttl-always`, `client-serialization` and `client-error-handling`.
#
# **Time:** about 40 minutes.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import contextlib
import json
import random
import statistics
import threading
import time

import matplotlib.pyplot as plt
import redis
from tqdm.auto import tqdm

from autograder import checks
from autograder.exercise import Exercise
from autograder.hints import hints
from autograder.labkit import (
    CommandSpy,
    DatabaseUnavailable,
    FaultInjector,
    LessonDB,
    connect,
    grading_spy,
    lesson_backend,
    timeline,
)

r = connect()  # one shared connection pool per notebook
REAL = lesson_backend().is_real
db = LessonDB.create(seed=7)  # a real SQLite database: 10,000 products, 2,000 users, 5,000 orders
print("Connected to", lesson_backend().describe())
print(f"Lesson database: {db.count_rows('products'):,} products, {db.count_rows('users'):,} users, "
      f"{db.count_rows('orders'):,} orders (SQLite, in memory; it counts every query it answers)")


def unlink_matching(pattern):
    """Remove the keys matching `pattern` (SCAN + UNLINK, a page at a time); returns how many."""
    removed, batch = 0, []
    for key in r.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 500:
            removed, batch = removed + r.unlink(*batch), []
    return removed + (r.unlink(*batch) if batch else 0)


def run_in_threads(fn, n, timeout=5.0):
    """Start `fn()` in `n` threads at the same moment; wait at most `timeout` seconds for all of them.

    Returns (results, errors, still_running, seconds). Errors are collected, never printed.
    """
    start = threading.Barrier(n + 1)
    results, errors = [], []
    lock = threading.Lock()

    def worker():
        try:
            start.wait(timeout)
            value = fn()
            with lock:
                results.append(value)
        except Exception as error:  # noqa: BLE001 - reported by the caller
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=worker, daemon=True, name=f"request-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    start.wait(timeout)
    began = time.perf_counter()
    deadline = began + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    still_running = sum(thread.is_alive() for thread in threads)
    return results, errors, still_running, time.perf_counter() - began


# %% [markdown] id="seed"
# ## The standard's example, and its bad twin
#
# The caching standard shows cache-aside in TypeScript. A `getUser` that reads the cache first, parses JSON on a hit, goes to the database on a miss and writes the answer back **with a one-hour TTL**:
#
# ```typescript
# async function getUser(id: string) {
#   const cached = await redis.get(`user:${id}`);
#   if (cached) return JSON.parse(cached);
#
#   const user = await db.users.findById(id);
#   await redis.setex(`user:${id}`, 3600, JSON.stringify(user));
#   return user;
# }
# ```
#
# …and the "bad" version, identical except for the write:
#
# ```typescript
#   await redis.set(`user:${id}`, JSON.stringify(user));   // no TTL: stale forever, never evicted by volatile-* policies
# ```
#
# The same in Python with redis-py 8. Two small translations: `setex` becomes `set(..., ex=3600)` (redis-py 8.1 deprecates its `setex()` helper and warns), and `if (cached)` becomes `is not None` (an empty string is a valid cached value).

# %% id="seed-python"
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)  # 1. read the cache
    if cached is not None:
        return json.loads(cached)  # 2. hit: parse and return
    user = db.get_user(user_id)  # 3. miss: ask the source of truth
    r.set(key, json.dumps(user), ex=3600)  # 4. write back, value and TTL in one command
    return user


def get_user_bad(r, db, user_id):  # BAD: the standard's "bad" example
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    user = db.get_user(user_id)
    r.set(key, json.dumps(user))  # no TTL
    return user


spy = CommandSpy()
c = spy.client()
db.reset_counts()
first, second = get_user(c, db, 42), get_user(c, db, 42)
print("first call :", [str(step) for step in timeline(spy.commands, db.events)][:3])
print("second call:", [str(cmd) for cmd in spy.commands[2:]], f"(database reads in all: {db.reads})")
get_user_bad(c, db, 43)
print(f"TTL of user:42 (good): {c.ttl('user:42')}   TTL of user:43 (bad): {c.ttl('user:43')}  ← never expires")
print("what the cache holds:", c.get("user:42"))
_ = c.unlink("user:42", "user:43")  # tidy up: user:43 would otherwise never leave

# %% [markdown] id="seed-text"
# `timeline()` merges the commands the spy saw with the queries the lesson database answered, in the order they happened: that is how the check cells below see "GET → database read → SET EX". The second call is a single `GET`: no database read.

# %% [markdown] id="why"
# ## Why: what the cache saves, measured
#
# A product page service gets 2,000 requests. Real traffic is **skewed**: a few products are very popular and most are rarely viewed. We draw product ids from a Zipf distribution (the product of rank *k* is requested with weight 1/*k*) over all 10,000 products.
#
# Each database query is slowed by 1 ms (`db.slow(0.001)`), the price of a round trip to a database server on the same network (an in-memory SQLite on this machine would otherwise answer in microseconds). We serve the same requests twice: straight from the database, and through the cache (cache-aside, 1-hour TTL), recording each request's latency and whether it hit.

# %% id="why-demo"
REQUESTS, DB_LATENCY = 2000, 0.001
rng = random.Random(7)
ranked_ids = list(range(1, 10_001))
rng.shuffle(ranked_ids)  # rank 1 is some product, not product 1
requests = rng.choices(ranked_ids, weights=[1 / k for k in range(1, 10_001)], k=REQUESTS)


def product_from_cache(r, db, product_id):
    """Cache-aside for the demo; returns (product, hit?)."""
    key = f"demo:product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached), True
    product = db.get_product(product_id)
    r.set(key, json.dumps(product), ex=3600)
    return product, False


unlink_matching("demo:*")
stats_before = r.info("stats") if REAL else None
db.reset_counts()
uncached_ms, cached_ms, hits, db_reads_uncached, db_reads_cached = [], [], [], [], []
with db.slow(DB_LATENCY):
    for product_id in tqdm(requests, desc="database only", leave=False):
        started = time.perf_counter()
        db.get_product(product_id)
        uncached_ms.append((time.perf_counter() - started) * 1000)
        db_reads_uncached.append(db.reads)
    db.reset_counts()
    for product_id in tqdm(requests, desc="through the cache", leave=False):
        started = time.perf_counter()
        _, hit = product_from_cache(r, db, product_id)
        cached_ms.append((time.perf_counter() - started) * 1000)
        hits.append(hit)
        db_reads_cached.append(db.reads)
stats_after = r.info("stats") if REAL else None
unlink_matching("demo:*")


def pct(values, p):
    return statistics.quantiles(values, n=100)[p - 1]


hit_ms = [ms for ms, hit in zip(cached_ms, hits, strict=True) if hit]
miss_ms = [ms for ms, hit in zip(cached_ms, hits, strict=True) if not hit]
print(f"{REQUESTS:,} requests over {len(set(requests)):,} distinct products  [measured on {lesson_backend().name}]")
print(f"database reads: {db_reads_uncached[-1]:,} without the cache, {db_reads_cached[-1]:,} with it "
      f"({1 - db_reads_cached[-1] / db_reads_uncached[-1]:.0%} fewer)")
print(f"hit ratio: {sum(hits) / len(hits):.0%} overall, {sum(hits[-500:]) / 500:.0%} in the last 500 requests")
print(f"total time: {sum(uncached_ms) / 1000:.2f} s without the cache, {sum(cached_ms) / 1000:.2f} s with it")
print(f"median latency: {statistics.median(uncached_ms):.3f} ms database, {statistics.median(hit_ms):.3f} ms "
      f"cache hit, {statistics.median(miss_ms):.3f} ms cache miss (GET + database + SET)")
if REAL:
    server_hits = stats_after["keyspace_hits"] - stats_before["keyspace_hits"]
    server_misses = stats_after["keyspace_misses"] - stats_before["keyspace_misses"]
    print(f"the server's INFO stats agree: keyspace_hits +{server_hits:,}, keyspace_misses +{server_misses:,} "
          f"(the workbook counted {sum(hits):,} hits, {len(hits) - sum(hits):,} misses)")

# %% id="why-plot"
window = 100
windows = list(range(window, REQUESTS + 1, window))
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
left.plot(range(1, REQUESTS + 1), db_reads_uncached, label="database only", color="tab:red")
left.plot(range(1, REQUESTS + 1), db_reads_cached, label="cache-aside", color="tab:green")
left.set_xlabel("request number")
left.set_ylabel("database reads so far")
left.set_title("Database load")
left.legend()
right.plot(windows, [100 * sum(hits[w - window : w]) / window for w in windows], "o-", color="tab:blue")
right.set_xlabel("request number")
right.set_ylabel(f"hit ratio (%, per {window} requests)")
right.set_ylim(0, 100)
right.set_title("The cache warms up")
fig.suptitle(f"{REQUESTS:,} Zipf-distributed product requests ({lesson_backend().name})", fontsize=10)
fig.tight_layout()
plt.show()

fig, ax = plt.subplots(figsize=(6.5, 2.8))
labels = ["database only", "cache hit", "cache miss"]
for i, values in enumerate([uncached_ms, hit_ms, miss_ms]):
    for offset, (name, value, colour) in enumerate(
        [("median", statistics.median(values), "tab:blue"), ("p95", pct(values, 95), "tab:grey")]
    ):
        ax.barh(i + 0.2 - 0.4 * offset, value, height=0.38, color=colour, label=name if i == 0 else None)
        ax.text(value * 1.1, i + 0.2 - 0.4 * offset, f"{value:.3f} ms", va="center", fontsize=8)
ax.set_yticks(range(3), labels)
ax.set_xscale("log")
ax.set_xlim(right=ax.get_xlim()[1] * 4)
ax.set_xlabel("latency per request (ms, log scale)")
ax.set_title(f"Where the time goes ({lesson_backend().name})")
ax.legend(loc="lower right", fontsize=8)
plt.show()


# %% [markdown] id="why-text"
# Read the numbers above, they were measured just now:
#
# - **Database load.** Every request is a database read without the cache. With it, only misses reach the database: here, roughly one read per *distinct* product. A skewed workload is exactly where caching pays, because the popular products are read from Redis again and again.
# - **Hit ratio over time.** A cold cache hits nothing; the ratio climbs as the popular products get cached. With a longer run (or a preloaded cache) it keeps climbing toward the share of traffic that goes to products already seen.
# - **Latency.** A hit costs one `GET`. A miss costs *more* than going to the database directly (GET + query + SET): cache-aside only pays off when hits are common. The medians are steady from run to run; the p95 tails and the totals move with whatever else the machine is doing (other processes, garbage collection), so run the cell twice before you trust a tail.
#
# *Which backend measured this?* The first line of the output says. On fakeredis a command is a Python function call (tens of microseconds). On a real server, add a network round trip per command, about 0.05–0.2 ms on one machine; the database savings are the same. fakeredis has no `INFO`, so the workbook counts hits and misses itself; on a real server the cell also prints the delta of `INFO stats` `keyspace_hits`/`keyspace_misses`, which agree with the workbook's counts.

# %% [markdown] id="json"
# ## How: serialise one way, and survive a bad entry
#
# The cache is shared by every service that reads it, so the encoding must be one everybody agrees on: **JSON**, written with `json.dumps` and read with `json.loads` (`client-serialization`). Two traps:
#
# - `str(product)` *looks* like JSON but is Python's repr (single quotes, `True`, `None`): `json.loads` fails on it, and so does every other language.
# - An entry can be corrupt or foreign: written by an old version of the service, truncated, or not JSON at all. A reader that crashes on it turns one bad key into an outage for that page until the TTL runs out. Treat an unreadable entry **as a miss**: reload it from the database and overwrite it.

# %% id="json-demo"
def read_cached_json(r, key):
    """The cached object, or None for a miss *or* an unreadable entry (treated as a miss)."""
    cached = r.get(key)
    if cached is None:
        return None
    try:
        return json.loads(cached)
    except json.JSONDecodeError:
        return None  # corrupt or foreign: the caller reloads it and overwrites it


product = db.get_product(7)
r.set("demo:product:7", json.dumps(product), ex=60)  # GOOD
r.set("demo:product:8", str(db.get_product(8)), ex=60)  # BAD: Python repr, not JSON
print("json.dumps :", r.get("demo:product:7")[:70], "…")
print("str()      :", r.get("demo:product:8")[:70], "…")
print("read back  :", read_cached_json(r, "demo:product:7") == product, "/", read_cached_json(r, "demo:product:8"))
_ = unlink_matching("demo:*")


# %% [markdown] id="ex1-task"
# ## Exercise 1 · Cache-aside read
#
# **Goal:** the standard's `getUser`, in Python, robust to a bad entry.
#
# Write `get_user(r, db, user_id)`:
#
# 1. `GET user:<user_id>`; on a hit, return the JSON-decoded object **without touching the database**;
# 2. on a miss, read `db.get_user(user_id)`, store it as JSON at `user:<user_id>` **with a TTL of 3600 seconds in the same command**, and return it;
# 3. if the cached entry is not valid JSON, treat it as a miss (reload and overwrite it);
# 4. if the database has no such user (`None`), return `None`. Caching that answer is optional here (see *negative caching* below); if you do, give it a short TTL (at most 300 s).
#
# ```python
# >>> get_user(r, db, 7)        # GET user:7 (miss) → db.get_user(7) → SET user:7 '{"id": 7, ...}' EX 3600
# {'id': 7, 'name': '...', 'email': '...', 'country': '...', 'created_at': '...'}
# >>> get_user(r, db, 7)        # GET user:7 (hit): no database read
# ```
#
# The check gives your function its own Redis client and a fresh `LessonDB`, and watches the order of commands and queries.

# %% answer="l07-cache-aside-read"
def get_user(r, db, user_id):
    ### BEGIN SOLUTION
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass  # corrupt or foreign entry: reload it below
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600)
    return user
    ### END SOLUTION


# %% check
spy = grading_spy("user:*")
client, seed = spy.client(), spy.backend.client()
gdb = LessonDB.create(seed=21, products=50, users=200, orders=0)
WRITES = {"SET", "SETEX", "PSETEX", "SETNX", "GETSET", "MSET"}

user = ex.call(get_user, client, gdb, 7)
expected_user = gdb.peek_user(7)
ex.expect(user == expected_user, "pattern-cache-aside", expected=f"the user from the database: {expected_user}",
          got=repr(user))
steps = [s.name for s in timeline(spy.commands, gdb.events)]
ex.expect(steps[:1] == ["GET"] and steps[1:2] == ["DB READ"] and steps[2:3] in (["SET"], ["SETEX"])
          and len(steps) == 3, "pattern-cache-aside",
          expected="on a miss: GET user:7 → one database read → SET user:7 … EX 3600",
          got=" → ".join(str(s) for s in timeline(spy.commands, gdb.events)) or "nothing sent, nothing read",
          hint="Read the cache first, the database only on a miss, then write the cache.")
ex.check(checks.writes_have_ttl(spy.commands))
stored = client.get("user:7")
try:
    decoded = json.loads(stored) if stored is not None else None
except json.JSONDecodeError:
    decoded = "(not JSON)"
ex.expect(decoded == expected_user, "client-serialization", expected="the user stored at `user:7` as JSON",
          got=f"{stored!r}"[:120], hint="`json.dumps(user)` to write, `json.loads(cached)` to read.")
ttl = client.ttl("user:7")
ex.expect(3590 <= ttl <= 3600, "ttl-always", expected="a TTL of 3600 s (one hour) on `user:7`", got=f"TTL {ttl}",
          hint="`r.set(key, json.dumps(user), ex=3600)`.")

spy.clear()
gdb.reset_counts()
again = ex.call(get_user, client, gdb, 7)
ex.expect(again == expected_user and gdb.reads == 0, "pattern-cache-aside",
          expected="the second call served from the cache: same user, 0 database reads",
          got=f"{gdb.reads} database read(s), returned {again!r}"[:160],
          hint="On a hit, return `json.loads(cached)` before touching the database.")
ex.expect(spy.names() == ["GET"], "pattern-cache-aside", expected="the second call sends just `GET user:7`",
          got="; ".join(str(c) for c in spy.commands) or "no command at all (an in-process memo is not a cache "
          "other processes share, and it never expires)")

seed.set("user:13", "<html>502 Bad Gateway</html>", ex=3600)  # a corrupt entry
gdb.reset_counts()
try:
    repaired, crashed = get_user(client, gdb, 13), None
except Exception as error:  # noqa: BLE001 - reported as feedback
    repaired, crashed = None, error
stored = client.get("user:13")
ex.expect(crashed is None and repaired == gdb.peek_user(13), "client-serialization",
          expected="a corrupt entry treated as a miss: the user reloaded from the database",
          got=f"{type(crashed).__name__}: {crashed}" if crashed else repr(repaired),
          hint="Wrap `json.loads` in `try/except json.JSONDecodeError` and fall through to the database.")
ex.expect(stored != "<html>502 Bad Gateway</html>" and 0 < client.ttl("user:13") <= 3600, "client-serialization",
          expected="the corrupt entry overwritten with JSON (and a TTL)", got=f"{stored!r} left in the cache",
          hint="After reloading, write the fresh JSON back as on any miss.")
### BEGIN HIDDEN TESTS
spy.clear()
gdb.reset_counts()
foreign = {"id": 12, "name": "Written by another service", "vip": True, "manager": None}
seed.set("user:12", json.dumps(foreign), ex=3600)
got = ex.call(get_user, client, gdb, 12)
ex.expect(got == foreign and gdb.reads == 0, "client-serialization",
          expected="a JSON entry another service wrote (with true/null) returned as is, without a database read",
          got=f"{got!r}, {gdb.reads} database read(s)"[:160])
spy.clear()
gdb.reset_counts()
other = ex.call(get_user, client, gdb, 150)
ex.expect(other == gdb.peek_user(150) and client.exists("user:150") == 1, "pattern-cache-aside",
          expected="user 150 loaded and cached at `user:150`", got=repr(other)[:120])
spy.clear()
gdb.reset_counts()
missing = ex.call(get_user, client, gdb, 999_999)
written = [c for c in spy.commands if c.name in WRITES]
short = all(0 < client.ttl(c.key) <= 300 for c in written)
ex.expect(missing is None and short, "ttl-always",
          expected="None for a missing user; nothing cached, or a marker with a TTL of at most 300 s",
          got=f"{missing!r}; wrote " + ("; ".join(f"`{c}` (TTL {client.ttl(c.key)})" for c in written) or "nothing"))
ex.check(checks.writes_have_ttl(spy.commands))
ex.check(checks.no_keys_command(spy.commands))
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-1"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="invalidate"
# ## Invalidation on update: delete, after the write
#
# Cached data is a copy. When the source changes, the copy must go, or readers see the old value until the TTL runs out. Cache-aside invalidates by **deleting** the key *after* the database write; the next read misses and loads the new value.
#
# Why not the other ways? Each race below is played step by step, deterministically, by two actors sharing one cache and one database: a **writer** changing product 7's price and a **reader** running cache-aside.

# %% id="invalidate-demo"
PRODUCT, KEY = 7, "demo:product:7"


def fresh_start(price):
    db.update_product_price(PRODUCT, price)
    r.set(KEY, json.dumps(db.get_product(PRODUCT)), ex=3600)


def state():
    cached = r.get(KEY)
    return f"cache: {json.loads(cached)['price'] if cached else '—':>6}   database: {db.peek_product(PRODUCT)['price']}"


def play(title, steps):
    print(title)
    for actor, action, do in steps:
        do()
        print(f"   {actor:9} {action:44} → {state()}")
    cached = r.get(KEY)
    stale = cached is not None and json.loads(cached)["price"] != db.peek_product(PRODUCT)["price"]
    print("   result:", "STALE for up to an hour (until the TTL)" if stale else "consistent", "\n")
    return stale


seen = {}
fresh_start(10.0)
seen["delete, then write"] = play("1. BAD: delete the key, then write the database", [
    ("writer", "DEL demo:product:7", lambda: r.delete(KEY)),
    ("reader", "GET → miss → SELECT (old price 10.0)", lambda: seen.update(row=r.get(KEY) or db.get_product(PRODUCT))),
    ("writer", "UPDATE price = 12.0", lambda: db.update_product_price(PRODUCT, 12.0)),
    ("reader", "SET demo:product:7 (old row) EX 3600", lambda: r.set(KEY, json.dumps(seen["row"]), ex=3600)),
])
fresh_start(10.0)
seen["write, then overwrite"] = play("2. BAD: two writers overwrite the cached value", [
    ("writer A", "UPDATE price = 11.0", lambda: db.update_product_price(PRODUCT, 11.0)),
    ("writer B", "UPDATE price = 12.0", lambda: db.update_product_price(PRODUCT, 12.0)),
    ("writer B", "SET demo:product:7 (price 12.0)", lambda: r.set(KEY, json.dumps(db.get_product(PRODUCT)), ex=3600)),
    ("writer A", "SET demo:product:7 (price 11.0, its own)", lambda: r.set(
        KEY, json.dumps({**db.peek_product(PRODUCT), "price": 11.0}), ex=3600)),
])
fresh_start(10.0)
seen["write, then delete"] = play("3. GOOD: write the database, then delete the key", [
    ("writer", "UPDATE price = 12.0", lambda: db.update_product_price(PRODUCT, 12.0)),
    ("writer", "DEL demo:product:7", lambda: r.delete(KEY)),
    ("reader", "GET → miss → SELECT → SET … EX 3600", lambda: product_from_cache(r, db, PRODUCT)),
])
_ = unlink_matching("demo:*")


# %% [markdown] id="invalidate-text"
# - **Delete first, then write** leaves a window in which a reader reloads the *old* row and puts it back, for a full TTL.
# - **Overwrite** (write the new value into the cache) races between writers: the last `SET` to arrive wins, not the last database write. It also pays to serialise a value nobody may read.
# - **Write, then delete** is the cache-aside rule. One narrow race remains: a reader that missed and read the old row *before* the update, but writes it back *after* the delete. It needs a miss, an update and a slow reader at the same moment, and the TTL bounds the damage; where even that matters, keep TTLs short or delete a second time a moment later ("delayed double delete").
#
# The TTL stays on every cached value even when you invalidate: it is the safety net for the invalidation you will one day miss (a script that writes the database directly, a failed delete).

# %% [markdown] id="ex2-task"
# ## Exercise 2 · Invalidate on update
#
# **Goal:** after a rename, nobody reads the old name.
#
# Write `rename_user(r, db, user_id, name)`. It changes the user's name in the database with `db.update_user(user_id, name=name)` and then **invalidates** the cached copy at `user:<user_id>` by deleting it (`DEL` or `UNLINK`), in that order. It returns what `db.update_user` returned (`True` if the user exists).
#
# ```python
# >>> get_user(r, db, 7)["name"]            # cached
# 'Ada Lovelace'
# >>> rename_user(r, db, 7, "Ada King")     # UPDATE users … → DEL user:7
# True
# >>> get_user(r, db, 7)["name"]            # miss → fresh from the database
# 'Ada King'
# ```
#
# The check reads through its own cache-aside reader, so this exercise does not depend on your Exercise 1.

# %% answer="l07-invalidate-on-update"
def rename_user(r, db, user_id, name):
    ### BEGIN SOLUTION
    changed = db.update_user(user_id, name=name)
    r.unlink(f"user:{user_id}")
    return changed
    ### END SOLUTION


# %% check
spy = grading_spy("user:*")
client, seed = spy.client(), spy.backend.client()
gdb = LessonDB.create(seed=22, products=50, users=200, orders=0)
WRITES = {"SET", "SETEX", "PSETEX", "SETNX", "GETSET", "MSET"}


def reader(user_id):
    """The check's own cache-aside reader."""
    cached = seed.get(f"user:{user_id}")
    if cached is not None:
        return json.loads(cached)
    row = gdb.get_user(user_id)
    seed.set(f"user:{user_id}", json.dumps(row), ex=3600)
    return row


before = reader(7)  # warm the cache
spy.clear()
gdb.reset_counts()
changed = ex.call(rename_user, client, gdb, 7, "Ada King")
ex.expect(changed is True and gdb.peek_user(7)["name"] == "Ada King", "pattern-cache-aside",
          expected="the database updated (name 'Ada King') and True returned",
          got=f"{changed!r} returned, database name {gdb.peek_user(7)['name']!r}",
          hint="`db.update_user(user_id, name=name)` changes the source of truth.")
after = reader(7)
ex.expect(after["name"] == "Ada King", "pattern-cache-aside",
          expected="the next read through the cache sees 'Ada King'",
          got=f"{after['name']!r}: a stale read (the cached copy survived the update)",
          hint="Delete `user:<id>` after the database write: `r.unlink(f'user:{user_id}')`.")
steps = timeline(spy.commands, gdb.events)
write_at = next((i for i, s in enumerate(steps) if s.name == "DB WRITE"), None)
delete_at = next((i for i, s in enumerate(steps) if s.name in ("DEL", "UNLINK") and s.key == "user:7"), None)
ex.expect(write_at is not None and delete_at is not None and write_at < delete_at, "pattern-cache-aside",
          expected="database write first, then DEL/UNLINK user:7",
          got=" → ".join(str(s) for s in steps) or "nothing",
          hint="Deleting first lets a reader put the old row back before your UPDATE lands (race 1 above).")
overwrites = [c for c in spy.commands if c.name in WRITES]
ex.expect(not overwrites, "pattern-cache-aside", expected="the cached copy deleted, not overwritten",
          got="; ".join(f"`{c}`" for c in overwrites),
          hint="Overwriting races between writers (race 2 above); a delete lets the next read load the truth.")
ex.check(checks.writes_have_ttl(spy.commands))
### BEGIN HIDDEN TESTS
reader(150)
spy.clear()
ex.call(rename_user, client, gdb, 150, "Grace Brewster")
ex.expect(reader(150)["name"] == "Grace Brewster", "pattern-cache-aside",
          expected="user 150 renamed and its own key invalidated", got=f"{reader(150)['name']!r}")
spy.clear()
gone = ex.call(rename_user, client, gdb, 999_999, "Nobody")
ex.expect(gone is False and client.exists("user:999999") == 0, "pattern-cache-aside",
          expected="False for a missing user, and no key created", got=f"{gone!r}")
ex.check(checks.no_keys_command(spy.commands))
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="negative"
# ## Negative caching: remember "not found", briefly
#
# A request for a product that does not exist is a miss every time: nothing gets cached, so every such request reaches the database. A crawler walking ids, or a deleted product still linked from search results, sends a steady stream of these. **Negative caching** stores the absence too: a marker (JSON `null`) with a **short** TTL, so that the row appears soon once someone creates it.
#
# Notice that the standard's TypeScript `getUser` already caches `JSON.stringify(null)` for missing users, by accident, and for a full hour: a user who signs up a minute after a failed lookup stays "not found" for 59 minutes. Make it deliberate and short.

# %% id="negative-demo"
MISSING = list(range(20_001, 20_051))  # 50 ids that do not exist
lookups = random.Random(3).choices(MISSING, k=1000)


def product_or_none(r, db, product_id, negative_ttl=None):
    key = f"demo:product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)  # "null" decodes to None: a remembered absence
    product = db.get_product(product_id)
    if product is not None:
        r.set(key, json.dumps(product), ex=3600)
    elif negative_ttl:
        r.set(key, json.dumps(None), ex=negative_ttl)  # GOOD: remember "not found" for a short while
    return product


results = {}
for label, negative_ttl in (("no negative caching", None), ("negative caching, EX 60", 60)):
    db.reset_counts()
    for product_id in lookups:
        product_or_none(r, db, product_id, negative_ttl)
    results[label] = db.reads
print(f"1,000 lookups of 50 products that do not exist  [{lesson_backend().name}]")
for label, reads in results.items():
    print(f"  {label:24} {reads:5,} database reads")
print(f"  the marker: GET → {r.get('demo:product:20001')!r}, TTL {r.ttl('demo:product:20001')} s")
_ = unlink_matching("demo:*")


# %% [markdown] id="negative-text"
# Keep negative TTLs short (seconds to a minute), and delete the marker when you create the row, just as you invalidate on update. Store a marker the reader can tell apart from a miss: `GET` returns `None` for a miss and the string `"null"` for a remembered absence.

# %% [markdown] id="herd"
# ## The thundering herd: when a hot key expires
#
# A popular product page's cache entry expires. In the next few milliseconds, dozens of requests miss *at the same time*, and each one runs the same expensive query: the database gets a burst of identical work (a **cache stampede**), exactly when it is busiest. Below, 20 concurrent requests meet an empty cache for one hot product, with each query slowed to 50 ms.
#
# The remedy is a **lock**: on a miss, only the request that wins `SET lock:<key> <token> NX EX <seconds>` reads the database; the others wait a moment and read the cache again. The lock's TTL matters: a lock holder that crashes must not block the key forever.

# %% id="herd-demo"
def product_plain(r, db, product_id):
    return product_from_cache(r, db, product_id)[0]


def product_with_lock(r, db, product_id, ttl=3600, lock_seconds=5, poll=0.01, give_up_after=10.0):
    key, lock = f"demo:product:{product_id}", f"demo:lock:product:{product_id}"
    deadline = time.monotonic() + give_up_after
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, ex=lock_seconds):  # we load it; everyone else waits
            try:
                cached = r.get(key)  # someone may have filled it while we were acquiring the lock
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=ttl)
                return product
            finally:
                if r.get(lock) == token:  # release only our own lock (see the note below)
                    r.delete(lock)
        if time.monotonic() > deadline:
            return db.get_product(product_id)  # waited long enough: serve from the source
        time.sleep(poll)


herd = {}
for label, fn in (("plain cache-aside", product_plain), ("SET NX lock", product_with_lock)):
    unlink_matching("demo:*")
    db.reset_counts()
    with db.slow(0.05):
        results, errors, stuck, seconds = run_in_threads(lambda fn=fn: fn(r, db, 4242), 20)
    herd[label] = (db.reads, seconds)
    assert not errors and not stuck and len(results) == 20
    print(f"{label:18}: 20 concurrent misses → {db.reads:2} database reads, all answered in {seconds * 1000:.0f} ms")
unlink_matching("demo:*")

fig, ax = plt.subplots(figsize=(6, 2.4))
ax.barh(list(herd), [reads for reads, _ in herd.values()], color=["tab:red", "tab:green"])
ax.set_xlabel("database reads for 20 concurrent requests")
ax.set_title(f"A hot key expires ({lesson_backend().name})")
for i, (reads, _) in enumerate(herd.values()):
    ax.text(reads + 0.2, i, str(reads), va="center")
plt.show()


# %% [markdown] id="herd-text"
# The locked version answers all 20 requests with **one** query, for a few milliseconds of extra waiting by the others. Details that make it safe:
#
# - The lock is a plain key written with `SET … NX EX`: atomic, and it **expires** (`ttl-always` applies to locks too). If the holder crashes, the lock is gone after `lock_seconds` and the next request takes over.
# - The winner **checks the cache again** after taking the lock: a request that missed just before the previous holder wrote the value would otherwise query again.
# - Releasing compares the token first, so a slow holder whose lock already expired does not delete a newer holder's lock. (`GET` then `DEL` is two commands; a Lua script or redis-py's `r.lock()` does the compare-and-delete atomically.)
# - Waiting is bounded: after `give_up_after` seconds a request reads the database itself rather than hang.
#
# Two more remedies work *before* the stampede:
#
# - **TTL jitter** (lesson 02): keys cached together get TTLs spread over a range, so they do not all expire in the same second.
# - **Early refresh**: a request that finds the key *about to expire* refreshes it while everyone else keeps reading the still-valid value, so the hot key never goes missing. The cell below refreshes when less than 10 % of the TTL is left, under the same kind of lock.

# %% id="early-refresh-demo"
def product_early_refresh(r, db, product_id, ttl=3600, refresh_below=0.10):
    key, lock = f"demo:product:{product_id}", f"demo:lock:refresh:product:{product_id}"
    with r.pipeline(transaction=False) as pipe:
        cached, left_ms = pipe.get(key).pttl(key).execute()  # one round trip for both
    if cached is None:
        return product_with_lock(r, db, product_id, ttl)
    if left_ms < ttl * 1000 * refresh_below and r.set(lock, "1", nx=True, ex=5):
        r.set(key, json.dumps(db.get_product(product_id)), ex=ttl)  # one request refreshes early
    return json.loads(cached)  # everyone is served the cached value at once


unlink_matching("demo:*")
product_early_refresh(r, db, 4242)  # cached with a 1-hour TTL
r.expire("demo:product:4242", 200)  # pretend 56 min 40 s have passed: 200 s left, under 10 %
db.reset_counts()
served = [product_early_refresh(r, db, 4242) for _ in range(50)]
print(f"50 requests near expiry: {db.reads} database read (the early refresh), "
      f"{sum(p is not None for p in served)} answered from the cache, TTL now {r.ttl('demo:product:4242')} s")
_ = unlink_matching("demo:*")


# %% [markdown] id="ex3-task"
# ## Exercise 3 · Stampede protection
#
# **Goal:** 20 simultaneous misses on one product, one database read; and a crashed lock holder never blocks anyone for long.
#
# Write `get_product_protected(r, db, product_id)`, cache-aside for `product:<product_id>` (JSON, `ex=300`) with a lock:
#
# 1. `GET product:<id>`; a hit returns the decoded product;
# 2. on a miss, try to take the lock `lock:product:<id>` with **one** `SET … NX EX` (a few seconds, e.g. `ex=5`);
# 3. the winner checks the cache once more, reads `db.get_product(product_id)`, writes the cache with its TTL, releases the lock, and returns the product;
# 4. the others sleep a little (10–50 ms) and start again from step 1. Never wait forever: retrying step 2 picks the lock up once a dead holder's lock expires.
#
# ```python
# >>> get_product_protected(r, db, 42)   # GET product:42 → SET lock:product:42 <token> NX EX 5 → GET → SELECT → SET product:42 … EX 300 → DEL lock
# {'id': 42, 'sku': 'SKU-00042', ...}
# ```
#
# The check runs 20 threads against a database slowed to 100 ms per query, then calls your function while a lock left behind by a "crashed" holder (TTL 0.4 s) still exists.

# %% answer="l07-stampede-lock"
def get_product_protected(r, db, product_id):
    ### BEGIN SOLUTION
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, ex=5):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                if r.get(lock) == token:
                    r.delete(lock)
        time.sleep(0.02)
    ### END SOLUTION


# %% check
spy = grading_spy("product:*", "lock:*")
client, seed = spy.client(), spy.backend.client()
gdb = LessonDB.create(seed=23, products=300, users=10, orders=0)
expected_product = gdb.peek_product(42)
with gdb.slow(0.1):
    results, errors, stuck, seconds = run_in_threads(lambda: get_product_protected(client, gdb, 42), 20)
ex.expect(not errors and not stuck, "pattern-cache-aside", expected="20 concurrent calls that all return",
          got=(f"{len(errors)} raised, e.g. {type(errors[0]).__name__}: {errors[0]}; " if errors else "")
          + (f"{stuck} still running after 5 s" if stuck else ""),
          hint="A NotImplementedError means the answer cell still holds the stub.")
ex.expect(len(results) == 20 and all(p == expected_product for p in results), "pattern-cache-aside",
          expected="every call returns product 42", got=f"{len(results)} results, e.g. {results[:1]}"[:160])
ex.expect(gdb.read_counts["products"] == 1, "pattern-cache-aside",
          expected="exactly 1 database read for 20 concurrent misses on one key",
          got=f"{gdb.read_counts['products']} database reads",
          hint="Only the request that wins `SET lock:product:<id> <token> NX EX 5` may read the database; the "
               "others sleep briefly and read the cache again. The winner re-checks the cache after locking.")
locks = [c for c in spy.named("SET") if c.key == "lock:product:42" and "NX" in [a.upper() for a in c.arg_text()]]
ex.expect(bool(locks), "pattern-cache-aside", expected="a lock taken with `SET lock:product:42 <token> NX EX …`",
          got="; ".join(sorted({str(c) for c in spy.commands if c.key and "lock" in c.key})[:3]) or "no lock key",
          hint="`r.set(f'lock:product:{product_id}', token, nx=True, ex=5)` returns True for the one winner.")
ex.check(checks.writes_have_ttl(spy.commands))
ex.expect(0 < client.ttl("product:42") <= 300, "ttl-always", expected="`product:42` cached with a TTL of 300 s",
          got=f"TTL {client.ttl('product:42')}")
ex.expect(client.exists("lock:product:42") == 0, "pattern-cache-aside",
          expected="the lock released once the value is cached", got="`lock:product:42` still held",
          hint="Delete the lock in a `finally:` once the cache is written (only if it still holds your token).")

# A holder that crashed: its lock is still there (for 0.4 s more), and nobody will ever fill the cache.
seed.set("lock:product:77", "crashed-worker", px=400)
gdb.reset_counts()
results, errors, stuck, seconds = run_in_threads(lambda: get_product_protected(client, gdb, 77), 1, timeout=4)
ex.expect(not stuck and not errors and results == [gdb.peek_product(77)], "pattern-cache-aside",
          expected="the call returns product 77 soon after the dead holder's lock expires (0.4 s)",
          got="still waiting after 4 s: a deadlock on a lock nobody will release" if stuck
          else (f"{type(errors[0]).__name__}: {errors[0]}" if errors else f"{results!r}"[:120]),
          hint="Waiters must keep retrying the `SET … NX` (or give up after a bound), not only re-read the cache.")
ex.expect(stuck or seconds < 3.5, "pattern-cache-aside", expected="an answer within a few seconds",
          got=f"{seconds:.1f} s")
### BEGIN HIDDEN TESTS
ex.expect(stuck or gdb.read_counts["products"] == 1, "pattern-cache-aside",
          expected="one database read after taking over the expired lock",
          got=f"{gdb.read_counts['products']} reads")
spy.clear()
gdb.reset_counts()
with gdb.slow(0.05):
    results, errors, stuck, _ = run_in_threads(lambda: get_product_protected(client, gdb, 199), 12)
ex.expect(not errors and not stuck and gdb.read_counts["products"] == 1
          and results == [gdb.peek_product(199)] * 12, "pattern-cache-aside",
          expected="another product, 12 concurrent misses: one database read, the right product for everyone",
          got=f"{gdb.read_counts['products']} reads, {len(errors)} errors, {stuck} stuck")
ex.check(checks.writes_have_ttl(spy.commands))
spy.clear()
gdb.reset_counts()
hit = ex.call(get_product_protected, client, gdb, 199)
ex.expect(hit == gdb.peek_product(199) and gdb.reads == 0 and spy.names() == ["GET"], "pattern-cache-aside",
          expected="a hit: one GET, no lock, no database read",
          got="; ".join(str(c) for c in spy.commands)[:160])
ex.check(checks.no_keys_command(spy.commands))
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-3"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="degrade"
# ## When the cache is down
#
# The cache is an optimisation; the database is the source of truth. If Redis goes away (a restart, a network partition, a failover), a cache-aside reader should **skip the cache and read the database**, not fail the request (`client-error-handling`). Three details:
#
# - Catch **Redis's errors**, `redis.RedisError` (connection lost, timeout, out of memory…), not every `Exception`: a database error must still surface, or "product not found" hides "database down".
# - Fail fast. redis-py 8.1 retries a refused connection by default for about 5 s (`Retry(ExponentialWithJitterBackoff(...), 10)`); a page waiting 5 s per request for a dead cache is an outage too. Give production clients a `socket_timeout`/`socket_connect_timeout` of a fraction of a second and a short retry.
# - Expect the load to move: every request becomes a database read during the outage. A circuit breaker (stop trying Redis for a few seconds after N failures) keeps the error rate and latency down.
#
# The demo uses the workbook's fault injector: `FaultInjector().client()` makes clients whose commands fail on demand (`with inj.outage():`, `with inj.timeouts():`), on fakeredis and on a real server alike.

# %% id="degrade-demo"
def product_fragile(r, db, product_id):  # BAD: a cache error fails the request
    return product_from_cache(r, db, product_id)[0]


def product_resilient(r, db, product_id):  # GOOD: skip the cache when it is down
    key = f"demo:product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass  # cache unavailable: go to the source of truth
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):  # could not cache it this time; the next read will try again
        r.set(key, json.dumps(product), ex=3600)
    return product


inj = FaultInjector()
rc = inj.client()  # fails at once (no retries) when a fault is on
outage_report = {}
for label, fn in (("fragile", product_fragile), ("resilient", product_resilient)):
    unlink_matching("demo:*")
    served = failed = 0
    db.reset_counts()
    with inj.outage():
        for product_id in requests[:200]:
            try:
                fn(rc, db, product_id)
                served += 1
            except redis.RedisError:
                failed += 1
    outage_report[label] = (served, failed, db.reads)
    print(f"{label:9}: cache down for 200 requests → {served:3} served, {failed:3} failed, "
          f"{db.reads:3} database reads")
print(f"after the outage: {product_resilient(rc, db, 42)['sku']} served and cached again "
      f"(TTL {rc.ttl('demo:product:42')})  [{lesson_backend().name}]")
_ = unlink_matching("demo:*")


# %% [markdown] id="ex4-task"
# ## Exercise 4 · Degrade gracefully
#
# **Goal:** a cache outage must not become an application outage.
#
# Write `get_product_resilient(r, db, product_id)`: cache-aside for `product:<product_id>` (JSON, `ex=300`) that keeps working when Redis fails:
#
# - if reading the cache raises a Redis error (`redis.RedisError`: connection lost, timeout, out of memory…), read the database and return its answer;
# - if writing the cache fails, return the product anyway;
# - a **database** error (`DatabaseUnavailable`) is not yours to hide: let it propagate;
# - when Redis is healthy again, it is cache-aside as usual (hits send one `GET`, no database read).
#
# ```python
# >>> with inj.outage():
# ...     get_product_resilient(r, db, 42)   # GET fails → db.get_product(42) → SET fails → returned anyway
# {'id': 42, ...}
# ```
#
# The check gives you a client from a `FaultInjector` (no retries) and turns outages and timeouts on and off around your calls.

# %% answer="l07-degrade-gracefully"
def get_product_resilient(r, db, product_id):
    ### BEGIN SOLUTION
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):
        r.set(key, json.dumps(product), ex=300)
    return product
    ### END SOLUTION


# %% check
spy = grading_spy("product:*")
faults = FaultInjector(spy=spy)
client = faults.client()
gdb = LessonDB.create(seed=24, products=300, users=10, orders=0)

with faults.outage():
    started = time.perf_counter()
    during = ex.call(get_product_resilient, client, gdb, 42)
    took = time.perf_counter() - started
ex.expect(during == gdb.peek_product(42), "client-error-handling",
          expected="product 42 served from the database while the cache is down", got=repr(during)[:120],
          hint="Catch `redis.RedisError` around the cache calls and fall back to `db.get_product(product_id)`.")
ex.expect(took < 1.0, "client-error-handling", expected="an answer at once while the cache is down",
          got=f"{took:.1f} s", hint="Do not retry or sleep in the request path when Redis is down.")
with faults.timeouts():
    slow_answer = ex.call(get_product_resilient, client, gdb, 43)
ex.expect(slow_answer == gdb.peek_product(43), "client-error-handling",
          expected="product 43 served from the database when Redis times out", got=repr(slow_answer)[:120],
          hint="`redis.TimeoutError` is not a `redis.ConnectionError`; both are `redis.RedisError`.")

spy.clear()
gdb.reset_counts()
first = ex.call(get_product_resilient, client, gdb, 44)
second = ex.call(get_product_resilient, client, gdb, 44)
ex.expect(first == second == gdb.peek_product(44) and gdb.reads == 1, "pattern-cache-aside",
          expected="after recovery, cache-aside as usual: the second call is a hit (1 database read in all)",
          got=f"{gdb.reads} database reads for two calls")
ex.check(checks.writes_have_ttl(spy.commands))
ex.expect(0 < client.ttl("product:44") <= 300, "ttl-always", expected="`product:44` cached with a TTL of 300 s",
          got=f"TTL {client.ttl('product:44')}")
### BEGIN HIDDEN TESTS
with faults.out_of_memory():  # reads work, writes are refused: the product must still be served
    oom = ex.call(get_product_resilient, client, gdb, 45)
ex.expect(oom == gdb.peek_product(45), "client-error-handling",
          expected="the product returned when the cache write is refused (OOM)", got=repr(oom)[:120])
with faults.outage(), gdb.fail():
    try:
        hidden, raised = get_product_resilient(client, gdb, 46), None
    except DatabaseUnavailable as error:
        hidden, raised = None, error
    except Exception as error:  # noqa: BLE001 - reported as feedback
        hidden, raised = None, error
ex.expect(isinstance(raised, DatabaseUnavailable), "client-error-handling",
          expected="DatabaseUnavailable raised when the database is down too (catch Redis errors only)",
          got=f"returned {hidden!r}" if raised is None else f"{type(raised).__name__}: {raised}",
          hint="`except redis.RedisError:`, not `except Exception:`.")
spy.clear()
gdb.reset_counts()
ex.call(get_product_resilient, client, gdb, 46)
ex.call(get_product_resilient, client, gdb, 46)
ex.expect(gdb.reads == 1 and spy.names().count("GET") == 2, "pattern-cache-aside",
          expected="a miss then a hit for product 46", got=f"{gdb.reads} reads; sent {spy.names()}"[:160])
ex.check(checks.writes_have_ttl(spy.commands))
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-4"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# A colleague's product service, ready for review:
#
# ```python
# import json
# import redis
#
# r = redis.Redis.from_url("redis://cache.internal:6379/0", decode_responses=True)
#
#
# def get_product(product_id):
#     key = f"product:{product_id}"
#     try:
#         cached = r.get(key)
#     except Exception:
#         return None  # cache is down: the page shows "product unavailable"
#     if cached is not None:
#         return json.loads(cached)
#     product = db.get_product(product_id)
#     r.set(key, str(product), ex=600)
#     return product
#
#
# def set_price(product_id, price):
#     db.update_product_price(product_id, price)
#
#
# def refresh_hot_product(product_id):
#     if r.set(f"lock:product:{product_id}", "worker-1", nx=True):
#         r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=600)
#         r.delete(f"lock:product:{product_id}")
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`. Count each fault under the **most specific** standard that names it. The ids are in `autograder/catalog/standards.toml`.

# %% answer="l07-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"client-error-handling", "client-serialization", "pattern-cache-aside", "ttl-always"}
    ### END SOLUTION


# %% check
spotted = ex.call(kata_violations)
ex.kata(spotted)
ex.verdict()

# %% [markdown] id="hint-kata"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="recap"
# ## Recap
#
# - **`pattern-cache-aside`**: `GET` the cache; on a miss read the database, then `SET` the cache **with a TTL**; on an update write the database, **then delete** the key. Never delete first (a reader puts the old row back) and prefer deleting to overwriting (writers race).
# - **`ttl-always`**: every write carries a TTL in the same command: cached values, "not found" markers (short!) and locks (`SET … NX EX`).
# - **`client-serialization`**: JSON both ways (`json.dumps`/`json.loads`, never `str()`); an unreadable entry is a miss, reloaded and overwritten.
# - **`client-error-handling`**: catch `redis.RedisError` around cache calls and fall back to the database; fail fast; let database errors through.
# - Thundering herd on a hot key: one loader behind a `SET NX EX` lock (re-check after locking, bounded waiting), TTL jitter for keys cached together, early refresh before expiry.
# - Measure it: database reads saved and hit ratio over time on your own traffic; on a real server, `INFO stats` `keyspace_hits`/`keyspace_misses`.
#
# **Next:** [Lesson 08 · Write-through](../08-write-through/08-write-through.ipynb): keep the cache and the database in step on every write, including when one of them fails.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
from autograder.feedback_widgets import show_progress

show_progress("07-cache-aside")
