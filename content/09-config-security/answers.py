# Lesson 09-config-security: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="config-maxmemory"
# volatile-lru while some keys lack TTLs
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy volatile-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="config-maxmemory"
# no maxmemory line
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="config-maxmemory"
# 256m is 256 × 1000², not 256 MB
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256m\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="config-persistence"
# default RDB snapshots left on
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-auth"
# requirepass foobared instead of users
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nrequirepass foobared\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-auth"
# default user left open
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-dangerous-commands"
# app user may run FLUSHALL
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-dangerous-commands"
# rename-command instead of ACL rules
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all\nrename-command FLUSHALL \"\"\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-network"
# bind 0.0.0.0 (the harness would hide it)
def cache_config():
    return 'bind 0.0.0.0\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-network"
# port 0 hides protected-mode no from the audit
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode no\nport 0\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="config-persistence"
# security fixed, persistence dropped as if it were a cache
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly no\nsave ""\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="config-maxmemory"
# still evicts orders
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy allkeys-lru\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="security-network"
# bind * with protected mode on
def fixed_orders_config():
    return 'port 6379\nbind * -::*\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="security-auth"
# everyone locked out
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app off >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="security-dangerous-commands"
# the app logs in as the all-powerful default user
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default on >Rt6-orders-default-password-c3d9 ~* &* +@all\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="security-network"
# unchanged
def fixed_orders_config():
    return ORDERS_CONF


# %% wrong="config-maxmemory"
# noeviction for the pure cache
def choose_policies():
    return {'product-pages': 'noeviction', 'api-cache-and-flags': 'volatile-lru', 'payment-events': 'noeviction'}


# %% wrong="config-maxmemory"
# allkeys-lru evicts the flags
def choose_policies():
    return {'product-pages': 'allkeys-lru', 'api-cache-and-flags': 'allkeys-lru', 'payment-events': 'noeviction'}


# %% wrong="config-maxmemory"
# LRU for the only copy
def choose_policies():
    return {'product-pages': 'allkeys-lru', 'api-cache-and-flags': 'volatile-lru', 'payment-events': 'allkeys-lru'}


# %% wrong="config-maxmemory"
# spelled with an underscore
def choose_policies():
    return {'product-pages': 'allkeys_lru', 'api-cache-and-flags': 'volatile-lru', 'payment-events': 'noeviction'}


# %% wrong="config-maxmemory"
# upper case
def choose_policies():
    return {'product-pages': 'allkeys-lru', 'api-cache-and-flags': 'volatile-lru', 'payment-events': 'NOEVICTION'}


# %% wrong="ttl-always"
# misses the writer without a TTL
def kata_violations():
    return {"security-network", "config-maxmemory", "security-dangerous-commands"}


# %% wrong="security-auth"
# blames the strong requirepass
def kata_violations():
    return {"security-network", "config-maxmemory", "security-dangerous-commands", "ttl-always", "security-auth"}


# ============================================================================================
# Corpus C (triage): lesson 09.
# ============================================================================================

# %% valid=true
# C09-ex1 maxmemory in bytes (268435456), allkeys-lfu
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 268435456\nmaxmemory-policy allkeys-lfu\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% valid=true
# C09-ex1 upper-case unit and policy, single-quoted save '', loopback only
def cache_config():
    return "bind 127.0.0.1\nprotected-mode yes\nport 6379\nmaxmemory 256MB\nmaxmemory-policy ALLKEYS-LRU\nsave ''\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n"


# %% valid=true
# C09-ex1 262144kb, app restricted to cache keys, explicit per-command denials on top of -@dangerous
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 262144kb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~product:* ~cache:* &* +@all -@dangerous -flushall -flushdb -keys -config -debug\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% valid=true
# C09-ex1 repeated lines, the last wins (maxmemory 100mb then 256mb)
def cache_config():
    return 'maxmemory 100mb\nmaxmemory-policy noeviction\nbind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% valid=true
# C09-ex1 hardened with TLS on 6380 as well (cert files at standard paths)
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\ntls-port 6380\ntls-cert-file /etc/redis/tls/redis.crt\ntls-key-file /etc/redis/tls/redis.key\ntls-ca-cert-file /etc/redis/tls/ca.crt\n'


# %% wrong="security-dangerous-commands"
# C09-ex1 denies only the five named commands: ACL SETUSER, SHUTDOWN, REPLICAOF, MONITOR stay open to the app
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -flushall -flushdb -keys -config -debug\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-dangerous-commands"
# C09-ex1 enable-debug-command yes with an app user that only denies flush/keys/config
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -flushall -flushdb -keys -config\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\nenable-debug-command yes\n'


# %% wrong="security-network"
# C09-ex1 bind 0 (getaddrinfo reads it as 0.0.0.0: every interface)
def cache_config():
    return 'bind 0\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-network"
# C09-ex1 bind to the public IPv6 wildcard spelled ::0
def cache_config():
    return 'bind 127.0.0.1 ::0\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-network"
# C09-ex1 protected-mode no, "fine because there is a password"
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode no\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% wrong="security-auth"
# C09-ex1 the app user logs in with nopass (default off)
def cache_config():
    return 'bind 127.0.0.1 -::1\nprotected-mode yes\nport 6379\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\nsave ""\nappendonly no\nuser default off\nuser app on nopass ~* &* +@all -@dangerous\nuser ops on >Zt9-operator-password-41aa ~* &* +@all\n'


# %% valid=true
# C09-ex2 bind order changed, -::1 added
def fixed_orders_config():
    return 'port 6379\nbind 10.0.0.5 127.0.0.1 -::1\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% valid=true
# C09-ex2 keeps a strong requirepass for the default user, restricted to reads
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default on >Rt6-orders-default-password-c3d9 ~orders:* &* -@all +@read -@dangerous\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="config-maxmemory"
# C09-ex2 maxmemory 2 (the unit forgotten: 2 bytes, every write refused)
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="config-maxmemory"
# C09-ex2 maxmemory 2mb (a 1000x smaller store)
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2mb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="config-persistence"
# C09-ex2 appendfsync no (up to 30 s of acknowledged orders lost on a crash)
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync no\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="correctness"
# C09-ex2 bind 127.0.0.1 only: the application servers (10.0.0.5) can no longer reach the store
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="security-dangerous-commands"
# C09-ex2 app denies only the five named commands (ACL SETUSER still allowed: it can grant itself +@all)
def fixed_orders_config():
    return 'port 6379\nbind 127.0.0.1 10.0.0.5\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -flushall -flushdb -keys -config -debug\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% wrong="security-network"
# C09-ex2 bind 0 (= 0.0.0.0 through getaddrinfo)
def fixed_orders_config():
    return 'port 6379\nbind 0\nprotected-mode yes\nmaxmemory 2gb\nmaxmemory-policy noeviction\nsave 3600 1 300 100\nappendonly yes\nappendfsync everysec\nuser default off\nuser orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous\nuser ops on >Wm3-orders-ops-password-a71c ~* &* +@all\n'


# %% valid=true
# C09-ex3 the LFU and TTL variants
def choose_policies():
    return {"product-pages": "allkeys-lfu", "api-cache-and-flags": "volatile-ttl", "payment-events": "noeviction"}


# %% valid=true
# C09-ex3 volatile-lfu, built with dict()
def choose_policies():
    return dict([("product-pages", "allkeys-lru"), ("api-cache-and-flags", "volatile-lfu"),
                 ("payment-events", "noeviction")])


# %% valid=true
# C09-ex3 chosen by rules from the workload's properties
def choose_policies():
    workloads = {"product-pages": (True, True), "api-cache-and-flags": (True, False), "payment-events": (False, False)}
    def pick(rebuildable, all_ttl):
        if not rebuildable:
            return "noeviction"
        return "allkeys-lru" if all_ttl else "volatile-lru"
    return {name: pick(*facts) for name, facts in workloads.items()}


# %% wrong="config-maxmemory"
# C09-ex3 allkeys-random for the hot product pages
def choose_policies():
    return {"product-pages": "allkeys-random", "api-cache-and-flags": "volatile-lru", "payment-events": "noeviction"}


# %% wrong="config-maxmemory"
# C09-ex3 volatile-lru for the payment events ("they have no TTL, so nothing is evicted")
def choose_policies():
    return {"product-pages": "allkeys-lru", "api-cache-and-flags": "volatile-lru", "payment-events": "volatile-lru"}


# %% valid=true
# C09-kata the same ids as a list
def kata_violations():
    return ["config-maxmemory", "security-dangerous-commands", "security-network", "ttl-always"]


# %% valid=true
# C09-kata the same ids as a tuple
def kata_violations():
    return ("ttl-always", "security-network", "security-dangerous-commands", "config-maxmemory")
