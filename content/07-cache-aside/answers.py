# Lesson 07-cache-aside: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="ttl-always"
# the standard's bad example: SET with no TTL
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    r.set(key, json.dumps(user))
    return user


# %% wrong="ttl-always"
# SET then EXPIRE (not atomic)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user))
        r.expire(key, 3600)
    return user


# %% wrong="pattern-cache-aside"
# reads the database every time, then caches
def get_user(r, db, user_id):
    user = db.get_user(user_id)
    if user is not None:
        r.set(f"user:{user_id}", json.dumps(user), ex=3600)
    return user


# %% wrong="pattern-cache-aside"
# an in-process memo instead of Redis
_memo = {}

def get_user(r, db, user_id):
    if user_id not in _memo:
        _memo[user_id] = db.get_user(user_id)
    return _memo[user_id]


# %% wrong="client-serialization"
# str() instead of JSON
import ast

def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return ast.literal_eval(cached)
        except (ValueError, SyntaxError):
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, str(user), ex=3600)
    return user


# %% wrong="client-serialization"
# crashes on a corrupt entry
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600)
    return user


# %% wrong="ttl-always"
# caches 'not found' for a full hour
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    r.set(key, json.dumps(user), ex=3600)
    return user


# %% wrong="pattern-cache-aside"
# updates the database only
def rename_user(r, db, user_id, name):
    return db.update_user(user_id, name=name)


# %% wrong="pattern-cache-aside"
# deletes the key before the database write
def rename_user(r, db, user_id, name):
    r.delete(f"user:{user_id}")
    return db.update_user(user_id, name=name)


# %% wrong="pattern-cache-aside"
# overwrites the cached copy with a TTL
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
    return changed


# %% wrong="ttl-always"
# overwrites the cached copy without a TTL
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.set(f"user:{user_id}", json.dumps(db.get_user(user_id)))
    return changed


# %% wrong="pattern-cache-aside"
# deletes the wrong key
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.delete(f"user:{user_id}:profile")
    return changed


# %% wrong="pattern-cache-aside"
# hard-coded for the visible example
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.delete("user:7")
    return changed


# %% wrong="pattern-cache-aside"
# plain cache-aside, no lock
def get_product_protected(r, db, product_id):
    key = f"product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    product = db.get_product(product_id)
    r.set(key, json.dumps(product), ex=300)
    return product


# %% wrong="ttl-always"
# a lock without a TTL
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        if r.set(lock, "1", nx=True):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                r.delete(lock)
        time.sleep(0.02)


# %% wrong="pattern-cache-aside"
# waiters only re-read the cache: a dead holder blocks them forever
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    if r.set(lock, "1", nx=True, ex=5):
        try:
            cached = r.get(key)
            if cached is not None:
                return json.loads(cached)
            product = db.get_product(product_id)
            r.set(key, json.dumps(product), ex=300)
            return product
        finally:
            r.delete(lock)
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        time.sleep(0.02)


# %% wrong="pattern-cache-aside"
# losers of the lock go straight to the database
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    if r.set(lock, "1", nx=True, ex=5):
        try:
            product = db.get_product(product_id)
            r.set(key, json.dumps(product), ex=300)
            return product
        finally:
            r.delete(lock)
    return db.get_product(product_id)


# %% wrong="ttl-always"
# SETNX then EXPIRE (not atomic)
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        if r.setnx(lock, "1"):
            r.expire(lock, 5)
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                r.delete(lock)
        time.sleep(0.02)


# %% wrong="client-error-handling"
# no error handling
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    product = db.get_product(product_id)
    r.set(key, json.dumps(product), ex=300)
    return product


# %% wrong="client-error-handling"
# returns None when the cache is down
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        product = db.get_product(product_id)
        r.set(key, json.dumps(product), ex=300)
        return product
    except Exception:
        return None


# %% wrong="client-error-handling"
# catches ConnectionError only
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.ConnectionError:
        pass
    product = db.get_product(product_id)
    try:
        r.set(key, json.dumps(product), ex=300)
    except redis.ConnectionError:
        pass
    return product


# %% wrong="client-error-handling"
# guards the read but not the write
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
    except redis.RedisError:
        return db.get_product(product_id)
    if cached is not None:
        return json.loads(cached)
    product = db.get_product(product_id)
    r.set(key, json.dumps(product), ex=300)
    return product


# %% wrong="client-error-handling"
# hides a database outage too
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass
    try:
        product = db.get_product(product_id)
    except Exception:
        return None
    try:
        r.set(key, json.dumps(product), ex=300)
    except redis.RedisError:
        pass
    return product


# %% wrong="ttl-always"
# falls back, but caches with no TTL
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass
    product = db.get_product(product_id)
    try:
        r.set(key, json.dumps(product))
    except redis.RedisError:
        pass
    return product


# %% wrong="ttl-always"
# misses the lock without a TTL
def kata_violations():
    return {"client-error-handling", "client-serialization", "pattern-cache-aside"}


# %% wrong="client-serialization"
# misses the serialisation mismatch, blames the pattern
def kata_violations():
    return {"client-error-handling", "pattern-cache-aside", "ttl-always", "pattern-write-through"}


# %% wrong="client-error-handling"
# only the missing TTL
def kata_violations():
    return {"ttl-always"}


# ============================================================================================
# Corpus C (triage): valid alternatives and grader-weakness probes for lesson 07.
# ============================================================================================

# %% valid=true
# C07-ex1 timedelta TTL, early returns, ValueError (JSONDecodeError's base)
from datetime import timedelta

def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except ValueError:
            pass
    user = db.get_user(user_id)
    if user is None:
        return None
    r.set(key, json.dumps(user), ex=timedelta(hours=1))
    return user


# %% valid=true
# C07-ex1 px=3_600_000 and a short negative-cache marker (60 s)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), px=3_600_000)
    else:
        r.set(key, json.dumps(None), ex=60)
    return user


# %% valid=true
# C07-ex1 setex, the standard's own TypeScript idiom
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.setex(key, 3600, json.dumps(user))
    return user


# %% valid=true
# C07-ex1 SET + EXPIRE inside one MULTI/EXEC (atomic)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        with r.pipeline(transaction=True) as pipe:
            pipe.set(key, json.dumps(user))
            pipe.expire(key, 3600)
            pipe.execute()
    return user


# %% valid=true
# C07-ex1 validates the entry's shape (lesson 06): a foreign/partial entry is a miss
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            value = json.loads(cached)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict) and {"id", "name", "email"} <= set(value):
            return value
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600)
    return user


# %% wrong="client-serialization"
# C07-ex1 fills a miss with SET NX EX (lesson 08's advice: never overwrite a writer's fresh value)
# (relabelled from valid: NX also after an unreadable entry, so the corrupt entry is never repaired and every read of
#  that user goes to the database for up to an hour; the task says to overwrite it)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600, nx=True)
    return user


# %% valid=true
# C07-ex1 SET NX EX after a clean miss, a plain SET EX over an unreadable entry
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    corrupt = False
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            corrupt = True
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600, nx=not corrupt)
    return user


# %% valid=true
# C07-ex1 deletes an unreadable entry, then fills with SET NX EX (pipelined GET + TTL read)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    with r.pipeline(transaction=False) as pipe:
        cached, _ttl = pipe.get(key).ttl(key).execute()
    if cached is not None:
        try:
            return json.loads(cached)
        except ValueError:
            r.unlink(key)
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600, nx=True)
    return user


# %% wrong="ttl-always"
# C07-ex1 px=3600: a 3.6-second TTL (wrong unit)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), px=3600)
    return user


# %% wrong="ttl-always"
# C07-ex1 SET KEEPTTL on a brand-new key (no TTL at all)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), keepttl=True)
    return user


# %% wrong="ttl-always"
# C07-ex1 every hit strips the TTL (GETEX PERSIST)
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.getex(key, persist=True)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600)
    return user


# %% wrong="ttl-always"
# C07-ex1 a hit PERSISTs the key ("hot keys should not expire")
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            value = json.loads(cached)
            r.persist(key)
            return value
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600)
    return user


# %% wrong="ttl-always"
# C07-ex1 SET without TTL inside EVAL
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, key, json.dumps(user))
    return user


# %% wrong="ttl-always"
# C07-ex1 one day instead of one hour
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=86400)
    return user


# %% wrong="key-no-numbered-db"
# C07-ex1 SELECTs database 3 for its user cache
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    r.execute_command("SELECT", 3)
    try:
        cached = r.get(key)
        if cached is not None:
            try:
                return json.loads(cached)
            except json.JSONDecodeError:
                pass
        user = db.get_user(user_id)
        if user is not None:
            r.set(key, json.dumps(user), ex=3600)
        return user
    finally:
        r.execute_command("SELECT", 0)


# %% valid=true
# C07-ex2 DEL instead of UNLINK, guarded by the update's result
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    if changed:
        r.delete(f"user:{user_id}")
    return changed


# %% valid=true
# C07-ex2 UNLINK in a MULTI/EXEC pipeline
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    with r.pipeline(transaction=True) as pipe:
        pipe.unlink(f"user:{user_id}")
        pipe.execute()
    return changed


# %% valid=true
# C07-ex2 delayed double delete (the lesson's own remedy): delete, update, delete again
def rename_user(r, db, user_id, name):
    key = f"user:{user_id}"
    r.unlink(key)
    changed = db.update_user(user_id, name=name)
    r.unlink(key)
    return changed


# %% valid=true
# C07-ex2 write, delete, then a delayed second delete
def rename_user(r, db, user_id, name):
    key = f"user:{user_id}"
    changed = db.update_user(user_id, name=name)
    r.unlink(key)
    time.sleep(0.05)
    r.unlink(key)
    return changed


# %% wrong="pattern-cache-aside"
# C07-ex2 FLUSHDB after the write: every user's cache goes
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.flushdb()
    return changed


# %% wrong="pattern-cache-aside"
# C07-ex2 unlinks every cached user (SCAN user:*) after one rename
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    keys = list(r.scan_iter(match="user:*", count=1000))
    if keys:
        r.unlink(*keys)
    return changed


# %% wrong="cmd-scan-not-keys"
# C07-ex2 finds the key with KEYS (right key deleted)
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    for key in r.keys(f"user:{user_id}"):
        r.unlink(key)
    return changed


# %% wrong="client-serialization"
# C07-ex3 uuid token, px lock, Lua compare-and-delete release (register_script)
# (relabelled from valid: json.loads unguarded, so a corrupt product:<id> crashes every caller, which the task now
#  rules out; it also calls a script bound to the first client it ever saw, not the `r` it is given)
import uuid

_release = None

def get_product_protected(r, db, product_id):
    global _release
    if _release is None:
        _release = r.register_script(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0")
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    token = uuid.uuid4().hex
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        if r.set(lock, token, nx=True, px=5000):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                _release(keys=[lock], args=[token])
        time.sleep(0.01)


# %% valid=true
# C07-ex3 bounded wait with a fallback to the database, timedelta lock TTL, guarded json
from datetime import timedelta

def _decode(cached):
    try:
        return json.loads(cached)
    except json.JSONDecodeError:
        return None

def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    token = f"{threading.get_ident()}:{time.time_ns()}"
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        cached = r.get(key)
        if cached is not None and (value := _decode(cached)) is not None:
            return value
        if r.set(lock, token, nx=True, ex=timedelta(seconds=5)):
            try:
                cached = r.get(key)
                if cached is not None and (value := _decode(cached)) is not None:
                    return value
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=timedelta(minutes=5))
                return product
            finally:
                with r.pipeline() as pipe:  # WATCH-based compare-and-delete
                    try:
                        pipe.watch(lock)
                        if pipe.get(lock) == token:
                            pipe.multi()
                            pipe.delete(lock)
                            pipe.execute()
                    except redis.WatchError:
                        pass
        time.sleep(0.03)
    return db.get_product(product_id)


# %% valid=true
# C07-ex3 uuid token, px lock, Lua compare-and-delete release run on the client it is given, guarded decode
import uuid

RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

def _cached(r, key):
    raw = r.get(key)
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return None

def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    release = r.register_script(RELEASE)
    token = uuid.uuid4().hex
    while True:
        if (product := _cached(r, key)) is not None:
            return product
        if r.set(lock, token, nx=True, px=5000):
            try:
                if (product := _cached(r, key)) is not None:
                    return product
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                release(keys=[lock], args=[token], client=r)
        time.sleep(0.01)


# %% wrong="pattern-cache-aside"
# C07-ex3 a 5-millisecond lock (px=5): expires long before the 100 ms query ends
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, px=5):
            try:
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                if r.get(lock) == token:
                    r.delete(lock)
        time.sleep(0.02)


# %% wrong="pattern-cache-aside"
# C07-ex3 releases the lock without checking it is still ours
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        if r.set(lock, "1", nx=True, ex=5):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                r.delete(lock)
        time.sleep(0.02)


# %% wrong="pattern-cache-aside"
# C07-ex3 the winner does not re-check the cache after locking
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, ex=5):
            try:
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                if r.get(lock) == token:
                    r.delete(lock)
        time.sleep(0.02)


# %% wrong="ttl-always"
# C07-ex3 product cached with the lock's TTL (ex=5) instead of 300 s
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, ex=5):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=5)
                return product
            finally:
                if r.get(lock) == token:
                    r.delete(lock)
        time.sleep(0.02)


# %% wrong="ttl-always"
# C07-ex3 the winner writes the product with no TTL inside EVAL
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, ex=5):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.eval("redis.call('SET', KEYS[1], ARGV[1]) return 1", 1, key, json.dumps(product))
                return product
            finally:
                if r.get(lock) == token:
                    r.delete(lock)
        time.sleep(0.02)


# %% wrong="client-serialization"
# C07-ex3 the reference answer itself: json.loads unguarded, a corrupt product:<id> crashes every caller
def get_product_protected(r, db, product_id):
    key, lock = f"product:{product_id}", f"lock:product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        token = f"{threading.get_ident()}-{time.monotonic_ns()}"
        if r.set(lock, token, nx=True, ex=5):
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                if r.get(lock) == token:
                    r.delete(lock)
        time.sleep(0.02)


# %% valid=true
# C07-ex4 specific error classes, helpers, json guarded
def _cache_get(r, key):
    try:
        return r.get(key)
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
        return None

def _cache_set(r, key, value):
    try:
        r.set(key, value, ex=300)
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
        pass

def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    cached = _cache_get(r, key)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    product = db.get_product(product_id)
    _cache_set(r, key, json.dumps(product))
    return product


# %% wrong="client-serialization"
# C07-ex4 timedelta TTL, one try per call, else-branch
# (relabelled from valid: json.loads in the else-branch is unguarded, so a corrupt entry fails the page, which the
#  task rules out: "a corrupt entry must not fail the page either")
from datetime import timedelta

def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
    except redis.RedisError:
        cached = None
    else:
        if cached is not None:
            return json.loads(cached)
    product = db.get_product(product_id)
    try:
        r.set(key, json.dumps(product), ex=timedelta(minutes=5))
    except redis.RedisError:
        pass
    return product


# %% valid=true
# C07-ex4 timedelta TTL, one try per call, else-branch, an unreadable entry is a miss
from datetime import timedelta

def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
    except redis.RedisError:
        cached = None
    else:
        if cached is not None:
            with contextlib.suppress(ValueError):
                return json.loads(cached)
    product = db.get_product(product_id)
    try:
        r.set(key, json.dumps(product), ex=timedelta(minutes=5))
    except redis.RedisError:
        pass
    return product


# %% valid=true
# C07-ex4 a circuit breaker with a 1.5 s cool-down after 2 failures, guarded decode
_circuit = {"failures": 0, "open_until": 0.0}

def _closed():
    return time.monotonic() >= _circuit["open_until"]

def _trip():
    _circuit["failures"] += 1
    if _circuit["failures"] >= 2:
        _circuit["open_until"], _circuit["failures"] = time.monotonic() + 1.5, 0

def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    if _closed():
        try:
            cached = r.get(key)
        except redis.RedisError:
            _trip()
        else:
            if cached is not None:
                try:
                    return json.loads(cached)
                except json.JSONDecodeError:
                    pass
    product = db.get_product(product_id)
    if _closed():
        try:
            r.set(key, json.dumps(product), ex=300)
        except redis.RedisError:
            _trip()
    return product


# %% wrong="client-error-handling"
# C07-ex4 retries once after a 0.3 s back-off while Redis is down
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    cached = None
    for attempt in range(2):
        try:
            cached = r.get(key)
            break
        except redis.RedisError:
            if attempt == 0:
                time.sleep(0.3)
    if cached is not None:
        try:
            return json.loads(cached)
        except json.JSONDecodeError:
            pass
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):
        r.set(key, json.dumps(product), ex=300)
    return product


# %% wrong="client-serialization"
# C07-ex4 a circuit breaker (the lesson's advice): skip Redis for 2 s after 2 failures
# (relabelled from valid: json.loads sits inside `except redis.RedisError`, so a corrupt entry raises
#  JSONDecodeError to the page; its 2 s cool-down itself is accepted)
_breaker = {"failures": 0, "open_until": 0.0}

def _cache_ok():
    return time.monotonic() >= _breaker["open_until"]

def _failed():
    _breaker["failures"] += 1
    if _breaker["failures"] >= 2:
        _breaker["open_until"], _breaker["failures"] = time.monotonic() + 2.0, 0

def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    if _cache_ok():
        try:
            cached = r.get(key)
            if cached is not None:
                return json.loads(cached)
        except redis.RedisError:
            _failed()
    product = db.get_product(product_id)
    if _cache_ok():
        try:
            r.set(key, json.dumps(product), ex=300)
        except redis.RedisError:
            _failed()
    return product


# %% wrong="client-error-handling"
# C07-ex4 retries each cache call 3 times with 0.15 s sleeps (0.9 s per request while Redis is down)
def _retry(call):
    for attempt in range(3):
        try:
            return call()
        except redis.RedisError:
            if attempt == 2:
                raise
            time.sleep(0.15)

def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = _retry(lambda: r.get(key))
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):
        _retry(lambda: r.set(key, json.dumps(product), ex=300))
    return product


# %% wrong="ttl-always"
# C07-ex4 ex=3: a 3-second TTL instead of 300 s
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):
        r.set(key, json.dumps(product), ex=3)
    return product


# %% wrong="ttl-always"
# C07-ex4 the fallback write uses SET KEEPTTL (a new key never expires)
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):
        r.set(key, json.dumps(product), keepttl=True)
    return product


# %% wrong="client-serialization"
# C07-ex4 the reference answer itself: a corrupt entry raises JSONDecodeError to the caller
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    try:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
    except redis.RedisError:
        pass
    product = db.get_product(product_id)
    with contextlib.suppress(redis.RedisError):
        r.set(key, json.dumps(product), ex=300)
    return product


# %% valid=true
# C07-kata the same ids as a list
def kata_violations():
    return ["client-error-handling", "client-serialization", "pattern-cache-aside", "ttl-always"]


# %% valid=true
# C07-kata the same ids as a frozenset
def kata_violations():
    return frozenset({"ttl-always", "pattern-cache-aside", "client-serialization", "client-error-handling"})


# %% wrong="client-serialization"
# C07-ex3 RLOCK redis-py's own Lock (r.lock(), which the lesson recommends for compare-and-delete)
# (relabelled from valid: json.loads unguarded, so a corrupt product:<id> crashes every caller; the guarded copy
#  below is the valid r.lock() answer)
def get_product_protected(r, db, product_id):
    key = f"product:{product_id}"
    while True:
        cached = r.get(key)
        if cached is not None:
            return json.loads(cached)
        lock = r.lock(f"lock:product:{product_id}", timeout=5, blocking=False)
        if lock.acquire():
            try:
                cached = r.get(key)
                if cached is not None:
                    return json.loads(cached)
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                with contextlib.suppress(redis.exceptions.LockError):
                    lock.release()
        time.sleep(0.02)


# %% valid=true
# C07-ex3 RLOCK redis-py's own Lock (r.lock()), guarded decode: keep this cell last (tamper false positive)
def _product_in_cache(r, key):
    raw = r.get(key)
    try:
        return json.loads(raw) if raw is not None else None
    except json.JSONDecodeError:
        return None

def get_product_protected(r, db, product_id):
    key = f"product:{product_id}"
    while True:
        if (product := _product_in_cache(r, key)) is not None:
            return product
        lock = r.lock(f"lock:product:{product_id}", timeout=5, blocking=False)
        if lock.acquire():
            try:
                if (product := _product_in_cache(r, key)) is not None:
                    return product
                product = db.get_product(product_id)
                r.set(key, json.dumps(product), ex=300)
                return product
            finally:
                with contextlib.suppress(redis.exceptions.LockError):
                    lock.release()
        time.sleep(0.02)
