# Lesson 05-connections: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="client-pool-reuse"
# a new client (and pool) per request
class ProfileService:
    def __init__(self, new_pool):
        self.new_pool = new_pool

    def display_name(self, user_id):
        client = redis.Redis.from_pool(self.new_pool(max_connections=8))
        try:
            return client.get(f"user:{user_id}:name")
        finally:
            client.close()


# %% wrong="client-pool-reuse"
# one pool, but each request's from_pool client closes it
class ProfileService:
    def __init__(self, new_pool):
        self.pool = new_pool(max_connections=8)

    def display_name(self, user_id):
        client = redis.Redis.from_pool(self.pool)
        try:
            return client.get(f"user:{user_id}:name")
        finally:
            client.close()


# %% wrong="client-pool-reuse"
# shared pool without a ceiling
class ProfileService:
    def __init__(self, new_pool):
        self.cache = redis.Redis(connection_pool=new_pool())

    def display_name(self, user_id):
        return self.cache.get(f"user:{user_id}:name")


# %% wrong="client-error-handling"
# no error handling: the outage escapes
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    cached = cache.get(key)
    if cached is not None:
        return cached
    price = load_price(product_id)
    cache.set(key, price, ex=300)
    return price


# %% wrong="client-error-handling"
# the read is protected, the write-back is not (OOM escapes)
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log.warning("cache read failed: %s", error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    cache.set(key, price, ex=300)
    return price


# %% wrong="client-error-handling"
# except Exception around everything (asks the database twice)
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
        if cached is not None:
            return cached
        price = load_price(product_id)
        cache.set(key, price, ex=300)
        return price
    except Exception as error:
        log.warning("cache trouble: %s", error)
        return load_price(product_id)


# %% wrong="client-error-handling"
# falls back silently, nothing logged
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except (redis.ConnectionError, redis.TimeoutError):
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=300)
    except redis.RedisError:
        pass
    return price


# %% wrong="ttl-always"
# right error handling, write-back without a TTL
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log.warning("cache read failed: %s", error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price)
    except redis.RedisError as error:
        log.warning("cache write failed: %s", error)
    return price


# %% wrong="client-error-handling"
# retries every redis error, ResponseError too
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except redis.RedisError:
            if attempt == attempts:
                raise
            sleep(min(cap, base * 2**attempt))


# %% wrong="client-error-handling"
# retries at once, no backoff
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError):
            if attempt == attempts:
                raise


# %% wrong="client-error-handling"
# retries a wrong password (AuthenticationError is a ConnectionError)
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except (redis.ConnectionError, redis.TimeoutError):
            if attempt == attempts:
                raise
            sleep(min(cap, base * 2**attempt))


# %% wrong="client-error-handling"
# backoff without a cap
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError):
            if attempt == attempts:
                raise
            sleep(base * 2**attempt)


# %% wrong="client-error-handling"
# gives up silently: returns None after the last attempt
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError):
            if attempt < attempts:
                sleep(min(cap, base * 2**attempt))
    return None


# %% wrong="key-no-numbered-db"
# misses the numbered database
def kata_violations():
    return {"client-pool-reuse", "client-error-handling"}


# %% wrong="ttl-always"
# blames a TTL that is there
def kata_violations():
    return {"client-pool-reuse", "client-error-handling", "key-no-numbered-db", "ttl-always"}


# ---- corpus-B additions (triage of lessons 04-06) ---------------------------------------------------

# %% valid=true
# Redis(connection_pool=...) with a ceiling and both timeouts
class ProfileService:
    def __init__(self, new_pool):
        self.cache = redis.Redis(
            connection_pool=new_pool(max_connections=10, socket_timeout=1.0, socket_connect_timeout=1.0)
        )

    def display_name(self, user_id):
        return self.cache.get(f"user:{user_id}:name")


# %% valid=true
# keeps the pool; each request borrows it through a light Redis object (never closes the pool)
class ProfileService:
    def __init__(self, new_pool):
        self.pool = new_pool(pool_class=redis.BlockingConnectionPool, max_connections=4, timeout=5,
                             socket_timeout=0.5, health_check_interval=30)

    def display_name(self, user_id):
        return redis.Redis(connection_pool=self.pool).get(f"user:{user_id}:name")


# %% valid=true
# plain ConnectionPool sized well above the thread count, helper for the key
class ProfileService:
    KEY = "user:{}:name"

    def __init__(self, new_pool):
        pool = new_pool(max_connections=32, socket_timeout=0.5)
        self.cache = redis.Redis.from_pool(pool)

    def _key(self, user_id):
        return self.KEY.format(user_id)

    def display_name(self, user_id):
        return self.cache.get(self._key(user_id))


# %% wrong="client-pool-reuse"
# a non-blocking pool of ONE connection: fails with MaxConnectionsError as soon as two requests overlap
class ProfileService:
    def __init__(self, new_pool):
        self.cache = redis.Redis.from_pool(new_pool(max_connections=1, socket_timeout=0.5))

    def display_name(self, user_id):
        return self.cache.get(f"user:{user_id}:name")


# %% wrong="client-pool-reuse"
# a pool per thread (threading.local): one pool per worker, not one for the service
import threading


class ProfileService:
    def __init__(self, new_pool):
        self.new_pool = new_pool
        self.local = threading.local()
        self.local.cache = redis.Redis.from_pool(new_pool(max_connections=8))

    def display_name(self, user_id):
        if not hasattr(self.local, "cache"):
            self.local.cache = redis.Redis.from_pool(self.new_pool(max_connections=8))
        return self.local.cache.get(f"user:{user_id}:name")


# %% wrong="client-error-handling"
# pool with a ceiling but no socket timeouts: a hung server hangs every request thread
class ProfileService:
    def __init__(self, new_pool):
        self.cache = redis.Redis.from_pool(new_pool(pool_class=redis.BlockingConnectionPool, max_connections=8))

    def display_name(self, user_id):
        return self.cache.get(f"user:{user_id}:name")


# %% wrong="client-error-handling"
# redis-py 8's default retry chosen explicitly (10 retries, jittered backoff: seconds on a dead server)
class ProfileService:
    def __init__(self, new_pool):
        pool = new_pool(max_connections=8, socket_timeout=0.5,
                        retry=Retry(ExponentialWithJitterBackoff(base=0.01, cap=1), 10))
        self.cache = redis.Redis.from_pool(pool)

    def display_name(self, user_id):
        return self.cache.get(f"user:{user_id}:name")


# %% valid=true
# RedisError for both calls, TTL as a timedelta
from datetime import timedelta


def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except redis.RedisError as error:
        log.warning("cache read failed for %s: %r %s", key, type(error).__name__, error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=timedelta(seconds=300))
    except redis.RedisError as error:
        log.warning("cache write failed for %s: %s", key, error)
    return price


# %% valid=true
# two small helpers that catch redis errors only; setex for the write-back
def _cache_read(cache, key):
    try:
        return cache.get(key), None
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log.warning("cache read of %s failed: %s", key, error)
        return None, error


def _cache_write(cache, key, value):
    try:
        cache.setex(key, 300, value)
    except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError) as error:
        log.warning("cache write of %s failed: %s", key, error)


def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    cached, failed = _cache_read(cache, key)
    if cached is not None:
        return cached
    price = load_price(product_id)
    if failed is None:
        _cache_write(cache, key, price)
    return price


# %% valid=true
# one flag for "cache usable"; log.warning with the exception object as an argument
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    usable = True
    try:
        cached = cache.get(key)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log.warning("price cache unavailable (%s), reading product %s from the database", error, product_id)
        cached, usable = None, False
    if cached is not None:
        return cached
    price = load_price(product_id)
    if usable:
        try:
            cache.set(key, price, ex=300)
        except redis.RedisError as error:
            log.warning("could not cache %s: %s", key, error)
    return price


# %% wrong="client-error-handling"
# except Exception around the cache calls only (the database stays outside): hides non-Redis bugs
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except Exception as error:
        log.warning("cache read failed: %s", error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=300)
    except Exception as error:
        log.warning("cache write failed: %s", error)
    return price


# %% wrong="client-error-handling"
# except Exception moved into a helper the AST check never reads
def _safely(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except Exception as error:
        log.warning("cache call failed: %s", error)
        return None


def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    cached = _safely(cache.get, key)
    if cached is not None:
        return cached
    price = load_price(product_id)
    _safely(cache.set, key, price, ex=300)
    return price


# %% wrong="client-error-handling"
# the warning does not name the error
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except (redis.ConnectionError, redis.TimeoutError):
        log.warning("price cache unavailable, using the database")
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=300)
    except redis.RedisError:
        log.warning("could not cache the price")
    return price


# %% wrong="client-error-handling"
# retries the failed read three times with time.sleep before falling back (0.6 s per request in an outage)
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    cached, last = None, None
    for _ in range(3):
        try:
            cached = cache.get(key)
            last = None
            break
        except (redis.ConnectionError, redis.TimeoutError) as error:
            last = error
            time.sleep(0.2)
    if last is not None:
        log.warning("cache read failed: %s", last)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=300)
    except redis.RedisError as error:
        log.warning("cache write failed: %s", error)
    return price


# %% wrong="ttl-always"
# TTL of 30 s instead of the 300 s the task states
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        log.warning("cache read failed: %s", error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=30)
    except redis.RedisError as error:
        log.warning("cache write failed: %s", error)
    return price


# %% valid=true
# while loop with a counter, AuthenticationError re-raised by isinstance
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    attempt = 0
    while True:
        attempt += 1
        try:
            return operation()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            if isinstance(error, redis.AuthenticationError) or attempt >= attempts:
                raise
            sleep(min(cap, base * 2 ** (attempt - 1)))


# %% valid=true
# "equal jitter": half the capped backoff plus a random half
import random


def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(attempts):
        try:
            return operation()
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError):
            if attempt == attempts - 1:
                raise
            delay = min(cap, base * 2**attempt)
            sleep(delay / 2 + random.uniform(0, delay / 2))


# %% valid=true
# keeps the last error and raises it after the loop
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    last_error = None
    for n in range(1, attempts + 1):
        if last_error is not None:
            sleep(min(cap, base * 2 ** (n - 1)))
        try:
            return operation()
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError) as error:
            last_error = error
    raise last_error


# %% wrong="client-error-handling"
# retries ANY exception except the two named redis ones (a TypeError or KeyError is retried too)
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except (redis.AuthenticationError, redis.ResponseError):
            raise
        except Exception:
            if attempt == attempts:
                raise
            sleep(min(cap, base * 2**attempt))


# %% valid=true
# the same ids as a list
def kata_violations():
    return ["client-pool-reuse", "client-error-handling", "key-no-numbered-db"]


# %% valid=true
# the same ids as a tuple
def kata_violations():
    return ("key-no-numbered-db", "client-error-handling", "client-pool-reuse")


# ---- FIX-2 additions --------------------------------------------------------------------------------

# %% valid=true
# short socket_timeout plus one quick retry of its own (0.3 s + 0.3 s + a 10 ms wait: inside the 1 s budget)
class ProfileService:
    def __init__(self, new_pool):
        pool = new_pool(pool_class=redis.BlockingConnectionPool, max_connections=6, timeout=1,
                        socket_timeout=0.3, socket_connect_timeout=0.3,
                        retry=Retry(ExponentialBackoff(cap=0.05, base=0.01), 1))
        self.cache = redis.Redis.from_pool(pool)

    def display_name(self, user_id):
        return self.cache.get(f"user:{user_id}:name")


# %% wrong="client-error-handling"
# socket_timeout set, but 3 retries of 0.5 s each: a hung server holds every request for 2 s
class ProfileService:
    def __init__(self, new_pool):
        pool = new_pool(max_connections=8, socket_timeout=0.5, retry=Retry(NoBackoff(), 3))
        self.cache = redis.Redis.from_pool(pool)

    def display_name(self, user_id):
        return self.cache.get(f"user:{user_id}:name")


# %% wrong="client-error-handling"
# the read catches redis errors, the write-back catches Exception (hides bugs in the write path)
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except redis.RedisError as error:
        log.warning("cache read failed: %s", error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=300)
    except Exception as error:
        log.warning("cache write failed: %s", error)
    return price


# %% valid=true
# except Exception only to log and re-raise non-redis errors; redis errors fall back
def get_price(cache, product_id, load_price):
    key = f"product:{product_id}:price"
    try:
        cached = cache.get(key)
    except Exception as error:
        if not isinstance(error, redis.RedisError):
            raise
        log.warning("cache read failed for %s: %s", key, error)
        return load_price(product_id)
    if cached is not None:
        return cached
    price = load_price(product_id)
    try:
        cache.set(key, price, ex=300)
    except redis.RedisError as error:
        log.warning("cache write failed for %s: %s", key, error)
    return price


# %% wrong="client-error-handling"
# retries a KeyError as if it were a network error (catches LookupError too)
def call_with_retry(operation, attempts=3, base=0.01, cap=0.2, sleep=time.sleep):
    for attempt in range(1, attempts + 1):
        try:
            return operation()
        except redis.AuthenticationError:
            raise
        except (redis.ConnectionError, redis.TimeoutError, LookupError):
            if attempt == attempts:
                raise
            sleep(min(cap, base * 2**attempt))


# %% wrong="client-error-handling"
# names only two of the three faults: misses the retry loop's cost and except Exception
def kata_violations():
    return {"client-pool-reuse", "key-no-numbered-db"}


# %% wrong="client-pool-reuse"
# an id the task does not offer (client-serialization) beside the three
def kata_violations():
    return {"client-pool-reuse", "client-error-handling", "key-no-numbered-db", "client-serialization"}
