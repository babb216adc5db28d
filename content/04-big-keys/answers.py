# Lesson 04-big-keys: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="key-size-limit"
# whole profile as one JSON string (with a TTL)
def save_profile(r, user_id, profile, ttl=3600):
    r.set(f"user:{user_id}:profile", json.dumps(profile), ex=ttl)


def profile_field(r, user_id, field):
    return json.loads(r.get(f"user:{user_id}:profile")).get(field)


# %% wrong="ttl-always"
# hash, but EXPIRE sent separately (not atomic)
def save_profile(r, user_id, profile, ttl=3600):
    r.hset(f"user:{user_id}:profile", mapping=profile)
    r.expire(f"user:{user_id}:profile", ttl)


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="ttl-always"
# hash with no TTL at all
def save_profile(r, user_id, profile, ttl=3600):
    r.hset(f"user:{user_id}:profile", mapping=profile)


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="key-size-limit"
# reads one field by downloading the whole hash
def save_profile(r, user_id, profile, ttl=3600):
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(f"user:{user_id}:profile", mapping=profile)
        pipe.expire(f"user:{user_id}:profile", ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hgetall(f"user:{user_id}:profile").get(field)


# %% wrong="ttl-always"
# TTL hard-coded to 3600 (ignores the ttl argument)
def save_profile(r, user_id, profile, ttl=3600):
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(f"user:{user_id}:profile", mapping=profile)
        pipe.expire(f"user:{user_id}:profile", 3600)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="key-size-limit"
# one 3 MB value under a single chunk key
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    r.set(f"blob:{name}:chunk:0", data, ex=ttl)
    r.set(f"blob:{name}:chunks", 1, ex=ttl)
    return 6


def load_blob(r, name):
    return r.get(f"blob:{name}:chunk:0")


# %% wrong="ttl-always"
# chunks without TTLs
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    for i in range(count):
        r.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size])
    r.set(f"blob:{name}:chunks", count)
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = [r.get(f"blob:{name}:chunk:{i}") for i in range(int(count))]
    return None if None in chunks else b"".join(chunks)


# %% wrong="correctness"
# returns half a blob when a chunk has expired
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, ex=ttl)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = [r.get(f"blob:{name}:chunk:{i}") for i in range(int(count))]
    return b"".join(c for c in chunks if c is not None)


# %% wrong="correctness"
# chunk count rounded down (loses the tail)
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = len(data) // chunk_size
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, ex=ttl)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = [r.get(f"blob:{name}:chunk:{i}") for i in range(int(count))]
    return None if None in chunks else b"".join(chunks)


# %% wrong="key-namespace"
# chunk keys without a namespace
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    for i in range(count):
        r.set(f"{name}_chunk_{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
    r.set(f"{name}_chunks", count, ex=ttl)
    return count


def load_blob(r, name):
    count = r.get(f"{name}_chunks")
    if count is None:
        return None
    chunks = [r.get(f"{name}_chunk_{i}") for i in range(int(count))]
    return None if None in chunks else b"".join(chunks)


# %% wrong="cmd-scan-not-keys"
# KEYS instead of SCAN
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": r.strlen, "hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    for key in r.keys(match):
        kind = r.type(key)
        size = probes[kind](key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="correctness"
# keys exactly at the limit reported (>=)
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": r.strlen, "hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    for key in r.scan_iter(match=match):
        kind = r.type(key)
        size = probes[kind](key)
        if size >= (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="key-size-limit"
# measures sizes by downloading the values
def find_big_keys(r, match, max_bytes, max_items):
    big = {}
    for key in r.scan_iter(match=match):
        kind = r.type(key)
        if kind == "string":
            size = len(r.get(key))
        elif kind == "hash":
            size = len(r.hgetall(key))
        elif kind == "list":
            size = len(r.lrange(key, 0, -1))
        elif kind == "set":
            size = len(r.smembers(key))
        else:
            size = len(r.zrange(key, 0, -1))
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="cmd-scan-not-keys"
# one SCAN call, no cursor loop
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": r.strlen, "hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    _, keys = r.scan(0, match=match)
    for key in keys:
        kind = r.type(key)
        size = probes[kind](key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="correctness"
# strings and hashes only
def find_big_keys(r, match, max_bytes, max_items):
    big = {}
    for key in r.scan_iter(match=match):
        kind = r.type(key)
        if kind == "string" and r.strlen(key) > max_bytes:
            big[key] = r.strlen(key)
        elif kind == "hash" and r.hlen(key) > max_items:
            big[key] = r.hlen(key)
    return big


# %% wrong="key-readable"
# the whole SQL text in the key
def cache_query(r, sql, result, ttl=300):
    key = f"query:{sql}"
    r.set(key, result, ex=ttl)
    return key


# %% wrong="correctness"
# MD5 instead of the agreed SHA-1
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.md5(sql.encode()).hexdigest()}"
    r.set(key, result, ex=ttl)
    return key


# %% wrong="ttl-always"
# short key but no TTL
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode()).hexdigest()}"
    r.set(key, result)
    return key


# %% wrong="ttl-always"
# TTL hard-coded to 300 (ignores the ttl argument)
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode()).hexdigest()}"
    r.set(key, result, ex=300)
    return key


# %% wrong="cmd-scan-not-keys"
# misses the KEYS call
def kata_violations():
    return {"key-size-limit", "ttl-always", "key-readable"}


# %% wrong="key-size-limit"
# misses the 5 MB report
def kata_violations():
    return {"ttl-always", "key-readable", "cmd-scan-not-keys"}


# %% wrong="key-namespace"
# adds key-namespace, which the snippet keeps
def kata_violations():
    return {"key-size-limit", "ttl-always", "key-readable", "cmd-scan-not-keys", "key-namespace"}


# %% wrong="key-size-limit"
# a single id as a string
def kata_violations():
    return "key-size-limit"


# ---- corpus-B additions (triage of lessons 04-06) ---------------------------------------------------

# %% valid=true
# explicit MULTI, one HSET per field, timedelta TTL; HMGET to read
from datetime import timedelta


def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    pipe = r.pipeline(transaction=True)
    pipe.multi()
    for field, value in profile.items():
        pipe.hset(key, field, value)
    pipe.expire(key, timedelta(seconds=ttl))
    pipe.execute()


def profile_field(r, user_id, field):
    return r.hmget(f"user:{user_id}:profile", [field])[0]


# %% valid=true
# r.transaction() (WATCH + MULTI/EXEC) with a flattened items= list
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"

    def write(pipe):
        pipe.multi()
        pipe.hset(key, items=[part for pair in profile.items() for part in pair])
        pipe.expire(key, ttl)

    r.transaction(write, key)


def profile_field(r, user_id, field):
    value = r.hget(f"user:{user_id}:profile", field)
    if value is None:
        return None
    return value


# %% valid=true
# small fields and big fields in two HSETs, same transaction
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    small = {f: v for f, v in profile.items() if len(v) < 10_000}
    big = {f: v for f, v in profile.items() if len(v) >= 10_000}
    with r.pipeline(transaction=True) as pipe:
        if small:
            pipe.hset(key, mapping=small)
        if big:
            pipe.hset(key, mapping=big)
        pipe.expire(key, ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="ttl-always"
# HSET + EXPIRE in a NON-transactional pipeline (task says same MULTI/EXEC)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=False) as pipe:
        pipe.hset(key, mapping=profile)
        pipe.expire(key, ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="ttl-always"
# EXPIRE queued before HSET in the transaction (expires nothing: the key does not exist yet)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.expire(key, ttl)
        pipe.hset(key, mapping=profile)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="ttl-always"
# TTL hard-coded to 60 s (ignores the ttl argument; within both "<= ttl" bounds)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping=profile)
        pipe.expire(key, 60)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="ttl-always"
# TTL in the wrong unit: PEXPIRE ttl (milliseconds)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping=profile)
        pipe.pexpire(key, ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="correctness"
# stores every value JSON-quoted (wrong values, nothing to do with size)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={f: json.dumps(v) for f, v in profile.items()})
        pipe.expire(key, ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    value = r.hget(f"user:{user_id}:profile", field)
    return None if value is None else json.loads(value)


# %% valid=true
# one HSET per field in sorted order, same transaction (the profile is now ~0.7 MB in all: the key is under 1 MB)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        for field, value in sorted(profile.items()):
            pipe.hset(key, field, value)
        pipe.expire(key, ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="key-namespace"
# also keeps a flat, un-namespaced index of profile ids (with a TTL, in the transaction)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping=profile)
        pipe.expire(key, ttl)
        pipe.sadd("profiles", user_id)
        pipe.expire("profiles", ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% valid=true
# chunks and count in one MULTI/EXEC; load reads count and chunks in one MULTI/EXEC (no mixed versions)
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=True) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, ex=ttl)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    with r.pipeline(transaction=True) as pipe:
        pipe.get(f"blob:{name}:chunks")
        for i in range(int(count)):
            pipe.get(f"blob:{name}:chunk:{i}")
        again, *chunks = pipe.execute()
    if again != count or None in chunks:
        return None
    return b"".join(chunks)


# %% valid=true
# range() stepping + memoryview slices, px= TTL; load with one MGET
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    view = memoryview(data)
    starts = range(0, len(data), chunk_size)
    pipe = r.pipeline(transaction=False)
    for i, start in enumerate(starts):
        pipe.set(f"blob:{name}:chunk:{i}", bytes(view[start : start + chunk_size]), px=ttl * 1000)
    pipe.set(f"blob:{name}:chunks", str(len(starts)), px=ttl * 1000)
    pipe.execute()
    return len(starts)


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = r.mget([f"blob:{name}:chunk:{i}" for i in range(int(count))])
    return None if any(c is None for c in chunks) else b"".join(chunks)


# %% valid=true
# timedelta TTLs, plain loop of GETs with an early return on the first missing chunk
from datetime import timedelta


def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    chunks = [data[i : i + chunk_size] for i in range(0, len(data), chunk_size)]
    with r.pipeline(transaction=False) as pipe:
        for i, chunk in enumerate(chunks):
            pipe.set(f"blob:{name}:chunk:{i}", chunk, ex=timedelta(seconds=ttl))
        pipe.set(f"blob:{name}:chunks", len(chunks), ex=timedelta(seconds=ttl))
        pipe.execute()
    return len(chunks)


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    parts = []
    for i in range(int(count)):
        part = r.get(f"blob:{name}:chunk:{i}")
        if part is None:
            return None
        parts.append(part)
    return b"".join(parts)


# %% wrong="correctness"
# load finds chunks by SCAN and sorts the keys as text: chunk:10 sorts before chunk:2 (breaks past 10 chunks)
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, ex=ttl)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    keys = sorted(r.scan_iter(match=f"blob:{name}:chunk:*", count=100))
    if len(keys) != int(count):
        return None
    chunks = [r.get(k) for k in keys]
    return None if None in chunks else b"".join(chunks)


# %% valid=true
# no pipeline, count written first, chunks read one by one (one writer per blob, as the task states)
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    r.set(f"blob:{name}:chunks", count, ex=ttl)
    for i in range(count):
        r.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = [r.get(f"blob:{name}:chunk:{i}") for i in range(int(count))]
    return None if None in chunks else b"".join(chunks)


# %% wrong="ttl-always"
# TTL hard-coded to 60 s on every chunk (ignores the ttl argument)
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=60)
        pipe.set(f"blob:{name}:chunks", count, ex=60)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = r.mget([f"blob:{name}:chunk:{i}" for i in range(int(count))])
    return None if None in chunks else b"".join(chunks)


# %% wrong="ttl-always"
# TTL in the wrong unit: px=ttl (milliseconds)
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], px=ttl)
        pipe.set(f"blob:{name}:chunks", count, px=ttl)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = r.mget([f"blob:{name}:chunk:{i}" for i in range(int(count))])
    return None if None in chunks else b"".join(chunks)


# %% wrong="ttl-always"
# count key written with KEEPTTL (a new key keeps "no TTL")
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, keepttl=True)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = r.mget([f"blob:{name}:chunk:{i}" for i in range(int(count))])
    return None if None in chunks else b"".join(chunks)


# %% valid=true
# scan_iter + TYPE + a table of bound probe methods (the hint's route)
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": r.strlen, "hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    for key in r.scan_iter(match=match, count=50):
        kind = r.type(key)
        if kind not in probes:
            continue
        size = probes[kind](key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% valid=true
# one SCAN pass per type with SCAN ... TYPE, so no TYPE round trip per key
def find_big_keys(r, match, max_bytes, max_items):
    passes = [("string", r.strlen, max_bytes), ("hash", r.hlen, max_items), ("list", r.llen, max_items),
              ("set", r.scard, max_items), ("zset", r.zcard, max_items)]
    big = {}
    for kind, probe, limit in passes:
        for key in r.scan_iter(match=match, count=100, _type=kind):
            size = probe(key)
            if size > limit:
                big[key] = size
    return big


# %% valid=true
# manual SCAN cursor loop; each page measured server-side by one Lua script (sizes only come back)
MEASURE = """
local out = {}
for i, key in ipairs(KEYS) do
  local t = redis.call('TYPE', key)['ok']
  local size = -1
  if t == 'string' then size = redis.call('STRLEN', key)
  elseif t == 'hash' then size = redis.call('HLEN', key)
  elseif t == 'list' then size = redis.call('LLEN', key)
  elseif t == 'set' then size = redis.call('SCARD', key)
  elseif t == 'zset' then size = redis.call('ZCARD', key) end
  out[#out + 1] = t
  out[#out + 1] = size
end
return out
"""


def find_big_keys(r, match, max_bytes, max_items):
    measure = r.register_script(MEASURE)
    big, cursor = {}, 0
    while True:
        cursor, keys = r.scan(cursor=cursor, match=match, count=100)
        if keys:
            flat = measure(keys=keys)
            for key, kind, size in zip(keys, flat[0::2], flat[1::2], strict=True):
                if size >= 0 and size > (max_bytes if kind == "string" else max_items):
                    big[key] = size
        if int(cursor) == 0:
            return big


# %% wrong="cmd-scan-not-keys"
# ONE SCAN call with a huge COUNT and no cursor loop (the fixture fits one page)
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": r.strlen, "hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    _, keys = r.scan(0, match=match, count=100_000)
    for key in keys:
        kind = r.type(key)
        size = probes[kind](key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="key-size-limit"
# sets and sorted sets counted by downloading them (SSCAN, ZRANGEBYSCORE: not on the grader's list)
def find_big_keys(r, match, max_bytes, max_items):
    big = {}
    for key in r.scan_iter(match=match):
        kind = r.type(key)
        if kind == "string":
            size = r.strlen(key)
        elif kind == "hash":
            size = r.hlen(key)
        elif kind == "list":
            size = r.llen(key)
        elif kind == "set":
            size = len(list(r.sscan_iter(key)))
        else:
            size = len(r.zrangebyscore(key, "-inf", "+inf"))
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="key-size-limit"
# strings measured with GET (the value downloaded), collections probed properly
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    for key in r.scan_iter(match=match):
        kind = r.type(key)
        size = len(r.get(key).encode()) if kind == "string" else probes[kind](key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="cmd-scan-not-keys"
# KEYS hidden inside a Lua script (EVAL), sizes measured client-side
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": r.strlen, "hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    for key in r.eval("return redis.call('KEYS', ARGV[1])", 0, match):
        kind = r.type(key)
        size = probes[kind](key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% valid=true
# setex (time first) instead of set(ex=)
def cache_query(r, sql, result, ttl=300):
    key = "query:" + hashlib.sha1(sql.encode("utf-8")).hexdigest()
    r.setex(key, ttl, result)
    return key


# %% valid=true
# hashlib.new + a timedelta TTL
from datetime import timedelta


def cache_query(r, sql, result, ttl=300):
    digest = hashlib.new("sha1", sql.encode()).hexdigest()
    key = f"query:{digest}"
    r.set(key, result, ex=timedelta(seconds=ttl))
    return key


# %% valid=true
# SET + EXPIRE in one MULTI/EXEC
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    with r.pipeline(transaction=True) as pipe:
        pipe.set(key, result)
        pipe.expire(key, ttl)
        pipe.execute()
    return key


# %% valid=true
# psetex in milliseconds
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    r.psetex(key, ttl * 1000, result)
    return key


# %% wrong="ttl-always"
# SET ... KEEPTTL on a new key, then a separate EXPIRE (not atomic)
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    r.set(key, result, keepttl=True)
    r.expire(key, ttl)
    return key


# %% wrong="ttl-always"
# TTL hard-coded to 60 s (ignores the ttl argument; the hidden test happens to pass ttl=60)
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    r.set(key, result, ex=60)
    return key


# %% wrong="ttl-always"
# TTL in the wrong unit: px=ttl
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    r.set(key, result, px=ttl)
    return key


# %% wrong="ttl-always"
# SET without a TTL inside EVAL (the command log sees only EVAL)
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    r.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, key, result)
    return key


# %% wrong="correctness"
# SHA-1 digest upper-cased (not the agreed key every service computes)
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest().upper()}"
    r.set(key, result, ex=ttl)
    return key


# %% valid=true
# the same ids as a list
def kata_violations():
    return ["cmd-scan-not-keys", "key-readable", "key-size-limit", "ttl-always"]


# %% valid=true
# the same ids as a tuple
def kata_violations():
    return ("ttl-always", "key-size-limit", "key-readable", "cmd-scan-not-keys")


# %% wrong="key-no-numbered-db"
# query cache kept in numbered database 1 (SELECT on the pooled connection)
def cache_query(r, sql, result, ttl=300):
    key = f"query:{hashlib.sha1(sql.encode('utf-8')).hexdigest()}"
    r.execute_command("SELECT", 1)  # the query cache lives in db 1
    r.set(key, result, ex=ttl)
    return key


# ---- FIX-2 additions --------------------------------------------------------------------------------

# %% wrong="key-size-limit"
# also keeps the whole profile as JSON in one extra field (each field < 1 MB, the key ~1.4 MB)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={**profile, "as_json": json.dumps(profile)})
        pipe.expire(key, ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="key-size-limit"
# reads the field with HSCAN over every field (downloads the whole profile a page at a time)
def save_profile(r, user_id, profile, ttl=3600):
    key = f"user:{user_id}:profile"
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping=profile)
        pipe.expire(key, ttl)
        pipe.execute()


def profile_field(r, user_id, field):
    for name, value in r.hscan_iter(f"user:{user_id}:profile"):
        if name == field:
            return value
    return None


# %% valid=true
# HSET + EXPIRE in one Lua script (atomic, like MULTI/EXEC); HMGET to read
SAVE_PROFILE = """
for i = 1, #ARGV - 1, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[#ARGV])
"""


def save_profile(r, user_id, profile, ttl=3600):
    args = [part for pair in profile.items() for part in pair] + [ttl]
    r.eval(SAVE_PROFILE, 1, f"user:{user_id}:profile", *args)


def profile_field(r, user_id, field):
    return r.hmget(f"user:{user_id}:profile", field)[0]


# %% wrong="ttl-always"
# profile written with a TTL in a Lua script that forgets the EXPIRE
def save_profile(r, user_id, profile, ttl=3600):
    args = [part for pair in profile.items() for part in pair]
    r.eval("for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end", 1,
           f"user:{user_id}:profile", *args)


def profile_field(r, user_id, field):
    return r.hget(f"user:{user_id}:profile", field)


# %% wrong="correctness"
# chunk i is cut at i * chunk_size but one byte short (data[start : end - 1])
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size - 1], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, ex=ttl)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = r.mget([f"blob:{name}:chunk:{i}" for i in range(int(count))])
    return None if None in chunks else b"".join(chunks)


# %% wrong="correctness"
# load checks only the last chunk for a miss (a lost first chunk returns a shortened blob)
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = math.ceil(len(data) / chunk_size)
    with r.pipeline(transaction=False) as pipe:
        for i in range(count):
            pipe.set(f"blob:{name}:chunk:{i}", data[i * chunk_size : (i + 1) * chunk_size], ex=ttl)
        pipe.set(f"blob:{name}:chunks", count, ex=ttl)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    chunks = r.mget([f"blob:{name}:chunk:{i}" for i in range(int(count))])
    if chunks[-1] is None:
        return None
    return b"".join(c for c in chunks if c is not None)


# %% valid=true
# setex for every key inside one MULTI/EXEC; ceiling division by negation; load checks every part is bytes
def save_blob(r, name, data, chunk_size=CHUNK_SIZE, ttl=3600):
    count = -(-len(data) // chunk_size)
    with r.pipeline(transaction=True) as pipe:
        for i in range(count):
            pipe.setex(f"blob:{name}:chunk:{i}", ttl, data[i * chunk_size : (i + 1) * chunk_size])
        pipe.setex(f"blob:{name}:chunks", ttl, count)
        pipe.execute()
    return count


def load_blob(r, name):
    count = r.get(f"blob:{name}:chunks")
    if count is None:
        return None
    keys = [f"blob:{name}:chunk:{i}" for i in range(int(count))]
    with r.pipeline(transaction=False) as pipe:
        for key in keys:
            pipe.get(key)
        parts = pipe.execute()
    if not all(isinstance(p, bytes) for p in parts):
        return None
    return b"".join(parts)


# %% wrong="cmd-scan-not-keys"
# one SCAN call of COUNT 1000 (the largest allowed page) and no cursor loop: the keyspace has more
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": r.strlen, "hash": r.hlen, "list": r.llen, "set": r.scard, "zset": r.zcard}
    big = {}
    _, keys = r.scan(0, match=match, count=1000)
    for key in keys:
        kind = r.type(key)
        size = probes[kind](key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% wrong="key-size-limit"
# hashes measured with HKEYS, lists with LRANGE (the members come back)
def find_big_keys(r, match, max_bytes, max_items):
    big = {}
    for key in r.scan_iter(match=match, count=500):
        kind = r.type(key)
        if kind == "string":
            size = r.strlen(key)
        elif kind == "hash":
            size = len(r.hkeys(key))
        elif kind == "list":
            size = len(r.lrange(key, 0, -1))
        elif kind == "set":
            size = r.scard(key)
        else:
            size = r.zcard(key)
        if size > (max_bytes if kind == "string" else max_items):
            big[key] = size
    return big


# %% valid=true
# scan_iter with COUNT 1000, probes pipelined per batch of 100 keys
def find_big_keys(r, match, max_bytes, max_items):
    probes = {"string": "STRLEN", "hash": "HLEN", "list": "LLEN", "set": "SCARD", "zset": "ZCARD"}
    big, batch = {}, []

    def flush():
        pipe = r.pipeline(transaction=False)
        for key in batch:
            pipe.type(key)
        kinds = pipe.execute()
        pipe = r.pipeline(transaction=False)
        known = [(k, t) for k, t in zip(batch, kinds, strict=True) if t in probes]
        for key, kind in known:
            pipe.execute_command(probes[kind], key)
        for (key, kind), size in zip(known, pipe.execute(), strict=True):
            if size > (max_bytes if kind == "string" else max_items):
                big[key] = size
        batch.clear()

    for key in r.scan_iter(match=match, count=1000):
        batch.append(key)
        if len(batch) == 100:
            flush()
    if batch:
        flush()
    return big


# %% wrong="ttl-always"
# SET ... KEEPTTL, then EXPIRE in a later command
from datetime import timedelta


def cache_query(r, sql, result, ttl=300):
    key = "query:" + hashlib.sha1(sql.encode("utf-8")).hexdigest()
    r.set(key, result, keepttl=True)
    r.expire(key, timedelta(seconds=ttl))
    return key


# %% valid=true
# set with exat= (an absolute expiry time, ttl seconds from now)
def cache_query(r, sql, result, ttl=300):
    key = "query:" + hashlib.sha1(sql.encode("utf-8")).hexdigest()
    r.set(key, result, exat=int(time.time()) + ttl)
    return key


# %% valid=true
# pipeline(transaction=True) via r.pipeline() default; the field read by a registered Lua script (EVALSHA)
def save_profile(r, user_id, profile, ttl=3600):
    pipe = r.pipeline()
    pipe.hset(f"user:{user_id}:profile", mapping=profile).expire(f"user:{user_id}:profile", ttl)
    pipe.execute()


def profile_field(r, user_id, field):
    read = r.register_script("return redis.call('HGET', KEYS[1], ARGV[1])")
    value = read(keys=[f"user:{user_id}:profile"], args=[field])
    return None if value is None else value


# %% wrong="key-size-limit"
# the four ids plus one the task does not offer (client-error-handling: json.loads(None) on a miss)
def kata_violations():
    return {"key-size-limit", "ttl-always", "key-readable", "cmd-scan-not-keys", "client-error-handling"}
