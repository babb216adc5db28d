# Lesson 02-ttl: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="ttl-always"
# trusts redis-py: ex=None writes a key with no TTL
def cache_set(r, key, value, ttl_seconds):
    r.set(key, value, ex=ttl_seconds)


# %% wrong="ttl-always"
# validates, then SET and EXPIRE in two commands
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds!r}")
    r.set(key, value)
    r.expire(key, ttl_seconds)


# %% wrong="ttl-always"
# rejects only None; the server rejects 0 with a ResponseError
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None:
        raise ValueError("a TTL is required")
    r.set(key, value, ex=ttl_seconds)


# %% wrong="ttl-always"
# ValueError that does not say what is wrong
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or ttl_seconds <= 0:
        raise ValueError("invalid argument")
    r.set(key, value, ex=ttl_seconds)


# %% wrong="ttl-always"
# silently falls back to a default TTL instead of rejecting
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or ttl_seconds <= 0:
        ttl_seconds = 300
    r.set(key, value, ex=ttl_seconds)


# %% wrong="ttl-always"
# off by one: rejects a TTL of 1 second
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or ttl_seconds <= 1:
        raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds!r}")
    r.set(key, value, ex=ttl_seconds)


# %% wrong="cmd-scan-not-keys"
# right keys, found with KEYS
def find_keys_without_ttl(r, pattern):
    return {key for key in r.keys(pattern) if r.ttl(key) == -1}


# %% wrong="cmd-scan-not-keys"
# KEYS through execute_command
def find_keys_without_ttl(r, pattern):
    return {key for key in r.execute_command("KEYS", pattern) if r.ttl(key) == -1}


# %% wrong="cmd-scan-not-keys"
# KEYS hidden inside a Lua script
def find_keys_without_ttl(r, pattern):
    script = "local out = {} for _, k in ipairs(redis.call('KEYS', ARGV[1])) do " \
             "if redis.call('TTL', k) == -1 then table.insert(out, k) end end return out"
    return set(r.eval(script, 0, pattern))


# %% wrong="ttl-always"
# one SCAN page only, cursor ignored
def find_keys_without_ttl(r, pattern):
    cursor, keys = r.scan(0, match=pattern)
    return {key for key in keys if r.ttl(key) == -1}


# %% wrong="ttl-always"
# tests the TTL for truthiness (every TTL is truthy)
def find_keys_without_ttl(r, pattern):
    return {key for key in r.scan_iter(match=pattern) if r.ttl(key)}


# %% wrong="ttl-always"
# hard-coded for the visible example
def find_keys_without_ttl(r, pattern):
    list(r.scan_iter(match=pattern))
    return {"user:7:profile", "user:123:profile", "user:250:profile", "user:42:settings"}


# %% wrong="ttl-always"
# plain SET: drops the TTL
def update_cached(r, key, value):
    return bool(r.set(key, value, xx=True))


# %% wrong="ttl-always"
# KEEPTTL without XX: resurrects a missing key with no TTL
def update_cached(r, key, value):
    return bool(r.set(key, value, keepttl=True))


# %% wrong="ttl-always"
# reads the TTL and writes it back (races the clock)
def update_cached(r, key, value):
    left = r.pttl(key)
    if left < 0:
        return False
    r.set(key, value, px=left)
    return True


# %% wrong="ttl-always"
# checks EXISTS, then SET KEEPTTL (a gap between the two)
def update_cached(r, key, value):
    if not r.exists(key):
        return False
    r.set(key, value, keepttl=True)
    return True


# %% wrong="ttl-always"
# resets the TTL to a fresh hour
def update_cached(r, key, value):
    return bool(r.set(key, value, ex=3600, xx=True))


# %% wrong="ttl-always"
# no jitter at all
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    r.set(key, value, ex=base_ttl)
    return base_ttl


# %% wrong="ttl-always"
# jitter in the wrong direction (expires early)
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = random.randint(math.ceil(base_ttl * (1 - jitter)), base_ttl)
    r.set(key, value, ex=ttl)
    return ttl


# %% wrong="ttl-always"
# symmetric jitter, plus or minus
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = round(base_ttl * (1 + random.uniform(-jitter, jitter)))
    r.set(key, value, ex=ttl)
    return ttl


# %% wrong="ttl-always"
# random extra drawn once, the same for every key
_EXTRA = random.random()

def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = base_ttl + int(base_ttl * jitter * _EXTRA)
    r.set(key, value, ex=ttl)
    return ttl


# %% wrong="ttl-always"
# a jitter of at most one second
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = base_ttl + random.randint(0, 1)
    r.set(key, value, ex=ttl)
    return ttl


# %% wrong="ttl-always"
# hard-coded 600–660 for the visible example
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = random.randint(600, 660)
    r.set(key, value, ex=ttl)
    return ttl


# %% wrong="ttl-always"
# jittered, but SET then EXPIRE
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = random.randint(base_ttl, math.floor(base_ttl * (1 + jitter)))
    r.set(key, value)
    r.expire(key, ttl)
    return ttl


# %% wrong="cmd-scan-not-keys"
# misses the KEYS in the audit
def kata_violations():
    return {"ttl-always"}


# %% wrong="client-pool-reuse"
# blames the shared pool
def kata_violations():
    return {"ttl-always", "cmd-scan-not-keys", "client-pool-reuse"}


# %% wrong="pattern-cache-aside"
# counts the missing TTL under cache-aside instead
def kata_violations():
    return {"pattern-cache-aside", "cmd-scan-not-keys"}
