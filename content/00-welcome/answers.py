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


# %% valid=true
# SETEX: value and TTL in one command
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.setex(f"greeting:{name}", 60, greeting)
    return greeting


# %% valid=true
# TTL as a timedelta
from datetime import timedelta


def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, ex=timedelta(seconds=60))
    return greeting


# %% valid=true
# TTL in milliseconds (px=60_000)
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, px=60_000)
    return greeting


# %% valid=true
# SET EX inside a MULTI/EXEC transaction
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"greeting:{name}", greeting, ex=60)
        pipe.execute()
    return greeting


# %% valid=true
# key built by a helper, early return of the text
def _greeting_key(name):
    return ":".join(("greeting", name))


def remember_greeting(r, name):
    text = "Hello, " + name + "!"
    if r.set(_greeting_key(name), text, ex=60):
        return text
    return text


# %% wrong="correctness"
# hard-coded for the visible example: only "ada" (issue case: caught only by hidden tests, under key-namespace)
def remember_greeting(r, name):
    r.set("greeting:ada", "Hello, ada!", ex=60)
    return "Hello, ada!"


# %% wrong="correctness"
# stores and TTLs the greeting right, but forgets to return it (reported under key-namespace)
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, ex=60)


# %% wrong="ttl-always"
# TTL in minutes, not seconds: ex=1 ("one minute")
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, ex=1)
    return greeting


# %% wrong="ttl-always"
# TTL in the wrong unit: px=60 (60 ms)
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, px=60)
    return greeting


# %% wrong="ttl-always"
# SET and EXPIRE in a non-transactional pipeline
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    with r.pipeline(transaction=False) as pipe:
        pipe.set(f"greeting:{name}", greeting)
        pipe.expire(f"greeting:{name}", 60)
        pipe.execute()
    return greeting


# %% wrong="key-no-numbered-db"
# greetings kept in their own numbered database (SELECT 1)
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.execute_command("SELECT", 1)
    r.set(f"greeting:{name}", greeting, ex=60)
    return greeting


# %% wrong="ttl-always"
# SET alone in a MULTI/EXEC, EXPIRE sent afterwards as a separate command (not atomic)
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    with r.pipeline(transaction=True) as pipe:
        pipe.set(f"greeting:{name}", greeting)
        pipe.execute()
    r.expire(f"greeting:{name}", 60)
    return greeting


# %% wrong="key-namespace"
# a flat key with a dash: greeting-ada
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting-{name}", greeting, ex=60)
    return greeting


# %% wrong="ttl-always"
# an hour instead of a minute
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, ex=3600)
    return greeting


# %% wrong="ttl-always"
# SET KEEPTTL on a new key: keeps no TTL at all
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting, keepttl=True)
    return greeting


# %% valid=true
# raw SET ... EX through execute_command, the TTL in a constant
GREETING_TTL = 60


def remember_greeting(r, name):
    greeting = "Hello, {}!".format(name)
    r.execute_command("SET", f"greeting:{name}", greeting, "EX", GREETING_TTL)
    return greeting
