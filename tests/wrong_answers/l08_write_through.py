from support.notebooks import Wrong

WRONG = [
    # -- Exercise 1 · a write-through update --------------------------------------------------------------
    Wrong(
        "l08-write-through-update",
        "cache first, then the database",
        """
def update_price(r, db, product_id, price):
    product = db.get_product(product_id)
    if product is None:
        return False
    r.set(f"product:{product_id}", json.dumps(product), ex=3600)
    db.update_product_price(product_id, price)
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
    return True
""",
        "pattern-write-through",
    ),
    Wrong(
        "l08-write-through-update",
        "SET without a TTL",
        """
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)))
    return True
""",
        "ttl-always",
    ),
    Wrong(
        "l08-write-through-update",
        "invalidates instead of writing through",
        """
def update_price(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.unlink(f"product:{product_id}")
    return True
""",
        "pattern-write-through",
    ),
    Wrong(
        "l08-write-through-update",
        "caches a patched copy, not the committed row",
        """
def update_price(r, db, product_id, price):
    product = db.get_product(product_id)
    if product is None or not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps({**product, "price": price}), ex=3600)
    return True
""",
        "pattern-write-through",
    ),
    # -- Exercise 2 · failure handling ----------------------------------------------------------------------
    Wrong(
        "l08-failure-handling",
        "cache first: a failed database write leaves a phantom price",
        """
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
""",
        "pattern-write-through",
    ),
    Wrong(
        "l08-failure-handling",
        "no error handling: a cache failure fails a committed update",
        """
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
    return True
""",
        "client-error-handling",
    ),
    Wrong(
        "l08-failure-handling",
        "except Exception swallows the database error too",
        """
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
""",
        "client-error-handling",
    ),
    Wrong(
        "l08-failure-handling",
        "ignores the cache failure: the old row survives",
        """
def update_price_safe(r, db, product_id, price):
    if not db.update_product_price(product_id, price):
        return False
    try:
        r.set(f"product:{product_id}", json.dumps(db.get_product(product_id)), ex=3600)
    except redis.RedisError:
        pass
    return True
""",
        "pattern-write-through",
    ),
    # -- Exercise 3 · profile and index in one transaction --------------------------------------------------
    Wrong(
        "l08-multi-key-transaction",
        "three separate commands, no transaction",
        """
def change_email(r, db, user_id, new_email):
    old = db.get_user(user_id)
    if old is None:
        return False
    db.update_user(user_id, email=new_email)
    r.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
    r.set(f"user:by-email:{new_email}", user_id, ex=3600)
    r.unlink(f"user:by-email:{old['email']}")
    return True
""",
        "pattern-write-through",
    ),
    Wrong(
        "l08-multi-key-transaction",
        "a plain pipeline (transaction=False)",
        """
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
""",
        "pattern-write-through",
    ),
    Wrong(
        "l08-multi-key-transaction",
        "the index written without a TTL",
        """
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
""",
        "ttl-always",
    ),
    Wrong(
        "l08-multi-key-transaction",
        "forgets the old index",
        """
def change_email(r, db, user_id, new_email):
    if db.get_user(user_id) is None:
        return False
    db.update_user(user_id, email=new_email)
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"user:{user_id}", json.dumps(db.get_user(user_id)), ex=3600)
        pipe.set(f"user:by-email:{new_email}", user_id, ex=3600)
        pipe.execute()
    return True
""",
        "pattern-write-through",
    ),
    Wrong(
        "l08-multi-key-transaction",
        "the transaction before the database write",
        """
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
""",
        "pattern-write-through",
    ),
    # -- Exercise 4 · compare the patterns -----------------------------------------------------------------
    Wrong(
        "l08-compare-patterns",
        "write-behind thought to be as safe as write-through",
        """
def pattern_table():
    row = {"fresh_after_write": True, "first_read_after_write_hits_db": False, "write_waits_for_db": True,
           "crash_can_lose_acknowledged_writes": False, "keys_need_ttl": True}
    return {"cache-aside": {**row, "fresh_after_write": False, "first_read_after_write_hits_db": True},
            "write-through": dict(row), "write-behind": {**row, "write_waits_for_db": False}}
""",
        "pattern-write-through",
    ),
    Wrong(
        "l08-compare-patterns",
        "write-through keys thought not to need a TTL",
        """
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
""",
        "pattern-write-through",
    ),
    # -- Review kata ----------------------------------------------------------------------------------------
    Wrong(
        "l08-kata",
        "misses the KEYS scan",
        """
def kata_violations():
    return {"pattern-write-through", "ttl-always"}
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l08-kata",
        "blames cache-aside for the invalidation",
        """
def kata_violations():
    return {"pattern-write-through", "cmd-scan-not-keys", "ttl-always", "pattern-cache-aside"}
""",
        "pattern-cache-aside",
    ),
]
