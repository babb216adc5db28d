# Lesson 11-hot-keys: answers the checks are proven against. Each cell replaces the answer cell of the exercise
# whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="pattern-cache-aside"
# C11-ex1 deletes the Redis key but tells no other process
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        entry = self.local.get(product_id)
        if entry is not None and entry[0] > self.clock():
            return entry[1]
        key = f"product:{product_id}"
        cached = self.r.get(key)
        if cached is not None:
            product = json.loads(cached)
        else:
            product = self.db.get_product(product_id)
            if product is None:
                return None
            self.r.set(key, json.dumps(product), ex=3600)
        self.local[product_id] = (self.clock() + self.local_ttl, product)
        return product

    def on_invalidate(self, product_id):
        self.local.pop(product_id, None)

    def update_price(self, product_id, price):
        done = self.db.update_product_price(product_id, price)
        self.r.unlink(f"product:{product_id}")
        return done


# %% wrong="pattern-cache-aside"
# C11-ex1 an L1 that never expires: a lost message means stale forever
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        if product_id in self.local:
            return self.local[product_id]
        key = f"product:{product_id}"
        cached = self.r.get(key)
        if cached is not None:
            product = json.loads(cached)
        else:
            product = self.db.get_product(product_id)
            if product is None:
                return None
            self.r.set(key, json.dumps(product), ex=3600)
        self.local[product_id] = product
        return product

    def on_invalidate(self, product_id):
        self.local.pop(product_id, None)

    def update_price(self, product_id, price):
        done = self.db.update_product_price(product_id, price)
        self.r.unlink(f"product:{product_id}")
        self.r.publish(self.CHANNEL, product_id)
        return done


# %% wrong="pattern-cache-aside"
# C11-ex1 announces the change before the database has it
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        entry = self.local.get(product_id)
        if entry is not None and entry[0] > self.clock():
            return entry[1]
        key = f"product:{product_id}"
        cached = self.r.get(key)
        if cached is not None:
            product = json.loads(cached)
        else:
            product = self.db.get_product(product_id)
            if product is None:
                return None
            self.r.set(key, json.dumps(product), ex=3600)
        self.local[product_id] = (self.clock() + self.local_ttl, product)
        return product

    def on_invalidate(self, product_id):
        self.local.pop(product_id, None)

    def update_price(self, product_id, price):
        self.r.unlink(f"product:{product_id}")
        self.r.publish(self.CHANNEL, product_id)
        return self.db.update_product_price(product_id, price)


# %% wrong="ttl-always"
# C11-ex1 fills Redis without a TTL
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        entry = self.local.get(product_id)
        if entry is not None and entry[0] > self.clock():
            return entry[1]
        key = f"product:{product_id}"
        cached = self.r.get(key)
        if cached is not None:
            product = json.loads(cached)
        else:
            product = self.db.get_product(product_id)
            if product is None:
                return None
            self.r.set(key, json.dumps(product))
        self.local[product_id] = (self.clock() + self.local_ttl, product)
        return product

    def on_invalidate(self, product_id):
        self.local.pop(product_id, None)

    def update_price(self, product_id, price):
        done = self.db.update_product_price(product_id, price)
        self.r.unlink(f"product:{product_id}")
        self.r.publish(self.CHANNEL, product_id)
        return done


# %% wrong="pattern-cache-aside"
# C11-ex1 no L1 at all: every read goes to Redis
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self.r.get(key)
        if cached is not None:
            return json.loads(cached)
        product = self.db.get_product(product_id)
        if product is not None:
            self.r.set(key, json.dumps(product), ex=3600)
        return product

    def on_invalidate(self, product_id):
        pass

    def update_price(self, product_id, price):
        done = self.db.update_product_price(product_id, price)
        self.r.unlink(f"product:{product_id}")
        self.r.publish(self.CHANNEL, product_id)
        return done


# %% wrong="pattern-cache-aside"
# C11-ex1 caches "not found" forever in the L1 and in Redis (the string "null")
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        entry = self.local.get(product_id)
        if entry is not None and entry[0] > self.clock():
            return entry[1]
        key = f"product:{product_id}"
        cached = self.r.get(key)
        product = json.loads(cached) if cached is not None else self.db.get_product(product_id)
        if cached is None:
            self.r.set(key, json.dumps(product), ex=3600)
        self.local[product_id] = (self.clock() + self.local_ttl, product)
        return product

    def on_invalidate(self, product_id):
        self.local.pop(product_id, None)

    def update_price(self, product_id, price):
        done = self.db.update_product_price(product_id, price)
        self.r.unlink(f"product:{product_id}")
        self.r.publish(self.CHANNEL, product_id)
        return done


# %% wrong="pattern-cache-aside"
# C11-xfetch a fixed window: refresh once less than delta is left
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    value, delta = r.hmget(key, "value", "delta")
    left = r.pttl(key) / 1000
    if value is not None and left > float(delta) * beta:
        return value
    started = time.perf_counter()
    value = recompute()
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={"value": value, "delta": time.perf_counter() - started})
        pipe.expire(key, ttl)
        pipe.execute()
    return value


# %% wrong="pattern-cache-aside"
# C11-xfetch the sign lost: log(rand()) is negative, so it never refreshes early
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    value, delta = r.hmget(key, "value", "delta")
    left = r.pttl(key) / 1000
    if value is not None and float(delta) * beta * math.log(rand()) < left:
        return value
    started = time.perf_counter()
    value = recompute()
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={"value": value, "delta": time.perf_counter() - started})
        pipe.expire(key, ttl)
        pipe.execute()
    return value


# %% wrong="pattern-cache-aside"
# C11-xfetch log base 10 instead of the natural log
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    value, delta = r.hmget(key, "value", "delta")
    left = r.pttl(key) / 1000
    if value is not None and -float(delta) * beta * math.log10(rand()) < left:
        return value
    started = time.perf_counter()
    value = recompute()
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={"value": value, "delta": time.perf_counter() - started})
        pipe.expire(key, ttl)
        pipe.execute()
    return value


# %% wrong="ttl-always"
# C11-xfetch stores the hash without a TTL
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    value, delta = r.hmget(key, "value", "delta")
    left = r.pttl(key) / 1000
    if value is not None and -float(delta) * beta * math.log(rand()) < left:
        return value
    started = time.perf_counter()
    value = recompute()
    r.hset(key, mapping={"value": value, "delta": time.perf_counter() - started})
    return value


# %% wrong="pattern-cache-aside"
# C11-xfetch never measures delta (stores 0): the early refresh can never happen
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    value, delta = r.hmget(key, "value", "delta")
    left = r.pttl(key) / 1000
    if value is not None and -float(delta) * beta * math.log(rand()) < left:
        return value
    value = recompute()
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={"value": value, "delta": 0})
        pipe.expire(key, ttl)
        pipe.execute()
    return value


# %% wrong="pattern-write-through"
# C11-newer compares in Python, then SETs: a rival between GET and SET is overwritten
def cache_if_newer(r, key, row, ttl=3600):
    cached = r.get(key)
    if cached is not None and json.loads(cached)["version"] >= row["version"]:
        return False
    r.set(key, json.dumps(row), ex=ttl)
    return True


# %% wrong="pattern-write-through"
# C11-newer WATCHes, but gives up on the first conflict
def cache_if_newer(r, key, row, ttl=3600):
    with r.pipeline() as pipe:
        try:
            pipe.watch(key)
            cached = pipe.get(key)
            if cached is not None and json.loads(cached)["version"] >= row["version"]:
                return False
            pipe.multi()
            pipe.set(key, json.dumps(row), ex=ttl)
            pipe.execute()
            return True
        except redis.WatchError:
            return False


# %% wrong="pattern-write-through"
# C11-newer SET NX: only ever writes a missing key, so a newer row never replaces an old one
def cache_if_newer(r, key, row, ttl=3600):
    return bool(r.set(key, json.dumps(row), ex=ttl, nx=True))


# %% wrong="pattern-write-through"
# C11-newer writes whatever it is given (the blind fill from the demo)
def cache_if_newer(r, key, row, ttl=3600):
    r.set(key, json.dumps(row), ex=ttl)
    return True


# %% wrong="ttl-always"
# C11-newer the compare-and-set right, the TTL forgotten
def cache_if_newer(r, key, row, ttl=3600):
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                cached = pipe.get(key)
                if cached is not None and json.loads(cached)["version"] >= row["version"]:
                    return False
                pipe.multi()
                pipe.set(key, json.dumps(row))
                pipe.execute()
                return True
            except redis.WatchError:
                continue


# %% wrong="pattern-write-through"
# C11-newer a strict "greater than" turned around: an equal or older row still replaces the cached one
def cache_if_newer(r, key, row, ttl=3600):
    with r.pipeline() as pipe:
        while True:
            try:
                pipe.watch(key)
                cached = pipe.get(key)
                if cached is not None and json.loads(cached)["version"] > row["version"] + 1:
                    return False
                pipe.multi()
                pipe.set(key, json.dumps(row), ex=ttl)
                pipe.execute()
                return True
            except redis.WatchError:
                continue


# %% wrong="pattern-cache-aside"
# C11-kata misses the lost updates and the database in sell
def kata_violations():
    return {"pattern-cache-aside", "ttl-always"}


# %% wrong="ttl-always"
# C11-kata misses the SET that drops the TTL
def kata_violations():
    return {"pattern-cache-aside", "pattern-write-through"}


# %% valid=true
# C11-ex1 a dict of expiry times beside a dict of products; an update that writes the committed row through
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        if self.local.get(product_id) and self.local[product_id]["until"] > self.clock():
            return self.local[product_id]["row"]
        raw = self.r.get(f"product:{product_id}")
        row = json.loads(raw) if raw else self.db.get_product(product_id)
        if row is None:
            return None
        if not raw:
            self.r.set(f"product:{product_id}", json.dumps(row), ex=HOUR)
        self.local[product_id] = {"until": self.clock() + self.local_ttl, "row": row}
        return row

    def on_invalidate(self, product_id):
        if product_id in self.local:
            del self.local[product_id]

    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return False
        self.r.set(f"product:{product_id}", json.dumps(self.db.get_product(product_id)), ex=3600)
        self.r.publish(self.CHANNEL, str(product_id))
        return True


HOUR = 3600


# %% valid=true
# C11-ex1 SETEX, and the delete and the message sent together in one pipeline after the commit
class NearCache(NearCacheBase):
    def get_product(self, product_id):
        found = self.local.get(product_id)
        now = self.clock()
        if found and now - found[0] < self.local_ttl:
            return found[1]
        key = f"product:{product_id}"
        cached = self.r.get(key)
        if cached is None:
            product = self.db.get_product(product_id)
            if product is None:
                return None
            self.r.setex(key, 3600, json.dumps(product))
        else:
            product = json.loads(cached)
        self.local[product_id] = (now, product)
        return product

    def on_invalidate(self, product_id):
        self.local.pop(product_id, None)

    def update_price(self, product_id, price):
        done = self.db.update_product_price(product_id, price)
        with self.r.pipeline(transaction=False) as pipe:
            pipe.delete(f"product:{product_id}")
            pipe.publish(self.CHANNEL, product_id)
            pipe.execute()
        return done


# %% valid=true
# C11-xfetch the condition turned around (time left + delta·β·ln(rand) <= 0), TTL in seconds
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    cached = r.hgetall(key)
    left = r.ttl(key)
    if cached and left > 0 and left + float(cached["delta"]) * beta * math.log(rand()) > 0:
        return cached["value"]
    t0 = time.perf_counter()
    fresh = recompute()
    took = time.perf_counter() - t0
    pipe = r.pipeline()
    pipe.hset(key, "value", fresh)
    pipe.hset(key, "delta", repr(took))
    pipe.expire(key, ttl)
    pipe.execute()
    return fresh


# %% valid=true
# C11-xfetch HMGET and PTTL in one transaction, the early test as a helper
def _refresh_early(delta, beta, rand, left_seconds):
    return delta * beta * -math.log(rand()) >= left_seconds


def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    with r.pipeline(transaction=True) as pipe:
        pipe.hmget(key, ["value", "delta"])
        pipe.pttl(key)
        (value, delta), pttl = pipe.execute()
    if value is None or pttl < 0 or _refresh_early(float(delta), beta, rand, pttl / 1000):
        started = time.perf_counter()
        value = recompute()
        with r.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping={"value": value, "delta": f"{time.perf_counter() - started:.6f}"})
            pipe.expire(key, ttl)
            pipe.execute()
    return value


# %% valid=true
# C11-newer r.transaction with a watched key (redis-py's retry loop)
def cache_if_newer(r, key, row, ttl=3600):
    outcome = []

    def attempt(pipe):
        outcome.clear()
        cached = pipe.get(key)
        if cached is not None and json.loads(cached)["version"] >= row["version"]:
            outcome.append(False)
            return
        pipe.multi()
        pipe.set(key, json.dumps(row), ex=ttl)
        outcome.append(True)

    r.transaction(attempt, key)
    return outcome[0]


# %% valid=true
# C11-newer one Lua script: read, compare and write on the server
CACHE_IF_NEWER = """
local cached = redis.call('GET', KEYS[1])
if cached and cjson.decode(cached)['version'] >= tonumber(ARGV[2]) then
  return 0
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""


def cache_if_newer(r, key, row, ttl=3600):
    return r.eval(CACHE_IF_NEWER, 1, key, json.dumps(row), row["version"], ttl) == 1


# %% valid=true
# C11-kata the same ids as a list
def kata_violations():
    return ["ttl-always", "pattern-write-through", "pattern-cache-aside"]


# %% valid=true
# C11-kata the same ids as a tuple
def kata_violations():
    return ("pattern-write-through", "ttl-always", "pattern-cache-aside")


# %% valid=true
# C11-xfetch log(1 - rand()): just as uniform, and never log(0)
def xfetch_get(r, key, recompute, ttl, beta=1.0, rand=random.random):
    value, delta = r.hmget(key, "value", "delta")
    left = r.pttl(key) / 1000
    if value is not None and left > 0 and -float(delta) * beta * math.log(1.0 - rand()) < left:
        return value
    started = time.perf_counter()
    value = recompute()
    with r.pipeline(transaction=True) as pipe:
        pipe.hset(key, mapping={"value": value, "delta": time.perf_counter() - started})
        pipe.expire(key, ttl)
        pipe.execute()
    return value
