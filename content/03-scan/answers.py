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


# %% wrong="cmd-scan-not-keys"
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


# %% wrong="cmd-scan-not-keys"
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


# %% wrong="cmd-scan-not-keys"
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


# %% wrong="cmd-scan-not-keys"
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


# %% wrong="cmd-scan-not-keys"
# deduplicates, but returns a whole set
def unique_keys(r, pattern, count=1000):
    return set(r.scan_iter(match=pattern, count=count))


# %% wrong="cmd-scan-not-keys"
# collects everything before the first yield
def unique_keys(r, pattern, count=1000):
    yield from sorted(set(r.scan_iter(match=pattern, count=count)))


# %% wrong="cmd-scan-not-keys"
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
