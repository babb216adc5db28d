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
