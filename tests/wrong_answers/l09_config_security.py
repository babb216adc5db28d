from support.notebooks import Wrong

# A good cache config to break one way at a time (the answers are plain text, so they read like real mistakes).
_CACHE = """bind 127.0.0.1 -::1
protected-mode yes
port 6379
maxmemory 256mb
maxmemory-policy allkeys-lru
save ""
appendonly no
user default off
user app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous
user ops on >Zt9-operator-password-41aa ~* &* +@all
"""


def _cache(old: str, new: str) -> str:
    assert old in _CACHE, old
    return f"def cache_config():\n    return {_CACHE.replace(old, new)!r}\n"


_STORE = """port 6379
bind 127.0.0.1 10.0.0.5
protected-mode yes
maxmemory 2gb
maxmemory-policy noeviction
save 3600 1 300 100
appendonly yes
appendfsync everysec
user default off
user orders-app on >Kq8-orders-app-password-5d2e ~orders:* &* +@all -@dangerous
user ops on >Wm3-orders-ops-password-a71c ~* &* +@all
"""


def _store(old: str, new: str) -> str:
    assert old in _STORE, old
    return f"def fixed_orders_config():\n    return {_STORE.replace(old, new)!r}\n"


def _policies(**changes: str) -> str:
    chosen = {"product-pages": "allkeys-lru", "api-cache-and-flags": "volatile-lru", "payment-events": "noeviction"}
    chosen.update({k.replace("_", "-"): v for k, v in changes.items()})
    return f"def choose_policies():\n    return {chosen!r}\n"


WRONG = [
    # -- exercise 1: a cache config
    Wrong("l09-cache-config", "volatile-lru while some keys lack TTLs",
          _cache("allkeys-lru", "volatile-lru"), "config-maxmemory"),
    Wrong("l09-cache-config", "no maxmemory line", _cache("maxmemory 256mb\n", ""), "config-maxmemory"),
    Wrong("l09-cache-config", "256m is 256 × 1000², not 256 MB", _cache("256mb", "256m"), "config-maxmemory"),
    Wrong("l09-cache-config", "default RDB snapshots left on", _cache('save ""\n', ""), "config-persistence"),
    Wrong("l09-cache-config", "requirepass foobared instead of users",
          _cache("user default off\n", "requirepass foobared\n").replace(
              "user app on >Vq3-app-cache-password-7f2c ~* &* +@all -@dangerous\\n", ""), "security-auth"),
    Wrong("l09-cache-config", "default user left open", _cache("user default off\n", ""), "security-auth"),
    Wrong("l09-cache-config", "app user may run FLUSHALL", _cache(" -@dangerous", ""), "security-dangerous-commands"),
    Wrong("l09-cache-config", "rename-command instead of ACL rules",
          _cache(" -@dangerous", "").replace("user ops", 'rename-command FLUSHALL \\"\\"\\nuser ops'),
          "security-dangerous-commands"),
    Wrong("l09-cache-config", "bind 0.0.0.0 (the harness would hide it)",
          _cache("bind 127.0.0.1 -::1", "bind 0.0.0.0"), "security-network"),
    Wrong("l09-cache-config", "port 0 hides protected-mode no from the audit",
          _cache("protected-mode yes\nport 6379", "protected-mode no\nport 0"), "security-network"),
    # -- exercise 2: fix the orders store
    Wrong("l09-fix-config", "security fixed, persistence dropped as if it were a cache",
          _store("appendonly yes", 'appendonly no\nsave ""'), "config-persistence"),
    Wrong("l09-fix-config", "still evicts orders", _store("noeviction", "allkeys-lru"), "config-maxmemory"),
    Wrong("l09-fix-config", "bind * with protected mode on", _store("bind 127.0.0.1 10.0.0.5", "bind * -::*"),
          "security-network"),
    Wrong("l09-fix-config", "everyone locked out", _store("user orders-app on", "user orders-app off"),
          "security-auth"),
    Wrong("l09-fix-config", "the app logs in as the all-powerful default user",
          _store("user default off", "user default on >Rt6-orders-default-password-c3d9 ~* &* +@all"),
          "security-dangerous-commands"),
    Wrong("l09-fix-config", "unchanged", "def fixed_orders_config():\n    return ORDERS_CONF\n", "security-network"),
    # -- exercise 3: policies
    Wrong("l09-choose-policies", "noeviction for the pure cache", _policies(product_pages="noeviction"),
          "config-maxmemory"),
    Wrong("l09-choose-policies", "allkeys-lru evicts the flags", _policies(api_cache_and_flags="allkeys-lru"),
          "config-maxmemory"),
    Wrong("l09-choose-policies", "LRU for the only copy", _policies(payment_events="allkeys-lru"),
          "config-maxmemory"),
    Wrong("l09-choose-policies", "spelled with an underscore", _policies(product_pages="allkeys_lru"),
          "config-maxmemory"),
    Wrong("l09-choose-policies", "upper case", _policies(payment_events="NOEVICTION"), "config-maxmemory"),
    # -- review kata
    Wrong("l09-kata", "misses the writer without a TTL",
          'def kata_violations():\n'
          '    return {"security-network", "config-maxmemory", "security-dangerous-commands"}\n',
          "ttl-always"),
    Wrong("l09-kata", "blames the strong requirepass",
          'def kata_violations():\n    return {"security-network", "config-maxmemory", "security-dangerous-commands",'
          ' "ttl-always", "security-auth"}\n', "security-auth"),
]  # fmt: skip
