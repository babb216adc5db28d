"""A redis.conf as data: directives in file order, ACL users, and what the server would end up with.

Where redis.conf is silent, this assumes Redis 7's defaults (the course's server is 7.0.15).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .lexer import SPACE, parse_memory

DANGEROUS = ("flushdb", "flushall", "config", "keys", "debug")  # the five the standard names
# Every command (or subcommand, `parent|sub`) in Redis 7.0's @dangerous category, with its other ACL categories
# (from `COMMAND LIST FILTERBY ACLCAT dangerous` and `COMMAND INFO` on redis-server 7.0.15).
_ADMIN, _ADMIN_FAST, _KEYSPACE_WRITE = {"admin", "slow"}, {"admin", "fast"}, {"keyspace", "write", "slow"}
_DANGEROUS_CATEGORIES: dict[str, set[str]] = {
    "flushdb": _KEYSPACE_WRITE, "flushall": _KEYSPACE_WRITE, "keys": {"keyspace", "read", "slow"},
    "config": _ADMIN, "debug": _ADMIN,
    **{f"acl|{s}": _ADMIN for s in ("deluser", "dryrun", "getuser", "list", "load", "log", "save", "setuser",
                                     "users")},
    **{f"client|{s}": _ADMIN | {"connection"} for s in ("kill", "list", "no-evict", "pause", "unblock", "unpause")},
    **{f"cluster|{s}": _ADMIN for s in ("addslots", "addslotsrange", "bumpepoch", "count-failure-reports",
                                         "delslots", "delslotsrange", "failover", "flushslots", "forget", "meet",
                                         "replicas", "replicate", "reset", "saveconfig", "set-config-epoch",
                                         "setslot", "slaves")},
    **{f"latency|{s}": _ADMIN for s in ("doctor", "graph", "histogram", "history", "latest", "reset")},
    **{f"module|{s}": _ADMIN for s in ("list", "load", "loadex", "unload")},
    **{f"slowlog|{s}": _ADMIN for s in ("get", "len", "reset")},
    **{c: _ADMIN for c in ("bgrewriteaof", "bgsave", "failover", "monitor", "psync", "replconf", "replicaof",
                           "save", "shutdown", "slaveof", "sync")},
    "lastsave": _ADMIN_FAST, "role": _ADMIN_FAST, "info": {"slow"},
    "migrate": _KEYSPACE_WRITE, "restore": _KEYSPACE_WRITE, "restore-asking": _KEYSPACE_WRITE,
    "swapdb": {"keyspace", "write", "fast"},
    "pfdebug": _ADMIN | {"hyperloglog", "write"}, "pfselftest": _ADMIN | {"hyperloglog"},
    "sort": {"write", "slow", "set", "sortedset", "list"}, "sort_ro": {"read", "slow", "set", "sortedset", "list"},
}  # fmt: skip
CATEGORIES = {name: cats | {"dangerous"} for name, cats in _DANGEROUS_CATEGORIES.items()}
# @dangerous commands an application user may be given back: they read server state and change nothing.
READ_ONLY_DANGEROUS = frozenset({
    "info", "role", "lastsave", "sort", "sort_ro", "pfselftest", "client|list", "client|no-evict",
    "client|unblock", "client|unpause", "module|list", "slowlog|get", "slowlog|len", "cluster|replicas",
    "cluster|slaves", "cluster|count-failure-reports", *(f"latency|{s}" for s in ("doctor", "graph", "histogram",
                                                                                   "history", "latest")),
})  # fmt: skip
# What an application user must not be able to run: every other @dangerous command (it deletes data, changes
# the server's settings or its users, stops or replicates it, or watches every command). The standard's five first.
_WORST_FIRST = ("acl|setuser", "shutdown", "replicaof", "slaveof", "monitor", "migrate", "module|load", "swapdb")
MUST_DENY = (*DANGEROUS, *_WORST_FIRST, *sorted(
    c for c in CATEGORIES
    if c not in READ_ONLY_DANGEROUS and c not in _WORST_FIRST and c.split("|")[0] not in DANGEROUS
))  # fmt: skip
MULTI_VALUE = frozenset({"include", "rename-command", "user", "save", "loadmodule"})
DEFAULT_SAVE = ((3600, 1), (300, 100), (60, 10000))  # what Redis 7 snapshots by when no `save` line is given
POLICIES = ("noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl")  # fmt: skip
CHOICES = {
    "appendonly": ("yes", "no"),
    "protected-mode": ("yes", "no"),
    "appendfsync": ("always", "everysec", "no"),
    "maxmemory-policy": POLICIES,
    "enable-debug-command": ("yes", "no", "local"),
    "enable-module-command": ("yes", "no", "local"),
}
# (fewest, most) arguments; every directive needs at least one.
ARITY = {"include": (1, 1), "rename-command": (2, 2), "maxmemory": (1, 1), "requirepass": (1, 1),
         "aclfile": (1, 1), "port": (1, 1)} | {name: (1, 1) for name in CHOICES}  # fmt: skip


@dataclass(frozen=True)
class Directive:
    name: str  # lower case
    args: tuple[str, ...]
    source: str
    line: int = 0  # 0 when read from a live server

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def __str__(self) -> str:
        return " ".join([self.name, *(_show(a) for a in self.args)])


def _show(arg: str) -> str:
    if arg and not any(c in SPACE or c in "\"'\\" for c in arg):
        return arg
    return '"' + arg.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class AclUser:
    """Just enough of a Redis ACL user to know whether it can log in without a password and what it may run."""

    name: str
    enabled: bool = False
    nopass: bool = False
    passwords: int = 0
    rules: list[str] = field(default_factory=list)  # command rules in order: +@all, -@dangerous, -flushall ...
    selectors: list[list[str]] = field(default_factory=list)

    @classmethod
    def default_user(cls) -> AclUser:
        """Redis's ``default`` user before any configuration: ``on nopass ~* &* +@all``."""
        return cls("default", enabled=True, nopass=True, rules=["+@all"])

    def apply(self, rules: list[str]) -> None:
        for rule in _group_selectors(rules):
            self._apply(rule)

    def _apply(self, rule: str) -> None:
        low = rule.lower()
        if low.startswith("(") and low.endswith(")"):
            self.selectors.append(low[1:-1].split())
        elif low in ("on", "off"):
            self.enabled = low == "on"
        elif low == "nopass":
            self.nopass, self.passwords = True, 0
        elif low == "resetpass":
            self.nopass, self.passwords = False, 0
        elif low == "reset":
            self.enabled, self.nopass, self.passwords, self.rules, self.selectors = False, False, 0, [], []
        elif low[:1] in (">", "#"):
            self.nopass, self.passwords = False, self.passwords + 1
        elif low[:1] in ("<", "!"):
            self.passwords = max(0, self.passwords - 1)
        elif (low and low[0] in "+-") or low in ("allcommands", "nocommands"):
            self.rules.append({"allcommands": "+@all", "nocommands": "-@all"}.get(low, low))

    def can_run(self, command: str) -> bool:
        return _allowed(self.rules, command) or any(_allowed(s, command) for s in self.selectors)

    @property
    def open(self) -> bool:
        return self.enabled and self.nopass


def _group_selectors(rules: list[str]) -> list[str]:
    """Join a selector split over several words, ``(~foo`` ``+get)``, back into one rule."""
    out: list[str] = []
    for rule in rules:
        if out and out[-1].startswith("(") and not out[-1].endswith(")"):
            out[-1] += " " + rule
        else:
            out.append(rule)
    return out


def _allowed(rules: list[str], command: str) -> bool:
    """Whether ``rules`` (in order) let a user run ``command`` (a command, or ``parent|sub`` for a subcommand).

    For a whole command such as ``config``, allowing any of its subcommands back (``+config|get``) counts."""
    parent = command.split("|")[0]
    categories = CATEGORIES.get(command, CATEGORIES.get(parent, set())) | {"all"}
    allowed = False
    for rule in rules:
        sign, target = rule[0], rule[1:]
        category = target.startswith("@") and target[1:] in categories
        if category or target in (command, parent) or (sign == "+" and target.startswith(command + "|")):
            allowed = sign == "+"
    return allowed


@dataclass(frozen=True)
class RedisConfig:
    """Every directive in file order (includes expanded in place), plus what a live server told us."""

    directives: tuple[Directive, ...]
    files: tuple[str, ...] = ()
    live_users: tuple[AclUser, ...] | None = None  # from ACL LIST; None: derive from the directives
    users_unknown: str = ""  # why the ACL users could not be read, if they could not
    redis_version: tuple[int, ...] | None = None  # None: assume 7+

    def every(self, name: str) -> list[Directive]:
        """All directives of this name, in order (for multi-value ones such as ``save`` or ``user``)."""
        return [d for d in self.directives if d.name == name]

    def last(self, name: str) -> Directive | None:
        """The directive that counts for a single-value setting: the last one wins."""
        found = self.every(name)
        return found[-1] if found else None

    def get(self, name: str, default: str | None = None) -> str | None:
        """A single-value setting's arguments as one string (the last line wins)."""
        if name in MULTI_VALUE:
            raise ValueError(f"`{name}` can repeat: use every({name!r})")
        found = self.last(name)
        return " ".join(found.args) if found else default

    def flag(self, name: str, default: bool) -> bool:
        return (self.get(name) or ("yes" if default else "no")).lower() == "yes"

    def memory(self, name: str) -> int | None:
        value = self.get(name)
        return None if value is None else parse_memory(value)

    def save_rules(self) -> tuple[tuple[int, int], ...]:
        """RDB snapshot rules in force: ``save ""`` clears them, no ``save`` line at all means Redis's defaults."""
        if not self.every("save"):
            return DEFAULT_SAVE
        rules: list[tuple[int, int]] = []
        for d in self.every("save"):
            if d.args in (("",), ()):
                rules = []
            else:
                rules += [(int(d.args[i]), int(d.args[i + 1])) for i in range(0, len(d.args) - 1, 2)]
        return tuple(rules)

    def renamed_commands(self) -> dict[str, str]:
        """Original (lower-case) command name → new name; ``""`` means removed."""
        return {d.args[0].lower(): d.args[1] for d in self.every("rename-command")}

    def users(self) -> list[AclUser]:
        """The ACL users the server would end up with: the default user, ``requirepass``, ``user`` lines."""
        if self.live_users is not None:
            return list(self.live_users)
        users = {"default": AclUser.default_user()}
        if self.get("requirepass"):
            users["default"].apply(["resetpass", ">requirepass"])
        configured: set[str] = set()
        for d in self.every("user"):
            name = d.args[0]
            users.setdefault(name, AclUser(name))
            if name not in configured:
                users[name].apply(["reset"])  # a configured user starts from scratch, the default user too
                configured.add(name)
            users[name].apply(list(d.args[1:]))
        return list(users.values())

    def version_at_least(self, major: int) -> bool:
        return self.redis_version is None or self.redis_version[0] >= major
