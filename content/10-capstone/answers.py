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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        self.cache = redis.Redis.from_pool(new_pool(db=3, max_connections=8, socket_timeout=0.25))


# %% wrong="key-size-limit" points=10
# a 1.2 MB rendered page cached with some products
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        return redis.Redis.from_pool(self.new_pool(socket_timeout=0.25))


# %% wrong="client-error-handling" points=10
# no error handling: a Redis failure fails the request
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
            product = self.db.get_product(product_id)
            if product is not None:
                self._store(key, product)
            return product
        except Exception:
            return None


# %% wrong="client-serialization" points=10
# str() and ast.literal_eval instead of JSON
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product


# %% wrong="pattern-cache-aside" points=10
# reads the database every time, then caches
class CatalogService:
    TTL = 600

    def __init__(self, db, new_pool):
        self.db = db
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
        pool = new_pool(max_connections=8, socket_timeout=0.25, socket_connect_timeout=0.25)
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
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(key, product)
        return product

    def _decode(self, cached):
        return json.loads(cached)

    def update_price(self, product_id, price):
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
