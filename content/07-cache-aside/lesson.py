# %% [markdown] id="title"
# # Lesson 07 · Cache-aside: read the cache, fall back to the database, write back with a TTL
#
# **Goals.** Port the standard's `getUser` to Python; measure what a cache saves on a realistic, skewed workload (database reads, latency, hit ratio as the cache warms); invalidate on update without racing; cache "not found" briefly; stop a thundering herd on a hot key (a lock with a timeout, TTL jitter, early refresh); keep serving when the cache is down.
#
# **Standards:** `pattern-cache-aside` (read cache; on a miss read the database, then write the cache with a TTL; invalidate on update), with `ttl-always`, `client-serialization` and `client-error-handling`.
#
# **Time:** about 50 minutes, in two sittings if you like: the read path, invalidation and negative caching (Exercises 1–2, 25 minutes), then the thundering herd and a cache that is down (Exercises 3–4, 25 minutes).

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

from autograder.lesson import (
    CommandSpy,
    DatabaseUnavailable,
    Exercise,
    FaultInjector,
    LessonDB,
    checks,
    demo_size,
    grading_spy,
    hints,
    lesson_backend,
    run_in_threads,
    show_progress,
    start_lesson,
    timeline,
    unlink_matching,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
REAL = lesson_backend().is_real
db = LessonDB.create(seed=7)  # a real SQLite database: 10,000 products, 2,000 users, 5,000 orders
print(f"Lesson database: {db.count_rows('products'):,} products, {db.count_rows('users'):,} users, "
      f"{db.count_rows('orders'):,} orders (SQLite, in memory; it counts every query it answers)")

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
REQUESTS, DB_LATENCY = demo_size(2000, graded=400), 0.001
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


unlink_matching(r, "demo:*")
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
unlink_matching(r, "demo:*")


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
_ = unlink_matching(r, "demo:*")


# %% [markdown] id="ex1-task"
# ## Exercise 1 · Cache-aside read
#
# **Goal:** the standard's `getUser`, in Python, robust to a bad entry.
#
# Write `get_user(r, db, user_id)`:
#
# 1. `GET user:<user_id>`; on a hit, return the JSON-decoded object **without touching the database**;
# 2. on a miss, read `db.get_user(user_id)`, store it as JSON at `user:<user_id>` **with a TTL of 3600 seconds in the same command**, and return it;
# 3. if the cached entry is not valid JSON, treat it as a miss: reload it, and overwrite it with a plain `SET … EX` (or delete it first; a `SET … NX` fill alone would leave the bad entry in place). A valid JSON entry another service wrote is yours to return; if your reader also checks the entry's shape and treats a foreign shape as a miss, that is fine too;
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
READS = {"GET", "GETEX", "MGET"}


def touches(step, key):
    """Whether a timeline step is a command that names `key` (its key, or one of a script's or MGET's keys)."""
    return hasattr(step, "arg_text") and key in step.arg_text()


def stored_json(key):
    """What `key` holds, decoded: None when absent, "(not JSON)" / "(not a string)" when unreadable."""
    try:
        stored = seed.get(key)
    except redis.ResponseError:
        return "(not a string)"
    try:
        return json.loads(stored) if stored is not None else None
    except ValueError:
        return "(not JSON)"


user = ex.call(get_user, client, gdb, 7)
expected_user = gdb.peek_user(7)
ex.expect(user == expected_user, "correctness", expected=f"the user from the database: {expected_user}",
          got=repr(user)[:160])
steps = timeline(spy.commands, gdb.events)
shown = " → ".join(str(s) for s in steps)[:240] or "nothing sent, nothing read"
db_reads = [i for i, s in enumerate(steps) if s.name == "DB READ"]
first_read = next((i for i, s in enumerate(steps) if s.name in READS and touches(s, "user:7")), None)
written_before = [s for s in steps[: db_reads[0] if db_reads else len(steps)]
                  if hasattr(s, "arg_text") and s.key == "user:7" and checks.written_keys([s])]
ex.expect(len(db_reads) == 1 and first_read is not None and first_read < db_reads[0] and not written_before,
          "pattern-cache-aside",
          expected="on a miss: `GET user:7` first, then one database read, then the cache written",
          got=f"{len(db_reads)} database read(s): {shown}",
          hint="Read the cache first, the database only on a miss, then write the cache.")
ex.check(checks.writes_have_ttl(spy.commands))
decoded = stored_json("user:7")
ex.expect(decoded == expected_user, "client-serialization", expected="the user stored at `user:7` as JSON",
          got=repr(decoded)[:120], hint="`json.dumps(user)` to write, `json.loads(cached)` to read.")
ex.check(checks.ttl_close(seed, "user:7", 3600, slack=10))

spy.clear()
gdb.reset_counts()
again = ex.call(get_user, client, gdb, 7)
ex.expect(again == expected_user and gdb.reads == 0, "pattern-cache-aside",
          expected="the second call served from the cache: same user, 0 database reads",
          got=f"{gdb.reads} database read(s), returned {again!r}"[:160],
          hint="On a hit, return `json.loads(cached)` before touching the database.")
hit_reads = [c for c in spy.commands if c.name in READS and "user:7" in c.arg_text()]
hit_writes = checks.written_keys(spy.commands)
ex.expect(bool(hit_reads) and not hit_writes, "pattern-cache-aside",
          expected="the second call reads `user:7` from Redis (`GET user:7`) and writes nothing",
          got="; ".join(str(c) for c in spy.commands)[:200] or "no command at all (an in-process memo is not a cache "
          "other processes share, and it never expires)")
ex.check(checks.ttl_close(seed, "user:7", 3600, slack=10))

seed.set("user:13", "<html>502 Bad Gateway</html>", ex=3600)  # a corrupt entry
gdb.reset_counts()
try:
    repaired, crashed = get_user(client, gdb, 13), None
except Exception as error:  # noqa: BLE001 - reported as feedback
    repaired, crashed = None, error
ex.expect(crashed is None and repaired == gdb.peek_user(13), "client-serialization",
          expected="a corrupt entry treated as a miss: the user reloaded from the database",
          got=f"{type(crashed).__name__}: {crashed}" if crashed else repr(repaired)[:120],
          hint="Wrap `json.loads` in `try/except json.JSONDecodeError` and fall through to the database.")
left = stored_json("user:13")
pttl = seed.pttl("user:13")
ex.expect(left is None or (left == gdb.peek_user(13) and 0 < pttl <= 3_600_000), "client-serialization",
          expected="the corrupt entry repaired: overwritten with the user's JSON (TTL at most 3600 s), or deleted",
          got=f"{seed.get('user:13')!r} left in the cache (TTL {pttl / 1000:.0f} s)"[:160] if left == "(not JSON)"
          else f"`user:13` holds {left!r} with PTTL {pttl}"[:160],
          hint="After reloading, write the fresh JSON back with a plain `SET … EX` (an `NX` write cannot replace the "
               "bad entry), or delete the bad entry first.")
### BEGIN HIDDEN TESTS
spy.clear()
gdb.reset_counts()
foreign = {"id": 12, "name": "Written by another service", "vip": True, "manager": None}
seed.set("user:12", json.dumps(foreign), ex=3600)
got = ex.call(get_user, client, gdb, 12)
as_is = got == foreign and gdb.reads == 0
left = stored_json("user:12")
reloaded = got == gdb.peek_user(12) and gdb.reads <= 1 and (left is None or left == gdb.peek_user(12))
ex.expect(as_is or reloaded, "client-serialization",
          expected="a JSON entry another service wrote (with true/null) returned as is without a database read, "
                   "or (if your reader checks the entry's shape) treated as a miss: the user reloaded and the entry "
                   "replaced or deleted",
          got=f"returned {got!r}, {gdb.reads} database read(s), `user:12` now {left!r}"[:240])
spy.clear()
gdb.reset_counts()
other = ex.call(get_user, client, gdb, 150)
ex.expect(other == gdb.peek_user(150) and stored_json("user:150") == other, "pattern-cache-aside",
          expected="user 150 loaded and cached at `user:150`", got=repr(other)[:120])
ex.check(checks.ttl_close(seed, "user:150", 3600, slack=10))
spy.clear()
gdb.reset_counts()
missing = ex.call(get_user, client, gdb, 999_999)
written = set(checks.touched_keys(spy.commands)) | {"user:999999"}
too_long = {k: seed.pttl(k) for k in sorted(written) if seed.pttl(k) == -1 or seed.pttl(k) > 300_000}
ex.expect(missing is None and not too_long, "ttl-always",
          expected="None for a missing user; nothing cached, or a marker with a TTL of at most 300 s",
          got=f"{missing!r}; " + ("; ".join(f"`{k}` with PTTL {v}" for k, v in too_long.items()) or "nothing cached"))
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
_ = unlink_matching(r, "demo:*")


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
BYSTANDERS = (1, 6, 8, 93, 188, 199)  # other users' cached copies: one rename must leave them alone


def reader(user_id):
    """The check's own cache-aside reader."""
    cached = seed.get(f"user:{user_id}")
    if cached is not None:
        return json.loads(cached)
    row = gdb.get_user(user_id)
    seed.set(f"user:{user_id}", json.dumps(row), ex=3600)
    return row


def deletes(cmd, key):
    """Whether a command removes `key` (DEL/UNLINK of it, GETDEL, an EXPIRE already due, FLUSHDB/FLUSHALL)."""
    return bool(checks.deleting_commands([cmd])) and (key in cmd.arg_text() or cmd.name.startswith("FLUSH"))


def bystanders_kept(before):
    """The other users' cached copies that the call removed or changed: [(key, what now)]."""
    lost = []
    for key, (value, ttl) in before.items():
        now, now_ttl = seed.get(key), seed.ttl(key)
        if now != value or not ttl - 5 <= now_ttl <= ttl:
            lost.append((key, "gone" if now is None else f"TTL {now_ttl}"))
    return lost


before = reader(7)  # warm the cache
for other in BYSTANDERS:
    reader(other)
others = {f"user:{u}": (seed.get(f"user:{u}"), seed.ttl(f"user:{u}")) for u in BYSTANDERS}
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
last_write = max((i for i, s in enumerate(steps) if s.name == "DB WRITE"), default=None)
last_delete = max((i for i, s in enumerate(steps) if hasattr(s, "arg_text") and deletes(s, "user:7")), default=None)
ex.expect(last_write is not None and last_delete is not None and last_write < last_delete, "pattern-cache-aside",
          expected="the database written, then `user:7` deleted (DEL/UNLINK) after that write",
          got=" → ".join(str(s) for s in steps)[:240] or "nothing",
          hint="Deleting only before the UPDATE lets a reader put the old row back before it lands (race 1 above). "
               "A delete before *and* after (delayed double delete) is fine.")
overwrites = [c for c in spy.commands if c.name in WRITES]
ex.expect(not overwrites, "pattern-cache-aside", expected="the cached copy deleted, not overwritten",
          got="; ".join(f"`{c}`" for c in overwrites)[:200],
          hint="Overwriting races between writers (race 2 above); a delete lets the next read load the truth.")
lost = bystanders_kept(others)
ex.expect(not lost, "pattern-cache-aside",
          expected="only `user:7` invalidated: the other users' cached copies untouched",
          got=f"{len(lost)} of {len(others)} other cached users removed or changed: "
              + ", ".join(f"`{k}` {what}" for k, what in lost[:4]),
          hint="Delete the one key whose data changed; emptying the whole cache turns every read into a miss.")
ex.check(checks.writes_have_ttl(spy.commands))
### BEGIN HIDDEN TESTS
reader(150)
others = {f"user:{u}": (seed.get(f"user:{u}"), seed.ttl(f"user:{u}")) for u in BYSTANDERS}
spy.clear()
gdb.reset_counts()
ex.call(rename_user, client, gdb, 150, "Grace Brewster")
ex.expect(reader(150)["name"] == "Grace Brewster", "pattern-cache-aside",
          expected="user 150 renamed and its own key invalidated", got=f"{reader(150)['name']!r}")
lost = bystanders_kept(others)
ex.expect(not lost, "pattern-cache-aside", expected="renaming user 150 leaves the other cached users alone",
          got=", ".join(f"`{k}` {what}" for k, what in lost[:4]))
spy.clear()
gone = ex.call(rename_user, client, gdb, 999_999, "Nobody")
ex.expect(gone is False and client.exists("user:999999") == 0, "correctness",
          expected="False for a missing user, and no key created", got=f"{gone!r}")
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
_ = unlink_matching(r, "demo:*")


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
    unlink_matching(r, "demo:*")
    db.reset_counts()
    with db.slow(0.05):
        results, errors, stuck, seconds = run_in_threads(lambda fn=fn: fn(r, db, 4242), 20)
    herd[label] = (db.reads, seconds)
    assert not errors and not stuck and len(results) == 20
    print(f"{label:18}: 20 concurrent misses → {db.reads:2} database reads, all answered in {seconds * 1000:.0f} ms")
unlink_matching(r, "demo:*")

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


unlink_matching(r, "demo:*")
product_early_refresh(r, db, 4242)  # cached with a 1-hour TTL
r.expire("demo:product:4242", 200)  # pretend 56 min 40 s have passed: 200 s left, under 10 %
db.reset_counts()
served = [product_early_refresh(r, db, 4242) for _ in range(50)]
print(f"50 requests near expiry: {db.reads} database read (the early refresh), "
      f"{sum(p is not None for p in served)} answered from the cache, TTL now {r.ttl('demo:product:4242')} s")
_ = unlink_matching(r, "demo:*")


# %% [markdown] id="ex3-task"
# ## Exercise 3 · Stampede protection
#
# **Goal:** 20 simultaneous misses on one product, one database read; and a crashed lock holder never blocks anyone for long.
#
# Write `get_product_protected(r, db, product_id)`, cache-aside for `product:<product_id>` (JSON, `ex=300`) with a lock:
#
# 1. `GET product:<id>`; a hit returns the decoded product. An entry that is not valid JSON is a miss, as in Exercise 1 (it gets overwritten below);
# 2. on a miss, try to take the lock `lock:product:<id>` with **one** `SET … NX EX` (a few seconds, e.g. `ex=5`), holding a token of your own (e.g. `uuid.uuid4().hex`);
# 3. the winner checks the cache once more (another request may have filled it a moment ago), reads `db.get_product(product_id)`, writes the cache with its TTL, releases the lock **only if it still holds your token** (a slow holder whose lock expired must not delete the next holder's lock: `GET` then `DEL`, a Lua compare-and-delete, or redis-py's `r.lock()`), and returns the product;
# 4. the others sleep a little (10–50 ms) and start again from step 1. Never wait forever: retrying step 2 picks the lock up once a dead holder's lock expires.
#
# ```python
# >>> get_product_protected(r, db, 42)   # GET product:42 → SET lock:product:42 <token> NX EX 5 → GET → SELECT → SET product:42 … EX 300 → GET lock → DEL lock
# {'id': 42, 'sku': 'SKU-00042', ...}
# ```
#
# The check runs 20 threads against a database slowed to 100 ms per query, then calls your function while a lock left behind by a "crashed" holder (TTL 0.4 s) still exists. It also plays the two races the lock must survive: the cache filled by someone else just before your lock is granted, and your lock expiring (and being taken over) while your query runs.

# %% answer="l07-stampede-lock"
def get_product_protected(r, db, product_id):
    ### BEGIN SOLUTION
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"

    def cached_product():
        cached = r.get(key)
        try:
            return json.loads(cached) if cached is not None else None
        except json.JSONDecodeError:
            return None  # corrupt or foreign: a miss, overwritten below

    while True:
        if (product := cached_product()) is not None:
            return product
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, ex=5):
            try:
                if (product := cached_product()) is not None:
                    return product
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                if r.get(lock) == token:  # release only our own lock
                    r.delete(lock)
        time.sleep(0.02)
    ### END SOLUTION


# %% check
spy = grading_spy("product:*", "lock:*")
faults = FaultInjector(spy=spy)  # its clients are spied too; `faults.slow()` delays only their commands
client, seed = spy.client(), spy.backend.client()
gdb = LessonDB.create(seed=23, products=300, users=10, orders=0)


class DuringQuery:
    """The lesson database, with something happening (once) while the learner's `get_product` query runs."""

    def __init__(self, db, happen):
        self._db, self._happen = db, happen

    def __getattr__(self, name):
        return getattr(self._db, name)

    def get_product(self, product_id):
        happen, self._happen = self._happen, None
        if happen is not None:
            happen()
        return self._db.get_product(product_id)


def one_call(r, db, product_id, timeout=4):
    """One call in a thread (so a call that never returns cannot hang the check): (result, error, stuck)."""
    results, errors, stuck, _ = run_in_threads(lambda: get_product_protected(r, db, product_id), 1, timeout=timeout)
    return (results[0] if results else None), (errors[0] if errors else None), stuck


def outcome(result, error, stuck):
    return ("still running after 4 s" if stuck else f"{type(error).__name__}: {error}" if error
            else f"returned {result!r}")[:160]


def cached_json(key):
    """What `key` holds, decoded: None when absent, a "(…)" note when it is not a JSON string."""
    try:
        raw = seed.get(key)
        return json.loads(raw) if raw is not None else None
    except redis.ResponseError:
        return "(not a string)"
    except ValueError:
        return f"(not JSON: {raw[:40]!r})"


expected_product = gdb.peek_product(42)
with gdb.slow(0.1):
    results, errors, stuck, seconds = run_in_threads(lambda: get_product_protected(client, gdb, 42), 20)
ex.expect(not errors and not stuck, "pattern-cache-aside", expected="20 concurrent calls that all return",
          got=(f"{len(errors)} raised, e.g. {type(errors[0]).__name__}: {errors[0]}; " if errors else "")
          + (f"{stuck} still running after 5 s" if stuck else ""),
          hint="A NotImplementedError means the answer cell still holds the stub.")
ex.expect(len(results) == 20 and all(p == expected_product for p in results), "correctness",
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
ex.check(checks.command_log_findings(spy.commands))
ex.check(checks.keys_left_without_ttl(seed, checks.touched_keys(spy.commands)))
ex.check(checks.ttl_close(seed, "product:42", 300, slack=10))
ex.expect(seed.exists("lock:product:42") == 0, "pattern-cache-aside",
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

# Your lock expires while your query runs, and another worker takes it: your release must leave its lock alone.
spy.clear()
gdb.reset_counts()
taken_over = DuringQuery(gdb, lambda: seed.set("lock:product:61", "another-worker", ex=5))
result, error, stuck = one_call(client, taken_over, 61)
holder = seed.get("lock:product:61")
ex.expect(not stuck and error is None and result == gdb.peek_product(61), "pattern-cache-aside",
          expected="product 61 returned", got=outcome(result, error, stuck))
ex.expect(holder == "another-worker", "pattern-cache-aside",
          expected="the lock another worker took while your query ran (your own had expired) left in place",
          got=f"your release deleted it (`lock:product:61` now {holder!r}): two workers may now load the same key"
          if holder is None else f"`lock:product:61` now {holder!r}",
          hint="Release only your own lock: store a unique token in it and delete it only if it still holds that "
               "token (`GET` + compare + `DEL`, a Lua compare-and-delete, or `r.lock()`).")
seed.delete("lock:product:61")

# The cache is filled by someone else between your first GET and your lock: the winner must look again.
spy.clear()
gdb.reset_counts()
filled_at = []  # when the other request's value landed (the clock of `Command.at`)


def fill_after_first_reply(seconds=4):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(c.answered for c in spy.commands):
            seed.set("product:62", json.dumps(gdb.peek_product(62)), ex=300)
            filled_at.append(time.perf_counter_ns())
            return
        time.sleep(0.001)


filler = threading.Thread(target=fill_after_first_reply, daemon=True)
filler.start()
with faults.slow(0.05):  # each of your commands takes 50 ms: the fill lands right after your first one answers
    result, error, stuck = one_call(faults.client(), gdb, 62)
filler.join(1)
lock_sets = [c for c in spy.named("SET") if c.key == "lock:product:62"]
raced = bool(filled_at and lock_sets and filled_at[0] < lock_sets[0].at)  # the fill landed before the lock request
ex.expect(not stuck and error is None and result == gdb.peek_product(62), "pattern-cache-aside",
          expected="product 62 returned", got=outcome(result, error, stuck))
ex.expect(not raced or gdb.read_counts["products"] == 0, "pattern-cache-aside",
          expected="no database read: the value another request cached just before your lock was granted is used",
          got=f"{gdb.read_counts['products']} database read(s) after winning the lock",
          hint="After `SET … NX` succeeds, `GET` the key once more before you query the database.")
seed.delete("lock:product:62")

# A corrupt entry is a miss: reload it and overwrite it, never crash the page.
seed.set("product:88", "<html>502 Bad Gateway</html>", ex=300)
gdb.reset_counts()
result, error, stuck = one_call(client, gdb, 88)
left = cached_json("product:88")
ex.expect(not stuck and error is None and result == gdb.peek_product(88), "client-serialization",
          expected="a corrupt `product:88` treated as a miss: product 88 loaded from the database",
          got=outcome(result, error, stuck),
          hint="Decode inside `try/except json.JSONDecodeError` and treat a bad entry as a miss.")
ex.expect(left is None or left == gdb.peek_product(88),
          "client-serialization", expected="the corrupt entry overwritten with the product's JSON (or deleted)",
          got=f"`product:88` now holds {left!r}"[:160])
### BEGIN HIDDEN TESTS
ex.expect(stuck or error is not None or gdb.read_counts["products"] == 1, "pattern-cache-aside",
          expected="one database read to repair the corrupt entry", got=f"{gdb.read_counts['products']} reads")
spy.clear()
gdb.reset_counts()
with gdb.slow(0.05):
    results, errors, stuck, _ = run_in_threads(lambda: get_product_protected(client, gdb, 199), 12)
ex.expect(not errors and not stuck and gdb.read_counts["products"] == 1
          and results == [gdb.peek_product(199)] * 12, "pattern-cache-aside",
          expected="another product, 12 concurrent misses: one database read, the right product for everyone",
          got=f"{gdb.read_counts['products']} reads, {len(errors)} errors, {stuck} stuck")
ex.check(checks.command_log_findings(spy.commands))
ex.check(checks.keys_left_without_ttl(seed, checks.touched_keys(spy.commands)))
spy.clear()
gdb.reset_counts()
hit = ex.call(get_product_protected, client, gdb, 199)
ex.expect(hit == gdb.peek_product(199) and gdb.reads == 0 and spy.names() == ["GET"], "pattern-cache-aside",
          expected="a hit: one GET, no lock, no database read",
          got="; ".join(str(c) for c in spy.commands)[:160])
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
    unlink_matching(r, "demo:*")
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
_ = unlink_matching(r, "demo:*")


# %% [markdown] id="ex4-task"
# ## Exercise 4 · Degrade gracefully
#
# **Goal:** a cache outage must not become an application outage.
#
# Write `get_product_resilient(r, db, product_id)`: cache-aside for `product:<product_id>` (JSON, `ex=300`) that keeps working when Redis fails:
#
# - if reading the cache raises a Redis error (`redis.RedisError`: connection lost, timeout, out of memory…), read the database and return its answer;
# - if writing the cache fails, return the product anyway;
# - fail fast: while Redis is down each request costs at most a fraction of a second (no sleeping retries in the request path);
# - a **database** error (`DatabaseUnavailable`) is not yours to hide: let it propagate;
# - an entry that is not valid JSON is a miss (as in Exercise 1): a corrupt entry must not fail the page either;
# - when Redis is healthy again, it is cache-aside as usual (hits send one `GET`, no database read). A circuit breaker (skip Redis for a moment after failures) is welcome; keep its cool-down at most 2 seconds.
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
    except (redis.RedisError, json.JSONDecodeError):
        pass  # Redis unavailable, or an unreadable entry: go to the source of truth
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):
        r.set(key, json.dumps(product), ex=300)
    return product
    ### END SOLUTION


# %% check
spy = grading_spy("product:*")
faults = FaultInjector(spy=spy)
client, seed = faults.client(), spy.backend.client()
gdb = LessonDB.create(seed=24, products=300, users=10, orders=0)
FAIL_FAST = 0.25  # seconds one request may spend on a cache that is down
COOL_DOWN = 2.0  # the longest circuit-breaker cool-down the task allows


def timed_call(product_id):
    started = time.perf_counter()
    value = ex.call(get_product_resilient, client, gdb, product_id)
    return value, time.perf_counter() - started


def served_from_cache(product_id):
    """Call again and again once Redis is back, until a call is a hit (a GET, no database read), for at most the
    allowed cool-down: (hit?, calls made, database reads in all, the last call's commands)."""
    deadline = time.monotonic() + COOL_DOWN + 0.5
    calls = reads = 0
    while True:
        spy.clear()
        gdb.reset_counts()
        value = ex.call(get_product_resilient, client, gdb, product_id)
        calls, reads = calls + 1, reads + gdb.reads
        sent = spy.commands
        hit = (value == gdb.peek_product(product_id) and gdb.reads == 0
               and any(c.name in ("GET", "GETEX", "MGET") and f"product:{product_id}" in c.arg_text() for c in sent))
        if hit or time.monotonic() > deadline:
            return hit, calls, reads, sent
        time.sleep(0.05)


def cached_json(key):
    """What `key` holds, decoded: None when absent, a "(…)" note when it is not a JSON string."""
    try:
        raw = seed.get(key)
        return json.loads(raw) if raw is not None else None
    except redis.ResponseError:
        return "(not a string)"
    except ValueError:
        return f"(not JSON: {raw[:40]!r})"


with faults.outage():
    during, took = timed_call(42)
ex.expect(during == gdb.peek_product(42), "client-error-handling",
          expected="product 42 served from the database while the cache is down", got=repr(during)[:120],
          hint="Catch `redis.RedisError` around the cache calls and fall back to `db.get_product(product_id)`.")
ex.expect(took < FAIL_FAST, "client-error-handling",
          expected=f"an answer within {FAIL_FAST} s while the cache is down", got=f"{took:.2f} s",
          hint="Do not retry or sleep in the request path when Redis is down.")
with faults.timeouts():
    slow_answer, took = timed_call(43)
ex.expect(slow_answer == gdb.peek_product(43), "client-error-handling",
          expected="product 43 served from the database when Redis times out", got=repr(slow_answer)[:120],
          hint="`redis.TimeoutError` is not a `redis.ConnectionError`; both are `redis.RedisError`.")
ex.expect(took < FAIL_FAST, "client-error-handling",
          expected=f"an answer within {FAIL_FAST} s while Redis times out", got=f"{took:.2f} s",
          hint="Do not retry or sleep in the request path when Redis is down.")

hit, calls, reads, sent = served_from_cache(44)
ex.expect(hit, "pattern-cache-aside",
          expected=f"after recovery, cache-aside as usual: a miss fills the cache, the next call is a hit (within "
                   f"{COOL_DOWN:g} s if a circuit breaker is cooling down)",
          got=f"{calls} calls, {reads} database reads, no hit; the last call sent: "
              + ("; ".join(str(c) for c in sent)[:160] or "nothing"))
ex.check(checks.ttl_close(seed, "product:44", 300, slack=10))

### BEGIN HIDDEN TESTS
with faults.out_of_memory():  # reads work, writes are refused: the product must still be served
    oom, took = timed_call(45)
ex.expect(oom == gdb.peek_product(45) and took < FAIL_FAST, "client-error-handling",
          expected="the product returned at once when the cache write is refused (OOM)",
          got=f"{oom!r}"[:120] + f" after {took:.2f} s")
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
hit, calls, reads, sent = served_from_cache(46)
ex.expect(hit, "pattern-cache-aside", expected="a miss then a hit for product 46",
          got=f"{calls} calls, {reads} database reads; the last call sent {[str(c) for c in sent]}"[:200])
ex.check(checks.ttl_close(seed, "product:46", 300, slack=10))
seed.set("product:47", "<html>502 Bad Gateway</html>", ex=300)  # a corrupt entry
gdb.reset_counts()
try:
    repaired, crashed = get_product_resilient(client, gdb, 47), None
except Exception as error:  # noqa: BLE001 - reported as feedback
    repaired, crashed = None, error
ex.expect(crashed is None and repaired == gdb.peek_product(47), "client-serialization",
          expected="a corrupt `product:47` treated as a miss: product 47 served from the database",
          got=f"{type(crashed).__name__}: {crashed}" if crashed else repr(repaired)[:120],
          hint="A `json.JSONDecodeError` on a cached entry must not reach the page: treat the entry as a miss.")
left = cached_json("product:47")
ex.expect(left is None or left == gdb.peek_product(47),
          "client-serialization", expected="the corrupt entry overwritten with the product's JSON (or deleted)",
          got=f"`product:47` now holds {left!r}"[:160])
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
# import os
#
# import redis
#
# # CACHE_URL = "redis://catalog-app:<password>@cache.internal:6379/0", from the deployment's secret store
# r = redis.Redis.from_url(os.environ["CACHE_URL"], decode_responses=True)
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
# Which standards does it break? Return the set of standard ids from `kata_violations()`, chosen from these candidates: `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`, `client-pool-reuse`, `client-error-handling`, `client-serialization`, `pattern-cache-aside`, `pattern-write-through`, `ttl-always`. Count each fault under the **most specific** standard that names it. Their rules are in `autograder/catalog/standards.toml`.

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
show_progress("07-cache-aside")
