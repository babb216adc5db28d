"""Lesson 10 · Capstone. The two per-standard checks give partial credit: each wrong answer below breaks exactly
one standard, so it must score the cell's points minus one (``points=``) and name that standard."""

from support.notebooks import Wrong

SERVICE = """
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
"""

# Each variant adds methods to (or overrides methods of) the reference service above.
VARIANTS = [
    (
        "key-namespace",
        "keys without a namespace: product-<id>",
        """
    def key(self, product_id):
        return f"product-{product_id}"

    def _find(self, pattern):
        return self._client().scan_iter(match="product-*", count=500)
""",
    ),
    (
        "key-readable",
        "a cryptic key: p:<id>",
        """
    def key(self, product_id):
        return f"p:{product_id}"

    def _find(self, pattern):
        return self._client().scan_iter(match="p:*", count=500)
""",
    ),
    (
        "key-no-numbered-db",
        "the cache in database 3",
        """
    def __init__(self, db, new_pool):
        self.db = db
        self.cache = redis.Redis.from_pool(new_pool(db=3, max_connections=8, socket_timeout=0.25))
""",
    ),
    (
        "key-size-limit",
        "a 1.2 MB rendered page cached with some products",
        """
    def _encode(self, product):
        page = "<div>" + "x" * 1_200_000 + "</div>" if product["id"] % 10 == 0 else ""
        return json.dumps(dict(product, page=page))

    def _decode(self, cached):
        product = json.loads(cached)
        product.pop("page", None)
        return product
""",
    ),
    (
        "cmd-scan-not-keys",
        "KEYS to find a category's products",
        """
    def _find(self, pattern):
        return self._client().keys(pattern)
""",
    ),
    (
        "ttl-always",
        "SET with no TTL",
        """
    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product))
""",
    ),
    (
        "ttl-always",
        "SET then EXPIRE (not atomic)",
        """
    def _store(self, key, product):
        with contextlib.suppress(redis.RedisError):
            self._client().set(key, self._encode(product))
            self._client().expire(key, self.TTL)
""",
    ),
    (
        "client-pool-reuse",
        "a new pool and client per request",
        """
    def __init__(self, db, new_pool):
        self.db, self.new_pool = db, new_pool

    def _client(self):
        return redis.Redis.from_pool(self.new_pool(socket_timeout=0.25))
""",
    ),
    (
        "client-error-handling",
        "no error handling: a Redis failure fails the request",
        """
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
""",
    ),
    (
        "client-error-handling",
        "except Exception also hides a database outage",
        """
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
""",
    ),
    (
        "client-serialization",
        "str() and ast.literal_eval instead of JSON",
        """
    def _encode(self, product):
        return str(product)

    def _decode(self, cached):
        import ast

        try:
            return ast.literal_eval(cached)
        except SyntaxError as error:
            raise ValueError(cached) from error
""",
    ),
    (
        "client-serialization",
        "json.loads without a guard: a corrupt entry crashes the page",
        """
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
""",
    ),
    (
        "pattern-cache-aside",
        "reads the database every time, then caches",
        """
    def get_product(self, product_id):
        product = self.db.get_product(product_id)
        if product is not None:
            self._store(self.key(product_id), product)
        return product
""",
    ),
    (
        "pattern-write-through",
        "update_price writes the database only",
        """
    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        return self.db.get_product(product_id)
""",
    ),
    (
        "pattern-write-through",
        "the cache first, then the database",
        """
    def update_price(self, product_id, price):
        product = self.get_product(product_id)
        if product is None:
            return None
        self._store(self.key(product_id), dict(product, price=round(float(price), 2)))
        self.db.update_product_price(product_id, price)
        return self.db.get_product(product_id)
""",
    ),
    (
        "pattern-write-through",
        "invalidates instead of writing through",
        """
    def update_price(self, product_id, price):
        if not self.db.update_product_price(product_id, price):
            return None
        with contextlib.suppress(redis.RedisError):
            self._client().unlink(self.key(product_id))
        return self.db.get_product(product_id)
""",
    ),
]

GOOD_CONFIG = """
bind 127.0.0.1 -::1
protected-mode yes
maxmemory 256mb
maxmemory-policy allkeys-lru
save ""
appendonly no
user default off
user catalog on >Pq7-catalog-cache-9d2f-41ab ~product:* &* +@all -@dangerous
user admin on >Xw4-cache-operator-77c1-e05d ~* &* +@all
"""

CONFIG_VARIANTS = [
    ("config-maxmemory", "no memory limit", ("maxmemory 256mb\n", "")),
    ("config-maxmemory", "noeviction for a cache", ("allkeys-lru", "noeviction")),
    ("config-maxmemory", "a 1 kB limit (hidden check)", ("256mb", "1kb")),
    (
        "config-persistence",
        "AOF and snapshots for a pure cache",
        ('save ""\nappendonly no', "save 60 1000\nappendonly yes"),
    ),
    ("security-auth", "a short, guessable password", (">Pq7-catalog-cache-9d2f-41ab", ">catalog1")),
    ("security-dangerous-commands", "the app user may run FLUSHALL & co", (" -@dangerous", "")),
    (
        "security-dangerous-commands",
        "rename-command instead of ACL rules",
        (" -@dangerous", ' -@dangerous\nrename-command FLUSHALL ""'),
    ),
    ("security-network", "listening on every interface", ("bind 127.0.0.1 -::1", "bind 0.0.0.0")),
    ("security-network", "protected mode off", ("protected-mode yes", "protected-mode no")),
]


def _config(old: str, new: str) -> str:
    assert old in GOOD_CONFIG, old
    return f"def cache_config():\n    return {GOOD_CONFIG.replace(old, new, 1)!r}\n"


WRONG = (
    [Wrong("l10-catalog-service", label, SERVICE + body, standard, points=10) for standard, label, body in VARIANTS]
    + [
        Wrong("l10-cache-config", label, _config(*change), standard, points=4)
        for standard, label, change in CONFIG_VARIANTS
    ]
    + [
        Wrong(
            "l10-kata",
            "adds key-namespace, which the module keeps",
            "def kata_violations():\n"
            "    return {'key-no-numbered-db', 'pattern-write-through', 'ttl-always', 'key-namespace'}\n",
            "key-namespace",
        ),
        Wrong(
            "l10-kata",
            "misses the write without TTL",
            "def kata_violations():\n    return {'key-no-numbered-db', 'pattern-write-through'}\n",
            "ttl-always",
        ),
    ]
)
