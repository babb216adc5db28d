from support.notebooks import Wrong

WRONG = [
    # -- Exercise 1 · cache-aside read ------------------------------------------------------------------
    Wrong(
        "l07-cache-aside-read",
        "the standard's bad example: SET with no TTL",
        """
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
""",
        "ttl-always",
    ),
    Wrong(
        "l07-cache-aside-read",
        "SET then EXPIRE (not atomic)",
        """
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
""",
        "ttl-always",
    ),
    Wrong(
        "l07-cache-aside-read",
        "reads the database every time, then caches",
        """
def get_user(r, db, user_id):
    user = db.get_user(user_id)
    if user is not None:
        r.set(f"user:{user_id}", json.dumps(user), ex=3600)
    return user
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-cache-aside-read",
        "an in-process memo instead of Redis",
        """
_memo = {}

def get_user(r, db, user_id):
    if user_id not in _memo:
        _memo[user_id] = db.get_user(user_id)
    return _memo[user_id]
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-cache-aside-read",
        "str() instead of JSON",
        """
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
""",
        "client-serialization",
    ),
    Wrong(
        "l07-cache-aside-read",
        "crashes on a corrupt entry",
        """
def get_user(r, db, user_id):
    key = f"user:{user_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    user = db.get_user(user_id)
    if user is not None:
        r.set(key, json.dumps(user), ex=3600)
    return user
""",
        "client-serialization",
    ),
    Wrong(
        "l07-cache-aside-read",
        "caches 'not found' for a full hour",
        """
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
""",
        "ttl-always",
    ),
    # -- Exercise 2 · invalidate on update ----------------------------------------------------------------
    Wrong(
        "l07-invalidate-on-update",
        "updates the database only",
        """
def rename_user(r, db, user_id, name):
    return db.update_user(user_id, name=name)
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-invalidate-on-update",
        "deletes the key before the database write",
        """
def rename_user(r, db, user_id, name):
    r.delete(f"user:{user_id}")
    return db.update_user(user_id, name=name)
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-invalidate-on-update",
        "overwrites the cached copy with a TTL",
        """
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
    return changed
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-invalidate-on-update",
        "overwrites the cached copy without a TTL",
        """
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.set(f"user:{user_id}", json.dumps(db.get_user(user_id)))
    return changed
""",
        "ttl-always",
    ),
    Wrong(
        "l07-invalidate-on-update",
        "deletes the wrong key",
        """
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.delete(f"user:{user_id}:profile")
    return changed
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-invalidate-on-update",
        "hard-coded for the visible example",
        """
def rename_user(r, db, user_id, name):
    changed = db.update_user(user_id, name=name)
    r.delete("user:7")
    return changed
""",
        "pattern-cache-aside",
    ),
    # -- Exercise 3 · stampede protection -----------------------------------------------------------------
    Wrong(
        "l07-stampede-lock",
        "plain cache-aside, no lock",
        """
def get_product_protected(r, db, product_id):
    key = f"product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    product = db.get_product(product_id)
    r.set(key, json.dumps(product), ex=300)
    return product
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-stampede-lock",
        "a lock without a TTL",
        """
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
""",
        "ttl-always",
    ),
    Wrong(
        "l07-stampede-lock",
        "waiters only re-read the cache: a dead holder blocks them forever",
        """
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
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-stampede-lock",
        "losers of the lock go straight to the database",
        """
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
""",
        "pattern-cache-aside",
    ),
    Wrong(
        "l07-stampede-lock",
        "SETNX then EXPIRE (not atomic)",
        """
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
""",
        "ttl-always",
    ),
    # -- Exercise 4 · degrade gracefully ------------------------------------------------------------------
    Wrong(
        "l07-degrade-gracefully",
        "no error handling",
        """
def get_product_resilient(r, db, product_id):
    key = f"product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        return json.loads(cached)
    product = db.get_product(product_id)
    r.set(key, json.dumps(product), ex=300)
    return product
""",
        "client-error-handling",
    ),
    Wrong(
        "l07-degrade-gracefully",
        "returns None when the cache is down",
        """
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
""",
        "client-error-handling",
    ),
    Wrong(
        "l07-degrade-gracefully",
        "catches ConnectionError only",
        """
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
""",
        "client-error-handling",
    ),
    Wrong(
        "l07-degrade-gracefully",
        "guards the read but not the write",
        """
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
""",
        "client-error-handling",
    ),
    Wrong(
        "l07-degrade-gracefully",
        "hides a database outage too",
        """
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
""",
        "client-error-handling",
    ),
    Wrong(
        "l07-degrade-gracefully",
        "falls back, but caches with no TTL",
        """
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
""",
        "ttl-always",
    ),
    # -- Review kata --------------------------------------------------------------------------------------
    Wrong(
        "l07-kata",
        "misses the lock without a TTL",
        """
def kata_violations():
    return {"client-error-handling", "client-serialization", "pattern-cache-aside"}
""",
        "ttl-always",
    ),
    Wrong(
        "l07-kata",
        "misses the serialisation mismatch, blames the pattern",
        """
def kata_violations():
    return {"client-error-handling", "pattern-cache-aside", "ttl-always", "pattern-write-through"}
""",
        "client-serialization",
    ),
    Wrong(
        "l07-kata",
        "only the missing TTL",
        """
def kata_violations():
    return {"ttl-always"}
""",
        "client-error-handling",
    ),
]
