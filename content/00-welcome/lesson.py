# %% [markdown] id="title"
# # Lesson 00 · Welcome to the Redis caching kata
#
# **Goals.** Learn how this workbook works, measure why a cache is worth having, and pass your first graded exercise.
#
# **Standards you will meet:** `ttl-always`, `key-namespace` (each lesson names the standards it teaches by id; the cell after the setup prints all 16; their source is `autograder/catalog/standards.toml` in the workbook's repository).
#
# **Time:** about 15 minutes.

# %% [markdown] id="how-it-works"
# ## How the workbook works
#
# Each lesson is a notebook like this one. Run cells top to bottom with **Shift+Enter**, or all at once with **Run ▸ Run All Cells**: a check you have not solved yet says so (❌ Not yet) and the run carries on to the demos below it.
#
# - **Explanations and demos** show a caching rule and *measure* why it matters. The numbers you see are computed when you run the cell, on the Redis you are connected to.
# - **Exercises** come in three cells: a task (what to build), an **answer cell** where you write code, and a locked **check cell** that grades what your code *does*: the commands it sends to Redis, the keys and TTLs it leaves behind. Return values alone are not enough.
# - **Hints** come one at a time: `hints("exercise-id")` shows the next rung of the ladder.
# - **Reference solutions** live in the `solutions/` folder of the repository. Try first: you learn more from a failing check than from reading an answer.
# - **From a terminal**, `python -m autograder check my-work/00-welcome/00-welcome.ipynb` runs a whole notebook and lists each exercise as pass or fail.

# %% [markdown] id="backends"
# ## Which Redis am I talking to?
#
# By default the workbook runs on **fakeredis**, a Redis that lives inside this notebook's Python process: nothing to install or start. Set the environment variable `REDIS_URL` (for example `redis://localhost:6379/0`, or `redis://:password@host:6379/0`) before starting JupyterLab and the same notebooks run unchanged against a **real redis-server**.
#
# Run the setup cell below; it prints which one you are on. Every lesson starts with a cell like it.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import time

import matplotlib.pyplot as plt

from autograder.lesson import (
    Exercise,
    checks,
    grading_spy,
    hints,
    lesson_backend,
    show_progress,
    standards,
    start_lesson,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it

# %% [markdown] id="standards-text"
# ## The 16 standards
#
# Every check grades your code against these rules, and every finding cites one by its id (`ttl-always`, `key-namespace`, ...). Each lesson teaches one group. Print them whenever you like with `standards()`:

# %% id="standards-list"
standards()

# %% [markdown] id="why"
# ## Why cache? A measured demo
#
# A cache keeps the answer to a slow question close at hand. Below, `slow_price` stands in for a database query that takes about 20 ms. We ask for the same product ten times: first straight from the source every time, then through Redis (the first call misses and fills the cache, the other nine hit).

# %% id="why-demo"
def slow_price(product_id):
    time.sleep(0.02)  # stands in for a 20 ms database query
    return f"{product_id * 3 + 0.99:.2f}"


def cached_price(product_id):
    key = f"product:{product_id}:price"
    price = r.get(key)
    if price is None:  # a miss: ask the source, then keep the answer for 60 seconds
        price = slow_price(product_id)
        r.set(key, price, ex=60)
    return price


def timed_ms(fn, *args):
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


r.delete("product:7:price")
uncached = [timed_ms(slow_price, 7) for _ in range(10)]
cached = [timed_ms(cached_price, 7) for _ in range(10)]
print(f"source every time: {sum(uncached):.1f} ms for 10 reads")
print(f"through the cache: {sum(cached):.1f} ms for 10 reads "
      f"(first read {cached[0]:.1f} ms, then a median of {sorted(cached[1:])[4]:.3f} ms)")
print(f"measured on {lesson_backend().name}")

# %% id="why-plot"
fig, ax = plt.subplots(figsize=(6, 2.8))
ax.plot(range(1, 11), uncached, "o-", label="source every time")
ax.plot(range(1, 11), cached, "s-", label="through the cache")
ax.set_xlabel("read number")
ax.set_ylabel("time per read (ms)")
ax.set_title(f"Ten reads of one price ({lesson_backend().name})")
ax.legend()
plt.show()


# %% [markdown] id="why-text"
# Only the first cached read pays the source's price. On the embedded fakeredis a hit costs a few microseconds of Python; on a real server add a network round trip (typically 0.1–0.5 ms on one machine), still far below the source.
#
# Notice the two habits in `cached_price`, which every lesson builds on:
#
# 1. **The key is namespaced**, `product:7:price`: object type, id, attribute, separated by colons (`key-namespace`).
# 2. **The write carries a TTL**, `ex=60`, in the same command as the value (`ttl-always`). Without it the key would live until Redis runs out of memory.

# %% [markdown] id="ex1-task"
# ## Exercise 1 · Remember a greeting (warm-up)
#
# **Goal:** cache a greeting the way `cached_price` cached a price.
#
# Write `remember_greeting(r, name)`. It builds the text `Hello, <name>!`, stores it in Redis under the key `greeting:<name>` **with a TTL of 60 seconds**, and returns the text.
#
# ```python
# >>> remember_greeting(r, "ada")
# 'Hello, ada!'
# >>> r.get("greeting:ada"), r.ttl("greeting:ada")
# ('Hello, ada!', 60)
# ```
#
# The check calls your function with a Redis client of its own and watches every command it sends.

# %% answer="l00-remember-greeting"
def remember_greeting(r, name):
    ### BEGIN SOLUTION
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, ex=60)
    return greeting
    ### END SOLUTION


# %% check
spy = grading_spy("greeting:*")
client, reader = spy.client(), spy.backend.client()  # reader: database 0, not watched by the spy


def stored_at(key):
    """The string at `key` on database 0; a wrong type or a server error reads as a short description."""
    try:
        return reader.get(key)
    except Exception as error:  # noqa: BLE001 - a hash where a string was expected, a server error...
        return f"<unreadable: {type(error).__name__}>"


result = ex.call(remember_greeting, client, "ada")
ex.expect(result == "Hello, ada!", "correctness", expected="'Hello, ada!' returned", got=repr(result),
          hint="Return the text you stored.")
stored = stored_at("greeting:ada")
ex.expect(stored == "Hello, ada!", "correctness", expected="'Hello, ada!' stored at `greeting:ada` in database 0",
          got=f"{stored!r} at `greeting:ada`", hint="Build the key as f'greeting:{name}'.")
if stored is not None:  # the TTL's value and unit: 60 seconds, read in milliseconds
    ex.check(checks.ttl_close(reader, "greeting:ada", 60))
### BEGIN HIDDEN TESTS
other = ex.call(remember_greeting, client, "grace")
stored = stored_at("greeting:grace")
ex.expect(other == "Hello, grace!" and stored == "Hello, grace!", "correctness",
          expected="'Hello, grace!' returned and stored at `greeting:grace`: "
                   "the greeting built from the name passed in",
          got=f"{other!r} returned, {stored!r} stored", hint="Use the name you are given, not a fixed one.")
if reader.exists("greeting:grace"):
    ex.check(checks.ttl_close(reader, "greeting:grace", 60))
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-cell"
# Stuck? Run the cell below and click **Show hint**: each click reveals the next rung of the ladder, from a nudge to a near-answer. (Where buttons cannot show, running the cell again gives the next hint.) Once your check passes, its report offers the reference solution to compare with yours.

# %% id="hint-l00"
hints("l00-remember-greeting")

# %% [markdown] id="recap"
# ## Recap
#
# - **`key-namespace`**: name keys `object:id:attribute`, e.g. `greeting:ada` or `product:7:price`.
# - **`ttl-always`**: every cache write carries its TTL in the same command (`ex=`).
# - Checks grade what your code *does* against Redis; hints come one at a time.
#
# **Next:** [Lesson 01 · Key design](../01-key-design/01-key-design.ipynb): how to name keys so you can find, group and scale them.

# %% [markdown] id="progress-intro"
# ## Your progress
#
# Every check you run is recorded in your workspace (`my-work/`), so this panel is right even after a kernel restart. Run the cell below now and again whenever you like; it also updates by itself as your checks pass. From a terminal, `python -m autograder progress` prints the same list and the next exercise to do.

# %% id="progress"
show_progress()  # every lesson
