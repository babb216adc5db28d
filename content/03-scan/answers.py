# Lesson 03-scan: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="cmd-scan-not-keys"
# KEYS through keys()
def count_matching(r, pattern, count=1000):
    return len(r.keys(pattern))


# %% wrong="cmd-scan-not-keys"
# KEYS through execute_command
def count_matching(r, pattern, count=1000):
    return len(r.execute_command("KEYS", pattern))


# %% wrong="cmd-scan-not-keys"
# KEYS hidden in a pipeline
def count_matching(r, pattern, count=1000):
    with r.pipeline(transaction=False) as pipe:
        pipe.keys(pattern)
        return len(pipe.execute()[0])


# %% wrong="cmd-scan-not-keys"
# stops at the first page
def count_matching(r, pattern, count=1000):
    cursor, keys = r.scan(0, match=pattern, count=count)
    return len(keys)


# %% wrong="cmd-scan-not-keys"
# filters in Python instead of MATCH
def count_matching(r, pattern, count=1000):
    prefix = pattern.rstrip("*")
    return sum(1 for key in r.scan_iter(count=count) if key.startswith(prefix))


# %% wrong="correctness"
# scan_iter with the default COUNT 10
def count_matching(r, pattern, count=1000):
    return sum(1 for _ in r.scan_iter(match=pattern))


# %% wrong="cmd-scan-not-keys"
# hard-coded for the visible example
def count_matching(r, pattern, count=1000):
    return sum(1 for _ in r.scan_iter(match="order:*", count=1000))


# %% wrong="cmd-scan-not-keys"
# the classic one-liner: DEL of KEYS
def delete_matching(r, pattern, batch_size=500):
    keys = r.keys(pattern)
    return r.delete(*keys) if keys else 0


# %% wrong="cmd-scan-not-keys"
# KEYS through execute_command, then UNLINK in batches
def delete_matching(r, pattern, batch_size=500):
    keys = r.execute_command("KEYS", pattern)
    deleted = 0
    for start in range(0, len(keys), batch_size):
        deleted += r.unlink(*keys[start:start + batch_size])
    return deleted


# %% wrong="correctness"
# SCAN, but DEL instead of UNLINK
def delete_matching(r, pattern, batch_size=500):
    deleted, batch = 0, []
    for key in r.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == batch_size:
            deleted += r.delete(*batch)
            batch = []
    if batch:
        deleted += r.delete(*batch)
    return deleted


# %% wrong="cmd-scan-not-keys"
# SCAN, then one UNLINK with every key
def delete_matching(r, pattern, batch_size=500):
    keys = list(r.scan_iter(match=pattern, count=1000))
    return r.unlink(*keys) if keys else 0


# %% wrong="cmd-scan-not-keys"
# batches of a fixed 500, ignoring batch_size
def delete_matching(r, pattern, batch_size=500):
    deleted = 0
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.unlink(key)
            if len(pipe) >= 500:
                deleted += sum(pipe.execute())
        deleted += sum(pipe.execute())
    return deleted


# %% wrong="cmd-scan-not-keys"
# UNLINK batches of a fixed 500 keys
def delete_matching(r, pattern, batch_size=500):
    deleted, batch = 0, []
    for key in r.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == 500:
            deleted += r.unlink(*batch)
            batch = []
    if batch:
        deleted += r.unlink(*batch)
    return deleted


# %% wrong="cmd-scan-not-keys"
# one UNLINK per SCAN page (COUNT is only a hint)
def delete_matching(r, pattern, batch_size=500):
    deleted, cursor = 0, 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=1000)
        if keys:
            deleted += r.unlink(*keys)
        if cursor == 0:
            return deleted


# %% wrong="correctness"
# forgets the last, partial batch
def delete_matching(r, pattern, batch_size=500):
    deleted = 0
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.unlink(key)
            if len(pipe) >= batch_size:
                deleted += sum(pipe.execute())
    return deleted


# %% wrong="key-namespace"
# widens the pattern to the namespace
def delete_matching(r, pattern, batch_size=500):
    deleted = 0
    wider = pattern.split(":")[0] + ":*"
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=wider, count=1000):
            pipe.unlink(key)
            if len(pipe) >= batch_size:
                deleted += sum(pipe.execute())
        deleted += sum(pipe.execute())
    return deleted


# %% wrong="correctness"
# trusts SCAN not to repeat
def unique_keys(r, pattern, count=1000):
    yield from r.scan_iter(match=pattern, count=count)


# %% wrong="cmd-scan-not-keys"
# KEYS through keys()
def unique_keys(r, pattern, count=1000):
    yield from r.keys(pattern)


# %% wrong="cmd-scan-not-keys"
# KEYS through execute_command
def unique_keys(r, pattern, count=1000):
    for key in r.execute_command("KEYS", pattern):
        yield key


# %% wrong="correctness"
# deduplicates, but returns a whole set
def unique_keys(r, pattern, count=1000):
    return set(r.scan_iter(match=pattern, count=count))


# %% wrong="correctness"
# collects everything before the first yield
def unique_keys(r, pattern, count=1000):
    yield from sorted(set(r.scan_iter(match=pattern, count=count)))


# %% wrong="correctness"
# dedupes one page at a time only
def unique_keys(r, pattern, count=1000):
    cursor = 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=count)
        yield from dict.fromkeys(keys)
        if cursor == 0:
            break


# %% wrong="cmd-scan-not-keys"
# misses the KEYS sent through execute_command
def kata_violations():
    return {"ttl-always", "key-namespace", "key-readable"}


# %% wrong="ttl-always"
# misses the write without a TTL
def kata_violations():
    return {"cmd-scan-not-keys", "key-namespace", "key-readable"}


# %% wrong="key-size-limit"
# adds a standard the snippet keeps
def kata_violations():
    return {"cmd-scan-not-keys", "ttl-always", "key-namespace", "key-readable", "key-size-limit"}


# %% valid=true
# manual cursor loop, COUNT passed on every call
def count_matching(r, pattern, count=1000):
    total, cursor = 0, 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=count)
        total += len(keys)
        if cursor == 0:
            return total


# %% valid=true
# counts distinct keys (SCAN may repeat one)
def count_matching(r, pattern, count=1000):
    return len(set(r.scan_iter(match=pattern, count=count)))


# %% valid=true
# a for loop with a counter
def count_matching(r, pattern, count=1000):
    n = 0
    for _key in r.scan_iter(match=pattern, count=count):
        n += 1
    return n


# %% wrong="cmd-scan-not-keys"
# the whole walk inside one Lua script (SCAN loop on the server: one blocking call)
_COUNT_IN_LUA = """
local cursor, n = '0', 0
repeat
  local page = redis.call('SCAN', cursor, 'MATCH', ARGV[1], 'COUNT', ARGV[2])
  cursor, n = page[1], n + #page[2]
until cursor == '0'
return n
"""


def count_matching(r, pattern, count=1000):
    return r.eval(_COUNT_IN_LUA, 0, pattern, count)


# %% valid=true
# UNLINK of at most batch_size keys per call, batches cut from scan_iter
def delete_matching(r, pattern, batch_size=500):
    deleted, batch = 0, []
    for key in r.scan_iter(match=pattern, count=1000):
        batch.append(key)
        if len(batch) == batch_size:
            deleted += r.unlink(*batch)
            batch = []
    if batch:
        deleted += r.unlink(*batch)
    return deleted


# %% valid=true
# manual cursor loop; each page cut into slices of batch_size
def delete_matching(r, pattern, batch_size=500):
    deleted, cursor = 0, 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=1000)
        for start in range(0, len(keys), batch_size):
            deleted += r.unlink(*keys[start:start + batch_size])
        if cursor == 0:
            return deleted


# %% valid=true
# itertools.islice batches, UNLINKs queued in a transaction per batch
from itertools import islice


def delete_matching(r, pattern, batch_size=500):
    keys, deleted = r.scan_iter(match=pattern, count=1000), 0
    while batch := list(islice(keys, batch_size)):
        with r.pipeline(transaction=True) as pipe:
            for key in batch:
                pipe.unlink(key)
            deleted += sum(pipe.execute())
    return deleted


# %% wrong="correctness"
# SCAN + DEL in pipelined batches of batch_size (task says UNLINK; no standard names DEL)
def delete_matching(r, pattern, batch_size=500):
    deleted = 0
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.delete(key)
            if len(pipe) >= batch_size:
                deleted += sum(pipe.execute())
        deleted += sum(pipe.execute())
    return deleted


# %% wrong="cmd-scan-not-keys"
# deletes with EXPIRE key 0, every key in one pipeline round trip
def delete_matching(r, pattern, batch_size=500):
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.expire(key, 0)
        return sum(pipe.execute())


# %% wrong="cmd-scan-not-keys"
# deletes with EXPIREAT a moment ago (an absolute time already past), every key in one pipeline round trip
def delete_matching(r, pattern, batch_size=500):
    import time

    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.expireat(key, int(time.time()) - 1)
        return sum(pipe.execute())


# %% wrong="cmd-scan-not-keys"
# GETDEL, all keys in one pipeline round trip
def delete_matching(r, pattern, batch_size=500):
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.getdel(key)
        return sum(1 for value in pipe.execute() if value is not None)


# %% wrong="cmd-scan-not-keys"
# KEYS + UNLINK inside one Lua script: one blocking call, invisible to the log
_DELETE_IN_LUA = """
local keys = redis.call('KEYS', ARGV[1])
for i = 1, #keys, 500 do
  redis.call('UNLINK', unpack(keys, i, math.min(i + 499, #keys)))
end
return #keys
"""


def delete_matching(r, pattern, batch_size=500):
    return r.eval(_DELETE_IN_LUA, 0, pattern)


# %% wrong="cmd-scan-not-keys"
# one SCAN call with a huge COUNT (a single page holds every key), then batches
def delete_matching(r, pattern, batch_size=500):
    _, keys = r.scan(0, match=pattern, count=10_000_000)
    deleted = 0
    for start in range(0, len(keys), batch_size):
        deleted += r.unlink(*keys[start:start + batch_size])
    return deleted


# %% valid=true
# manual cursor loop with a seen set
def unique_keys(r, pattern, count=1000):
    seen, cursor = set(), 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=count)
        for key in keys:
            if key not in seen:
                seen.add(key)
                yield key
        if cursor == 0:
            return


# %% valid=true
# a dict as the seen-set, `continue` on repeats
def unique_keys(r, pattern, count=1000):
    seen = {}
    for key in r.scan_iter(match=pattern, count=count):
        if key in seen:
            continue
        seen[key] = True
        yield key


# %% valid=true
# an iterator class (`__iter__`/`__next__`) instead of a generator function
class _UniqueKeys:
    def __init__(self, r, pattern, count):
        self._keys, self._seen = r.scan_iter(match=pattern, count=count), set()

    def __iter__(self):
        return self

    def __next__(self):
        for key in self._keys:
            if key not in self._seen:
                self._seen.add(key)
                return key
        raise StopIteration


def unique_keys(r, pattern, count=1000):
    return _UniqueKeys(r, pattern, count)


# %% wrong="correctness"
# remembers only the current and previous page (the check repeats only recent keys)
def unique_keys(r, pattern, count=1000):
    cursor, previous = 0, set()
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=count)
        current = set()
        for key in keys:
            if key not in previous and key not in current:
                current.add(key)
                yield key
        previous = current
        if cursor == 0:
            return


# %% wrong="correctness"
# ignores count: scan_iter's default COUNT 10
def unique_keys(r, pattern, count=1000):
    seen = set()
    for key in r.scan_iter(match=pattern):
        if key not in seen:
            seen.add(key)
            yield key


# %% wrong="cmd-scan-not-keys"
# one SCAN call with a huge COUNT: a single page holds every key
def unique_keys(r, pattern, count=1000):
    _, keys = r.scan(0, match=pattern, count=10_000_000)
    seen = set()
    for key in keys:
        if key not in seen:
            seen.add(key)
            yield key


# %% valid=true
# the same ids as a list
def kata_violations():
    return ["cmd-scan-not-keys", "ttl-always", "key-namespace", "key-readable"]


# %% valid=true
# the same ids as a tuple
def kata_violations():
    return ("key-readable", "key-namespace", "ttl-always", "cmd-scan-not-keys")


# %% wrong="cmd-scan-not-keys"
# one SCAN call with COUNT 1,000,000: a single page holds every key
def count_matching(r, pattern, count=1000):
    _, keys = r.scan(0, match=pattern, count=1_000_000)
    return len(keys)


# %% valid=true
# UNLINK batches sent in a MULTI/EXEC per batch, cursor loop, the count left to the default
def delete_matching(r, pattern, batch_size=500):
    deleted, batch = 0, []

    def flush():
        nonlocal deleted, batch
        if batch:
            with r.pipeline(transaction=True) as pipe:
                pipe.unlink(*batch)
                deleted += pipe.execute()[0]
            batch = []

    for key in r.scan_iter(match=pattern):
        batch.append(key)
        if len(batch) >= batch_size:
            flush()
    flush()
    return deleted


# %% wrong="cmd-scan-not-keys"
# UNLINK in batches, but every batch queued in one pipeline sent once at the end
def delete_matching(r, pattern, batch_size=500):
    keys = list(r.scan_iter(match=pattern, count=1000))
    with r.pipeline(transaction=False) as pipe:
        for start in range(0, len(keys), batch_size):
            pipe.unlink(*keys[start:start + batch_size])
        return sum(pipe.execute())


# %% wrong="correctness"
# a seen-set that forgets: only the last 100 keys are remembered
def unique_keys(r, pattern, count=1000):
    from collections import deque
    recent = deque(maxlen=100)
    for key in r.scan_iter(match=pattern, count=count):
        if key not in recent:
            recent.append(key)
            yield key


# %% valid=true
# a generator expression over a seen-set (returned, not a `def` with yield)
def unique_keys(r, pattern, count=1000):
    seen = set()
    return (k for k in r.scan_iter(match=pattern, count=count) if not (k in seen or seen.add(k)))


# %% wrong="cmd-scan-not-keys"
# a generator that fetches its keys with KEYS (sent only while it is drained)
def unique_keys(r, pattern, count=1000):
    seen = set()
    for key in r.keys(pattern):
        if key not in seen:
            seen.add(key)
            yield key
