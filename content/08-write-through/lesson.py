# %% [markdown] id="title"
# # Lesson 08 · Write-through: update the database and the cache together
#
# **Goals.** Measure what readers see when prices change under cache-aside and under write-through; write the database first and the cache second, and know why; handle a cache that fails after the database committed; update several keys at once with `MULTI`/`EXEC`; keep TTLs on write-through keys; see why write-behind is tempting, how it loses data, and build a write-behind queue that loses none.
#
# **Standards:** `pattern-write-through` (update the database and the cache together so reads stay consistent), with `ttl-always` and `client-error-handling`.
#
# **Time:** about 40 minutes.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import contextlib
import json
import random
import statistics
import time

import matplotlib.pyplot as plt
import redis
from tqdm.auto import tqdm

from autograder.lesson import (
    CommandSpy,
    DatabaseUnavailable,
    DemoClock,
    Exercise,
    FaultInjector,
    LessonDB,
    checks,
    grading_spy,
    hints,
    lesson_backend,
    recorded_run,
    show_progress,
    start_lesson,
    throwaway_cluster,
    timeline,
    unlink_matching,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
REAL = lesson_backend().is_real
db = LessonDB.create(seed=8)  # a real SQLite database: 10,000 products, 2,000 users, 5,000 orders
print(f"Lesson database: {db.count_rows('products'):,} products, {db.count_rows('users'):,} users "
      "(SQLite, in memory; it counts every query it answers)")

def cached_price(r, key):
    """The price in a cached product entry, or None when the key is absent."""
    cached = r.get(key)
    return json.loads(cached)["price"] if cached is not None else None

# %% [markdown] id="seed"
# ## The pattern in ten lines
#
# Lesson 07's cache-aside *deletes* the cached copy when the data changes; the next reader misses and reloads it. **Write-through** goes one step further: the code that changes the data also writes the new value into the cache, in the same request. Readers keep hitting, and what they hit is the value the database just committed.
#
# ```python
# def set_price(r, db, product_id, price):
#     if not db.update_product_price(product_id, price):   # 1. the database, the source of truth, first
#         return False
#     product = db.get_product(product_id)                  # 2. the row exactly as the database committed it
#     r.set(f"product:{product_id}", json.dumps(product), ex=3600)   # 3. then the cache, with a TTL
#     return True
# ```
#
# Step 2 reads the row back rather than patching an old copy: the database may round the price, stamp `updated_at` or run a trigger, and the cache must hold *what was committed*, not what the caller sent. (On PostgreSQL, `UPDATE … RETURNING *` gets it in the same round trip.)

# %% id="seed-python"
def set_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    product = db.get_product(product_id)
    r.set(f"product:{product_id}", json.dumps(product), ex=3600)
    return True


spy = CommandSpy()
c = spy.client()
db.reset_counts()
set_price(c, db, 42, 19.999)
print("what happened:", " → ".join(str(step) for step in timeline(spy.commands, db.events)))
print(f"cache: {cached_price(c, 'product:42')}   database: {db.peek_product(42)['price']}   "
      f"TTL {c.ttl('product:42')} s")
_ = c.unlink("product:42")

# %% [markdown] id="seed-text"
# `timeline()` merges the queries the lesson database answered with the commands the spy saw, in the order they happened: the check cells below use it to see "database write → cache write". Notice the database stored `20.0` for `19.999`: the cache holds `20.0` too, because it was filled from the committed row.

# %% [markdown] id="why"
# ## Why: what readers see while prices change
#
# A shop's price service changes prices while the product pages read them. We replay **one stream of 3,000 events** against three ways of running the cache, on 20 products with skewed popularity (Zipf): 10 % of the events are price updates, the rest are page reads. Every page read is cache-aside (GET; on a miss read the database and `SET` it with a TTL of 5 s); only the **write path** differs:
#
# 1. **cache-aside, TTL only**: the price service writes the database and nothing else. The cache catches up when the key expires.
# 2. **cache-aside + invalidate** (lesson 07): write the database, then delete the key.
# 3. **write-through**: write the database, then `SET` the committed row into the cache.
#
# A read is **stale** when it returns a price the database has already replaced. Events are 10 ms apart on a simulated clock (the stream covers 30 s, six TTLs), so a stale read's *age* is how long ago the price it shows was replaced. The cache's TTLs run on the same clock (`DemoClock`: on fakeredis it moves Python's clock, on a real server it scales time down), so keys really expire during the stream.

# %% id="why-demo"
PRODUCTS, EVENTS, WRITE_SHARE, TICK, TTL = 20, 3000, 0.10, 0.010, 5.0  # TICK and TTL in simulated seconds
rng = random.Random(8)
popular = [1 / rank for rank in range(1, PRODUCTS + 1)]
stream = []  # ("read", product_id, None) or ("write", product_id, new_price)
for _ in range(EVENTS):
    product_id = rng.choices(range(1, PRODUCTS + 1), weights=popular)[0]
    if rng.random() < WRITE_SHARE:
        stream.append(("write", product_id, round(rng.uniform(5, 500), 2)))
    else:
        stream.append(("read", product_id, None))


def page_read(r, db, product_id):
    """Every strategy reads the same way: cache-aside. Returns (price shown, was it a miss?)."""
    key = f"demo:product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)["price"], False
    product = db.get_product(product_id)
    r.set(key, json.dumps(product), px=clock.px(TTL))
    return product["price"], True


def write_ttl_only(r, db, product_id, price):
    db.update_product_price(product_id, price)


def write_invalidate(r, db, product_id, price):
    db.update_product_price(product_id, price)
    r.unlink(f"demo:product:{product_id}")


def write_through(r, db, product_id, price):
    db.update_product_price(product_id, price)
    r.set(f"demo:product:{product_id}", json.dumps(db.get_product(product_id)), px=clock.px(TTL))


STRATEGIES = {"cache-aside, TTL only": write_ttl_only, "cache-aside + invalidate": write_invalidate,
              "write-through": write_through}
originals = {pid: db.peek_product(pid)["price"] for pid in range(1, PRODUCTS + 1)}
runs = {}
for label, write in STRATEGIES.items():
    for pid, price in originals.items():  # every strategy starts from the same prices and a cold cache
        db.update_product_price(pid, price)
    unlink_matching(r, "demo:*")
    replaced_at = {}  # price → simulated time at which a newer price replaced it
    history = {pid: price for pid, price in originals.items()}
    stale_at, stale_age, misses = [], [], 0
    started = time.perf_counter()
    with DemoClock(real_ms_per_second=100) as clock:  # on a real server a simulated second lasts 0.1 s
        for kind, pid, price in tqdm(stream, desc=label, leave=False):
            clock.advance(TICK)  # keys whose TTL ran out expire now, on fakeredis and on a real server
            if kind == "write":
                replaced_at[(pid, history[pid])] = clock.now
                write(r, db, pid, price)
                history[pid] = db.peek_product(pid)["price"]  # what the database holds now
            else:
                shown, missed = page_read(r, db, pid)
                misses += missed
                if shown != history[pid]:
                    stale_at.append(clock.now)
                    stale_age.append(clock.now - replaced_at.get((pid, shown), clock.now))
    runs[label] = {"stale_at": stale_at, "stale_age": stale_age, "misses": misses,
                   "seconds": time.perf_counter() - started}
unlink_matching(r, "demo:*")

reads = sum(kind == "read" for kind, _, _ in stream)
print(f"{EVENTS:,} events: {reads:,} page reads, {EVENTS - reads:,} price updates, on {PRODUCTS} products  "
      f"[measured on {lesson_backend().name}]")
for label, run in runs.items():
    worst = f", the oldest {max(run['stale_age']):.2f} s out of date" if run["stale_age"] else ""
    print(f"  {label:25} {len(run['stale_at']):5,} stale reads ({len(run['stale_at']) / reads:5.1%}){worst}; "
          f"{run['misses']:4} cache misses → database reads; {run['seconds']:.2f} s")

# %% id="why-plot"
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
colours = {"cache-aside, TTL only": "tab:red", "cache-aside + invalidate": "tab:orange", "write-through": "tab:green"}
for label, run in runs.items():
    left.step([0, *run["stale_at"], EVENTS * TICK], [0, *range(1, len(run["stale_at"]) + 1),
              len(run["stale_at"])], where="post", label=f"{label} ({len(run['stale_at']):,})",
              color=colours[label], linestyle="--" if label == "cache-aside + invalidate" else "-", linewidth=2)
    if run["stale_age"]:
        right.scatter(run["stale_at"], run["stale_age"], s=6, color=colours[label], label=label)
left.set_xlabel("simulated time (s)")
left.set_ylabel("stale reads so far")
left.set_title("Stale reads")
left.legend(fontsize=8)
right.set_xlabel("simulated time (s)")
right.set_ylabel("age of the stale price shown (s)")
right.set_title("How out of date each stale read was")
right.set_xlim(0, EVENTS * TICK)
right.legend(fontsize=8, loc="upper left")
fig.suptitle(f"One stream of {EVENTS:,} reads and price updates ({lesson_backend().name})", fontsize=10)
fig.tight_layout()
plt.show()

fig, ax = plt.subplots(figsize=(6.5, 2.2))
ax.barh(list(runs), [run["misses"] for run in runs.values()], color=[colours[label] for label in runs])
for i, run in enumerate(runs.values()):
    ax.text(run["misses"] + 3, i, str(run["misses"]), va="center", fontsize=8)
ax.set_xlabel("cache misses (= database reads by the pages)")
ax.set_title("What each write path costs the readers")
ax.invert_yaxis()
plt.show()

# %% [markdown] id="why-text"
# Read the numbers above, they were measured just now:
#
# - **TTL only**: once a product is cached, every page shows the old price until the key expires, so a stale read can be up to one TTL (5 s here) out of date: in the right-hand plot the red ages climb and fall back at each expiry, never above the TTL. The TTL is the only bound on staleness, and every expiry costs a miss. This is what happens when another service writes the database behind the cache's back.
# - **Invalidate** (lesson 07) shows no stale reads in this sequential replay, but every price change costs a **miss**: the next page read goes to the database. On a hot product during a sale, that is a database read per price change, and a window for the stampede of lesson 07.
# - **Write-through** also shows no stale reads, and the cache stays warm: misses are only the first read of each product. Hot data stays fresh.
#
# *Which backend measured this?* The first line says. On fakeredis the stale-read and miss counts are the same at every run (the replay is sequential, and the clock only moves when the replay says so). On a real server the TTLs run on real time, scaled down by `DemoClock`, so an expiry can land an event or two off and the counts can differ slightly; the seconds per run differ too (a network round trip per command, and the scaled waits). The clock is simulated so that the ages do not depend on the machine's speed. With concurrent readers and writers, cache-aside + invalidate has one more, rarer race (lesson 07: a slow reader writes an old row back after the delete), and write-through has its own, below.

# %% [markdown] id="ordering"
# ## How: the database first, then the cache
#
# Two stores, two writes, and either can fail. The order decides what a failure leaves behind.
#
# - **Cache first, then the database.** If the database write fails (down, a constraint, a deadlock), the cache already holds a value the database **never committed**. Every reader sees a phantom price for a whole TTL; an order placed at that price cannot be honoured.
# - **Database first, then the cache.** If the database write fails, the exception stops the function before the cache is touched: readers keep seeing the old, still-true price. If the *cache* write fails after the commit (Redis out of memory, a timeout, a restart), the cache holds the **old** value: stale, for up to a TTL, unless you act:
#   - **delete the key** (`UNLINK`): the next reader misses and loads the truth. `DEL`/`UNLINK`/`EXPIRE` still work when Redis is out of memory (only commands that add data are refused);
#   - if even that fails, the **TTL** bounds the damage: this is why write-through keys carry one too;
#   - **retry** once, only if the write is idempotent (a `SET` of the committed row is), and without making the request wait long;
#   - never let the cache error reach the caller as a failed update: the change **is** committed. A caller who retries the "failed" update may apply it twice.
# - A timeout is ambiguous: on a real server the `SET` may have been applied even though the client gave up. Deleting the key is right in both cases.
#
# The demo plays each case with the lesson database's `db.fail()` and the fault injector's `inj.out_of_memory()`.

# %% id="ordering-demo"
inj = FaultInjector()
rc = inj.client()  # a client whose commands fail on demand (no retries)
KEY = "demo:product:7"


def reset_product(price=10.0):
    db.update_product_price(7, price)
    rc.set(KEY, json.dumps(db.get_product(7)), ex=3600)


def price_cache_first(r, db, product_id, price):  # BAD: the cache before the database
    key = f"demo:product:{product_id}"
    r.set(key, json.dumps({**json.loads(r.get(key)), "price": price}), ex=3600)  # patch the cached copy...
    db.update_product_price(product_id, price)  # ...then the database


def price_db_first(r, db, product_id, price):  # better: the database first
    db.update_product_price(product_id, price)
    r.set(f"demo:product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)


def price_db_first_safe(r, db, product_id, price):  # GOOD: and a failed cache write leaves no stale value
    db.update_product_price(product_id, price)
    key = f"demo:product:{product_id}"
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        # The next reader misses and loads the committed row. If Redis is unreachable even for that,
        # the key's TTL bounds how long the old value lives.
        with contextlib.suppress(redis.RedisError):
            r.unlink(key)


def play(label, fn, fault):
    reset_product(10.0)
    with fault():
        try:
            fn(rc, db, 7, 12.5)
            outcome = "returned"
        except (redis.RedisError, DatabaseUnavailable) as error:
            outcome = f"raised {type(error).__name__}"
    in_cache, in_db = cached_price(rc, KEY), db.peek_product(7)["price"]
    verdict = ("consistent" if in_cache == in_db else "empty: next read loads the truth" if in_cache is None
               else "PHANTOM: a price the database never committed" if in_db == 10.0
               else f"STALE for up to {rc.ttl(KEY)} s")
    print(f"  {label:42} {outcome:32} cache {str(in_cache):>5}  db {in_db:>5}  → {verdict}")
    return verdict


print(f"Changing product 7's price from 10.0 to 12.5  [{lesson_backend().name}]")
ordering = {
    "cache first; the database fails": play("cache first; the database fails", price_cache_first, db.fail),
    "database first; the database fails": play("database first; the database fails", price_db_first, db.fail),
    "database first; Redis out of memory": play("database first; Redis out of memory", price_db_first,
                                                inj.out_of_memory),
    "+ delete on failure; Redis out of memory": play("+ delete on failure; Redis out of memory",
                                                     price_db_first_safe, inj.out_of_memory),
}
_ = unlink_matching(r, "demo:*")


# %% [markdown] id="ordering-text"
# Only the last line leaves both the caller and the readers with the truth: the update reported success (it *was* committed) and the next reader loads the new price. The database-first line without the delete reported an error for a change that happened *and* left the old price cached for an hour.
#
# There is one race write-through does not remove on its own: two writers updating the same product at the same moment can commit in one order and write the cache in the other (lesson 07's "overwrite" race). Where that matters, serialise writes per key (one writer, or a lock per product) or store a version with the value and refuse to overwrite a newer one (a Lua compare-and-set). And a page that fills a *clean* miss (the key was absent) can use `SET … NX EX`, so it never overwrites a value a writer just put there. `NX` cannot repair an entry that was there but unreadable (lesson 07): overwrite that one with a plain `SET … EX`, or delete it first.

# %% [markdown] id="ex1-task"
# ## Exercise 1 · A write-through update
#
# **Goal:** after every price change, the cache holds exactly what the database committed, with a TTL.
#
# Write `update_price(r, db, product_id, price)`:
#
# 1. change the price in the database with `db.update_product_price(product_id, price)` (it returns `False` when there is no such product: then return `False` and write nothing to the cache);
# 2. read the committed row back with `db.get_product(product_id)`;
# 3. write it to `product:<product_id>` as JSON **with a TTL of 3600 seconds, in the same command**;
# 4. return `True`.
#
# ```python
# >>> update_price(r, db, 42, 19.99)   # DB WRITE products → DB READ products → SET product:42 '{"id": 42, ...}' EX 3600
# True
# >>> json.loads(r.get("product:42"))["price"]
# 19.99
# ```
#
# The check gives your function its own Redis client and a fresh `LessonDB`, runs a stream of price changes, and compares cache and database after each one.

# %% answer="l08-write-through-update"
def update_price(r, db, product_id, price):
    ### BEGIN SOLUTION
    if not db.update_product_price(product_id, price):
        return False
    product = db.get_product(product_id)
    r.set(f"product:{product_id}", json.dumps(product), ex=3600)
    return True
    ### END SOLUTION


# %% check
spy = grading_spy("product:*")
client, seed = spy.client(), spy.backend.client()
gdb = LessonDB.create(seed=81, products=200, users=10, orders=0)
seed.set("product:42", json.dumps(gdb.peek_product(42)), ex=3600)  # a page cached it earlier


def cached_row(key):
    try:
        stored = seed.get(key)
        return json.loads(stored) if stored is not None else None
    except redis.ResponseError:
        return "(not a string)"
    except ValueError:
        return f"(not JSON: {stored[:40]!r})"


def changes_cache(step):
    """A command that writes, deletes or re-times a key, or runs a script (which may do any of these)."""
    return hasattr(step, "arg_text") and bool(
        checks.touched_keys([step]) or checks.deleting_commands([step]) or step.name in ("MULTI", "EXEC"))


for product_id, price in ((42, 19.99), (42, 24.5), (7, 3.25), (42, 18.0), (150, 99.95)):
    spy.clear()
    gdb.reset_counts()
    done = ex.call(update_price, client, gdb, product_id, price)
    key = f"product:{product_id}"
    committed = gdb.peek_product(product_id)
    ex.expect(committed["price"] == price and done is True, "pattern-write-through",
              expected=f"the database updated to {price} and True returned",
              got=f"database price {committed['price']}, returned {done!r}",
              hint="`db.update_product_price(product_id, price)` changes the source of truth.")
    ex.expect(cached_row(key) == committed, "pattern-write-through",
              expected=f"`{key}` equal to the committed row after setting {price}: {json.dumps(committed)}"[:200],
              got=f"{cached_row(key)!r}"[:200],
              hint="Read the row back with `db.get_product(product_id)` after the update and cache that: "
                   "the database stamps `updated_at`, so a patched old copy is not what it committed.")
    ex.check(checks.ttl_close(seed, key, 3600, slack=10))
    steps = timeline(spy.commands, gdb.events)
    db_write = next((i for i, s in enumerate(steps) if s.name == "DB WRITE"), None)
    cache_write = next((i for i, s in enumerate(steps) if changes_cache(s)), None)
    ex.expect(db_write is not None and cache_write is not None and db_write < cache_write, "pattern-write-through",
              expected="the database written first, then the cache",
              got=" → ".join(str(s) for s in steps)[:200] or "nothing",
              hint="Cache first means a failed database write leaves a price nobody committed in the cache.")
    ex.check(checks.writes_have_ttl(spy.commands))
    if not ex.passed:
        break
### BEGIN HIDDEN TESTS
spy.clear()
gdb.reset_counts()
rounded = ex.call(update_price, client, gdb, 9, 12.345)
ex.expect(rounded is True and cached_row("product:9") == gdb.peek_product(9), "pattern-write-through",
          expected="the committed (rounded) row cached, not the price the caller sent",
          got=f"cache {cached_row('product:9')!r}, database {gdb.peek_product(9)!r}"[:200])
spy.clear()
gdb.reset_counts()
missing = ex.call(update_price, client, gdb, 999_999, 5.0)
ex.expect(missing is False and client.exists("product:999999") == 0, "pattern-write-through",
          expected="False for a missing product, and no key written",
          got=f"{missing!r}; sent {spy.names()}")
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-1"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · When one side fails
#
# **Goal:** no reader ever sees a price the database never committed, no stale price survives a failed cache write, and a cache failure never fails a committed update.
#
# Write `update_price_safe(r, db, product_id, price)`: Exercise 1, plus failure handling.
#
# - **The database fails** (`db.update_product_price` raises `DatabaseUnavailable`): let the error propagate, and leave the cache untouched (send it nothing that changes it).
# - **The cache fails after the database committed** (`redis.RedisError`: connection lost, timeout, out of memory): do not raise. Make sure no reader gets the old row: delete the key so the next reader loads the committed row (a quick retry of the `SET` is fine too; so is an expiry due within a second). If the delete fails as well, give up quietly: the key's TTL bounds the damage.
# - Fail fast: while Redis is failing, an update may not wait on it for more than a fraction of a second (no sleeping retries).
# - Catch Redis's errors only: anything else (a bug in your code or a library) must reach the caller, not be swallowed.
# - Return `True` when the database changed, `False` for a missing product (nothing written to the cache).
#
# ```python
# >>> with inj.out_of_memory():
# ...     update_price_safe(r, db, 42, 19.99)   # DB WRITE → DB READ → SET fails (OOM) → UNLINK product:42
# True
# ```
#
# The check gives you a client from a `FaultInjector` (no retries), and makes the database or Redis fail around your calls.

# %% answer="l08-failure-handling"
def update_price_safe(r, db, product_id, price):
    ### BEGIN SOLUTION
    if not db.update_product_price(product_id, price):  # DatabaseUnavailable propagates from here
        return False
    key = f"product:{product_id}"
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        with contextlib.suppress(redis.RedisError):  # Redis unreachable: the TTL bounds the damage
            r.unlink(key)
    return True
    ### END SOLUTION


# %% check
spy = grading_spy("product:*")
faults = FaultInjector(spy=spy)
client, seed = faults.client(), spy.backend.client()
gdb = LessonDB.create(seed=82, products=200, users=10, orders=0)
FAIL_FAST = 0.3  # seconds an update may spend on a Redis that is failing
EXPIRES_WITHIN = 1000  # ms: an old row that expires this soon counts as gone


def warm(product_id):
    seed.set(f"product:{product_id}", json.dumps(gdb.peek_product(product_id)), ex=3600)


def cached_text(product_id):
    try:
        return seed.get(f"product:{product_id}")
    except redis.ResponseError:
        return "(not a string)"


def cached_row(product_id):
    stored = cached_text(product_id)
    try:
        return json.loads(stored) if stored is not None else None
    except ValueError:
        return f"(not JSON: {stored[:40]!r})"


def changes_cache(cmd):
    """A command that writes, deletes or re-times a key, or runs a script (which may do any of these)."""
    return bool(checks.touched_keys([cmd]) or checks.deleting_commands([cmd]) or cmd.name in ("MULTI", "EXEC"))


def attempt(product_id, price):
    """Call the learner's function directly (a raised error is an outcome here): (result, error, seconds)."""
    started = time.perf_counter()
    try:
        result, raised = update_price_safe(client, gdb, product_id, price), None
    except Exception as error:  # noqa: BLE001 - reported as feedback
        result, raised = None, error
    return result, raised, time.perf_counter() - started


def after_cache_failure(product_id, label):
    """What a reader may find once a cache write failed after the commit: nothing, or the committed row
    (an old row whose expiry is due within a second counts as gone)."""
    pttl = seed.pttl(f"product:{product_id}")  # first: a key due to expire may be gone by the next read
    row, committed = cached_row(product_id), gdb.peek_product(product_id)
    gone = pttl == -2 or 0 <= pttl <= EXPIRES_WITHIN or row is None
    ex.expect(gone or row == committed, "pattern-write-through",
              expected=f"after {label}: `product:{product_id}` deleted (or holding the committed row)",
              got=f"the old row still cached, for {pttl / 1000:.1f} s more: price "
                  f"{row.get('price') if isinstance(row, dict) else row!r} "
                  f"while the database says {committed['price']}",
              hint="In `except redis.RedisError:` delete the key: `r.unlink(key)` works even when Redis is full.")


def fast_enough(seconds, label):
    ex.expect(seconds < FAIL_FAST, "client-error-handling",
              expected=f"the update back within {FAIL_FAST} s despite {label}", got=f"{seconds:.2f} s",
              hint="Retry at most once, at once; never sleep in the request path while Redis fails.")


# Healthy: plain write-through.
warm(42)
healthy = ex.call(update_price_safe, client, gdb, 42, 19.99)
ex.expect(healthy is True and cached_row(42) == gdb.peek_product(42), "pattern-write-through",
          expected="with both sides healthy: the committed row cached at `product:42`, True returned",
          got=f"returned {healthy!r}; cache {cached_text(42)!r}"[:200])
ex.check(checks.ttl_close(seed, "product:42", 3600, slack=10))

# The database fails: the error propagates, the cache is untouched.
warm(43)
before, before_ttl = cached_text(43), seed.ttl("product:43")
spy.clear()
with gdb.fail():
    result, raised, _ = attempt(43, 77.7)
ex.expect(isinstance(raised, DatabaseUnavailable), "client-error-handling",
          expected="DatabaseUnavailable raised when the database write fails (the update did not happen)",
          got=f"returned {result!r}" if raised is None else f"{type(raised).__name__}: {raised}",
          hint="Catch `redis.RedisError` around the cache calls only; the database's error is the caller's news.")
changed = [c for c in spy.commands if changes_cache(c)]
ex.expect(cached_text(43) == before and before_ttl - 2 <= seed.ttl("product:43") <= before_ttl and not changed,
          "pattern-write-through", expected="the cache untouched when the database write fails",
          got=("`product:43` now holds " + repr(cached_text(43))[:80] + " (a price the database never committed)")
          if cached_text(43) != before else "; ".join(f"`{c}`" for c in changed)[:200] or
          f"TTL now {seed.ttl('product:43')}",
          hint="Write the database first: if it raises, the cache write never runs.")

# Redis refuses writes after the commit (out of memory), or drops the connection: no exception, no stale row left.
for label, fault in (("an out-of-memory error", faults.out_of_memory),
                     ("a lost connection", lambda: faults.fail_next(1, redis.ConnectionError))):
    warm(44)
    with fault():
        result, raised, took = attempt(44, round(gdb.peek_product(44)["price"] + 1, 2))
    ex.expect(raised is None and result is True, "client-error-handling",
              expected=f"True returned after {label} on the cache write (the database change is committed)",
              got=f"{type(raised).__name__}: {raised}" if raised else f"returned {result!r}",
              hint="Wrap the cache write in `try: … except redis.RedisError:`.")
    fast_enough(took, label)
    after_cache_failure(44, label)

# Redis is gone altogether: nothing can be deleted; the update still succeeds, at once.
warm(45)
with faults.outage():
    result, raised, took = attempt(45, 5.55)
ex.expect(raised is None and result is True and gdb.peek_product(45)["price"] == 5.55, "client-error-handling",
          expected="True returned while Redis is down (the database change is committed)",
          got=f"{type(raised).__name__}: {raised}" if raised else f"returned {result!r}",
          hint="If the delete fails too, catch that as well: the key's TTL is the last safety net.")
fast_enough(took, "Redis being down")
### BEGIN HIDDEN TESTS
warm(46)
with faults.timeouts():
    result, raised, took = attempt(46, 6.66)
ex.expect(raised is None and result is True, "client-error-handling",
          expected="True returned when Redis times out", got=f"{type(raised).__name__}: {raised}" if raised
          else f"returned {result!r}")
fast_enough(took, "Redis timing out")
warm(47)
with faults.out_of_memory():
    result, raised, took = attempt(47, 7.77)
after_cache_failure(47, "an out-of-memory error on another product")
fast_enough(took, "an out-of-memory error")
warm(49)
with faults.fail_next(1, RuntimeError):  # not a Redis error: a bug (in your code or a library) on the cache path
    result, raised, _ = attempt(49, 9.99)
ex.expect(isinstance(raised, RuntimeError), "client-error-handling",
          expected="an error that is not a Redis error (here a RuntimeError from the cache call) raised to the "
                   "caller, not swallowed",
          got=f"returned {result!r}: the error was swallowed" if raised is None
          else f"{type(raised).__name__}: {raised}",
          hint="`except redis.RedisError:` (or its subclasses), never `except Exception:`: a bug must surface.")
spy.clear()
missing = ex.call(update_price_safe, client, gdb, 999_999, 1.0)
ex.expect(missing is False and seed.exists("product:999999") == 0, "pattern-write-through",
          expected="False for a missing product, and no key written", got=f"{missing!r}; sent {spy.names()}")
spy.clear()
ex.call(update_price_safe, client, gdb, 48, 8.88)
ex.expect(cached_row(48) == gdb.peek_product(48), "pattern-write-through",
          expected="a healthy update of product 48 cached", got=repr(cached_text(48))[:120])
ex.check(checks.ttl_close(seed, "product:48", 3600, slack=10))
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ttl"
# ## TTLs on write-through keys too
#
# If every write goes through the cache, why expire anything? Because "every write" is a promise nobody keeps for long:
#
# - a support engineer fixes a price with SQL, a batch job imports a catalogue, another service writes the same table: the cache never hears of it;
# - a cache write fails and the delete fails too (Redis unreachable for a second): the old value stays;
# - a product is discontinued: nobody writes its key again, and it sits in memory forever.
#
# The TTL bounds all three. Below, a price fixed directly in the database (bypassing `set_price`) leaves the cache stale; the TTL says how long it can last.

# %% id="ttl-demo"
set_price(r, db, 3, 10.0)  # through the write path: cache and database agree
r.set("demo:product:4", json.dumps(db.get_product(4)))  # BAD: the same, written without a TTL
db.update_product_price(3, 8.0)  # a fix in SQL: the cache is not told
db.update_product_price(4, 8.0)
print(f"A price fixed in SQL behind the cache's back  [{lesson_backend().name}]")
for key, product_id in (("product:3", 3), ("demo:product:4", 4)):
    ttl = r.ttl(key)
    heals = f"stale for at most {ttl} s more" if ttl > 0 else f"TTL {ttl}: stale until someone notices"
    print(f"  {key:15} cache {cached_price(r, key):>5}  database {db.peek_product(product_id)['price']:>4}  → {heals}")
_ = r.unlink("product:3", "demo:product:4")


# %% [markdown] id="multi"
# ## Several keys, one update: MULTI/EXEC
#
# A user changes their e-mail address. The cache holds two things that depend on it: the profile at `user:<id>`, and an **index** `user:by-email:<email>` → id that the login page uses. Updating them one after the other leaves a moment, or after a crash a whole TTL, in which they disagree: the old address still logs in to a profile that shows the new one, or the new address finds nobody.
#
# A Redis **transaction** sends the commands between `MULTI` and `EXEC` as one unit: no other client's command runs in between, and a client that dies before `EXEC` leaves none of them applied. In redis-py, `r.pipeline(transaction=True)` (the default) queues the commands and sends `MULTI … EXEC` in one round trip; each key still gets its TTL inside the transaction.
#
# ```python
# with r.pipeline(transaction=True) as pipe:
#     pipe.set(f"user:{user_id}", json.dumps(user), ex=3600)
#     pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
#     pipe.unlink(f"user:by-email:{old_email}")
#     pipe.execute()   # MULTI, SET, SET, UNLINK, EXEC: all or nothing
# ```
#
# Two limits worth knowing. Redis does **not roll back** a transaction whose command fails at run time (a `WRONGTYPE` on one key): the others still apply; it is atomic against interleaving and crashes, not a database transaction. And on Redis Cluster all keys of a transaction must live in one hash slot, which a hash tag arranges (`user:{42}` and `user:{42}:settings` share the slot of `42`). An e-mail → id index cannot join them: its key is looked up by the e-mail (`user:by-email:{ada@example.com}`), so its slot comes from the e-mail, and the id is not known until the index has been read. On a cluster, write the two keys separately and make the reader verify: the index is only a hint, the profile it points to must carry the same e-mail (or a version), and a mismatch is a miss. Or keep the index in the database. The demo below crashes the writer between the two writes, then sends the same writes as one transaction that fails in flight.

# %% id="multi-demo"
def login_lookup(r, email):
    """What the login page does: e-mail → id → profile."""
    user_id = r.get(f"demo:user:by-email:{email}")
    profile = r.get(f"demo:user:{user_id}") if user_id else None
    return json.loads(profile)["email"] if profile else None


def cache_user(r, user):
    r.set(f"demo:user:{user['id']}", json.dumps(user), ex=3600)
    r.set(f"demo:user:by-email:{user['email']}", user["id"], ex=3600)


user = db.get_user(11)
old_email, new_email = user["email"], "new.address.11@example.com"
states = {}
for label in ("one command at a time, crash after the first", "MULTI/EXEC, connection lost in flight"):
    unlink_matching(r, "demo:*")
    cache_user(rc, user)
    changed = {**user, "email": new_email}
    if label.startswith("one"):
        rc.set(f"demo:user:{user['id']}", json.dumps(changed), ex=3600)
        # ... the process dies here: the new index is never written, the old one never removed
    else:
        try:
            with inj.fail_next(1, redis.ConnectionError), rc.pipeline(transaction=True) as pipe:
                pipe.set(f"demo:user:{user['id']}", json.dumps(changed), ex=3600)
                pipe.set(f"demo:user:by-email:{new_email}", user["id"], ex=3600)
                pipe.unlink(f"demo:user:by-email:{old_email}")
                pipe.execute()
        except redis.ConnectionError:
            pass  # the write path deletes the keys or retries; what matters is what readers see meanwhile
    states[label] = (login_lookup(rc, old_email), login_lookup(rc, new_email))
    agree = states[label] in ((old_email, None), (None, new_email))
    print(f"{label}:\n   login with the old address finds a profile showing {states[label][0]!r}\n"
          f"   login with the new address finds {states[label][1]!r}\n"
          f"   → {'consistent (the old pair, untouched)' if agree else 'the two keys DISAGREE'}")
spy = CommandSpy()
with spy.client().pipeline(transaction=True) as pipe:
    pipe.set("demo:user:11", json.dumps({**user, "email": new_email}), ex=3600)
    pipe.set(f"demo:user:by-email:{new_email}", 11, ex=3600)
    pipe.unlink(f"demo:user:by-email:{old_email}")
    pipe.execute()
print("what a transaction sends:", " · ".join(f"{c.name} ({c.via})" for c in spy.commands))
_ = unlink_matching(r, "demo:*")


# %% [markdown] id="multi-text"
# One command at a time, the crash leaves the old address logging in to a profile that already shows the new one, and the new address finds nobody: the two keys disagree until the TTL. The transaction that failed in flight changed nothing: readers still see a consistent (old) pair, and the retry or delete of Exercise 2 repairs it. Every command the spy saw went `via transaction`: that is what the next check looks for.

# %% [markdown] id="multi-cluster-text"
# The same transaction on a real Redis Cluster (a throwaway 3-node one, started for this cell): its three keys hash to three different slots, so the cluster client refuses it before sending anything, and a node that is sent it anyway aborts it at the first key it does not own. That is the limit described above; on a cluster, write the keys separately and verify on read.

# %% id="multi-cluster"
with throwaway_cluster() as cluster:
    if cluster is None:  # no redis-server binary here, or a graded run (no grade depends on this demo)
        recorded_run("08-write-through", "multi-cluster")
    else:
        keys = [f"user:{user['id']}", f"user:by-email:{new_email}", f"user:by-email:{old_email}"]
        print(f"{cluster.label}: the transaction's keys hash to slots {[cluster.client().keyslot(k) for k in keys]}")
        for who, client in (("the cluster client", cluster.client()), ("one node", cluster.node_of(keys[0]).client())):
            try:
                with client.pipeline(transaction=True) as pipe:
                    pipe.set(keys[0], json.dumps({**user, "email": new_email}), ex=3600)
                    pipe.set(keys[1], user["id"], ex=3600)
                    pipe.unlink(keys[2])
                    pipe.execute()
                print(f"  {who}: applied")
            except (redis.RedisError, redis.exceptions.RedisClusterException) as error:
                print(f"  {who}: refused · {type(error).__name__}: {str(error)[:110]}")
        written = sum(cluster.node_of(key).client().exists(key) for key in keys[:2])
        print(f"  applied anywhere? {written} of the two keys it would write exist")

# %% [markdown] id="ex3-task"
# ## Exercise 3 · Profile and index in one transaction
#
# **Goal:** change a user's e-mail so that the database is written first and the profile and the e-mail index change together in Redis.
#
# Write `change_email(r, db, user_id, new_email)`:
#
# 1. read the user (`db.get_user(user_id)`); `None` → return `False`, write nothing;
# 2. write the database: `db.update_user(user_id, email=new_email)`;
# 3. read the committed row back (`db.get_user(user_id)`);
# 4. in **one** `MULTI`/`EXEC` (`r.pipeline(transaction=True)`): `SET user:<id>` to the row as JSON **with EX 3600**, `SET user:by-email:<new_email>` to the id **with EX 3600**, and delete `user:by-email:<old_email>`;
# 5. return `True`.
#
# ```python
# >>> change_email(r, db, 7, "ada.king@example.com")
# True   # DB READ → DB WRITE → DB READ → MULTI · SET user:7 … EX 3600 · SET user:by-email:ada.king@example.com 7 EX 3600 · UNLINK user:by-email:<old> · EXEC
# ```

# %% answer="l08-multi-key-transaction"
def change_email(r, db, user_id, new_email):
    ### BEGIN SOLUTION
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(user), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    return True
    ### END SOLUTION


# %% check
spy = grading_spy("user:*")
client, seed = spy.client(), spy.backend.client()
gdb = LessonDB.create(seed=83, products=10, users=200, orders=0)
WRITES = {"SET", "SETEX", "PSETEX", "SETNX", "GETSET", "MSET", "DEL", "UNLINK", "EXPIRE", "PEXPIRE", "HSET",
          "HMSET", "SADD", "RENAME", "GETDEL"}


def decoded(key):
    """What `key` holds, decoded: None when absent, a "(…)" note when it is not a JSON string."""
    try:
        raw = seed.get(key)
        return json.loads(raw) if raw is not None else None
    except redis.ResponseError:
        return "(not a string)"
    except ValueError:
        return f"(not JSON: {raw[:40]!r})"


def warm(user_id):
    row = gdb.peek_user(user_id)
    seed.set(f"user:{user_id}", json.dumps(row), ex=3600)
    seed.set(f"user:by-email:{row['email']}", user_id, ex=3600)
    return row["email"]


def transaction_findings(user_id, old_email, new_email):
    cmds = spy.commands
    steps = timeline(cmds, gdb.events)
    writes = [c for c in cmds if c.name in WRITES]
    outside = [c for c in writes if c.via != "transaction"]
    ex.expect(spy.names().count("MULTI") == 1 and spy.names().count("EXEC") == 1 and writes and not outside,
              "pattern-write-through",
              expected="every cache write inside one MULTI … EXEC",
              got=("; ".join(f"`{c}` sent alone ({c.via})" for c in outside)[:200] if outside else
                   f"{spy.names().count('MULTI')} MULTI, {spy.names().count('EXEC')} EXEC"),
              hint="`with r.pipeline(transaction=True) as pipe:` … `pipe.execute()`; "
                   "`transaction=False` is a plain pipeline, not atomic.")
    written = {(c.name, c.key) for c in writes}
    ex.expect(("SET", f"user:{user_id}") in written and ("SET", f"user:by-email:{new_email}") in written,
              "pattern-write-through", expected=f"`user:{user_id}` and `user:by-email:{new_email}` written",
              got="; ".join(f"`{c}`" for c in writes)[:200] or "no cache write")
    ex.expect(any(c.name in ("DEL", "UNLINK") and f"user:by-email:{old_email}" in c.arg_text() for c in writes),
              "pattern-write-through", expected=f"the old index `user:by-email:{old_email}` deleted in the transaction",
              got="; ".join(f"`{c}`" for c in writes)[:200] or "no cache write",
              hint="Otherwise the old address still logs in for an hour.")
    db_write = next((i for i, s in enumerate(steps) if s.name == "DB WRITE"), None)
    multi = next((i for i, s in enumerate(steps) if s.name == "MULTI"), None)
    ex.expect(db_write is not None and multi is not None and db_write < multi, "pattern-write-through",
              expected="the database written before the transaction",
              got=" → ".join(s.name for s in steps)[:200])
    ex.check(checks.writes_have_ttl(cmds))


old_email = warm(7)
spy.clear()
gdb.reset_counts()
done = ex.call(change_email, client, gdb, 7, "ada.king.7@example.com")
ex.expect(done is True and gdb.peek_user(7)["email"] == "ada.king.7@example.com", "pattern-write-through",
          expected="the database updated and True returned",
          got=f"returned {done!r}, database e-mail {gdb.peek_user(7)['email']!r}")
transaction_findings(7, old_email, "ada.king.7@example.com")
profile = decoded("user:7")
ex.expect(profile == gdb.peek_user(7), "pattern-write-through",
          expected="`user:7` equal to the committed row", got=repr(profile)[:160])
ex.expect(decoded("user:by-email:ada.king.7@example.com") == 7 and seed.exists(f"user:by-email:{old_email}") == 0,
          "pattern-write-through", expected="the new index → '7', the old index gone",
          got=f"new → {seed.get('user:by-email:ada.king.7@example.com')!r}, "
              f"old → {seed.get(f'user:by-email:{old_email}')!r}")
for key in ("user:7", "user:by-email:ada.king.7@example.com"):
    ex.check(checks.ttl_close(seed, key, 3600, slack=10))
### BEGIN HIDDEN TESTS
old_email = gdb.peek_user(150)["email"]
spy.clear()
gdb.reset_counts()
ex.call(change_email, client, gdb, 150, "grace.new.150@example.com")
transaction_findings(150, old_email, "grace.new.150@example.com")
ex.expect(decoded("user:by-email:grace.new.150@example.com") == 150 and decoded("user:150") == gdb.peek_user(150),
          "pattern-write-through", expected="a user that was not cached: profile and index written",
          got=f"{decoded('user:150')!r}"[:120])
for key in ("user:150", "user:by-email:grace.new.150@example.com"):
    ex.check(checks.ttl_close(seed, key, 3600, slack=10))
spy.clear()
with gdb.fail(), contextlib.suppress(Exception):  # only what reached Redis matters here
    change_email(client, gdb, 151, "nobody.151@example.com")
ex.expect(not [c for c in spy.commands if c.name in WRITES], "pattern-write-through",
          expected="nothing written to the cache when the database is down",
          got="; ".join(str(c) for c in spy.commands)[:160])
spy.clear()
missing = ex.call(change_email, client, gdb, 999_999, "ghost@example.com")
ex.expect(missing is False and not [c for c in spy.commands if c.name in WRITES], "pattern-write-through",
          expected="False for a missing user, nothing written", got=f"{missing!r}; sent {spy.names()}")
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-3"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="behind"
# ## Write-behind: fast, and how it loses data
#
# **Write-behind** (write-back) turns the order around: the request writes only the cache and puts the change on a queue; a background worker writes the queue to the database later, in batches. It is tempting: a write costs one Redis command instead of a database round trip, and batches are kinder to the database.
#
# The price: the cache is now the only place an acknowledged write exists until the worker flushes it. If the process holding the queue crashes (or the Redis holding it restarts without persistence), those writes are **gone**, though every caller was told "saved". Below, 100 price updates are written both ways against a database slowed to 2 ms per query; the write-behind worker flushes every 25 changes, and the process crashes after the 90th update.

# %% id="behind-demo"
UPDATES, BATCH, CRASH_AFTER = 100, 25, 90
updates = [(rng.randint(1, 500), round(rng.uniform(5, 500), 2)) for _ in range(UPDATES)]


class WriteBehind:
    """A write-behind cache: writes go to Redis and an in-process queue; a flush writes the queue to the database."""

    def __init__(self, r, db):
        self.r, self.db, self.queue = r, db, []

    def set_price(self, product_id, price):
        key = f"demo:product:{product_id}"
        cached = self.r.get(key)
        product = json.loads(cached) if cached else self.db.get_product(product_id)
        self.r.set(key, json.dumps({**product, "price": price}), ex=3600)
        self.queue.append((product_id, price))  # acknowledged now, written to the database "later"
        if len(self.queue) >= BATCH:
            self.flush()

    def flush(self):
        for product_id, price in self.queue:
            self.db.update_product_price(product_id, price)
        self.queue = []


unlink_matching(r, "demo:*")
for product_id, _ in updates:  # both runs start from a warm cache of the products involved
    r.set(f"demo:product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
before = {product_id: db.peek_product(product_id)["price"] for product_id, _ in updates}
latency = {"write-through": [], "write-behind": []}
with db.slow(0.002):
    for product_id, price in tqdm(updates, desc="write-through", leave=False):
        started = time.perf_counter()
        write_through(r, db, product_id, price)
        latency["write-through"].append((time.perf_counter() - started) * 1000)
for product_id, price in before.items():  # rewind the database
    db.update_product_price(product_id, price)
for product_id, _ in updates:  # the same warm cache again
    r.set(f"demo:product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
behind = WriteBehind(r, db)
with db.slow(0.002):
    for product_id, price in tqdm(updates[:CRASH_AFTER], desc="write-behind", leave=False):
        started = time.perf_counter()
        behind.set_price(product_id, price)
        latency["write-behind"].append((time.perf_counter() - started) * 1000)
lost_queue = list(behind.queue)
del behind  # 💥 the process crashes: the queue was only in its memory
final = {}
for product_id, price in updates[:CRASH_AFTER]:
    final[product_id] = price
lost = sorted(pid for pid, price in final.items() if db.peek_product(pid)["price"] != price)
wrong_in_cache = sum(cached_price(r, f"demo:product:{pid}") != db.peek_product(pid)["price"] for pid in lost)
unlink_matching(r, "demo:*")

print(f"{UPDATES} price updates, database query +2 ms  [measured on {lesson_backend().name}]")
for label, values in latency.items():
    print(f"  {label:13} median {statistics.median(values):6.3f} ms per update, "
          f"slowest {max(values):6.2f} ms (a flush of {BATCH})" if label == "write-behind" else
          f"  {label:13} median {statistics.median(values):6.3f} ms per update, slowest {max(values):6.2f} ms")
print(f"crash after {CRASH_AFTER} acknowledged updates: {len(lost_queue)} were still queued → {len(lost)} products "
      f"whose last price never reached the database; the cache shows those prices ({wrong_in_cache} of them) "
      "only until their TTL runs out, then the old price is back")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.0))
left.boxplot([latency["write-through"], latency["write-behind"]], showfliers=True)
left.set_xticks([1, 2], ["write-through", "write-behind"])
left.set_yscale("log")
left.set_ylabel("latency per update (ms, log scale)")
left.set_title("What the caller waits for")
right.bar(["acknowledged", "in the database", "lost"], [CRASH_AFTER, CRASH_AFTER - len(lost_queue), len(lost_queue)],
          color=["tab:blue", "tab:green", "tab:red"])
right.set_ylabel("price updates")
right.set_title(f"Write-behind, crash after update {CRASH_AFTER}")
fig.suptitle(f"Write-through versus write-behind ({lesson_backend().name})", fontsize=10)
fig.tight_layout()
plt.show()


# %% [markdown] id="behind-text"
# Most write-behind updates cost a fraction of a write-through one (the median above); every 25th pays for the whole batch. And the crash lost every update still in the queue: the callers were told "saved", the database never saw them, and once the cached copies expire the old prices come back. Nothing reports the loss.
#
# When is write-behind right? When losing the last few seconds of writes is acceptable (view counters, "last seen" timestamps, analytics), or when the queue itself is durable: Redis Streams or a list on a server with AOF `appendfsync always`, or a real message broker, with consumers that acknowledge only after the database commit. For prices, orders, balances and profiles, write-through (or cache-aside) keeps the database as the place a write is **done**. Exercise 4 builds the durable version.

# %% [markdown] id="ex4-task"
# ## Exercise 4 · A write-behind queue that survives a crash
#
# **Goal:** keep write-behind's quick acknowledgement without losing what was acknowledged: the queue lives in Redis, not in the process, and an entry leaves it only once the database has it.
#
# Write two functions:
#
# - `queue_price(r, product_id, price)` acknowledges a price change by appending it to the Redis list `queue:prices` as the JSON `{"product_id": 42, "price": 19.99}`, with `RPUSH` (the oldest entry stays at the left). It does not touch the database: that is the worker's job. **No TTL on the queue**: it is not a cached copy of anything, and a queue that expires takes every write in it along.
# - `flush_prices(r, db, batch=25)` is the worker. It writes the **oldest** `batch` entries (fewer when fewer are queued) to the database with `db.update_product_price(product_id, price)`, oldest first, takes them off the queue **only after the database has them**, and returns how many it wrote. When the database raises midway, every entry it has not written must still be in Redis; raise or return, as you like: the next call carries on.
#
# ```python
# >>> queue_price(r, 42, 19.99); queue_price(r, 42, 21.0)
# >>> r.lrange("queue:prices", 0, -1)
# ['{"product_id": 42, "price": 19.99}', '{"product_id": 42, "price": 21.0}']
# >>> flush_prices(r, db)
# 2
# >>> db.get_product(42)["price"], r.llen("queue:prices")
# (21.0, 0)
# ```
#
# A crash between the database write and the removal writes those entries again on the next flush: **at least once**, never lost. That is safe here because setting a price is idempotent (writing 21.0 twice leaves 21.0); a queue of "add 5 to the stock" entries would need an id per entry that the database remembers. Other producers may `RPUSH` while the worker runs: remove exactly the entries you wrote, not the whole list.
#
# The queue is now only as durable as the Redis that holds it: on a server without persistence a restart still empties it. A production queue lives on a server with AOF (`appendfsync everysec` can lose the last second on a power cut, `always` loses nothing and costs throughput: lesson 09), or in a Redis Stream with consumer groups (`XREADGROUP`, `XACK`), which keeps per-consumer pending entries for you.

# %% answer="l08-durable-queue"
def queue_price(r, product_id, price):
    ### BEGIN SOLUTION
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))
    ### END SOLUTION


def flush_prices(r, db, batch=25):
    ### BEGIN SOLUTION
    entries = r.lrange("queue:prices", 0, batch - 1)  # read, do not pop: a failed write leaves them queued
    for entry in entries:
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
    if entries:
        r.ltrim("queue:prices", len(entries), -1)  # only what was written; newer entries stay
    return len(entries)
    ### END SOLUTION


# %% check
spy = grading_spy("queue:*")
client, seed = spy.client(), spy.backend.client()
gdb = LessonDB.create(seed=84, products=200, users=10, orders=0)
QUEUE = "queue:prices"
LOSES = ("Take an entry off the queue only after `db.update_product_price` returned: read with `LRANGE`, write, "
         "then `LTRIM` what you wrote. `LPOP` before the write, or a trim whatever happened, drops the entry "
         "when the database fails.")


def queued():
    """The queue's entries, decoded: [] when it is missing or not a list, a "(…)" note for a non-JSON entry."""
    if seed.type(QUEUE) != "list":
        return []
    entries = []
    for raw in seed.lrange(QUEUE, 0, -1):
        try:
            entries.append(json.loads(raw))
        except ValueError:
            entries.append(f"(not JSON: {raw[:40]!r})")
    return entries


def prices(product_ids):
    return {pid: gdb.peek_product(pid)["price"] for pid in product_ids}


def last_prices(changes):
    final = {}
    for pid, price in changes:
        final[pid] = price
    return final


def differences(want):
    have = prices(want)
    return [f"product {pid} should be {want[pid]}, is {have[pid]}" for pid in want if have[pid] != want[pid]]


changes = [(42, 19.99), (7, 3.25), (42, 21.0)]
for pid, price in changes:
    ex.call(queue_price, client, pid, price)
entries = queued()
ex.expect(entries == [{"product_id": pid, "price": price} for pid, price in changes], "pattern-write-through",
          expected=f"`{QUEUE}` holding the three changes, oldest first, as JSON: "
                   '{"product_id": 42, "price": 19.99}, …',
          got=f"{seed.type(QUEUE)} `{QUEUE}`: {entries!r}"[:200] if entries else f"`{QUEUE}` is empty or missing",
          hint="A queue in this process's memory dies with the process: `r.rpush(\"queue:prices\", json.dumps(…))`.")
ex.expect(seed.ttl(QUEUE) < 0, "pattern-write-through", expected=f"`{QUEUE}` without a TTL",
          got=f"`{QUEUE}` expires in {seed.ttl(QUEUE)} s, with every write still in it",
          hint="The queue is not a cached copy: nothing else holds those writes until the worker has run.")
if ex.passed:
    flushed = ex.call(flush_prices, client, gdb)
    ex.expect(flushed == 3, "correctness", expected="3 returned (three entries written)", got=repr(flushed)[:80])
    ex.expect(not differences(last_prices(changes)), "correctness",
              expected="the database at the last queued price of each product (42 → 21.0, 7 → 3.25)",
              got="; ".join(differences(last_prices(changes))), hint="Oldest first: the later change must win.")
    ex.expect(queued() == [], "correctness", expected=f"`{QUEUE}` empty once everything is written",
              got=f"still queued: {queued()!r}"[:160])
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first


class FailingDB:
    """The lesson database, which goes down after ``ok`` more price writes."""

    def __init__(self, db, ok):
        self.db, self.ok = db, ok

    def update_product_price(self, product_id, price):
        if self.ok <= 0:
            raise DatabaseUnavailable("the database is down (simulated outage)")
        self.ok -= 1
        return self.db.update_product_price(product_id, price)

    def __getattr__(self, name):
        return getattr(self.db, name)


rng8 = random.Random(84)
older = [(rng8.randint(1, 10), round(rng8.uniform(5, 500), 2)) for _ in range(25)]  # repeats: order matters
newer = [(100 + i, round(rng8.uniform(5, 500), 2)) for i in range(35)]  # one change per product: a loss shows
for pid, price in older + newer:  # queued by other processes: the worker must read Redis, not its own memory
    seed.rpush(QUEUE, json.dumps({"product_id": pid, "price": price}))
flushed = ex.call(flush_prices, client, gdb, 25)
ex.expect(flushed == 25, "correctness", expected="25 written for batch=25 (60 queued)", got=repr(flushed)[:80],
          hint="Write at most `batch` entries per call: the oldest ones.")
ex.expect(not differences(last_prices(older)), "correctness",
          expected="the 25 oldest changes in the database, the later change winning for a repeated product",
          got="; ".join(differences(last_prices(older)))[:200], hint="Oldest first: LRANGE 0 … reads from the left.")
rest = queued()
want_rest = [{"product_id": pid, "price": price} for pid, price in newer]
ex.expect(rest == want_rest, "pattern-write-through", expected="the 35 newer changes still queued, in order",
          got=f"{len(rest)} queued" + (f", starting {rest[:2]!r}" if rest else "") if rest != want_rest else "",
          hint="Remove only what you wrote (`LTRIM key n -1`): `DEL` drops the changes queued meanwhile.")
with contextlib.suppress(Exception):  # the database goes down after 10 writes: raising is allowed
    flush_prices(client, FailingDB(gdb, 10), 25)
for _ in range(10):  # the worker runs again once the database is back, until the queue is drained
    try:
        if not flush_prices(client, gdb, 25):
            break
    except Exception as error:  # noqa: BLE001 - a learner error is reported below, as a loss
        ex.expect(False, "correctness", expected="flush_prices running once the database is back",
                  got=f"{type(error).__name__}: {error}"[:160])
        break
lost = differences(last_prices(newer))
ex.expect(not lost, "pattern-write-through",
          expected="every acknowledged change in the database after an outage and another run of the worker",
          got=f"{len(lost)} of 35 changes lost, e.g. {lost[0]}" if lost else "", hint=LOSES)
ex.expect(queued() == [], "correctness", expected=f"`{QUEUE}` empty once the worker has caught up",
          got=f"still queued: {queued()[:3]!r}"[:160])
empty = ex.call(flush_prices, client, gdb, 25)
ex.expect(empty == 0, "correctness", expected="0 from an empty queue", got=repr(empty)[:80])
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-4"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# A colleague's pricing and account code, ready for review:
#
# ```python
# import json
# import os
#
# import redis
#
# # CACHE_URL = "redis://pricing-app:<password>@cache.internal:6379/0", from the deployment's secret store
# r = redis.Redis.from_url(os.environ["CACHE_URL"], decode_responses=True)
#
#
# def set_price(product_id, price):
#     product = db.get_product(product_id)
#     product["price"] = price
#     r.set(f"product:{product_id}", json.dumps(product), ex=3600)
#     db.update_product_price(product_id, price)
#
#
# def import_price_list(rows):
#     db.update_prices(rows)  # the nightly import: every product's price changes
#     for key in r.keys("product:*"):  # so every cached product is out of date
#         r.unlink(key)
#
#
# def change_email(user_id, email):
#     db.update_user(user_id, email=email)
#     with r.pipeline(transaction=True) as pipe:
#         pipe.set(f"user:{user_id}", json.dumps(db.get_user(user_id)))
#         pipe.set(f"user:by-email:{email}", user_id, ex=3600)
#         pipe.execute()
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`, chosen from these candidates: `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`, `client-pool-reuse`, `client-serialization`, `pattern-cache-aside`, `pattern-write-through`, `ttl-always`. Count each fault under the **most specific** standard that names it. This review is about the write paths: what they write, in which order, and with which commands (error handling is reviewed elsewhere, so it is not a candidate). Their rules are in `autograder/catalog/standards.toml`.

# %% answer="l08-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"pattern-write-through", "cmd-scan-not-keys", "ttl-always"}
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
# - **`pattern-write-through`**: the code that changes the data writes the **database first**, then `SET`s the committed row into the cache. A database failure then leaves the cache untouched; a cache failure after the commit is caught, the key deleted (or retried), and the update still reported as done. Several keys that must agree change in one `MULTI`/`EXEC`.
# - **`ttl-always`**: write-through keys carry a TTL too (set in the same command, or in the same transaction): it bounds every staleness the write path misses (direct SQL fixes, failed deletes, forgotten keys).
# - **`client-error-handling`**: catch `redis.RedisError` around the cache calls only; the database's errors reach the caller.
# - Cache-aside (delete on write) versus write-through (overwrite on write): both avoid stale reads on the normal path; write-through keeps hot keys warm, cache-aside never caches what nobody reads. Write-behind is fast and loses acknowledged writes on a crash unless its queue is durable: a Redis list (or Stream) on a persistent server, with an entry removed only after the database has it, written at least once.
# - Measure it: stale reads and their age on your own write stream, and cache misses per write.
#
# **Next:** [Lesson 09 · Configuration and security](../09-config-security/09-config-security.ipynb): `maxmemory`, eviction policies, persistence, authentication and network access for the Redis behind your cache.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("08-write-through")
