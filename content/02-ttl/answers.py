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


# %% wrong="correctness"
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


# %% wrong="cmd-scan-not-keys"
# one SCAN page only, cursor ignored
def find_keys_without_ttl(r, pattern):
    cursor, keys = r.scan(0, match=pattern)
    return {key for key in keys if r.ttl(key) == -1}


# %% wrong="correctness"
# tests the TTL for truthiness (every TTL is truthy)
def find_keys_without_ttl(r, pattern):
    return {key for key in r.scan_iter(match=pattern) if r.ttl(key)}


# %% wrong="correctness"
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


# %% valid=true
# SETEX after the guard
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be > 0, got {ttl_seconds!r}")
    r.setex(key, ttl_seconds, value)


# %% valid=true
# a more specific ValueError subclass, TTL as a timedelta
from datetime import timedelta


class InvalidTTL(ValueError):
    """A cache write was asked for without a usable TTL."""


def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or not ttl_seconds > 0:
        raise InvalidTTL(f"TTL must be a positive number of seconds, not {ttl_seconds!r}")
    r.set(key, value, ex=timedelta(seconds=ttl_seconds))


# %% valid=true
# milliseconds (px=) inside a MULTI/EXEC
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds!r}")
    with r.pipeline(transaction=True) as pipe:
        pipe.set(key, value, px=int(ttl_seconds * 1000))
        pipe.execute()


# %% valid=true
# message names the problem in other words: "expiry must be positive" (issue case)
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None or ttl_seconds <= 0:
        raise ValueError(f"expiry must be positive, got {ttl_seconds!r}")
    r.set(key, value, ex=ttl_seconds)


# %% valid=true
# message in terms of the task's own words: "an expiry time in seconds is required"
def cache_set(r, key, value, ttl_seconds):
    if ttl_seconds is None:
        raise ValueError("an expiry time in seconds is required")
    if ttl_seconds <= 0:
        raise ValueError(f"expire time must be > 0 seconds, got {ttl_seconds}")
    r.set(key, value, ex=ttl_seconds)


# %% valid=true
# manual SCAN cursor loop, TTLs read a page at a time in a pipeline
def find_keys_without_ttl(r, pattern):
    found, cursor = set(), 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=500)
        if keys:
            with r.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.ttl(key)
                found.update(k for k, ttl in zip(keys, pipe.execute()) if ttl == -1)
        if cursor == 0:
            return found


# %% valid=true
# PTTL instead of TTL, default COUNT
def find_keys_without_ttl(r, pattern):
    return {key for key in r.scan_iter(match=pattern) if r.pttl(key) == -1}


# %% valid=true
# a sorted list (the check accepts any collection)
def find_keys_without_ttl(r, pattern):
    return sorted(k for k in r.scan_iter(match=pattern, count=1000) if r.ttl(k) == -1)


# %% wrong="cmd-scan-not-keys"
# one SCAN page of COUNT 1000, cursor ignored (the fixture fits in one page)
def find_keys_without_ttl(r, pattern):
    _, keys = r.scan(0, match=pattern, count=1000)
    return {key for key in keys if r.ttl(key) == -1}


# %% wrong="cmd-scan-not-keys"
# one SCAN call with COUNT 1,000,000: blocks like KEYS
def find_keys_without_ttl(r, pattern):
    return {key for key in r.scan_iter(match=pattern, count=1_000_000) if r.ttl(key) == -1}


# %% wrong="cmd-scan-not-keys"
# SCAN without MATCH: the whole keyspace sent to Python, filtered there
import fnmatch


def find_keys_without_ttl(r, pattern):
    return {k for k in r.scan_iter(count=1000) if fnmatch.fnmatchcase(k, pattern) and r.ttl(k) == -1}


# %% valid=true
# SET ... KEEPTTL XX through execute_command
def update_cached(r, key, value):
    return r.execute_command("SET", key, value, "KEEPTTL", "XX") is not None


# %% valid=true
# one Lua script: SET KEEPTTL only if the key exists (one atomic command)
_UPDATE_IF_EXISTS = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
  return 1
end
return 0
"""


def update_cached(r, key, value):
    return r.eval(_UPDATE_IF_EXISTS, 1, key, value) == 1


# %% valid=true
# SET KEEPTTL XX in a MULTI/EXEC, compared with `is True`
def update_cached(r, key, value):
    with r.pipeline(transaction=True) as pipe:
        pipe.set(key, value, keepttl=True, xx=True)
        (done,) = pipe.execute()
    return done is True


# %% wrong="correctness"
# returns SET's raw reply: None, not False, for a missing key
def update_cached(r, key, value):
    return r.set(key, value, keepttl=True, xx=True)


# %% valid=true
# uniform draw, floored
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = math.floor(random.uniform(base_ttl, base_ttl * (1 + jitter)))
    r.set(key, value, ex=ttl)
    return ttl


# %% valid=true
# SETEX with base + a random extra
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = base_ttl + random.randint(0, int(base_ttl * jitter))
    r.setex(key, ttl, value)
    return ttl


# %% valid=true
# the TTL sent in milliseconds, a SystemRandom source
_rng = random.SystemRandom()


def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = _rng.randint(base_ttl, math.floor(base_ttl * (1 + jitter)))
    r.set(key, value, px=ttl * 1000)
    return ttl


# %% valid=true
# an absolute expiry (EXAT) computed from the drawn TTL
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = random.randint(base_ttl, math.floor(base_ttl * (1 + jitter)))
    r.set(key, value, exat=int(time.time()) + ttl)
    return ttl


# %% wrong="ttl-always"
# top of the range rounded up with ceil: above base_ttl * (1 + jitter) whenever that is not whole (e.g. 50 > 49.5)
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = random.randint(base_ttl, math.ceil(base_ttl * (1 + jitter)))
    r.set(key, value, ex=ttl)
    return ttl


# %% wrong="ttl-always"
# jittered TTL in the wrong unit: px=ttl
def cache_set_jittered(r, key, value, base_ttl, jitter=0.1):
    ttl = random.randint(base_ttl, math.floor(base_ttl * (1 + jitter)))
    r.set(key, value, px=ttl)
    return ttl


# %% valid=true
# the same ids as a list
def kata_violations():
    return ["ttl-always", "cmd-scan-not-keys"]


# %% valid=true
# the same ids as a tuple
def kata_violations():
    return ("cmd-scan-not-keys", "ttl-always")


# %% wrong="client-error-handling"
# also flags error handling, which the hardened port keeps (timeouts, one safe retry, fallback to the database)
def kata_violations():
    return {"ttl-always", "cmd-scan-not-keys", "client-error-handling"}


# %% wrong="client-serialization"
# also flags error handling and serialization, which the hardened port keeps (a corrupt entry is read as a miss)
def kata_violations():
    return {"ttl-always", "cmd-scan-not-keys", "client-error-handling", "client-serialization"}


# %% wrong="ttl-always"
# raises TypeError for a missing TTL (the task asks for ValueError)
def cache_set(r, key, value, ttl_seconds):
    if not isinstance(ttl_seconds, int | float):
        raise TypeError(f"ttl_seconds must be a number, got {ttl_seconds!r}")
    if ttl_seconds <= 0:
        raise ValueError(f"ttl_seconds must be positive, got {ttl_seconds!r}")
    r.set(key, value, ex=ttl_seconds)


# %% wrong="cmd-scan-not-keys"
# KEYS inside Lua, the command name assembled so no pattern spots it
def find_keys_without_ttl(r, pattern):
    script = "local c = 'KE' .. 'YS' local out = {} for _, k in ipairs(redis.call(c, ARGV[1])) do " \
             "if redis.call('TTL', k) == -1 then table.insert(out, k) end end return out"
    return set(r.eval(script, 0, pattern))


# %% valid=true
# SET ... KEEPTTL XX GET: the old value tells whether the key existed
def update_cached(r, key, value):
    return r.set(key, value, keepttl=True, xx=True, get=True) is not None


# %% wrong="ttl-always"
# GET first, then SET KEEPTTL without XX (the key can expire in between)
def update_cached(r, key, value):
    if r.get(key) is None:
        return False
    r.set(key, value, keepttl=True)
    return True
