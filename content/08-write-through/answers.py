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
# write-behind thought to be as safe as write-through
def pattern_table():
    row = {"fresh_after_write": True, "first_read_after_write_hits_db": False, "write_waits_for_db": True,
           "crash_can_lose_acknowledged_writes": False, "keys_need_ttl": True}
    return {"cache-aside": {**row, "fresh_after_write": False, "first_read_after_write_hits_db": True},
            "write-through": dict(row), "write-behind": {**row, "write_waits_for_db": False}}


# %% wrong="pattern-write-through"
# write-through keys thought not to need a TTL
def pattern_table():
    return {
        "cache-aside": {"fresh_after_write": False, "first_read_after_write_hits_db": True,
                        "write_waits_for_db": True, "crash_can_lose_acknowledged_writes": False,
                        "keys_need_ttl": True},
        "write-through": {"fresh_after_write": True, "first_read_after_write_hits_db": False,
                          "write_waits_for_db": True, "crash_can_lose_acknowledged_writes": False,
                          "keys_need_ttl": False},
        "write-behind": {"fresh_after_write": True, "first_read_after_write_hits_db": False,
                         "write_waits_for_db": False, "crash_can_lose_acknowledged_writes": True,
                         "keys_need_ttl": True},
    }


# %% wrong="cmd-scan-not-keys"
# misses the KEYS scan
def kata_violations():
    return {"pattern-write-through", "ttl-always"}


# %% wrong="pattern-cache-aside"
# blames cache-aside for the invalidation
def kata_violations():
    return {"pattern-write-through", "cmd-scan-not-keys", "ttl-always", "pattern-cache-aside"}
