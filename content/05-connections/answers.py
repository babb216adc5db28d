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
