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
