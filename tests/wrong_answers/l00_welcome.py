from support.notebooks import Wrong

WRONG = [
    Wrong(
        "l00-remember-greeting",
        "no TTL on the write",
        """
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting)
    return greeting
""",
        "ttl-always",
    ),
    Wrong(
        "l00-remember-greeting",
        "right TTL, set non-atomically",
        """
def remember_greeting(r, name):
    greeting = f"Hello, {name}!"
    r.set(f"greeting:{name}", greeting)
    r.expire(f"greeting:{name}", 60)
    return greeting
""",
        "ttl-always",
    ),
    Wrong(
        "l00-remember-greeting",
        "hard-coded for the visible example",
        """
def remember_greeting(r, name):
    r.set("greeting:ada", "Hello, ada!", ex=60)
    return "Hello, ada!"
""",
        "key-namespace",
    ),
]
