# Lesson 10-capstone: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="key-namespace" points=10
# keys without a namespace: product-<id>
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def key(self, product_id):
        return f"product-{product_id}"

    def _find(self, pattern):
        return self._client().scan_iter(match="product-*", count=500)


# %% wrong="key-readable" points=10
# a cryptic key: p:<id>
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def key(self, product_id):
        return f"p:{product_id}"

    def _find(self, pattern):
        return self._client().scan_iter(match="p:*", count=500)


# %% wrong="key-no-numbered-db" points=10
# the cache in database 3
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def __init__(self, db, new_pool):
        self.db = db
        self.cache = redis.Redis.from_pool(new_pool(db=3, max_connections=32, socket_timeout=0.2, retry=Retry(NoBackoff(), 0)))


# %% wrong="key-size-limit" points=10
# a 1.2 MB rendered page cached with some products
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def _encode(self, product):
        page = "<div>" + "x" * 1_200_000 + "</div>" if product["id"] % 10 == 0 else ""
        return json.dumps(dict(product, page=page))

    def _decode(self, cached):
        product = json.loads(cached)
        product.pop("page", None)
        return product


# %% wrong="cmd-scan-not-keys" points=10
# KEYS to find a category's products
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def _find(self, pattern):
        return self._client().keys(pattern)


# %% wrong="ttl-always" points=10
# SET with no TTL
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product))


# %% wrong="ttl-always" points=10
# SET then EXPIRE (not atomic)
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product))
            self._client().expire(key, self.TTL)


# %% wrong="client-pool-reuse" points=10
# a new pool and client per request
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def __init__(self, db, new_pool):
        self.db, self.new_pool = db, new_pool

    def _client(self):
        return redis.Redis.from_pool(self.new_pool(socket_timeout=0.2, retry=Retry(NoBackoff(), 0)))


# %% wrong="client-error-handling" points=10
# no error handling: a Redis failure fails the request
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def get_product(self, product_id):
        key = self.key(product_id)
        cached = self._client().get(key)
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        with self._lock(product_id):
            cached = self._client().get(key)
            if cached is not None:
                with contextlib.suppress(ValueError):
                    return self._decode(cached)
            product = self.db.get_product(product_id)
            if product is not None:
                self._client().set(key, self._encode(product), ex=self.TTL)
            return product


# %% wrong="client-error-handling" points=10
# except Exception also hides a database outage
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def get_product(self, product_id):
        try:
            key = self.key(product_id)
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            return self._load(key, product_id)
        except Exception:
            return None


# %% wrong="client-serialization" points=10
# str() and ast.literal_eval instead of JSON
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def _encode(self, product):
        return str(product)

    def _decode(self, cached):
        import ast

        try:
            return ast.literal_eval(cached)
        except SyntaxError as error:
            raise ValueError(cached) from error


# %% wrong="client-serialization" points=10
# json.loads without a guard: a corrupt entry crashes the page
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            return json.loads(cached)
        return self._load(key, product_id)


# %% wrong="pattern-cache-aside" points=10
# reads the database every time, then caches
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def get_product(self, product_id):
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(self.key(product_id), product)
        return product


# %% wrong="pattern-write-through" points=10
# update_price writes the database only
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        return self.db.get_product(product_id)


# %% wrong="pattern-write-through" points=10
# the cache first, then the database
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def update_price(self, product_id, price):
        product = self.get_product(product_id)
        if product is None:
            return None
        self._store(self.key(product_id), dict(product, price=round(float(price), 2)))
        self.db.update_product_price(product_id, price)
        return self.db.get_product(product_id)


# %% wrong="pattern-write-through" points=10
# invalidates instead of writing through
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def _client(self):
        return self.cache

    def key(self, product_id):
        return f"product:{product_id}"

    def get_product(self, product_id):
        key = self.key(product_id)
        try:
            cached = self._client().get(key)
        except redis.RedisError:
            cached = None
        if cached is not None:
            try:
                return self._decode(cached)
            except ValueError:
                pass
        return self._load(key, product_id)

    def _load(self, key, product_id):
        with self._lock(product_id):  # one loader per product: a burst of misses reads the database once
            try:
                cached = self._client().get(key)
            except redis.RedisError:
                cached = None
            if cached is not None:
                try:
                    return self._decode(cached)
                except ValueError:
                    pass
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
        with self._lock(product_id):  # one writer per product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(self.key(product_id), product)
            return product

    def _find(self, pattern):
        return self._client().scan_iter(match=pattern, count=500)

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self._find("product:*"):
                cached = self._client().get(key)
                try:
                    doomed = cached is None or self._decode(cached).get("category") == category
                except (ValueError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self._client().unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _encode(self, product):
        return json.dumps(product)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product), ex=self.TTL)

    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        with contextlib.suppress(redis.RedisError):
            self._client().unlink(self.key(product_id))
        return self.db.get_product(product_id)


# %% wrong="config-maxmemory" points=4
# no memory limit
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="config-maxmemory" points=4
# noeviction for a cache
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy noeviction\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="config-maxmemory" points=4
# a 1 kB limit (hidden check)
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 1kb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="config-persistence" points=4
# AOF and snapshots for a pure cache
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave 60 1000\nappendonly yes\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-auth" points=4
# a short, guessable password
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >catalog1 ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-dangerous-commands" points=4
# the app user may run FLUSHALL & co
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-dangerous-commands" points=4
# rename-command instead of ACL rules
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nrename-command FLUSHALL ""\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-network" points=4
# listening on every interface
def cache_config():
    return '\nbind 0.0.0.0\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-network" points=4
# protected mode off
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode no\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="key-namespace"
# adds key-namespace, which the module keeps
def kata_violations():
    return {'key-no-numbered-db', 'pattern-write-through', 'ttl-always', 'key-namespace'}


# %% wrong="ttl-always"
# misses the write without TTL
def kata_violations():
    return {'key-no-numbered-db', 'pattern-write-through'}


# ============================================================================================
# Corpus C (triage): lesson 10.
# ============================================================================================

# %% wrong="client-error-handling" points=10
# C10-svc a pool with no socket_timeout/socket_connect_timeout (the lesson asks for short timeouts)
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def __init__(self, db, new_pool):
        self.db = db
        self.cache = redis.Redis.from_pool(new_pool(max_connections=32, retry=Retry(NoBackoff(), 0)))


# %% wrong="ttl-always" points=10
# C10-svc TTL of one day (the task: at most an hour)
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    TTL = 86400


# %% wrong="pattern-cache-aside" points=10
# C10-svc px=600 (a 0.6-second TTL: the wrong unit)
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), px=self.TTL)


# %% wrong="cmd-scan-not-keys" points=10
# C10-svc invalidation reads only the first SCAN page (ignores the cursor)
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def invalidate_category(self, category):
        removed = 0
        try:
            _, keys = self.cache.scan(0, match="product:*", count=500)
            for key in keys:
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed


# %% valid=true
# C10-svc a stampede lock on misses (SET lock:product:<id> NX EX 5, bounded wait)
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def get_product(self, product_id):
        key, lock = f"product:{product_id}", f"lock:product:{product_id}"
        token = f"{id(self)}:{time.monotonic_ns()}" if "time" in globals() else str(product_id)
        for _ in range(20):
            try:
                cached = self.cache.get(key)
            except redis.RedisError:
                return self.db.get_product(product_id)
            if cached is not None:
                try:
                    return json.loads(cached)
                except json.JSONDecodeError:
                    pass
            try:
                won = self.cache.set(lock, token, nx=True, ex=5)
            except redis.RedisError:
                won = True
            if won:
                try:
                    product = self.db.get_product(product_id)
                    if product is not None:
                        self._store(key, product)
                    return product
                finally:
                    with contextlib.suppress(redis.RedisError):
                        if self.cache.get(lock) == token:
                            self.cache.unlink(lock)
            import time as _t
            _t.sleep(0.01)
        return self.db.get_product(product_id)


# %% valid=true
# C10-svc fills misses with SET NX EX (lesson 08's advice: never overwrite a writer's value)
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        try:
            raw = self.cache.get(key)
        except redis.RedisError:
            raw = None
        cached = self._read(key) if raw is not None else None  # the reference's guarded reader
        if cached is not None:
            return cached
        with self._lock(product_id):
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                with contextlib.suppress(redis.RedisError):
                    # a clean miss: NX, never overwrite what a writer just put there; an unreadable entry:
                    # overwrite it (NX would leave it in place)
                    self.cache.set(key, json.dumps(product), ex=self.TTL, nx=raw is None)
            return product


# %% wrong="pattern-write-through" points=10
# C10-svc write-through by a Lua compare-and-set (never overwrite a newer row), SET EX inside
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    _CAS = """
local cur = redis.call('GET', KEYS[1])
if cur then
  local ok, obj = pcall(cjson.decode, cur)
  if ok and type(obj) == 'table' and obj['updated_at'] and obj['updated_at'] > ARGV[2] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1"""

    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        product = self.db.get_product(product_id)
        with contextlib.suppress(redis.RedisError):
            self.cache.eval(self._CAS, 1, f"product:{product_id}", json.dumps(product),
                            product["updated_at"], self.TTL)
        return product


# %% valid=true
# C10-svc timedelta TTL, pipeline-free helper, explicit except clauses, manual SCAN cursor loop
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None

    def _lock(self, product_id):
        return self.__dict__.setdefault("_locks", {}).setdefault(product_id, threading.Lock())

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _store(self, key, product):
        from datetime import timedelta
        try:
            self.cache.set(key, json.dumps(product), ex=timedelta(minutes=10))
        except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError):
            pass

    def invalidate_category(self, category):
        removed, cursor = 0, 0
        try:
            while True:
                cursor, keys = self.cache.scan(cursor, match="product:*", count=200)
                for key in keys:
                    raw = self.cache.get(key)
                    try:
                        doomed = raw is None or json.loads(raw).get("category") == category
                    except (ValueError, AttributeError):
                        doomed = True
                    if doomed:
                        removed += self.cache.unlink(key)
                if cursor == 0:
                    break
        except redis.RedisError:
            pass
        return removed


# %% wrong="pattern-cache-aside" points=0
# C10-svc the lesson's HurriedCatalog: eval on cached data, KEYS, no TTL, a client per request, no invalidation
class CatalogService:
    def __init__(self, db, new_pool):
        self.db, self.new_pool = db, new_pool

    def get_product(self, product_id):
        r = redis.Redis.from_pool(self.new_pool())
        cached = r.get(f"product{product_id}")
        if cached:
            return eval(cached)
        product = self.db.get_product(product_id)
        r.set(f"product{product_id}", str(product))
        return product

    def update_price(self, product_id, price):
        self.db.update_product_price(product_id, price)

    def invalidate_category(self, category):
        r = redis.Redis.from_pool(self.new_pool())
        for key in r.keys("product*"):
            if f"'category': '{category}'" in (r.get(key) or ""):
                r.delete(key)


# %% wrong="client-error-handling" points=10
# C10-fix no retry= given: new_pool's default retries 10 times with backoff (seconds per request while Redis is down)
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2)
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload

    def _lock(self, product_id):
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id


# %% wrong="client-pool-reuse" points=10
# C10-fix a plain ConnectionPool of 8 for bursts of 20 concurrent requests (Too many connections)
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=8, socket_timeout=0.2, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload

    def _lock(self, product_id):
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id


# %% valid=true
# C10-fix a BlockingConnectionPool of 8 (requests wait for a free connection), a quick bounded retry
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(pool_class=redis.BlockingConnectionPool, max_connections=8, timeout=0.5,
                        socket_timeout=0.1, socket_connect_timeout=0.1,
                        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1))
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload

    def _lock(self, product_id):
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id


# %% wrong="pattern-cache-aside" points=10
# C10-fix no stampede protection: 20 concurrent misses on a hot key, 20 database reads
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2,
                        retry=Retry(NoBackoff(), 0))  # room for bursts; give up fast and fall back  # fmt: skip
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload

    def _lock(self, product_id):
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product


# %% wrong="pattern-write-through" points=10
# C10-fix writers not serialised: two concurrent updates commit in one order and cache in the other
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2,
                        retry=Retry(NoBackoff(), 0))  # room for bursts; give up fast and fall back  # fmt: skip
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload

    def _lock(self, product_id):
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id

    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        product = self.db.get_product(product_id)
        self._store(f"product:{product_id}", product)
        return product


# %% valid=true
# C10-fix writers serialised by a Redis lock per product (SET NX PX, compare-and-delete in Lua)
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2,
                        retry=Retry(NoBackoff(), 0))  # room for bursts; give up fast and fall back  # fmt: skip
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload

    def _lock(self, product_id):
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id

    def update_price(self, product_id, price):
        lock, token = f"lock:product:{product_id}:write", f"{threading.get_ident()}:{id(self)}"
        for _ in range(100):  # a Redis lock per product: holds across several service processes too
            try:
                if self.cache.set(lock, token, nx=True, px=2000):
                    break
            except redis.RedisError:
                break  # Redis is down: nothing to keep in order in the cache either
            threading.Event().wait(0.01)
        try:
            if not self.db.update_product_price(product_id, price):
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product
        finally:
            with contextlib.suppress(redis.RedisError):
                self.cache.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end "
                                "return 0", 1, lock, token)


# %% valid=true
# C10-fix no lock: after writing the cache, re-read the row and write again if another writer committed
class CatalogService:
    TTL = 600  # seconds: a changed price shows within 10 minutes even if a cache write was lost

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=32, socket_timeout=0.2, socket_connect_timeout=0.2,
                        retry=Retry(NoBackoff(), 0))  # room for bursts; give up fast and fall back  # fmt: skip
        self.cache = redis.Redis.from_pool(pool)
        self._locks = {}  # product id → threading.Lock: one loader and one writer per product at a time

    def get_product(self, product_id):
        key = f"product:{product_id}"
        cached = self._read(key)
        if cached is not None:
            return cached
        with self._lock(product_id):  # a burst of misses on a hot key: one database read, the others wait
            cached = self._read(key)  # loaded by the request we waited for?
            if cached is not None:
                return cached
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product

    def update_price(self, product_id, price):
        with self._lock(product_id):  # two writers of one product: the cache is written in commit order
            if not self.db.update_product_price(product_id, price):  # DatabaseUnavailable propagates
                return None
            product = self.db.get_product(product_id)
            self._store(f"product:{product_id}", product)
            return product

    def invalidate_category(self, category):
        removed = 0
        try:
            for key in self.cache.scan_iter(match="product:*", count=500):
                try:
                    doomed = json.loads(self.cache.get(key) or "{}").get("category") == category
                except (json.JSONDecodeError, AttributeError):
                    doomed = True  # unreadable: drop it too
                if doomed:
                    removed += self.cache.unlink(key)
        except redis.RedisError:
            pass
        return removed

    def _store(self, key, product):  # helpers of your own: use them, change them or delete them
        with contextlib.suppress(redis.RedisError):
            self.cache.set(key, json.dumps(product), ex=self.TTL)

    def _read(self, key):
        try:
            cached = self.cache.get(key)
        except redis.RedisError:
            return None
        try:
            return None if cached is None else json.loads(cached)
        except json.JSONDecodeError:
            return None  # corrupt or foreign entry: a miss, overwritten by the reload

    def _lock(self, product_id):
        return self._locks.setdefault(product_id, threading.Lock())  # setdefault: atomic, one lock per id

    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        product = self.db.get_product(product_id)
        for _ in range(3):  # write, then make sure no other writer committed meanwhile
            self._store(f"product:{product_id}", product)
            latest = self.db.get_product(product_id)
            if latest == product:
                break
            product = latest
        return product


# %% valid=true
# C10-conf volatile-lru (every key of this cache has a TTL), maxmemory in bytes
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 268435456\nmaxmemory-policy volatile-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% valid=true
# C10-conf allkeys-lfu, loopback only, enable-debug-command no stated
def cache_config():
    return '\nbind 127.0.0.1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lfu\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\nenable-debug-command no\n'


# %% valid=true
# C10-conf strong requirepass instead of ACL users, dangerous commands denied to default
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-network" points=4
# C10-conf bind 0 (getaddrinfo: 0.0.0.0, every interface)
def cache_config():
    return '\nbind 0\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-dangerous-commands" points=4
# C10-conf the app denies only the five named commands (ACL SETUSER lets it re-grant them)
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -flushall -flushdb -keys -config -debug\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\n'


# %% wrong="security-dangerous-commands" points=4
# C10-conf enable-debug-command yes and the app user keeps DEBUG
def cache_config():
    return '\nbind 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -flushall -flushdb -keys -config\nuser admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all\nenable-debug-command yes\n'


# %% valid=true
# C10-kata the same ids as a list
def kata_violations():
    return ["key-no-numbered-db", "pattern-write-through", "ttl-always"]


# %% valid=true
# C10-fix kata: the same ids as a tuple, in another order
def kata_violations():
    return ("ttl-always", "pattern-write-through", "key-no-numbered-db")
