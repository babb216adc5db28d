from support.notebooks import Wrong

WRONG = [
    # Exercise 1 · count keys by pattern
    Wrong(
        "l03-count-matching",
        "KEYS through keys()",
        """
def count_matching(r, pattern, count=1000):
    return len(r.keys(pattern))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-count-matching",
        "KEYS through execute_command",
        """
def count_matching(r, pattern, count=1000):
    return len(r.execute_command("KEYS", pattern))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-count-matching",
        "KEYS hidden in a pipeline",
        """
def count_matching(r, pattern, count=1000):
    with r.pipeline(transaction=False) as pipe:
        pipe.keys(pattern)
        return len(pipe.execute()[0])
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-count-matching",
        "stops at the first page",
        """
def count_matching(r, pattern, count=1000):
    cursor, keys = r.scan(0, match=pattern, count=count)
    return len(keys)
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-count-matching",
        "filters in Python instead of MATCH",
        """
def count_matching(r, pattern, count=1000):
    prefix = pattern.rstrip("*")
    return sum(1 for key in r.scan_iter(count=count) if key.startswith(prefix))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-count-matching",
        "scan_iter with the default COUNT 10",
        """
def count_matching(r, pattern, count=1000):
    return sum(1 for _ in r.scan_iter(match=pattern))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-count-matching",
        "hard-coded for the visible example",
        """
def count_matching(r, pattern, count=1000):
    return sum(1 for _ in r.scan_iter(match="order:*", count=1000))
""",
        "cmd-scan-not-keys",
    ),
    # Exercise 2 · delete by pattern in bounded batches
    Wrong(
        "l03-delete-matching",
        "the classic one-liner: DEL of KEYS",
        """
def delete_matching(r, pattern, batch_size=500):
    keys = r.keys(pattern)
    return r.delete(*keys) if keys else 0
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "KEYS through execute_command, then UNLINK in batches",
        """
def delete_matching(r, pattern, batch_size=500):
    keys = r.execute_command("KEYS", pattern)
    deleted = 0
    for start in range(0, len(keys), batch_size):
        deleted += r.unlink(*keys[start:start + batch_size])
    return deleted
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "SCAN, but DEL instead of UNLINK",
        """
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
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "SCAN, then one UNLINK with every key",
        """
def delete_matching(r, pattern, batch_size=500):
    keys = list(r.scan_iter(match=pattern, count=1000))
    return r.unlink(*keys) if keys else 0
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "batches of a fixed 500, ignoring batch_size",
        """
def delete_matching(r, pattern, batch_size=500):
    deleted = 0
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.unlink(key)
            if len(pipe) >= 500:
                deleted += sum(pipe.execute())
        deleted += sum(pipe.execute())
    return deleted
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "UNLINK batches of a fixed 500 keys",
        """
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
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "one UNLINK per SCAN page (COUNT is only a hint)",
        """
def delete_matching(r, pattern, batch_size=500):
    deleted, cursor = 0, 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=1000)
        if keys:
            deleted += r.unlink(*keys)
        if cursor == 0:
            return deleted
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "forgets the last, partial batch",
        """
def delete_matching(r, pattern, batch_size=500):
    deleted = 0
    with r.pipeline(transaction=False) as pipe:
        for key in r.scan_iter(match=pattern, count=1000):
            pipe.unlink(key)
            if len(pipe) >= batch_size:
                deleted += sum(pipe.execute())
    return deleted
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-delete-matching",
        "widens the pattern to the namespace",
        """
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
""",
        "key-namespace",
    ),
    # Exercise 3 · a SCAN iterator that survives duplicates
    Wrong(
        "l03-unique-keys",
        "trusts SCAN not to repeat",
        """
def unique_keys(r, pattern, count=1000):
    yield from r.scan_iter(match=pattern, count=count)
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-unique-keys",
        "KEYS through keys()",
        """
def unique_keys(r, pattern, count=1000):
    yield from r.keys(pattern)
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-unique-keys",
        "KEYS through execute_command",
        """
def unique_keys(r, pattern, count=1000):
    for key in r.execute_command("KEYS", pattern):
        yield key
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-unique-keys",
        "deduplicates, but returns a whole set",
        """
def unique_keys(r, pattern, count=1000):
    return set(r.scan_iter(match=pattern, count=count))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-unique-keys",
        "collects everything before the first yield",
        """
def unique_keys(r, pattern, count=1000):
    yield from sorted(set(r.scan_iter(match=pattern, count=count)))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-unique-keys",
        "dedupes one page at a time only",
        """
def unique_keys(r, pattern, count=1000):
    cursor = 0
    while True:
        cursor, keys = r.scan(cursor, match=pattern, count=count)
        yield from dict.fromkeys(keys)
        if cursor == 0:
            break
""",
        "cmd-scan-not-keys",
    ),
    # Review kata
    Wrong(
        "l03-kata",
        "misses the KEYS sent through execute_command",
        """
def kata_violations():
    return {"ttl-always", "key-namespace", "key-readable"}
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l03-kata",
        "misses the write without a TTL",
        """
def kata_violations():
    return {"cmd-scan-not-keys", "key-namespace", "key-readable"}
""",
        "ttl-always",
    ),
    Wrong(
        "l03-kata",
        "adds a standard the snippet keeps",
        """
def kata_violations():
    return {"cmd-scan-not-keys", "ttl-always", "key-namespace", "key-readable", "key-size-limit"}
""",
        "key-size-limit",
    ),
]
