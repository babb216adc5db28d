# Lesson 08-write-through: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="pattern-write-through"
# cache first, then the database
def update_price(r, db, product_id, price):
    product = db.get_product(product_id)
    if product is None:
        return False
    r.set(f"product:{product_id}", json.dumps(product), ex=3600)
    db.update_product_price(product_id, price)
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
    return True


# %% wrong="ttl-always"
# SET without a TTL
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)))
    return True


# %% wrong="pattern-write-through"
# invalidates instead of writing through
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.unlink(f"product:{product_id}")
    return True


# %% wrong="pattern-write-through"
# caches a patched copy, not the committed row
def update_price(r, db, product_id, price):
    product = db.get_product(product_id)
    if product is None or not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps({**product, "price": price}), ex=3600)
    return True


# %% wrong="pattern-write-through"
# cache first: a failed database write leaves a phantom price
def update_price_safe(r, db, product_id, price):
    key = f"product:{product_id}"
    cached = r.get(key)
    if cached is not None:
        r.set(key, json.dumps({**json.loads(cached), "price": round(price, 2)}), ex=3600)
    if not db.update_product_price(product_id, price):
        return False
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        try:
            r.unlink(key)
        except redis.RedisError:
            pass
    return True


# %% wrong="client-error-handling"
# no error handling: a cache failure fails a committed update
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
    return True


# %% wrong="client-error-handling"
# except Exception swallows the database error too
def update_price_safe(r, db, product_id, price):
    key = f"product:{product_id}"
    try:
        if not db.update_product_price(product_id, price):
            return False
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except Exception:
        try:
            r.unlink(key)
        except Exception:
            pass
    return True


# %% wrong="pattern-write-through"
# ignores the cache failure: the old row survives
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    try:
        r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        pass
    return True


# %% wrong="pattern-write-through"
# three separate commands, no transaction
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    r.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
    r.set(f"user:by-email:{new_email}", user_id, ex=3600)
    r.unlink(f"user:by-email:{old['email']}")
    return True


# %% wrong="pattern-write-through"
# a plain pipeline (transaction=False)
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    with r.pipeline(transaction=False) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    return True


# %% wrong="ttl-always"
# the index written without a TTL
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    return True


# %% wrong="pattern-write-through"
# forgets the old index
def change_email(r, db, user_id, new_email):
    if db.get_user(user_id) is None:
        return False
    db.update_user(user_id, email=new_email)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.execute()
    return True


# %% wrong="pattern-write-through"
# the transaction before the database write
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps({**old, "email": new_email}), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    db.update_user(user_id, email=new_email)
    return True


# %% wrong="pattern-write-through"
# C08-ex4 pops the batch before writing it: an outage loses what was popped
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    entries = r.lpop("queue:prices", batch) or []
    for entry in entries:
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
    return len(entries)


# %% wrong="pattern-write-through"
# C08-ex4 trims first, then writes
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    entries = r.lrange("queue:prices", 0, batch - 1)
    r.ltrim("queue:prices", len(entries), -1)
    for entry in entries:
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
    return len(entries)


# %% wrong="pattern-write-through"
# C08-ex4 swallows the outage and trims anyway
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    entries = r.lrange("queue:prices", 0, batch - 1)
    for entry in entries:
        change = json.loads(entry)
        try:
            db.update_product_price(change["product_id"], change["price"])
        except Exception:
            pass  # "we'll get it next time"
    r.ltrim("queue:prices", len(entries), -1)
    return len(entries)


# %% wrong="pattern-write-through"
# C08-ex4 the queue in this process's memory, as in the demo
pending = []


def queue_price(r, product_id, price):
    pending.append((product_id, price))


def flush_prices(r, db, batch=25):
    done = pending[:batch]
    for product_id, price in done:
        db.update_product_price(product_id, price)
    del pending[:batch]
    return len(done)


# %% wrong="pattern-write-through"
# C08-ex4 a TTL on the queue, out of habit
def queue_price(r, product_id, price):
    with r.pipeline(transaction=True) as pipe:
        pipe.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))
        pipe.expire("queue:prices", 3600)
        pipe.execute()


def flush_prices(r, db, batch=25):
    entries = r.lrange("queue:prices", 0, batch - 1)
    for entry in entries:
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
    if entries:
        r.ltrim("queue:prices", len(entries), -1)
    return len(entries)


# %% wrong="pattern-write-through"
# C08-ex4 deletes the whole list after a batch: changes queued meanwhile are gone
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    entries = r.lrange("queue:prices", 0, batch - 1)
    for entry in entries:
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
    r.delete("queue:prices")
    return len(entries)


# %% wrong="correctness"
# C08-ex4 newest first: an older price wins
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    entries = r.lrange("queue:prices", 0, batch - 1)
    for entry in reversed(entries):
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
    if entries:
        r.ltrim("queue:prices", len(entries), -1)
    return len(entries)


# %% wrong="correctness"
# C08-ex4 ignores batch: flushes the whole queue at once
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    entries = r.lrange("queue:prices", 0, -1)
    for entry in entries:
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
    if entries:
        r.ltrim("queue:prices", len(entries), -1)
    return len(entries)


# %% wrong="cmd-scan-not-keys"
# misses the KEYS scan
def kata_violations():
    return {"pattern-write-through", "ttl-always"}


# %% wrong="pattern-cache-aside"
# blames cache-aside for the invalidation
def kata_violations():
    return {"pattern-write-through", "cmd-scan-not-keys", "ttl-always", "pattern-cache-aside"}


# ============================================================================================
# Corpus C (triage): valid alternatives and grader-weakness probes for lesson 08.
# ============================================================================================

# %% valid=true
# C08-ex1 timedelta TTL, early return on a missing product
from datetime import timedelta

def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=timedelta(hours=1))
    return True


# %% valid=true
# C08-ex1 SET + EXPIRE in one MULTI/EXEC
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    key = f"product:{product_id}"
    with r.pipeline(transaction=True) as pipe:
        pipe.set(key, json.dumps(db.get_product(product_id)))
        pipe.expire(key, 3600)
        pipe.execute()
    return True


# %% valid=true
# C08-ex1 px=3_600_000
def update_price(r, db, product_id, price):
    changed = db.update_product_price(product_id, price)
    if changed:
        r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), px=3_600_000)
    return bool(changed)


# %% valid=true
# C08-ex1 Lua compare-and-set (the lesson's remedy for racing writers): never overwrite a newer row
_cas = None

def update_price(r, db, product_id, price):
    global _cas
    if _cas is None:
        _cas = r.register_script("""
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, obj = pcall(cjson.decode, cur)
  if ok and type(obj) == 'table' and obj['updated_at'] and obj['updated_at'] > ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', 3600)
return 1""")
    if not db.update_product_price(product_id, price):
        return False
    product = db.get_product(product_id)
    _cas(keys=[f"product:{product_id}"], args=[json.dumps(product), product["updated_at"]], client=r)
    return True


# %% wrong="ttl-always"
# C08-ex1 one day (ex=86400) instead of one hour
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=86400)
    return True


# %% wrong="ttl-always"
# C08-ex1 px=3600 (3.6 s)
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), px=3600)
    return True


# %% wrong="ttl-always"
# C08-ex1 SET KEEPTTL (a product not cached before never expires)
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), keepttl=True)
    return True


# %% wrong="pattern-write-through"
# C08-ex1 SET NX EX on the write path (a cached old row is never replaced)
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600, nx=True)
    return True


# %% valid=true
# C08-ex2 retry the idempotent SET once, then delete
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    key = f"product:{product_id}"
    value = json.dumps(db.get_product(product_id))
    for _ in range(2):
        try:
            r.set(key, value, ex=3600)
            return True
        except redis.RedisError:
            continue
    with contextlib.suppress(redis.RedisError):
        r.unlink(key)
    return True


# %% valid=true
# C08-ex2 specific error classes, DEL, a helper
def _drop(r, key):
    try:
        r.delete(key)
    except (redis.ConnectionError, redis.TimeoutError):
        pass

def update_price_safe(r, db, product_id, price):
    changed = db.update_product_price(product_id, price)
    if not changed:
        return False
    key = f"product:{product_id}"
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
        _drop(r, key)
    return True


# %% valid=true
# C08-ex2 on failure, PEXPIRE 1 (expires the old row at once; allowed when the server is full)
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    key = f"product:{product_id}"
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        with contextlib.suppress(redis.RedisError):
            r.pexpire(key, 1)
    return True


# %% wrong="pattern-write-through"
# C08-ex2 on failure, shortens the old row's TTL to 60 s (the old price is still served for a minute)
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    key = f"product:{product_id}"
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        with contextlib.suppress(redis.RedisError):
            r.expire(key, 60)
    return True


# %% wrong="client-error-handling"
# C08-ex2 except Exception around the cache calls (hides programming errors)
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    key = f"product:{product_id}"
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except Exception:
        try:
            r.unlink(key)
        except Exception:
            pass
    return True


# %% wrong="pattern-write-through"
# C08-ex2 on failure, EXPIRE 5: the old row is still served for five seconds
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    key = f"product:{product_id}"
    try:
        r.set(key, json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        with contextlib.suppress(redis.RedisError):
            r.expire(key, 5)
    return True


# %% valid=true
# C08-ex2 UNLINK and the write in one helper, timedelta TTL, subclass errors listed
from datetime import timedelta

CACHE_ERRORS = (redis.ConnectionError, redis.TimeoutError, redis.exceptions.OutOfMemoryError, redis.ResponseError)

def _write_through(r, key, row):
    try:
        r.set(key, json.dumps(row), ex=timedelta(hours=1))
        return
    except CACHE_ERRORS:
        pass
    try:
        r.unlink(key)
    except CACHE_ERRORS:
        pass

def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    _write_through(r, f"product:{product_id}", db.get_product(product_id))
    return True


# %% wrong="client-error-handling"
# C08-ex2 retries the SET 5 times with 0.2 s sleeps before deleting (1 s+ per update while Redis is down)
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    key = f"product:{product_id}"
    value = json.dumps(db.get_product(product_id))
    for _ in range(5):
        try:
            r.set(key, value, ex=3600)
            return True
        except redis.RedisError:
            time.sleep(0.2)
    with contextlib.suppress(redis.RedisError):
        r.unlink(key)
    return True


# %% valid=true
# C08-ex3 SET + EXPIRE inside the transaction, DEL, timedelta
from datetime import timedelta

def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    pipe = r.pipeline(transaction=True)
    pipe.set(f"user:{user_id}", json.dumps(user))
    pipe.expire(f"user:{user_id}", timedelta(hours=1))
    pipe.set(f"user:by-email:{new_email}", user_id, ex=timedelta(hours=1))
    pipe.delete(f"user:by-email:{old['email']}")
    pipe.execute()
    return True


# %% valid=true
# C08-ex3 r.transaction() helper (WATCH the keys, MULTI/EXEC)
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    profile, new_index, old_index = f"user:{user_id}", f"user:by-email:{new_email}", f"user:by-email:{old['email']}"

    def write(pipe):
        pipe.multi()
        pipe.set(profile, json.dumps(user), ex=3600)
        pipe.set(new_index, user_id, ex=3600)
        pipe.unlink(old_index)

    r.transaction(write, profile, new_index, old_index)
    return True


# %% valid=true
# C08-ex3 explicit pipe.multi(), px TTLs
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    with r.pipeline() as pipe:
        pipe.multi()
        pipe.set(f"user:{user_id}", json.dumps(user), px=3_600_000)
        pipe.set(f"user:by-email:{new_email}", str(user_id), px=3_600_000)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    return True


# %% wrong="ttl-always"
# C08-ex3 KEEPTTL on the profile: a user that was not cached gets a profile key that never expires
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(user), keepttl=True)
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    return True


# %% wrong="ttl-always"
# C08-ex3 EXPIRE queued before the SET in the transaction (the SET then clears it)
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    with r.pipeline(transaction=True) as pipe:
        pipe.expire(f"user:{user_id}", 3600)
        pipe.set(f"user:{user_id}", json.dumps(user))
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    return True


# %% wrong="ttl-always"
# C08-ex3 the index with px=3600 (3.6 s)
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(user), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id, px=3600)
        pipe.unlink(f"user:by-email:{old['email']}")
        pipe.execute()
    return True


# %% wrong="pattern-write-through"
# C08-ex3 reads the "old" e-mail after the update, so it deletes the new index
def change_email(r, db, user_id, new_email):
    if db.get_user(user_id) is None:
        return False
    db.update_user(user_id, email=new_email)
    user = db.get_user(user_id)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(user), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.unlink(f"user:by-email:{user['email']}")
        pipe.execute()
    return True


# %% valid=true
# C08-ex4 one entry at a time: LINDEX, write, then LPOP
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"price": price, "product_id": product_id}, separators=(",", ":")))


def flush_prices(r, db, batch=25):
    written = 0
    while written < batch:
        entry = r.lindex("queue:prices", 0)
        if entry is None:
            break
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
        r.lpop("queue:prices")
        written += 1
    return written


# %% valid=true
# C08-ex4 the reliable-queue pattern: LMOVE to a processing list, recovered first on the next run
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    written = 0
    while written < batch:
        entry = r.lindex("queue:prices:processing", 0)  # left over by a run that failed: it is the oldest
        if entry is None:
            entry = r.lmove("queue:prices", "queue:prices:processing", "LEFT", "RIGHT")
        if entry is None:
            break
        change = json.loads(entry)
        db.update_product_price(change["product_id"], change["price"])
        r.lrem("queue:prices:processing", 1, entry)
        written += 1
    return written


# %% valid=true
# C08-ex4 catches the outage, keeps what it did not write, and reports what it did
def queue_price(r, product_id, price):
    r.rpush("queue:prices", json.dumps({"product_id": product_id, "price": price}))


def flush_prices(r, db, batch=25):
    written = 0
    try:
        for entry in r.lrange("queue:prices", 0, batch - 1):
            change = json.loads(entry)
            db.update_product_price(change["product_id"], change["price"])
            written += 1
    except DatabaseUnavailable:
        pass  # the rest stays queued for the next run
    finally:
        if written:
            r.ltrim("queue:prices", written, -1)
    return written


# %% valid=true
# C08-kata the same ids as a tuple
def kata_violations():
    return ("cmd-scan-not-keys", "pattern-write-through", "ttl-always")


# %% valid=true
# C08-kata the same ids as a list
def kata_violations():
    return ["ttl-always", "pattern-write-through", "cmd-scan-not-keys"]
