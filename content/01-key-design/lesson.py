# %% [markdown] id="title"
# # Lesson 01 · Key design
#
# **Goals.** Name keys so that you (and the operator paged at 3 a.m.) can find them, group them, and move them to a cluster without a rewrite.
#
# **Standards:** `key-namespace`, `key-readable`, `key-no-numbered-db`. Related practice: hash tags `{...}` for Redis Cluster.
#
# **Time:** about 30 minutes.

# %% setup
# Setup: run this cell first.
import hashlib
import random

import matplotlib.pyplot as plt
import redis
from redis.crc import key_slot

from autograder.lesson import (
    CommandSpy,
    Exercise,
    Finding,
    checks,
    grading_spy,
    hints,
    lesson_backend,
    recorded_run,
    show_progress,
    start_lesson,
    throwaway_cluster,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it

# %% [markdown] id="why"
# ## Why namespaces? Two ways to name the same carts
#
# A shop caches one key per item in each user's cart. Two teams name those keys differently:
#
# | scheme | user 42, item 7 | user 4, item 27 |
# |---|---|---|
# | flat: `f"cart{user}{item}"` | `cart427` | `cart427` |
# | namespaced: `f"cart:{user}:{item}"` | `cart:42:7` | `cart:4:27` |
#
# The flat scheme has already collided in the second column. The demo below writes the same 1,500 cart items both ways and measures two things: how many items the flat scheme **loses** to collisions, and how many wrong keys a `SCAN MATCH` for one user's cart **drags in**.

# %% id="why-load"
random.seed(7)
carts = {user: random.sample(range(1, 60), 5) for user in range(1, 301)}  # 300 users × 5 items

pipe = r.pipeline(transaction=False)
for user, items in carts.items():
    for item in items:
        pipe.set(f"cart{user}{item}", 1, ex=600)
        pipe.set(f"cart:{user}:{item}", 1, ex=600)
pipe.execute()

pairs = sum(len(items) for items in carts.values())
flat_keys = {f"cart{user}{item}" for user, items in carts.items() for item in items}
print(f"{pairs} cart items written; the flat scheme kept only {len(flat_keys)} distinct keys: "
      f"{pairs - len(flat_keys)} items silently overwrote another user's item.")


# %% id="why-scan"
def scan_count(pattern):
    return sum(1 for _ in r.scan_iter(match=pattern, count=500))


sample_users = [4, 12, 42, 123]
truth = [len(carts[u]) for u in sample_users]
flat_found = [scan_count(f"cart{u}*") for u in sample_users]
spaced_found = [scan_count(f"cart:{u}:*") for u in sample_users]
for user, t, f, s in zip(sample_users, truth, flat_found, spaced_found, strict=True):
    print(f"user {user:>3}: really has {t} items · SCAN MATCH cart{user}* finds {f:>3} · "
          f"SCAN MATCH cart:{user}:* finds {s}")
print(f"(measured on {lesson_backend().name})")

# %% id="why-plot"
fig, ax = plt.subplots(figsize=(6.5, 3))
x = range(len(sample_users))
ax.bar([i - 0.2 for i in x], flat_found, width=0.4, label="flat: MATCH cart{user}*")
ax.bar([i + 0.2 for i in x], spaced_found, width=0.4, label="namespaced: MATCH cart:{user}:*")
ax.plot(list(x), truth, "k_", markersize=30, label="items really in the cart")
ax.set_xticks(list(x), [f"user {u}" for u in sample_users])
ax.set_ylabel("keys matched")
ax.set_title("Finding one user's cart by pattern")
ax.legend(fontsize=8)
plt.show()

# %% [markdown] id="why-text"
# With flat keys, `cart4*` also matches users 40–49, and `cart12*` pulls in users 120–129. Only user 123, with no longer ids behind it, comes out right. You cannot tell them apart after the fact: the boundary between user and item is gone. The colon puts it back, so `cart:4:*` means *exactly* user 4.
#
# That is the whole case for `key-namespace`: **object type, then id, then attribute, separated by colons**. Keys become discoverable with `SCAN MATCH`, groupable per object, and safe from collisions.

# %% id="why-cleanup"
for pattern in ("cart[0-9]*", "cart:*"):
    for key in r.scan_iter(match=pattern, count=1000):
        r.unlink(key)


# %% [markdown] id="how"
# ## How: build keys in one place
#
# Put the rule in one small function and call it everywhere. Parts go most general first; each part must not contain the separator.

# %% id="how-key"
def make_key(*parts):
    """'user', 1001, 'settings' -> 'user:1001:settings'."""
    text = [str(p) for p in parts]
    for part in text:
        if not part or ":" in part or any(ch.isspace() for ch in part):
            raise ValueError(f"key part {part!r} must be non-empty, without ':' or spaces")
    return ":".join(text)


print(make_key("user", 1001, "settings"))
print(make_key("product", 7, "price"))

# %% [markdown] id="bad-good"
# ### Bad beside good
#
# | bad key | what is wrong | good key |
# |---|---|---|
# | `user_1001_settings` | no namespace: `SCAN MATCH user:*` can't find it | `user:1001:settings` |
# | `u:1001:s` | cryptic: nobody reads `u` and `s` during an incident (`key-readable`) | `user:1001:settings` |
# | `User Settings 1001` | spaces and capitals: hard to type in `redis-cli`, easy to get wrong (`key-readable`) | `user:1001:settings` |
# | `search:SELECT * FROM products WHERE …` (300 characters) | huge: every lookup hashes and compares all of it (`key-readable`) | `search:5d41402abc4b2a76` (a hash of the query) |
#
# The checks the workbook uses on your keys are the same functions you can call yourself:

# %% id="how-check"
for finding in checks.keys_namespaced(["user_1001_settings"]) + checks.keys_readable(["u:1001:s"]):
    print("\n".join(finding.lines()))

# %% [markdown] id="readable"
# ### Concise: hash the long parts
#
# A key is stored, hashed and compared on every command. When a part is naturally long (a search query, a URL), keep a short, fixed-size digest of it instead:

# %% id="readable-demo"
query = "SELECT id, name, price FROM products WHERE category = 'books' AND price < 20 ORDER BY price"
long_key = f"search:{query}"
short_key = make_key("search", hashlib.sha1(query.encode()).hexdigest()[:16])
print(f"{len(long_key)} characters: {long_key}")
print(f"{len(short_key)} characters: {short_key}")
print(f"for a million cached searches that is {len(long_key) * 1e6 / 2**20:.0f} MiB of key names "
      f"versus {len(short_key) * 1e6 / 2**20:.0f} MiB (arithmetic, before Redis's own overhead)")

# %% [markdown] id="numbered-db"
# ## Why not `SELECT 3`? (`key-no-numbered-db`)
#
# Redis has numbered databases (0–15 by default) and it is tempting to give each tenant or feature its own. Don't:
#
# - **Redis Cluster supports only database 0.** Code that `SELECT`s breaks the day you scale out.
# - A pooled connection that ran `SELECT 3` stays on database 3 for the next caller that borrows it.
# - `SCAN`, `DBSIZE` and most dashboards look at one database at a time (only `INFO keyspace` lists every database): data hides from whoever looks at db 0.
#
# The spy shows what a client made with `db=3` really sends when it connects:

# %% id="numbered-db-demo"
spy = CommandSpy()
tenant_client = spy.client(db=3)
tenant_client.set("report", "q3", ex=60)
for command in spy.commands:
    print(f"{command.via:>9}: {command}")
print()
for finding in checks.no_numbered_db(spy.commands, tenant_client):
    print("\n".join(finding.lines()))

# %% [markdown] id="numbered-db-good"
# The fix is a namespace: `tenant:3:report` in database 0. One keyspace, still separable with `SCAN MATCH tenant:3:*`.

# %% [markdown] id="hash-tags"
# ## Related: hash tags for Redis Cluster
#
# A cluster splits keys over 16,384 **slots** by a CRC16 of the key. Commands that touch several keys at once (`MGET`, transactions, Lua scripts) need all their keys in the **same slot**, or they fail with `CROSSSLOT`.
#
# If part of a key is wrapped in braces, only that part is hashed. `redis.crc.key_slot` computes the slot with no server at all:

# %% id="hash-tags-demo"
for keys in (["cart:42:items", "cart:42:total"], ["cart:{42}:items", "cart:{42}:total"]):
    slots = [key_slot(k.encode()) for k in keys]
    verdict = "same slot: multi-key commands work" if len(set(slots)) == 1 else "different slots: CROSSSLOT"
    print(f"{keys} → slots {slots} → {verdict}")


# %% [markdown] id="hash-tags-text"
# Tag the part that groups the keys you use together (here the user id), not something shared by everyone: `{cart}:42:items` would put *every* cart in one slot and one server.

# %% [markdown] id="cluster-text"
# ### On a real cluster
#
# The cell below starts a throwaway 3-node Redis Cluster on this machine (three `redis-server --cluster-enabled yes` processes on loopback, the 16,384 slots split between them, stopped when the cell ends) and sends the same keys to it. Watch three refusals: redis-py's cluster client refuses a cross-slot `MSET` before sending anything; a node refuses it with `CROSSSLOT`; and every node refuses `SELECT`, the reason for `key-no-numbered-db`.

# %% id="cluster-demo"
with throwaway_cluster() as cluster:
    if cluster is None:  # no redis-server binary here, or a graded run (no grade depends on this demo)
        recorded_run("01-key-design", "cluster-demo")
    else:
        rc = cluster.client()
        print(f"{cluster.label}, up in {cluster.seconds:.1f} s")
        plain_keys, tagged_keys = {"cart:42:items": "3", "cart:42:total": "59.90"}, {"cart:{42}:items": "3",
                                                                                      "cart:{42}:total": "59.90"}
        for keys in (plain_keys, tagged_keys):
            nodes = sorted({cluster.nodes.index(cluster.node_of(k)) + 1 for k in keys})
            print(f"{list(keys)} → slots {[rc.keyslot(k) for k in keys]} → node(s) {nodes}")
        try:
            rc.mset(plain_keys)
        except redis.exceptions.RedisClusterException as error:  # raised by the client, not a server reply
            print(f"  redis-py's cluster client: MSET refused before sending · {error}")
        node = cluster.node_of("cart:42:items").client()
        try:
            node.mset(plain_keys)  # straight to the node that owns the first key
        except redis.RedisError as error:
            print(f"  the node itself: MSET refused · CROSSSLOT {error}")
        print(f"  with the hash tag: MSET → {rc.mset(tagged_keys)}; MGET → {rc.mget(list(tagged_keys))}")
        try:
            node.execute_command("SELECT", 3)
        except redis.RedisError as error:
            print(f"  SELECT 3 → refused · {error}")
        print(f"  keys per node: {[n.client().dbsize() for n in cluster.nodes]} (a SCAN on one node sees only its own)")
        rc.delete(*tagged_keys)
        rc.close()

# %% [markdown] id="ex1-task"
# ## Exercise 1 · A settings key
#
# **Goal:** name a user's settings key by the namespace rule.
#
# Write `settings_key(user_id)` returning `user:<user_id>:settings`.
#
# ```python
# >>> settings_key(1001)
# 'user:1001:settings'
# ```

# %% answer="l01-settings-key"
def settings_key(user_id):
    ### BEGIN SOLUTION
    return f"user:{user_id}:settings"
    ### END SOLUTION


# %% check
key = ex.call(settings_key, 1001)
is_text = ex.expect(isinstance(key, str), "correctness", expected="the key as a str: 'user:1001:settings'",
                    got=f"a {type(key).__name__}: {key!r}", hint="`return` the key built with an f-string.")
if is_text:
    ex.expect(key == "user:1001:settings", "correctness", expected="'user:1001:settings'", got=repr(key),
              hint="Object type, id, attribute, joined with colons.")
    ex.check(checks.keys_namespaced([key]))
    ex.check(checks.keys_readable([key]))
### BEGIN HIDDEN TESTS
for user_id in (7, "42", 123456):
    other = ex.call(settings_key, user_id)
    ex.expect(other == f"user:{user_id}:settings", "correctness", expected=f"'user:{user_id}:settings'",
              got=repr(other), hint="Build the key from the user_id you are given.")
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · Tenants without `SELECT`
#
# **Goal:** keep each tenant's cached data apart with a namespace instead of a numbered database.
#
# An old service did `SELECT <tenant_id>` and then `SET <name> <value>`. Write the pair that replaces it:
#
# - `save_for_tenant(r, tenant_id, name, value)` stores `value` under `tenant:<tenant_id>:<name>` with a TTL of one hour (`ex=3600`), in database 0;
# - `load_for_tenant(r, tenant_id, name)` returns the stored value (or `None`).
#
# ```python
# >>> save_for_tenant(r, 4, "report", "q3")
# >>> load_for_tenant(r, 4, "report"), load_for_tenant(r, 42, "report")
# ('q3', None)
# ```

# %% answer="l01-tenant-store"
def save_for_tenant(r, tenant_id, name, value):
    ### BEGIN SOLUTION
    r.set(f"tenant:{tenant_id}:{name}", value, ex=3600)
    ### END SOLUTION


def load_for_tenant(r, tenant_id, name):
    ### BEGIN SOLUTION
    return r.get(f"tenant:{tenant_id}:{name}")
    ### END SOLUTION


# %% check
spy = grading_spy("tenant:*")
client, reader = spy.client(), spy.backend.client()  # reader: database 0, not watched by the spy


def stored_at(key):
    """What is at `key` on database 0: the string, "<a hash>" (any other type: read it with your loader),
    or None when there is no such key."""
    try:
        kind = reader.type(key)
        return reader.get(key) if kind == "string" else None if kind == "none" else f"<a {kind}>"
    except Exception as error:  # noqa: BLE001 - a server error
        return f"<unreadable: {type(error).__name__}>"


def holds(stored, value):
    """The key holds `value`: as a string, or in another type the learner's own loader reads back."""
    return stored == value or (isinstance(stored, str) and stored.startswith("<a "))


ex.call(save_for_tenant, client, 4, "report", "q3")
ex.call(save_for_tenant, client, 42, "report", "q4")
mine, theirs = ex.call(load_for_tenant, client, 4, "report"), ex.call(load_for_tenant, client, 42, "report")
ex.expect((mine, theirs) == ("q3", "q4"), "correctness", expected="tenant 4 reads 'q3', tenant 42 reads 'q4'",
          got=f"{mine!r} and {theirs!r}", hint="Each tenant's data needs its own key: put the tenant id in it.")
ex.check(checks.no_numbered_db(spy.commands, client))
stored = stored_at("tenant:4:report")
ex.expect(holds(stored, "q3"), "correctness", expected="'q3' stored at `tenant:4:report` in database 0",
          got=f"{stored!r} at `tenant:4:report`", hint="The task names the key exactly: tenant:<tenant_id>:<name>.")
if reader.exists("tenant:4:report"):  # the TTL's value and unit: one hour, read in milliseconds
    ex.check(checks.ttl_close(reader, "tenant:4:report", 3600))
### BEGIN HIDDEN TESTS
ex.call(save_for_tenant, client, 4, "report", "q3-final")  # an update: the value and a fresh hour
again, stored = ex.call(load_for_tenant, client, 4, "report"), stored_at("tenant:4:report")
ex.expect(again == "q3-final" and holds(stored, "q3-final"), "correctness",
          expected="'q3-final' stored at `tenant:4:report` and read back after an update",
          got=f"{stored!r} stored, {again!r} read")
for key in ("tenant:4:report", "tenant:42:report"):
    if reader.exists(key):
        ex.check(checks.ttl_close(reader, key, 3600))
missing = ex.call(load_for_tenant, client, 7, "report")
ex.expect(missing is None, "correctness", expected="None for a tenant with nothing saved", got=repr(missing))
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="ex3-task"
# ## Exercise 3 · Find one tenant's keys
#
# **Goal:** use the namespace to find exactly one tenant's keys, without scooping up tenant 42 when you ask for tenant 4.
#
# Write `tenant_keys(r, tenant_id)` returning the **set** of keys under `tenant:<tenant_id>:`. Iterate with `SCAN` (`r.scan_iter(match=...)`) and let the server do the filtering; never `KEYS`, which blocks the server (lesson 03 measures it). Walk the whole keyspace, page by page, with pages of at most 1,000 keys (`count=` up to 1000): the check's keyspace holds thousands of tenants.
#
# ```python
# >>> tenant_keys(r, 4)
# {'tenant:4:report', 'tenant:4:invoices'}
# ```

# %% answer="l01-tenant-keys"
def tenant_keys(r, tenant_id):
    ### BEGIN SOLUTION
    return set(r.scan_iter(match=f"tenant:{tenant_id}:*", count=500))
    ### END SOLUTION


# %% check
from collections.abc import Set

spy = grading_spy("tenant:*", "tenants:*")
client, seed = spy.client(), spy.backend.client()  # seed: not watched, so the log holds only your commands
TENANT_4 = {f"tenant:4:{name}" for name in ("report", "invoices", "audit", "a-first", "zz-last", "42", "4")}
TENANT_42 = {"tenant:42:report", "tenant:42:invoices"}
with seed.pipeline(transaction=False) as pipe:  # 3,000 tenants: the walk takes several SCAN pages
    for tenant in range(3000):
        if tenant not in (4, 42):
            pipe.set(f"tenant:{tenant}:report", "x", ex=600)
    for key in TENANT_4 | TENANT_42 | {"tenants:4:count", "tenant:4-archive:report"}:
        pipe.set(key, "x", ex=600)
    pipe.execute()


def judge_found(found, expected, tenant_id):
    """Compare what tenant_keys returned with the expected keys; report other tenants' keys under key-namespace."""
    if not ex.expect(isinstance(found, Set), "correctness", expected="a set of keys",
                     got=f"a {type(found).__name__}: {found!r}"[:200], hint="Return `set(...)` of the keys."):
        return
    try:
        found = {k.decode() if isinstance(k, bytes) else k for k in found}
    except Exception:  # noqa: BLE001 - unhashable or odd members: reported below
        found = set()
    prefix = f"tenant:{tenant_id}:"
    others = sorted(k for k in found - expected if isinstance(k, str) and not k.startswith(prefix))
    ex.expect(not others, "key-namespace", expected=f"only keys under `{prefix}`",
              got=f"{len(others)} key(s) of other tenants, e.g. {others[:3]}",
              hint=f"Match the whole namespace, colon included: `{prefix}*` is not `tenant:{tenant_id}*`.")
    missing, extra = sorted(expected - found), sorted(k for k in found - expected if k not in others)
    ex.expect(not missing and not extra, "correctness", expected=f"the {len(expected)} keys {sorted(expected)}",
              got=f"missing {missing[:3]}; unexpected {extra[:3]}",
              hint="Follow the cursor until SCAN answers 0: keys sit on every page.")


def judge_walk(pattern):
    """SCAN only, every page read, at most 1,000 keys per call; the server filters (not the whole keyspace sent)."""
    ex.check(checks.scan_walk(spy.commands, max_count=1000))
    sent = sum(len(c.reply[0][1]) for c in spy.named("SCAN") if c.answered and isinstance(c.reply[0], list | tuple))
    size = seed.dbsize()
    ex.expect(sent < size / 2, "cmd-scan-not-keys", expected=f"the server filters with `MATCH {pattern}`",
              got=f"SCAN sent back {sent:,} keys of {size:,}: the whole keyspace filtered in Python",
              hint=f"`r.scan_iter(match={pattern!r})` sends only the matching keys back.")


spy.clear()
found = ex.call(tenant_keys, client, 4)
judge_found(found, TENANT_4, 4)
judge_walk("tenant:4:*")
### BEGIN HIDDEN TESTS
spy.clear()
found_42 = ex.call(tenant_keys, client, 42)
judge_found(found_42, TENANT_42, 42)
judge_walk("tenant:42:*")
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="ex4-task"
# ## Exercise 4 · Cart keys that share a cluster slot
#
# **Goal:** name a user's two cart keys so a transaction can update both on Redis Cluster.
#
# Write `cart_keys(user_id)` returning a pair `(items_key, total_key)`: namespaced keys for the cart's items and its total that land in the **same hash slot**, while different users' carts spread over different slots.
#
# ```python
# >>> items, total = cart_keys(42)
# >>> key_slot(items.encode()) == key_slot(total.encode())
# True
# ```

# %% answer="l01-cart-keys"
def cart_keys(user_id):
    ### BEGIN SOLUTION
    return f"cart:{{{user_id}}}:items", f"cart:{{{user_id}}}:total"
    ### END SOLUTION


# %% check
def as_pair(pair):
    """The pair as a tuple of two str keys, or None (reported) when it is something else."""
    ok = isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(k, str) for k in pair)
    ex.expect(ok, "correctness", expected="a pair of two key strings: (items_key, total_key)", got=repr(pair)[:200])
    return tuple(pair) if ok else None


def untagged(keys):
    """The keys with hash-tag braces dropped: `{cart:42}:items` is read as `cart:42:items` for readability."""
    return [k.replace("{", "").replace("}", "") for k in keys]


pair = as_pair(ex.call(cart_keys, 42))
if pair:
    ex.expect(pair[0] != pair[1], "correctness", expected="two different keys", got=repr(pair))
    ex.check(checks.keys_namespaced(pair))
    ex.check(checks.keys_readable(untagged(pair)))
    slots = [key_slot(k.encode()) for k in pair]
    ex.expect(slots[0] == slots[1], "key-namespace", expected="both keys in one hash slot",
              got=f"slots {slots} for {list(pair)}",
              hint="Wrap the part both keys share in braces: only the text inside {...} is hashed.")
### BEGIN HIDDEN TESTS
if pair:
    users = [*range(1, 201), 1001, 99999, 123456789]
    pairs = {user_id: as_pair(ex.call(cart_keys, user_id)) for user_id in users}
    pairs = {u: p for u, p in pairs.items() if p}
    split = [(u, p) for u, p in pairs.items() if key_slot(p[0].encode()) != key_slot(p[1].encode())]
    ex.expect(not split, "key-namespace", expected="each user's two keys in one slot",
              got=f"user {split[0][0]}: {split[0][1]}" if split else "")
    keys = [k for p in pairs.values() for k in p]
    ex.expect(len(set(keys)) == len(keys), "correctness", expected="every user's cart under keys of its own",
              got=f"{len(keys) - len(set(keys))} key(s) shared between users", hint="Put the user id in both keys.")
    ex.check(checks.keys_namespaced(keys))
    ex.check(checks.keys_readable(untagged(keys)))
    all_slots = {key_slot(p[0].encode()) for p in pairs.values()}
    ex.expect(len(all_slots) >= 0.9 * len(pairs), "key-namespace",
              expected=f"{len(pairs)} users' carts spread over about as many slots",
              got=f"{len(pairs)} carts in only {len(all_slots)} slot(s)",
              hint="Tag the user id itself, not a constant or a bucket: `{cart}` puts every cart on one server.")
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# A colleague asks you to review this before it ships. It is called every time a user saves their profile; the database already holds the profile, so the cache write is allowed to fail:
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
#
#
# def cache_profile(user_id, profile):
#     r = redis.Redis(host="cache.internal", db=2, password=os.environ["REDIS_PASSWORD"],
#                     socket_timeout=0.5, socket_connect_timeout=0.5,
#                     retry=Retry(ExponentialBackoff(cap=0.1), 1))  # one quick retry: SET EX is safe to repeat
#     try:
#         r.set(f"Profile Data {user_id}", json.dumps(profile), ex=3600)
#     except (redis.ConnectionError, redis.TimeoutError):
#         log.warning("profile cache unavailable; skipped (the database has the profile)")
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`, chosen among: `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `ttl-always`, `client-pool-reuse`, `client-error-handling`, `client-serialization`, `security-auth`. You have met the `key-*` ones in this lesson; for the others, the rule texts in `autograder/catalog/standards.toml` are enough (one of them is broken here).

# %% answer="l01-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"key-no-numbered-db", "key-namespace", "key-readable", "client-pool-reuse"}
    ### END SOLUTION


# %% check
spotted = ex.call(kata_violations)
ex.kata(spotted)
ex.verdict()

# %% [markdown] id="recap"
# ## Recap
#
# - **`key-namespace`**: `object:id:attribute`, colon-separated, built in one function (`user:1001:settings`).
# - **`key-readable`**: descriptive but concise: no spaces, no cryptic abbreviations, hash the long parts.
# - **`key-no-numbered-db`**: everything in database 0; separate with namespaces, not `SELECT`.
# - Related: hash tags (`cart:{42}:items`) keep keys used together in one cluster slot; tag per user, not a constant.
#
# **Next:** [Lesson 02 · TTLs](../02-ttl/02-ttl.ipynb): why every cache write carries an expiry.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("01-key-design")
