# %% [markdown] id="title"
# # Lesson 02 · TTLs: every cache write expires
#
# **Goals.** See a cache without TTLs grow while one with TTLs levels off; write values and their TTL in one atomic command; read `TTL`/`PTTL` answers (-1, -2); refresh with `GETEX`, update with `KEEPTTL`; spread expiries with jitter; pick a TTL from how stale the data may be; test all of it with a controllable clock instead of `sleep`.
#
# **Standards:** `ttl-always` (every cache write carries a TTL, atomically), with `cmd-scan-not-keys` in the audit exercise.
#
# **Time:** about 35 minutes.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import contextlib
import math
import random
import statistics
import time
from collections import Counter

import matplotlib.pyplot as plt
import redis
import time_machine
from tqdm.auto import tqdm

from autograder.lesson import (
    CommandSpy,
    DemoClock,
    Exercise,
    checks,
    grading_spy,
    hints,
    lesson_backend,
    show_progress,
    start_lesson,
    timeline,
    unlink_matching,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
REAL = lesson_backend().is_real

# %% [markdown] id="clock-text"
# ### A clock the demos can move
#
# TTLs are about time, and nobody wants to wait an hour in a notebook. The demos below use `DemoClock` (from the lab kit, `autograder.labkit.demo`):
#
# - On **fakeredis**, Redis reads Python's clock, so [time-machine](https://pypi.org/project/time-machine/) can move it: a simulated hour passes in an instant and keys really expire.
# - On a **real server** the clock belongs to the server and cannot be moved. There the demos *scale time down* instead: one simulated second lasts a real millisecond or so, TTLs are set in milliseconds (`PX`), and the demo waits a brief, bounded real time (about four seconds at most).
#
# Graded check cells never wait: they move the clock on fakeredis and read TTL values on a real server.

# %% [markdown] id="why"
# ## Why: a cache without TTLs only grows
#
# A profile service caches each user's profile on first request. Every simulated minute, 50 users the cache has not seen yet ask for theirs. We run two caches side by side on the same stream of requests:
#
# - **no TTL**: `SET demo:no-ttl:user:<id> <profile>`: the standard's "bad" example;
# - **10-minute TTL**: `SET demo:ttl:user:<id> <profile> PX <10 minutes>`.
#
# Halfway through each minute we count the live keys of each cache with SCAN.

# %% id="why-demo"
MINUTES, NEW_USERS_PER_MINUTE, TTL_SECONDS = 60, 50, 600
minutes, without_ttl, with_ttl = [], [], []


def live_keys(pattern):
    return sum(1 for _ in r.scan_iter(match=pattern, count=1000))


unlink_matching(r, "demo:*")
started = time.perf_counter()
with DemoClock(real_ms_per_second=1) as clock:
    for minute in tqdm(range(1, MINUTES + 1), desc="simulated minutes", leave=False):
        pipe = r.pipeline(transaction=False)
        for n in range(NEW_USERS_PER_MINUTE):
            user_id = minute * NEW_USERS_PER_MINUTE + n  # a user the cache has not seen yet
            pipe.set(f"demo:no-ttl:user:{user_id}", "profile")  # bad: lives forever
            pipe.set(f"demo:ttl:user:{user_id}", "profile", px=clock.px(TTL_SECONDS))  # good
        pipe.execute()
        clock.advance(30)  # count in the middle of the minute
        minutes.append(minute)
        without_ttl.append(live_keys("demo:no-ttl:*"))
        with_ttl.append(live_keys("demo:ttl:*"))
        clock.advance(30)
    unlink_matching(r, "demo:*")  # the no-TTL keys would never leave on their own
elapsed = time.perf_counter() - started

print(f"after {MINUTES} simulated minutes: {without_ttl[-1]:,} keys without TTL, {with_ttl[-1]:,} with a "
      f"{TTL_SECONDS // 60}-minute TTL")
print(f"with TTL, the live key count levelled off at {min(with_ttl[20:]):,}–{max(with_ttl[20:]):,} "
      f"(≈ {NEW_USERS_PER_MINUTE} new users/min × {TTL_SECONDS // 60} min)")
print(f"at this rate, after 30 days: {NEW_USERS_PER_MINUTE * 60 * 24 * 30:,} keys without TTL; "
      f"still about {NEW_USERS_PER_MINUTE * TTL_SECONDS // 60:,} with it")
print(f"measured on {lesson_backend().name} in {elapsed:.1f} s of real time")

# %% id="why-plot"
fig, ax = plt.subplots(figsize=(6.5, 3))
ax.plot(minutes, without_ttl, label="SET without TTL", color="tab:red")
ax.plot(minutes, with_ttl, label="SET with a 10-minute TTL", color="tab:green")
ax.axhline(NEW_USERS_PER_MINUTE * TTL_SECONDS / 60, ls=":", color="grey", label="new users/min × TTL")
ax.set_xlabel("simulated time (minutes)")
ax.set_ylabel("live keys")
ax.set_title(f"Live keys in two caches ({lesson_backend().name})")
ax.legend()
plt.show()

# %% [markdown] id="why-text"
# The red line never bends: every profile ever requested stays in memory, including those of users who left months ago. It keeps climbing until `maxmemory` evicts something (and with a `volatile-*` policy, which only evicts keys that have a TTL, it evicts nothing at all) or the host runs out of memory.
#
# The green line levels off: a cache with a TTL holds roughly *rate × TTL* keys, the working set of the last ten minutes.
#
# *Which backend measured this?* The line printed above says. On fakeredis, time-machine moved the clock a minute at a time. On a real server, a simulated minute lasted 60 ms and the TTL was 600 ms (`PX 600`): the server expires keys lazily on access and in a background cycle about ten times a second, and SCAN never returns an expired key, so the counts are real. On a busy machine they wobble a little: a step that runs late lets a batch expire "early".

# %% [markdown] id="atomic"
# ## How: value and TTL in one command
#
# Give the TTL to the write itself: `r.set(key, value, ex=seconds)` (or `px=milliseconds`) reaches the server as **one command**, `SET key value EX seconds`. The cell below asks a `CommandSpy` to show what goes over the wire.
#
# You will also meet `SETEX key seconds value`, the older spelling of the same atomic write; mind that the TTL comes *before* the value. redis-py 8 deprecates its `setex()` helper in favour of `set(..., ex=...)` and prints a DeprecationWarning each time: use `set`.

# %% id="atomic-wire"
spy = CommandSpy()
c = spy.client()
c.set("demo:user:1001:profile", '{"name": "Ada"}', ex=3600)  # SET ... EX seconds
c.set("demo:user:1002:profile", '{"name": "Grace"}', px=90_000)  # SET ... PX milliseconds
for command in spy.commands:
    print("sent:", command)
print("TTLs:", [c.ttl(f"demo:user:{n}:profile") for n in (1001, 1002)])


# %% [markdown] id="atomic-bad"
# ### Bad beside good: `SET` then `EXPIRE`
#
# A common first attempt writes the value, then sets the TTL in a second command. It works... until the process dies between the two: a deploy, an OOM kill, a dropped connection. The value is there; the TTL never arrives. `Crash` below stands in for that moment.

# %% id="atomic-crash"
class Crash(Exception):
    """Stands in for the process dying between two commands."""


def cache_two_steps(r, key, value, ttl, crash_between=False):  # BAD: two commands
    r.set(key, value)
    if crash_between:
        raise Crash("killed between SET and EXPIRE")
    r.expire(key, ttl)


def cache_one_step(r, key, value, ttl):  # GOOD: one command
    r.set(key, value, ex=ttl)


with contextlib.suppress(Crash):
    cache_two_steps(r, "demo:user:2001:profile", '{"name": "Ada"}', 3600, crash_between=True)
cache_one_step(r, "demo:user:2002:profile", '{"name": "Grace"}', 3600)

print(f"SET then EXPIRE, crash in between: TTL {r.ttl('demo:user:2001:profile')}  ← never expires")
print(f"SET ... EX in one command:          TTL {r.ttl('demo:user:2002:profile')}")

# %% [markdown] id="atomic-text"
# With one command there is no "in between". Where a type has no TTL option (`HSET`, `RPUSH`, `SADD`), send the write and its `EXPIRE` in one `MULTI/EXEC` transaction, which the server runs as a block:
#
# ```python
# with r.pipeline(transaction=True) as pipe:
#     pipe.hset("user:1001:settings", mapping={"theme": "dark"})
#     pipe.expire("user:1001:settings", 3600)
#     pipe.execute()
# ```
#
# A pipeline with `transaction=False` only batches the round trip: it is not atomic.

# %% [markdown] id="ttl-values"
# ## Reading a TTL: three kinds of answer
#
# | answer of `TTL key` (`PTTL`: milliseconds) | means |
# |---|---|
# | `n ≥ 0` | the key exists and expires in *n* seconds |
# | `-1` | the key exists and **never expires**: the alarm bell of this lesson |
# | `-2` | the key does not exist (never written, deleted or already expired) |

# %% id="ttl-values-demo"
r.set("demo:ttl:with-ttl", "x", ex=90)
r.set("demo:ttl:without-ttl", "x")
for key in ("demo:ttl:with-ttl", "demo:ttl:without-ttl", "demo:ttl:never-written"):
    print(f"{key:24} TTL {r.ttl(key):>3}   PTTL {r.pttl(key):>6}")

# %% [markdown] id="ttl-values-text"
# Both -1 and -2 are truthy in Python, so `if r.ttl(key):` cannot tell them apart. Compare with `== -1` when you are looking for immortal keys.

# %% [markdown] id="drill"
# ## Testing TTLs without sleeping
#
# A test that calls `time.sleep(30)` to see a key expire is slow and flaky. On fakeredis, which reads Python's clock, time-machine moves the clock instead. `tick=False` freezes it; `shift(seconds)` jumps ahead. The check cells in this lesson test your code exactly like this.

# %% id="drill-demo"
with time_machine.travel(time.time(), tick=False) as traveller:
    r.set("demo:login:otp", "493817", ex=30)
    traveller.shift(29)
    print(f"after 29 s: GET {r.get('demo:login:otp')!r:10} PTTL {r.pttl('demo:login:otp')}")
    traveller.shift(2)
    print(f"after 31 s: GET {r.get('demo:login:otp')!r:10} PTTL {r.pttl('demo:login:otp')}")
if REAL:
    print("On this real server the key is still there: time-machine moved Python's clock, not the server's."
          " Against a real server, test TTL values (`TTL`, `PTTL`) rather than expiry itself.")
_ = r.unlink("demo:login:otp")

# %% [markdown] id="getex"
# ## Reading and refreshing: `GETEX`
#
# `GETEX key EX seconds` returns the value *and* restarts its TTL in one command: a **sliding** expiry. The plot follows two keys, both written with a 120 s TTL and both read every 30 s for the first 150 s:
#
# - `demo:report:daily` is read with a plain `GET`: its TTL keeps counting down;
# - `demo:session:abc` is read with `GETEX ... EX 120`: each read restarts it, and it expires 120 s after the *last* read.

# %% id="getex-demo"
fixed_ttl, sliding_ttl, seconds = [], [], []
with DemoClock(real_ms_per_second=4) as clock:
    r.set("demo:report:daily", "report", px=clock.px(120))
    r.set("demo:session:abc", "session", px=clock.px(120))
    for second in range(0, 301, 5):
        if second <= 150 and second % 30 == 0:  # a visitor reads both keys
            r.get("demo:report:daily")
            r.getex("demo:session:abc", px=clock.px(120))
        seconds.append(second)
        fixed_ttl.append(clock.seconds(r.pttl("demo:report:daily")))
        sliding_ttl.append(clock.seconds(r.pttl("demo:session:abc")))
        clock.advance(5)
    unlink_matching(r, "demo:*")

gone_fixed = next(s for s, t in zip(seconds, fixed_ttl, strict=True) if t == -2)
gone_sliding = next(s for s, t in zip(seconds, sliding_ttl, strict=True) if t == -2)
print(f"GET only: gone (PTTL -2) at {gone_fixed} s;  GETEX EX 120: gone at {gone_sliding} s "
      f"(last read at 150 s)  [{lesson_backend().name}]")

fig, ax = plt.subplots(figsize=(6.5, 3))
ax.plot(seconds, [max(t, 0) for t in fixed_ttl], label="read with GET", color="tab:blue")
ax.plot(seconds, [max(t, 0) for t in sliding_ttl], label="read with GETEX … EX 120", color="tab:orange")
for read_at in range(0, 151, 30):
    ax.axvline(read_at, color="grey", lw=0.5, ls=":")
ax.set_xlabel("simulated time (s); dotted lines = reads")
ax.set_ylabel("TTL left (s); 0 = gone")
ax.set_ylim(-5, 165)
ax.set_title("Fixed vs sliding expiry")
ax.legend(loc="upper right")
plt.show()

# %% [markdown] id="getex-text"
# Sliding expiry suits **sessions** ("log out after 30 idle minutes"). It is wrong for data copied from a database: a popular key read every few seconds would never expire, so it would never be refreshed, and it would stay stale forever. For cached data, keep a fixed TTL and let plain `GET` read it.
#
# `GETEX` also takes `PERSIST`, which *removes* the TTL: on a cache, that is a way to break `ttl-always` by reading.

# %% [markdown] id="keepttl"
# ## Updating a cached value: `KEEPTTL`
#
# A plain `SET` replaces the value **and drops the TTL**. That is the quietest way to make an immortal key: the first write was fine, the update was not. `SET ... KEEPTTL` replaces the value and keeps the time left. Add `XX` ("only if it exists"), or an update of a key that has just expired creates a new key with no TTL at all.

# %% id="keepttl-demo"
rows = []
r.set("demo:user:7:profile", "v1", ex=3600)
r.set("demo:user:7:profile", "v2")  # BAD: plain SET
rows.append(("SET key v2", r.ttl("demo:user:7:profile")))

r.set("demo:user:8:profile", "v1", ex=3600)
r.set("demo:user:8:profile", "v2", keepttl=True)  # GOOD: SET ... KEEPTTL
rows.append(("SET key v2 KEEPTTL", r.ttl("demo:user:8:profile")))

r.set("demo:user:9:profile", "v2", keepttl=True)  # BAD: the key had expired; KEEPTTL keeps "no TTL"
rows.append(("SET missing-key v2 KEEPTTL", r.ttl("demo:user:9:profile")))

r.set("demo:user:10:profile", "v2", keepttl=True, xx=True)  # GOOD: XX writes only an existing key
rows.append(("SET missing-key v2 KEEPTTL XX", r.ttl("demo:user:10:profile")))

print("each key starts with TTL 3600 (the last two: key missing)\n")
for command, ttl in rows:
    print(f"{command:32} → TTL {ttl}")
_ = unlink_matching(r, "demo:*")

# %% [markdown] id="jitter"
# ## Jitter: do not let everything expire at once
#
# Warm a cache at deploy time with 1,000 product pages, all with `EX 600`, and all 1,000 expire in the same second ten minutes later. Every expiry is a miss, and every miss is a database read: a **synchronized expiry** sends the database a burst of 1,000 reads at once, the classic stampede.
#
# Adding a random extra to each TTL, up to 10 % of it (600 to 660 s), spreads the misses over a minute. The cell measures it: it writes both sets of keys, then reads their `PTTL`s back.

# %% id="jitter-demo"
WARM_KEYS, BASE_TTL, JITTER = 1000, 600, 0.10
rng = random.Random(5)
pipe = r.pipeline(transaction=False)
for product_id in range(WARM_KEYS):
    pipe.set(f"demo:fixed:product:{product_id}", "page", ex=BASE_TTL)
    pipe.set(f"demo:jitter:product:{product_id}", "page", ex=BASE_TTL + rng.randint(0, int(BASE_TTL * JITTER)))
pipe.execute()


def expiries_per_second(prefix):
    pipe = r.pipeline(transaction=False)
    for product_id in range(WARM_KEYS):
        pipe.pttl(f"{prefix}:product:{product_id}")
    return Counter(math.ceil(ms / 1000) for ms in pipe.execute())


fixed, jittered = expiries_per_second("demo:fixed"), expiries_per_second("demo:jitter")
unlink_matching(r, "demo:*")
print(f"fixed EX {BASE_TTL}: {max(fixed.values())} keys expire in the busiest second "
      f"(spread over {len(fixed)} second(s))")
print(f"EX {BASE_TTL}–{int(BASE_TTL * (1 + JITTER))}: {max(jittered.values())} keys in the busiest second "
      f"(spread over {len(jittered)} seconds)  [{lesson_backend().name}]")



def expired_by(counts, seconds):
    return [sum(n for s, n in counts.items() if s <= t) for t in seconds]


seconds_from_now = list(range(BASE_TTL - 10, int(BASE_TTL * (1 + JITTER)) + 11))
fig, ax = plt.subplots(figsize=(6.5, 3))
ax.step(seconds_from_now, expired_by(fixed, seconds_from_now), where="post", color="tab:red",
        label=f"EX {BASE_TTL}: up to {max(fixed.values())} misses in one second")
ax.step(seconds_from_now, expired_by(jittered, seconds_from_now), where="post", color="tab:green",
        label=f"EX {BASE_TTL} + 0–{int(BASE_TTL * JITTER)}: up to {max(jittered.values())} per second")
ax.set_xlabel("seconds from now")
ax.set_ylabel("keys expired so far\n(each one a DB read)")
ax.set_title("When 1,000 keys warmed together expire")
ax.legend(loc="lower right", fontsize=8)
plt.show()


# %% [markdown] id="jitter-text"
# Jitter only ever **adds** time, so no key expires sooner than planned. Budget for the top of the range when you choose the TTL: with 10 % jitter, a 600 s TTL may serve data up to 660 s old.
#
# Jitter spreads the expiries of *many* keys. A single hot key that expires still sends every concurrent reader to the database at once; locks and early refresh handle that (a later lesson).

# %% [markdown] id="choosing"
# ## Choosing a TTL: how stale may this be?
#
# A TTL is the longest you accept serving an answer the source has already changed. Ask the owner of the data, not the cache.
#
# | data | stale for… is fine | TTL |
# |---|---|---|
# | stock level on a product page | seconds | 5–30 s |
# | price, search results | a minute or two | 60–300 s |
# | user profile (the standard's `getUser`) | an hour, invalidated on update | 3600 s |
# | product catalogue, translations | hours | 1–24 h |
# | "no such user" (negative caching) | short, so a new user appears soon | 30–60 s |
#
# If you also delete or update the key when the source changes, the TTL is the safety net for the updates you miss: keep it anyway.

# %% [markdown] id="ex1-task"
# ## Exercise 1 · A cache write that always expires
#
# **Goal:** one helper every cache write goes through, which makes a missing TTL impossible.
#
# Write `cache_set(r, key, value, ttl_seconds)`. It stores `value` at `key` with a TTL of `ttl_seconds` seconds **in one command**, and returns nothing. If `ttl_seconds` is missing (`None`), zero or negative, it raises `ValueError` with a message that names the problem (mention the TTL), and sends **nothing** to Redis.
#
# ```python
# >>> cache_set(r, "user:1001:profile", '{"name": "Ada"}', 3600)
# >>> r.ttl("user:1001:profile")
# 3600
# >>> cache_set(r, "user:1001:profile", '{"name": "Ada"}', None)
# ValueError: ttl_seconds must be a positive number of seconds, got None
# ```
#
# Watch out: `r.set(key, value, ex=None)` does not complain. It writes the key with no TTL.

# %% answer="l02-cache-set"
def cache_set(r, key, value, ttl_seconds):
    ### BEGIN SOLUTION
    if ttl_seconds is None or ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be a positive number of seconds, got {ttl_seconds!r}")
    r.set(key, value, ex=ttl_seconds)
    ### END SOLUTION


# %% check
import re

spy = grading_spy("user:*")
client, reader = spy.client(), spy.backend.client()  # reader: database 0, not watched by the spy


def stored_at(key):
    """The string at `key`; a wrong type or a server error reads as a short description."""
    try:
        return reader.get(key)
    except Exception as error:  # noqa: BLE001 - a hash where a string was expected, a server error...
        return f"<unreadable: {type(error).__name__}>"


ex.call(cache_set, client, "user:1001:profile", '{"name": "Ada"}', 3600)
stored = stored_at("user:1001:profile")
ex.expect(stored == '{"name": "Ada"}', "correctness", expected="the value stored at `user:1001:profile`",
          got=repr(stored))
if reader.exists("user:1001:profile"):  # the TTL's value and unit: 3600 seconds, read in milliseconds
    ex.check(checks.ttl_close(reader, "user:1001:profile", 3600))

NAMES_THE_PROBLEM = re.compile(r"ttl|expir|time[\s_-]*to[\s_-]*live|lifetime|second", re.IGNORECASE)


def rejected(ttl_seconds, key="user:1002:profile"):
    """What cache_set raises for this TTL (None if nothing), and the commands it sent."""
    spy.clear()
    try:
        cache_set(client, key, '{"name": "Grace"}', ttl_seconds)
    except Exception as error:  # noqa: BLE001 - any exception: its type is checked below
        return error, spy.commands
    return None, spy.commands


def expect_rejected(bad_ttl, key="user:1002:profile"):
    error, sent = rejected(bad_ttl, key)
    raised = "no error" if error is None else f"{type(error).__name__}: {error}"
    refused = ex.expect(
        isinstance(error, ValueError) and not sent, "ttl-always",
        expected=f"ttl_seconds={bad_ttl!r} refused with a ValueError, before anything is sent",
        got=raised + "; sent " + ("nothing" if not sent else "; ".join(f"`{c}`" for c in sent[:3])),
        hint="Check before writing: `if ttl_seconds is None or ttl_seconds <= 0: raise ValueError(...)`.")
    if refused:
        ex.expect(bool(NAMES_THE_PROBLEM.search(str(error))), "correctness",
                  expected="a message that names the problem (the TTL, the expiry)", got=repr(str(error)),
                  hint="Say what is wrong, e.g. "
                       "f\"ttl_seconds must be a positive number of seconds, got {ttl_seconds!r}\".")


for bad_ttl in (None, 0, -5):
    expect_rejected(bad_ttl)
### BEGIN HIDDEN TESTS
spy.clear()
ex.call(cache_set, client, "user:2002:cart", "[1, 2]", 1)
stored, pttl = stored_at("user:2002:cart"), reader.pttl("user:2002:cart")
ex.expect(stored == "[1, 2]", "correctness", expected="a 1-second TTL accepted, with the key and value passed in",
          got=f"{stored!r} at `user:2002:cart`", hint="1 is a positive TTL: reject only <= 0.")
ex.expect(stored is None or 0 < pttl <= 1000, "ttl-always", expected="`user:2002:cart` with a TTL of 1 s",
          got=f"PTTL {pttl}")
for bad_ttl in (-1, 0.0):
    expect_rejected(bad_ttl, "user:2003:cart")
ex.expect(reader.exists("user:1002:profile", "user:2003:cart") == 0, "ttl-always",
          expected="no key left behind by a rejected write", got="a rejected write left a key")
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-1"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · Find the keys that never expire
#
# **Goal:** an audit you could run against production to find the damage a missing TTL did.
#
# Write `find_keys_without_ttl(r, pattern)`. It returns the **set** of keys matching `pattern` whose TTL is -1 (any type: strings, hashes...). It must walk the whole keyspace with **SCAN**, letting the server filter with `MATCH pattern` (`r.scan_iter(match=pattern)`), in pages of at most 1,000 keys (`count=` up to 1000); never with `KEYS`, whatever route: `r.keys()`, `execute_command("KEYS", ...)` or a Lua script.
#
# ```python
# >>> r.set("user:1:profile", "a", ex=60); r.set("user:2:profile", "b"); r.hset("user:3:settings", "theme", "dark")
# >>> find_keys_without_ttl(r, "user:*")
# {'user:2:profile', 'user:3:settings'}
# ```
#
# SCAN may return a key twice on a busy real server: a set takes care of that.

# %% answer="l02-find-keys-without-ttl"
def find_keys_without_ttl(r, pattern):
    ### BEGIN SOLUTION
    return {key for key in r.scan_iter(match=pattern, count=1000) if r.ttl(key) == -1}
    ### END SOLUTION


# %% check
ex = Exercise("l02-find-keys-without-ttl")
spy = grading_spy("user:*", "product:*")
client, seed = spy.client(), spy.backend.client()
pipe = seed.pipeline(transaction=False)
for user_id in range(2500):  # several SCAN pages even at COUNT 1000
    pipe.set(f"user:{user_id}:profile", "{}", ex=3600)
for user_id in (7, 123, 998, 1999, 2499):
    pipe.set(f"user:{user_id}:profile", "{}")  # overwritten without a TTL, spread over the keyspace
pipe.hset("user:42:settings", "theme", "dark")  # a hash, never given a TTL
pipe.hset("user:99:cart", "sku-1", 2)
pipe.expire("user:99:cart", 600)
pipe.set("product:1:price", "9.99")  # no TTL, but outside the pattern
pipe.execute()
expected = {f"user:{i}:profile" for i in (7, 123, 998, 1999, 2499)} | {"user:42:settings"}


def compare(found, expected):
    """A short description of how `found` differs from `expected` ("" when they match)."""
    if not isinstance(found, set | list | tuple | frozenset):
        return f"{found!r} (a set of keys was expected)"[:200]
    try:
        found = {k.decode() if isinstance(k, bytes) else k for k in found}
    except TypeError:
        return "a collection holding unhashable items"
    missing, extra = sorted(expected - found), sorted(map(str, found - expected))
    parts = [f"{len(found)} key(s)"]
    if missing:
        parts.append(f"missing {len(missing)}, e.g. {missing[:3]}")
    if extra:
        parts.append(f"{len(extra)} that should not be there, e.g. {extra[:3]}")
    return "" if not (missing or extra) else "; ".join(parts)


def judge(pattern, expected, hint):
    spy.clear()
    found = ex.call(find_keys_without_ttl, client, pattern)
    ex.expect(not compare(found, expected), "correctness",
              expected=f"the {len(expected)} key(s) matching `{pattern}` with TTL -1: {sorted(expected)}",
              got=compare(found, expected), hint=hint)
    ex.check(checks.scan_walk(spy.commands, match=pattern, max_count=1000))


judge("user:*", expected,
      "Loop over every page: `for key in r.scan_iter(match=pattern)`, keep keys with `r.ttl(key) == -1`.")
### BEGIN HIDDEN TESTS
seed.set("product:2:price", "1.50", ex=60)
seed.hset("product:3:stock", "warehouse-1", 5)
judge("product:*", {"product:1:price", "product:3:stock"}, "Use the pattern you are given.")
judge("order:*", set(), "Nothing matches `order:*`: return an empty set.")
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex3-task"
# ## Exercise 3 · Update a cached value, keep its TTL
#
# **Goal:** refresh what a key holds without changing when it expires, and without ever bringing a key back to life.
#
# Write `update_cached(r, key, value)`. If `key` exists, replace its value **keeping the TTL it has left** and return `True`. If it does not exist (never cached, or already expired), write nothing and return `False`. Do it in **one command** (one `SET` with the right options; a Lua script is one command too): a check followed by a write leaves a gap in which the key can expire, and the check makes it expire in exactly that gap.
#
# ```python
# >>> r.set("user:1001:profile", "v1", ex=100)
# >>> # ... 40 seconds later ...
# >>> update_cached(r, "user:1001:profile", "v2"), r.get("user:1001:profile"), r.ttl("user:1001:profile")
# (True, 'v2', 60)
# >>> update_cached(r, "user:404:profile", "v2"), r.ttl("user:404:profile")
# (False, -2)
# ```

# %% answer="l02-keep-ttl"
def update_cached(r, key, value):
    ### BEGIN SOLUTION
    return bool(r.set(key, value, keepttl=True, xx=True))
    ### END SOLUTION


# %% check
spy = grading_spy("user:*")
client, seed = spy.client(), spy.backend.client()


def value_at(key):
    try:
        return seed.get(key)
    except Exception as error:  # noqa: BLE001 - a wrong type or a server error, reported as a value
        return f"<unreadable: {type(error).__name__}>"


class ExpiringRedis(redis.Redis):
    """A client on which `key` expires right after the first command (or pipeline) your code sends:
    the worst moment for code that checks first and writes second."""

    def __init__(self, pool, key):
        super().__init__(connection_pool=pool)
        self.key, self.sent = key, 0

    def _after_one(self):
        self.sent += 1
        if self.sent == 1:
            seed.delete(self.key)

    def execute_command(self, *args, **options):
        try:
            return super().execute_command(*args, **options)
        finally:
            self._after_one()

    def pipeline(self, *args, **kwargs):
        pipe = super().pipeline(*args, **kwargs)
        send = pipe.execute

        def execute(*a, **kw):
            try:
                return send(*a, **kw)
            finally:
                self._after_one()

        pipe.execute = execute
        return pipe


# fakeredis: move the clock 40 s so 60 s of the TTL are really left. A real server's clock cannot be moved:
# there the key is simply written with 60 s left.
travel = contextlib.nullcontext() if REAL else time_machine.travel(time.time(), tick=False)
with travel as traveller:
    if REAL:
        seed.set("user:1001:profile", '{"name": "Ada"}', ex=60)
    else:
        seed.set("user:1001:profile", '{"name": "Ada"}', ex=100)
        traveller.shift(40)
    before = seed.pttl("user:1001:profile")
    updated = ex.call(update_cached, client, "user:1001:profile", '{"name": "Ada L."}')
    stored, after = value_at("user:1001:profile"), seed.pttl("user:1001:profile")
    ex.expect(updated is True, "correctness", expected="True returned for a key that exists", got=repr(updated),
              hint="`SET ... XX` answers True when it wrote: return a bool.")
    ex.expect(stored == '{"name": "Ada L."}', "correctness", expected="the new value stored", got=repr(stored))
    ex.expect(before - 1500 <= after <= before, "ttl-always",
              expected=f"the remaining TTL kept: about {before / 1000:.0f} s left",
              got="no TTL left (TTL -1): the update made the key immortal" if after == -1
              else f"{after / 1000:.1f} s left",
              hint="A plain SET drops the TTL. `r.set(key, value, keepttl=True)` keeps it.")
    spy.clear()
    missing = ex.call(update_cached, client, "user:404:profile", '{"name": "Nobody"}')
    left = seed.pttl("user:404:profile")
    ex.expect(missing is False, "correctness", expected="False returned for a missing key", got=repr(missing),
              hint="`SET ... XX` returns None when the key is missing: turn it into False.")
    ex.expect(left == -2, "ttl-always", expected="`user:404:profile` still missing (TTL -2): an expired key stays gone",
              got=f"TTL {left}" + (": a new key that never expires" if left == -1 else ": the key was brought back"),
              hint="`SET ... XX` writes only if the key exists.")
    # The race: the key expires right after the first thing your code sends.
    seed.set("user:1003:profile", '{"name": "Edsger"}', ex=60)
    spy.clear()
    ex.call(update_cached, ExpiringRedis(spy.pool(), "user:1003:profile"), "user:1003:profile", '{"name": "E."}')
    raced = seed.pttl("user:1003:profile")
    ex.expect(raced == -2, "ttl-always",
              expected="a key that expires during the update stays gone: the check and the write in one command",
              got="`user:1003:profile` expired right after your first command, then came back with "
              + ("no TTL (TTL -1)" if raced == -1 else f"a TTL of {raced / 1000:.1f} s"),
              hint="Let the server check and write at once: `r.set(key, value, keepttl=True, xx=True)`.")
### BEGIN HIDDEN TESTS
spy.clear()
seed.set("user:2002:cart", "[1]", ex=300)
again = ex.call(update_cached, client, "user:2002:cart", "[1, 2]")
cart_ttl = seed.ttl("user:2002:cart")
ex.expect(again is True and value_at("user:2002:cart") == "[1, 2]", "correctness",
          expected="True, and the value passed in stored at the key passed in",
          got=f"{again!r}, {value_at('user:2002:cart')!r}")
ex.expect(298 <= cart_ttl <= 300, "ttl-always", expected="TTL about 300 kept on `user:2002:cart`",
          got=f"TTL {cart_ttl}")
if not REAL:
    with time_machine.travel(time.time() + 101, tick=False):  # the original 100 s are up: the key goes with them
        ex.expect(seed.exists("user:1001:profile") == 0, "ttl-always",
                  expected="`user:1001:profile` gone when its original TTL ran out",
                  got=f"still there, TTL {seed.ttl('user:1001:profile')}")
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-3"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex4-task"
# ## Exercise 4 · Jittered TTLs
#
# **Goal:** keys cached together should not expire together.
#
# Write `cache_set_jittered(r, key, value, base_ttl, jitter=0.1)`. It stores `value` at `key` in one command with a random TTL between `base_ttl` and `base_ttl * (1 + jitter)` seconds, inclusive: jitter only **adds** time. It returns the TTL it chose, in whole seconds. `jitter=0` means exactly `base_ttl`.
#
# ```python
# >>> cache_set_jittered(r, "product:1:page", "<html>", 600)
# 634
# >>> r.ttl("product:1:page")
# 634
# ```
#
# The check calls it 1,000 times and looks at the spread of the TTLs your code sends: all within the range, and spread across it.

# %% answer="l02-jittered-ttl"
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ### BEGIN SOLUTION
    ttl = random.randint(base_ttl, math.floor(base_ttl * (1 + jitter)))
    r.set(key, value, ex=ttl)
    return ttl
    ### END SOLUTION


# %% check
import dataclasses
import itertools

spy = grading_spy("product:*")
client, reader = spy.client(), spy.backend.client()  # reader: not watched by the spy
fresh_ids = itertools.count()


def squash_repeats(since):
    """One finding per kind for a batch of calls (the first speaks for the rest, with a count)."""
    new, kept, seen = ex.findings[since:], [], {}
    for finding in new:
        kind = (finding.standard_id, finding.expected.split("`")[0], finding.hint)
        if kind in seen:
            seen[kind][1] += 1
        else:
            seen[kind] = [len(kept), 0]
            kept.append(finding)
    for index, more in seen.values():
        if more:
            kept[index] = dataclasses.replace(kept[index], got=f"{kept[index].got} (and {more} more call(s) like it)")
    ex.findings[since:] = kept


def draw(base_ttl, jitter, n):
    """Call the learner's function n times on fresh keys; return what it returned and each key's TTL in
    seconds as stored (read right after the call; None when the key has none)."""
    since, returned, stored = len(ex.findings), [], []
    for _ in range(n):
        key = f"product:{next(fresh_ids)}:page"
        returned.append(ex.call(cache_set_jittered, client, key, "<html>", base_ttl, jitter))
        stored.append(seconds_left(reader.pttl(key), returned[-1]))
    squash_repeats(since)
    return returned, stored


def seconds_left(pttl, returned):
    """The TTL a key was given, in seconds, from its PTTL read just after the write (None: no TTL, no key).
    A PTTL up to a second below the TTL the call returned is that TTL: EXAT counts from the start of the
    current second (and fakeredis's SETEX truncates its deadline to whole seconds), and time passes."""
    if pttl <= 0:
        return None
    if isinstance(returned, int | float) and returned - 1.25 <= pttl / 1000 <= returned:
        return returned
    return math.ceil(pttl / 1000)


def judge_spread(base_ttl, jitter, n):
    returned, stored = draw(base_ttl, jitter, n)
    low, high = base_ttl, math.floor(base_ttl * (1 + jitter) + 1e-9)
    ttls = [t for t in stored if t is not None]
    ex.expect(len(ttls) == n, "ttl-always", expected=f"{n} calls, {n} keys each stored with a TTL",
              got=f"{n - len(ttls)} of {n} keys without a TTL (or not stored)")
    if not ttls:
        return returned, stored
    ex.expect(min(ttls) >= low, "ttl-always", expected=f"every TTL ≥ base_ttl = {low} s (jitter only adds)",
              got=f"smallest TTL stored {min(ttls)} s"
              + (" (milliseconds where seconds were meant?)" if min(ttls) < low / 100 else ""),
              hint="Draw the extra from 0 up to base_ttl * jitter and add it: never subtract.")
    ex.expect(max(ttls) <= high, "ttl-always",
              expected=f"every TTL ≤ base_ttl * (1 + jitter) = {base_ttl * (1 + jitter):g} s (so at most {high} s)",
              got=f"largest TTL stored {max(ttls)} s",
              hint="The extra is at most base_ttl * jitter seconds: round the top down (`math.floor`).")
    spread, wanted = statistics.pstdev(ttls), (high - low) / 8
    distinct = min(10, (high - low) // 2 + 1)
    ex.expect(spread >= wanted and len(set(ttls)) >= distinct, "ttl-always",
              expected=f"TTLs spread across {low}–{high} s "
                       f"(std. dev. ≥ {wanted:.1f} s, ≥ {distinct} distinct values)",
              got=f"std. dev. {spread:.1f} s over {len(set(ttls))} distinct value(s)",
              hint="`random.randint(base_ttl, math.floor(base_ttl * (1 + jitter)))` draws a fresh TTL per call.")
    matches = sum(1 for got, ttl in zip(returned, stored, strict=True) if ttl is not None and got == ttl)
    ex.expect(matches == len(ttls), "correctness", expected="each call returns the TTL it set, in whole seconds",
              got=f"{len(ttls) - matches} of {len(ttls)} calls returned something else, e.g. "
              + next((f"{got!r} for a TTL of {ttl} s" for got, ttl in zip(returned, stored, strict=True)
                      if ttl is not None and got != ttl), ""))
    return returned, stored


judge_spread(600, 0.1, 1000)
### BEGIN HIDDEN TESTS
judge_spread(60, 0.5, 400)
judge_spread(45, 0.1, 400)  # the top, 49.5 s, is not whole: 50 s is out of range
returned, stored = draw(45, 0, 20)
ex.expect(set(stored) == {45}, "ttl-always", expected="exactly base_ttl = 45 s with jitter=0",
          got=f"TTLs {sorted(set(stored), key=str)[:5]}")
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-4"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# The standard's own "bad" example, in TypeScript:
#
# ```typescript
# async function getUser(id: string) {
#   const cached = await redis.get(`user:${id}`);
#   if (cached) return JSON.parse(cached);
#   const user = await db.users.findById(id);
#   await redis.set(`user:${id}`, JSON.stringify(user));
#   return user;
# }
# ```
#
# A colleague ported the service to Python, made it survive a cache outage, and added an audit. Review the port before it ships:
#
# ```python
# import json
# import logging
# import os
#
# import redis
# from redis.backoff import ExponentialBackoff
# from redis.retry import Retry
#
# log = logging.getLogger(__name__)
# pool = redis.ConnectionPool.from_url(
#     os.environ["REDIS_URL"],  # redis://app:<password>@cache.internal:6379/0, from the secret store
#     decode_responses=True, socket_timeout=0.5, socket_connect_timeout=0.5,
#     retry=Retry(ExponentialBackoff(cap=0.1), 1),  # one quick retry: GET, SET and DEL are safe to repeat
# )
# r = redis.Redis(connection_pool=pool)
#
#
# def get_user(user_id):
#     try:
#         cached = r.get(f"user:{user_id}")
#     except redis.RedisError:
#         log.warning("cache unavailable: reading user %s from the database", user_id)
#         return db.find_user(user_id)
#     if cached is not None:
#         try:
#             user = json.loads(cached)
#         except json.JSONDecodeError:
#             user = None  # a corrupt or foreign entry: read it as a miss
#         if isinstance(user, dict):
#             return user
#     user = db.find_user(user_id)
#     try:
#         r.set(f"user:{user_id}", json.dumps(user))
#     except redis.RedisError:
#         log.warning("cache unavailable: user %s not cached", user_id)
#     return user
#
#
# def rename_user(user_id, name):
#     db.rename_user(user_id, name)
#     try:
#         r.delete(f"user:{user_id}")  # invalidate on update
#     except redis.RedisError:
#         log.error("could not invalidate user %s", user_id)
#
#
# def users_missing_ttl():
#     """Admin audit, run by hand: an error here should surface, not be hidden."""
#     return [key for key in r.keys("user:*") if r.ttl(key) == -1]
# ```
#
# Which standards does the Python port break? Return the set of standard ids from `kata_violations()`, chosen among: `ttl-always`, `cmd-scan-not-keys`, `key-namespace`, `key-readable`, `client-pool-reuse`, `client-error-handling`, `client-serialization`, `pattern-cache-aside`, `pattern-write-through`, `security-auth`. Count each fault under the **most specific** standard that names it; the rule texts are in `autograder/catalog/standards.toml`.

# %% answer="l02-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"ttl-always", "cmd-scan-not-keys"}
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
# - **`ttl-always`**: every cache write carries its TTL in the **same command**: `SET key value EX seconds` (or `SETEX`, `PX`). `SET` then `EXPIRE` leaves an immortal key when the process dies in between; for hashes and lists, put the `EXPIRE` in the same `MULTI/EXEC`.
# - `TTL`/`PTTL`: `n` = seconds left, **-1 = never expires** (find these), -2 = no such key.
# - Updating a value: `SET ... KEEPTTL XX` keeps the time left and never resurrects an expired key; a plain `SET` drops the TTL.
# - `GETEX ... EX` gives sliding expiry (sessions); cached data keeps a fixed TTL.
# - Jitter adds a random 0–10 % to each TTL so keys warmed together do not expire together.
# - Choose a TTL by how stale the data may be; keep it even when you invalidate on update.
# - **`cmd-scan-not-keys`**: audits walk the keyspace with `scan_iter`, never `KEYS`.
# - Test TTL code by moving the clock (time-machine on fakeredis), not with `sleep`.
#
# **Next:** [Lesson 03 · SCAN, never KEYS](../03-scan/03-scan.ipynb): why the audit in exercise 2 had to use SCAN, measured.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("02-ttl")
