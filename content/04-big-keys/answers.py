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


# %% wrong="key-size-limit"
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


# %% wrong="key-size-limit"
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


# %% wrong="key-size-limit"
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


# %% wrong="key-size-limit"
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


# %% wrong="key-size-limit"
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


# %% wrong="key-readable"
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
