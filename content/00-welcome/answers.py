# Lesson 00-welcome: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="ttl-always"
# no TTL on the write
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting)
    return greeting


# %% wrong="ttl-always"
# right TTL, set non-atomically
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting)
    r.expire(f"greeting:{name}", 60)
    return greeting


# %% wrong="key-namespace"
# hard-coded for the visible example
def remember_greeting(r, name):
    r.set("greeting:ada", "Hello, ada!", ex=60)
    return "Hello, ada!"
