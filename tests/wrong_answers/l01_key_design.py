from support.notebooks import Wrong

WRONG = [
    Wrong(
        "l01-settings-key",
        "underscores instead of a namespace",
        """
def settings_key(user_id):
    return f"user_{user_id}_settings"
""",
        "key-namespace",
    ),
    Wrong(
        "l01-settings-key",
        "namespaced but cryptic",
        """
def settings_key(user_id):
    return f"u:{user_id}:settings"
""",
        "key-readable",
    ),
    Wrong(
        "l01-settings-key",
        "hard-coded for the visible example",
        """
def settings_key(user_id):
    return "user:1001:settings"
""",
        "key-namespace",
    ),
    Wrong(
        "l01-tenant-store",
        "right values by SELECTing a database per tenant",
        """
def save_for_tenant(r, tenant_id, name, value):
    r.execute_command("SELECT", tenant_id)
    r.set(name, value, ex=3600)
    r.execute_command("SELECT", 0)

def load_for_tenant(r, tenant_id, name):
    r.execute_command("SELECT", tenant_id)
    value = r.get(name)
    r.execute_command("SELECT", 0)
    return value
""",
        "key-no-numbered-db",
    ),
    Wrong(
        "l01-tenant-store",
        "namespaced but no TTL",
        """
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value)

def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")
""",
        "ttl-always",
    ),
    Wrong(
        "l01-tenant-store",
        "flat concatenated key",
        """
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant{tenant_id}{name}", value, ex=3600)

def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant{tenant_id}{name}")
""",
        "key-namespace",
    ),
    Wrong(
        "l01-tenant-keys",
        "right keys through KEYS",
        """
def tenant_keys(r, tenant_id):
    return set(r.keys(f"tenant:{tenant_id}:*"))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l01-tenant-keys",
        "KEYS through execute_command",
        """
def tenant_keys(r, tenant_id):
    return set(r.execute_command("KEYS", f"tenant:{tenant_id}:*"))
""",
        "cmd-scan-not-keys",
    ),
    Wrong(
        "l01-tenant-keys",
        "pattern without the closing colon",
        """
def tenant_keys(r, tenant_id):
    return set(r.scan_iter(match=f"tenant:{tenant_id}*"))
""",
        "key-namespace",
    ),
    Wrong(
        "l01-cart-keys",
        "namespaced but no hash tag",
        """
def cart_keys(user_id):
    return f"cart:{user_id}:items", f"cart:{user_id}:total"
""",
        "key-namespace",
    ),
    Wrong(
        "l01-cart-keys",
        "one constant tag for every cart",
        """
def cart_keys(user_id):
    return f"{{cart}}:{user_id}:items", f"{{cart}}:{user_id}:total"
""",
        "key-namespace",
    ),
    Wrong(
        "l01-kata",
        "lists a standard the snippet keeps",
        """
def kata_violations():
    return {"key-no-numbered-db", "key-namespace", "key-readable", "client-pool-reuse", "ttl-always"}
""",
        "ttl-always",
    ),
    Wrong(
        "l01-kata",
        "misses the client made per call",
        """
def kata_violations():
    return {"key-no-numbered-db", "key-namespace", "key-readable"}
""",
        "client-pool-reuse",
    ),
]
