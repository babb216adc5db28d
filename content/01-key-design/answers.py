# Lesson 01-key-design: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="key-namespace"
# underscores instead of a namespace
def settings_key(user_id):
    return f"user_{user_id}_settings"


# %% wrong="key-readable"
# namespaced but cryptic
def settings_key(user_id):
    return f"u:{user_id}:settings"


# %% wrong="correctness"
# hard-coded for the visible example
def settings_key(user_id):
    return "user:1001:settings"


# %% wrong="key-no-numbered-db"
# right values by SELECTing a database per tenant
def save_for_tenant(r, tenant_id, name, value):
    r.execute_command("SELECT", tenant_id)
    r.set(name, value, ex=3600)
    r.execute_command("SELECT", 0)

def load_for_tenant(r, tenant_id, name):
    r.execute_command("SELECT", tenant_id)
    value = r.get(name)
    r.execute_command("SELECT", 0)
    return value


# %% wrong="ttl-always"
# namespaced but no TTL
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value)

def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="key-namespace"
# flat concatenated key
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant{tenant_id}{name}", value, ex=3600)

def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant{tenant_id}{name}")


# %% wrong="cmd-scan-not-keys"
# right keys through KEYS
def tenant_keys(r, tenant_id):
    return set(r.keys(f"tenant:{tenant_id}:*"))


# %% wrong="cmd-scan-not-keys"
# KEYS through execute_command
def tenant_keys(r, tenant_id):
    return set(r.execute_command("KEYS", f"tenant:{tenant_id}:*"))


# %% wrong="key-namespace"
# pattern without the closing colon
def tenant_keys(r, tenant_id):
    return set(r.scan_iter(match=f"tenant:{tenant_id}*"))


# %% wrong="key-namespace"
# namespaced but no hash tag
def cart_keys(user_id):
    return f"cart:{user_id}:items", f"cart:{user_id}:total"


# %% wrong="key-namespace"
# one constant tag for every cart
def cart_keys(user_id):
    return f"{{cart}}:{user_id}:items", f"{{cart}}:{user_id}:total"


# %% wrong="ttl-always"
# lists a standard the snippet keeps
def kata_violations():
    return {"key-no-numbered-db", "key-namespace", "key-readable", "client-pool-reuse", "ttl-always"}


# %% wrong="client-pool-reuse"
# misses the client made per call
def kata_violations():
    return {"key-no-numbered-db", "key-namespace", "key-readable"}


# %% valid=true
# joins the parts
def settings_key(user_id):
    return ":".join(["user", str(user_id), "settings"])


# %% valid=true
# %-formatting
def settings_key(user_id):
    return "user:%s:settings" % (user_id,)


# %% valid=true
# a validating key builder, as in the lesson's make_key
def _make_key(*parts):
    text = [str(p) for p in parts]
    if any(not p or ":" in p or " " in p for p in text):
        raise ValueError(f"bad key part in {text!r}")
    return ":".join(text)


def settings_key(user_id):
    return _make_key("user", user_id, "settings")


# %% wrong="correctness"
# forgets the return (returns None): should fail cleanly, not crash the check
def settings_key(user_id):
    key = f"user:{user_id}:settings"


# %% wrong="correctness"
# returns the key as bytes
def settings_key(user_id):
    return f"user:{user_id}:settings".encode()


# %% valid=true
# SETEX and a helper for the key
def _tenant_key(tenant_id, name):
    return f"tenant:{tenant_id}:{name}"


def save_for_tenant(r, tenant_id, name, value):
    r.setex(_tenant_key(tenant_id, name), 3600, value)


def load_for_tenant(r, tenant_id, name):
    return r.get(_tenant_key(tenant_id, name))


# %% valid=true
# one hour as a timedelta, written in a MULTI/EXEC
from datetime import timedelta


def save_for_tenant(r, tenant_id, name, value):
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"tenant:{tenant_id}:{name}", value, ex=timedelta(hours=1))
        pipe.execute()


def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% valid=true
# TTL in milliseconds, read with GETEX (no options: TTL untouched)
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value, px=3_600_000)


def load_for_tenant(r, tenant_id, name):
    return r.getex(f"tenant:{tenant_id}:{name}")


# %% wrong="ttl-always"
# TTL in the wrong unit: px=3600 (3.6 seconds, not an hour)
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value, px=3600)


def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="ttl-always"
# one day instead of one hour
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value, ex=86400)


def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="ttl-always"
# SET ... KEEPTTL on a new key: no TTL at all
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value, keepttl=True)


def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="ttl-always"
# SET without a TTL inside a Lua script
def save_for_tenant(r, tenant_id, name, value):
    r.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, f"tenant:{tenant_id}:{name}", value)


def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="ttl-always"
# SET EX, then PERSIST ("keep tenant data")
def save_for_tenant(r, tenant_id, name, value):
    key = f"tenant:{tenant_id}:{name}"
    r.set(key, value, ex=3600)
    r.persist(key)


def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="ttl-always"
# reads with GETEX ... PERSIST: every read makes the key immortal
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value, ex=3600)


def load_for_tenant(r, tenant_id, name):
    return r.getex(f"tenant:{tenant_id}:{name}", persist=True)


# %% wrong="ttl-always"
# a hash, with HSET + EXPIRE in a non-transactional pipeline
def save_for_tenant(r, tenant_id, name, value):
    key = f"tenant:{tenant_id}:{name}"
    with r.pipeline(transaction=False) as pipe:
        pipe.hset(key, "value", value)
        pipe.expire(key, 3600)
        pipe.execute()


def load_for_tenant(r, tenant_id, name):
    return r.hget(f"tenant:{tenant_id}:{name}", "value")


# %% valid=true
# manual SCAN cursor loop
def tenant_keys(r, tenant_id):
    found, cursor = set(), 0
    while True:
        cursor, keys = r.scan(cursor, match=f"tenant:{tenant_id}:*", count=1000)
        found.update(keys)
        if cursor == 0:
            return found


# %% valid=true
# set comprehension over scan_iter, default COUNT
def tenant_keys(r, tenant_id):
    return {key for key in r.scan_iter(match=f"tenant:{tenant_id}:*")}


# %% valid=true
# a frozenset (an immutable set) of the keys
def tenant_keys(r, tenant_id):
    return frozenset(r.scan_iter(match=f"tenant:{tenant_id}:*", count=500))


# %% wrong="cmd-scan-not-keys"
# one SCAN page only, cursor ignored (the fixture fits in one page)
def tenant_keys(r, tenant_id):
    _, keys = r.scan(0, match=f"tenant:{tenant_id}:*", count=1000)
    return set(keys)


# %% wrong="cmd-scan-not-keys"
# KEYS inside a Lua script
def tenant_keys(r, tenant_id):
    return set(r.eval("return redis.call('KEYS', ARGV[1])", 0, f"tenant:{tenant_id}:*"))


# %% wrong="cmd-scan-not-keys"
# SCAN without MATCH: the whole keyspace sent to Python, filtered there
def tenant_keys(r, tenant_id):
    prefix = f"tenant:{tenant_id}:"
    return {key for key in r.scan_iter(count=1000) if key.startswith(prefix)}


# %% valid=true
# the whole cart namespace in the tag
def cart_keys(user_id):
    return f"{{cart:{user_id}}}:items", f"{{cart:{user_id}}}:total"


# %% valid=true
# user first, cart as the attribute
def cart_keys(user_id):
    tag = "{%s}" % user_id
    return f"user:{tag}:cart-items", f"user:{tag}:cart-total"


# %% valid=true
# a versioned namespace in front (descriptive; keys_readable would call `v2` cryptic)
def cart_keys(user_id):
    return f"v2:cart:{{{user_id}}}:items", f"v2:cart:{{{user_id}}}:total"


# %% wrong="key-readable"
# cryptic abbreviations: c:{42}:i and c:{42}:t
def cart_keys(user_id):
    return f"c:{{{user_id}}}:i", f"c:{{{user_id}}}:t"


# %% wrong="key-namespace"
# four shared tags for every cart (a quarter of all carts per slot)
def cart_keys(user_id):
    bucket = user_id % 4
    return f"cart:{{{bucket}}}:{user_id}:items", f"cart:{{{bucket}}}:{user_id}:total"


# %% valid=true
# the same ids as a list
def kata_violations():
    return ["key-no-numbered-db", "key-namespace", "key-readable", "client-pool-reuse"]


# %% valid=true
# the same ids as a tuple
def kata_violations():
    return ("client-pool-reuse", "key-readable", "key-namespace", "key-no-numbered-db")


# %% wrong="client-error-handling"
# also flags error handling, which the snippet keeps (timeouts, one safe retry, connection errors caught)
def kata_violations():
    return {"key-no-numbered-db", "key-namespace", "key-readable", "client-pool-reuse", "client-error-handling"}


# %% wrong="cmd-scan-not-keys"
# one SCAN call with COUNT 100,000: the whole keyspace examined in one call
def tenant_keys(r, tenant_id):
    return set(r.scan_iter(match=f"tenant:{tenant_id}:*", count=100_000))


# %% wrong="correctness"
# a sorted list, not a set
def tenant_keys(r, tenant_id):
    return sorted(r.scan_iter(match=f"tenant:{tenant_id}:*", count=500))


# %% valid=true
# MATCH on a wider prefix, the tenant's namespace checked again in Python
def tenant_keys(r, tenant_id):
    prefix = f"tenant:{tenant_id}:"
    return {k for k in r.scan_iter(match=f"tenant:{tenant_id}*", count=1000) if k.startswith(prefix)}


# %% wrong="key-namespace"
# users bucketed by the thousand: {user_id // 1000} tags
def cart_keys(user_id):
    tag = user_id // 1000
    return f"cart:{{{tag}}}:{user_id}:items", f"cart:{{{tag}}}:{user_id}:total"


# %% valid=true
# a two-item list, the tag built once
def cart_keys(user_id):
    base = "cart:{%d}" % user_id
    return [base + ":items", base + ":total"]


# %% wrong="ttl-always"
# written with DEL + SETRANGE: a string with no TTL at all
def save_for_tenant(r, tenant_id, name, value):
    key = f"tenant:{tenant_id}:{name}"
    r.delete(key)
    r.setrange(key, 0, value)


def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="key-no-numbered-db"
# a client of its own on the tenant's database, made from the pool's settings
import redis as _redis


def save_for_tenant(r, tenant_id, name, value):
    kwargs = dict(r.connection_pool.connection_kwargs, db=tenant_id)
    pool = _redis.ConnectionPool(connection_class=r.connection_pool.connection_class, **kwargs)
    _redis.Redis(connection_pool=pool).set(f"tenant:{tenant_id}:{name}", value, ex=3600)


def load_for_tenant(r, tenant_id, name):
    kwargs = dict(r.connection_pool.connection_kwargs, db=tenant_id)
    pool = _redis.ConnectionPool(connection_class=r.connection_pool.connection_class, **kwargs)
    return _redis.Redis(connection_pool=pool).get(f"tenant:{tenant_id}:{name}")


# %% valid=true
# a hash with one field, HSET and EXPIRE in one MULTI/EXEC, read back with HGET
def save_for_tenant(r, tenant_id, name, value):
    key = f"tenant:{tenant_id}:{name}"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, "value", value)
        pipe.expire(key, 3600)
        pipe.execute()


def load_for_tenant(r, tenant_id, name):
    return r.hget(f"tenant:{tenant_id}:{name}", "value")
