# Lesson 01-key-design: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="key-namespace"
# underscores instead of a namespace
def settings_key(user_id):
    return f"user_{user_id}_settings"


# %% wrong="key-readable"
# namespaced but cryptic
def settings_key(user_id):
    return f"u:{user_id}:settings"


# %% wrong="key-namespace"
# hard-coded for the visible example
def settings_key(user_id):
    return "user:1001:settings"


# %% wrong="key-no-numbered-db"
# right values by SELECTing a database per tenant
def save_for_tenant(r, tenant_id, name, value):
    r.execute_command("SELECT", tenant_id)
    r.set(name, value, ex=3600)
    r.execute_command("SELECT", 0)

def load_for_tenant(r, tenant_id, name):
    r.execute_command("SELECT", tenant_id)
    value = r.get(name)
    r.execute_command("SELECT", 0)
    return value


# %% wrong="ttl-always"
# namespaced but no TTL
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant:{tenant_id}:{name}", value)

def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant:{tenant_id}:{name}")


# %% wrong="key-namespace"
# flat concatenated key
def save_for_tenant(r, tenant_id, name, value):
    r.set(f"tenant{tenant_id}{name}", value, ex=3600)

def load_for_tenant(r, tenant_id, name):
    return r.get(f"tenant{tenant_id}{name}")


# %% wrong="cmd-scan-not-keys"
# right keys through KEYS
def tenant_keys(r, tenant_id):
    return set(r.keys(f"tenant:{tenant_id}:*"))


# %% wrong="cmd-scan-not-keys"
# KEYS through execute_command
def tenant_keys(r, tenant_id):
    return set(r.execute_command("KEYS", f"tenant:{tenant_id}:*"))


# %% wrong="key-namespace"
# pattern without the closing colon
def tenant_keys(r, tenant_id):
    return set(r.scan_iter(match=f"tenant:{tenant_id}*"))


# %% wrong="key-namespace"
# namespaced but no hash tag
def cart_keys(user_id):
    return f"cart:{user_id}:items", f"cart:{user_id}:total"


# %% wrong="key-namespace"
# one constant tag for every cart
def cart_keys(user_id):
    return f"{{cart}}:{user_id}:items", f"{{cart}}:{user_id}:total"


# %% wrong="ttl-always"
# lists a standard the snippet keeps
def kata_violations():
    return {"key-no-numbered-db", "key-namespace", "key-readable", "client-pool-reuse", "ttl-always"}


# %% wrong="client-pool-reuse"
# misses the client made per call
def kata_violations():
    return {"key-no-numbered-db", "key-namespace", "key-readable"}
