"""Audit a redis.conf, or a running server's settings, against the configuration and security standards.

``parse_config``/``load_config`` read real redis.conf syntax into a ``RedisConfig``; ``audit_config`` turns it
into findings citing ``config-maxmemory``, ``config-persistence``, ``security-auth``,
``security-dangerous-commands`` and ``security-network``. ``audit_live`` builds the same ``RedisConfig`` from
``CONFIG GET *`` and ``ACL LIST`` on a live server. ``main_audit`` is the ``audit-config`` command line.

Where redis.conf is silent, the audit assumes Redis 7's defaults (the course's server is 7.0.15).
"""

from __future__ import annotations

import argparse
import glob
import ipaddress
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis

from .findings import Finding, Severity, ranked

DANGEROUS = ("flushdb", "flushall", "config", "keys", "debug")
# The ACL categories Redis 7 puts each dangerous command in (from COMMAND INFO).
_CATEGORIES = {
    "flushdb": {"keyspace", "write", "slow", "dangerous"},
    "flushall": {"keyspace", "write", "slow", "dangerous"},
    "keys": {"keyspace", "read", "slow", "dangerous"},
    "config": {"admin", "slow", "dangerous"},
    "debug": {"admin", "slow", "dangerous"},
}
MULTI_VALUE = frozenset({"include", "rename-command", "user", "save", "loadmodule"})
DEFAULT_SAVE = ((3600, 1), (300, 100), (60, 10000))  # what Redis 7 snapshots by when no `save` line is given
POLICIES = ("noeviction", "allkeys-lru", "allkeys-lfu", "allkeys-random",
            "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl")  # fmt: skip
_CHOICES = {
    "appendonly": ("yes", "no"),
    "protected-mode": ("yes", "no"),
    "appendfsync": ("always", "everysec", "no"),
    "maxmemory-policy": POLICIES,
    "enable-debug-command": ("yes", "no", "local"),
}
# (fewest, most) arguments; every directive needs at least one.
_ARITY = {"include": (1, 1), "rename-command": (2, 2), "maxmemory": (1, 1), "requirepass": (1, 1),
          "aclfile": (1, 1), "port": (1, 1)} | {name: (1, 1) for name in _CHOICES}  # fmt: skip
_UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}
MIN_PASSWORD = 16
COMMON_PASSWORDS = frozenset({
    "foobared", "password", "redis", "admin", "secret", "changeme", "letmein", "123456", "12345678", "qwerty",
    "default", "root", "test", "passwordpassword", "yourpasswordhere", "your_password_here", "mysecretpassword",
    "your_strong_password", "your-strong-password", "supersecretpassword", "verystrongpassword",
})  # fmt: skip
FILE_ADVICE = "audit the file instead: `python -m autograder audit-config /etc/redis/redis.conf`"


class ConfigError(ValueError):
    """redis.conf cannot be read; the message names the file, the line and the fix."""

    def __init__(self, source: str, line: int | None, problem: str, fix: str):
        self.source, self.line = source, line
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}. Fix: {fix}")


class LiveConfigUnavailable(RuntimeError):
    """The server will not show its settings (CONFIG renamed, disabled or not permitted)."""


# ---------------------------------------------------------------- lexing: redis's sdssplitargs


class _QuoteError(ValueError):
    pass


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "a": "\a"}
_HEX = set("0123456789abcdefABCDEF")
_SPACE = " \t\n\v\f\r"  # C isspace(), as redis uses: not Python's wider str.isspace()


def split_args(line: str) -> list[str]:
    """Split one line the way redis does: whitespace-separated words, "double" (with escapes) or 'single' quotes."""
    words, i, n = [], 0, len(line)
    while True:
        while i < n and line[i] in _SPACE:
            i += 1
        if i >= n:
            return words
        word: list[str] = []
        while i < n and line[i] not in _SPACE:
            if line[i] in "\"'":
                i = _quoted(line, i, word)
            else:
                word.append(line[i])
                i += 1
        words.append("".join(word))


def _quoted(line: str, i: int, word: list[str]) -> int:
    """Read a quoted part starting at ``line[i]`` into ``word``; return the index after the closing quote."""
    quote, n = line[i], len(line)
    i += 1
    while i < n:
        c = line[i]
        if c == quote:
            if i + 1 < n and line[i + 1] not in _SPACE:
                raise _QuoteError(f"a closing {quote} must be followed by a space or the end of the line")
            return i + 1
        hex_digits = line[i + 2 : i + 4]
        if (
            c == "\\"
            and quote == '"'
            and line[i + 1 : i + 2] == "x"
            and len(hex_digits) == 2
            and set(hex_digits) <= _HEX
        ):
            word.append(chr(int(hex_digits, 16)))
            i += 4
        elif c == "\\" and i + 1 < n and (quote == '"' or line[i + 1] == "'"):
            word.append(_ESCAPES.get(line[i + 1], line[i + 1]) if quote == '"' else "'")
            i += 2
        else:
            word.append(c)
            i += 1
    kind = "double" if quote == '"' else "single"
    raise _QuoteError(f"unterminated {kind} quote")


def parse_memory(value: str) -> int:
    """Bytes in a redis memory value: ``100mb``, ``1gb``, ``512k``; k/m/g are powers of 1000, kb/mb/gb of 1024."""
    text = value.strip().lower()
    digits = len(text) - len(text.lstrip("0123456789"))
    number, unit = text[:digits], text[digits:]
    if not number or unit not in _UNITS:
        raise ValueError(f"`{value}` is not a memory size")
    return int(number) * _UNITS[unit]


# ---------------------------------------------------------------- the parsed configuration


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
    if arg and not any(c in _SPACE or c in "\"'\\" for c in arg):
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
    allowed = False
    for rule in rules:
        sign, target = rule[0], rule[1:]
        category = target.startswith("@") and target[1:] in _CATEGORIES[command] | {"all"}
        if category or target == command or (sign == "+" and target.startswith(command + "|")):
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


# ---------------------------------------------------------------- parsing


def parse_config(text: str, *, source: str = "redis.conf", base_dir: str | Path | None = None) -> RedisConfig:
    """Parse redis.conf text. Relative ``include`` paths resolve from ``base_dir`` (default: ``source``'s folder)."""
    base = Path(base_dir) if base_dir is not None else Path(source).parent
    directives: list[Directive] = []
    files = [source]
    _parse_text(text, source, base, [(base / Path(source).name).resolve()], directives, files)
    notes = _load_aclfile(directives, base, files)
    return RedisConfig(tuple(directives), tuple(files), users_unknown=notes)


def load_config(path: str | Path) -> RedisConfig:
    """Read and parse a redis.conf file (and everything it includes)."""
    path = Path(path)
    return parse_config(_read(path, None, None), source=str(path), base_dir=path.parent)


def _read(path: Path, includer: str | None, line: int | None) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        where = includer or str(path)
        fix = "check the path (relative includes resolve from the including file's folder)"
        raise ConfigError(where, line, f"file `{path}` not found", fix) from None
    except OSError as error:
        raise ConfigError(includer or str(path), line, f"cannot read `{path}` ({error.strerror})",
                          "check the path and its permissions") from None  # fmt: skip


def _lines(text: str, source: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, words) for each line that is not blank or a comment."""
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip(" \t\r\n")  # what redis trims
        if not line or line.startswith("#"):
            continue
        try:
            yield number, split_args(line)
        except _QuoteError as error:
            raise ConfigError(source, number, f"{error} on the `{line.split()[0]}` line",  # no value: may be a secret
                              'close the quote, escape a quote inside "double quotes" as \\", '
                              "and leave a space after the closing quote") from None  # fmt: skip


def _parse_text(text: str, source: str, base: Path, stack: list[Path], out: list[Directive], files: list[str]):
    for number, words in _lines(text, source):
        directive = Directive(words[0].lower(), tuple(words[1:]), source, number)
        _validate(directive)
        out.append(directive)
        if directive.name == "include":
            _include(directive, base, stack, out, files)


def _validate(d: Directive) -> None:
    fewest, most = _ARITY.get(d.name, (1, None))
    if len(d.args) < fewest:
        example = f"{d.name} {_EXAMPLES.get(d.name, '<value>')}"
        fix = f"give it a value, e.g. `{example}`, or delete the line"
        needs = "an argument" if fewest == 1 else f"{fewest} arguments"
        raise ConfigError(d.source, d.line, f"`{d.name}` needs {needs}, and has {len(d.args) or 'none'}", fix)
    if most is not None and len(d.args) > most:
        extra = " (comments must be on a line of their own)" if any(a.startswith("#") for a in d.args) else ""
        raise ConfigError(d.source, d.line, f"`{d.name}` has {len(d.args)} arguments but takes {most}{extra}",
                          f"write `{d.name}` with {most} argument(s); quote a value that contains spaces")  # fmt: skip
    if d.name == "maxmemory":
        try:
            parse_memory(d.args[0])
        except ValueError:
            raise ConfigError(d.source, d.line, f"`{d}` has an unknown memory unit",
                              "write a whole number with one of the units b, k, kb, m, mb, g, gb "
                              "(k = 1000 bytes, kb = 1024), e.g. `maxmemory 256mb`") from None  # fmt: skip
    if d.name in _CHOICES and d.args[0].lower() not in _CHOICES[d.name]:
        raise ConfigError(d.source, d.line, f"`{d}` is not a value `{d.name}` accepts",
                          f"use one of: {', '.join(_CHOICES[d.name])}")  # fmt: skip
    if d.name == "save" and d.args != ("",) and (len(d.args) % 2 or not all(a.isdigit() for a in d.args)):
        raise ConfigError(d.source, d.line, f"`{d}` is not a list of <seconds> <changes> pairs",
                          'write pairs such as `save 3600 1 300 100`, or `save ""` for no snapshots')  # fmt: skip


_EXAMPLES = {"maxmemory": "256mb", "maxmemory-policy": "allkeys-lru", "include": "/etc/redis/local.conf",
             "rename-command": 'FLUSHALL ""', "bind": "127.0.0.1", "user": "app on >long-password ~app:* +@read",
             "save": '""', "appendonly": "no", "protected-mode": "yes"}  # fmt: skip


def _include(d: Directive, base: Path, stack: list[Path], out: list[Directive], files: list[str]) -> None:
    pattern = Path(d.args[0]).expanduser()
    pattern = pattern if pattern.is_absolute() else base / pattern
    paths = [Path(p) for p in sorted(glob.glob(str(pattern)))] if glob.has_magic(str(pattern)) else [pattern]
    for path in paths:
        resolved = path.resolve()
        if resolved in stack:
            chain = " → ".join(p.name for p in [*stack[stack.index(resolved) :], resolved])
            raise ConfigError(
                d.source, d.line, f"include cycle: {chain}", "remove one of the include lines in the loop"
            )
        if not path.exists():
            raise ConfigError(d.source, d.line, f"include file `{d.args[0]}` not found (looked for {path})",
                              f"correct the path; relative includes resolve from {base}")  # fmt: skip
        files.append(str(path))
        _parse_text(_read(path, d.source, d.line), str(path), path.parent, [*stack, resolved], out, files)


def _load_aclfile(directives: list[Directive], base: Path, files: list[str]) -> str:
    """Append the aclfile's users as ``user`` directives; return why it could not be read, if it could not."""
    found = [d for d in directives if d.name == "aclfile"]
    if not found or not found[-1].args[0]:
        return ""
    path = Path(found[-1].args[0])
    path = path if path.is_absolute() else base / path
    if not path.is_file():
        return f"aclfile `{found[-1].args[0]}` ({found[-1].where}) was not found here, so its users were not audited"
    files.append(str(path))
    for number, words in _lines(_read(path, found[-1].source, found[-1].line), str(path)):
        if words[0].lower() == "user" and len(words) > 1:
            directives.append(Directive("user", tuple(words[1:]), str(path), number))
    return ""


# ---------------------------------------------------------------- the audit


def audit_config(config: RedisConfig, *, purpose: str = "cache", keys_have_ttls: bool = True) -> list[Finding]:
    """Findings for every configuration and security standard a redis.conf can break, most severe first."""
    if purpose not in ("cache", "store"):
        raise ValueError(f"purpose must be 'cache' or 'store', not {purpose!r}")
    findings = [
        *_maxmemory(config, purpose, keys_have_ttls),
        *_persistence(config, purpose),
        *_auth(config),
        *_dangerous_commands(config),
        *_network(config),
    ]
    return ranked(findings)


def _quoted_at(d: Directive | None, fallback: str) -> str:
    return f"`{d}` ({d.where})" if d else fallback


def _maxmemory(config: RedisConfig, purpose: str, keys_have_ttls: bool) -> list[Finding]:
    findings = []
    limit = config.last("maxmemory")
    if not config.memory("maxmemory"):
        findings.append(Finding(
            "config-maxmemory",
            expected="`maxmemory` set below the host's RAM, e.g. `maxmemory 256mb`",
            got=_quoted_at(limit, "no `maxmemory` line") + ": Redis grows without limit",
            hint="Without a limit Redis uses memory until the host runs out. Leave room for fork and buffers.",
            severity=Severity.ESSENTIAL if purpose == "cache" else Severity.ACTIONABLE,
        ))  # fmt: skip
    policy_line = config.last("maxmemory-policy")
    policy = (config.get("maxmemory-policy") or "noeviction").lower()
    got = _quoted_at(policy_line, "no `maxmemory-policy` line, so the default `noeviction`")
    if purpose == "cache" and policy == "noeviction":
        findings.append(Finding(
            "config-maxmemory",
            expected="an evicting policy for a cache: `maxmemory-policy allkeys-lru` (or `allkeys-lfu`)",
            got=got + ": writes fail with OOM errors once memory is full",
            hint="A cache should drop cold keys, not refuse writes: allkeys-lru evicts the least recently used.",
        ))  # fmt: skip
    elif purpose == "cache" and policy.startswith("volatile-") and not keys_have_ttls:
        findings.append(Finding(
            "config-maxmemory",
            expected="`maxmemory-policy allkeys-lru` when keys may lack TTLs",
            got=got + ": volatile-* policies evict only keys with a TTL, so keys without one are never evicted",
            hint="Use an allkeys-* policy, or make every write carry a TTL (ttl-always).",
        ))  # fmt: skip
    elif purpose == "store" and policy.startswith("allkeys-"):
        findings.append(Finding(
            "config-maxmemory",
            expected="`maxmemory-policy noeviction` for a store: writes fail loudly when full",
            got=got + ": stored data is silently deleted when memory is full",
            hint="Eviction suits a cache whose data can be rebuilt, never the only copy of the data.",
        ))  # fmt: skip
    return findings


def _persistence(config: RedisConfig, purpose: str) -> list[Finding]:
    rdb, aof = config.save_rules(), config.flag("appendonly", default=False)
    save_lines = config.every("save")
    if rdb and save_lines:
        rdb_text = f"RDB snapshots: `{save_lines[-1]}` ({save_lines[-1].where})"
    else:
        rdb_text = "RDB snapshots by default (no `save` line, so Redis saves after 3600 1 300 100 60 10000)"
    aof_text = _quoted_at(config.last("appendonly"), "`appendonly yes`")
    findings = []
    if purpose == "cache" and (rdb or aof):
        findings.append(Finding(
            "config-persistence",
            expected='no persistence for a pure cache: `save ""` and `appendonly no`',
            got=" and ".join(([rdb_text] if rdb else []) + ([aof_text] if aof else [])),
            hint="Cached data can be rebuilt from the source of truth; snapshots and AOF cost disk I/O and fork "
                 "memory for nothing. Keep RDB only if warm restarts matter, and say so.",
            severity=Severity.ACTIONABLE,
        ))  # fmt: skip
    if purpose == "store" and not (rdb or aof):
        findings.append(Finding(
            "config-persistence",
            expected="RDB `save` rules and/or `appendonly yes` for data that must survive a restart",
            got='no persistence (`save ""` and `appendonly no`): a restart or crash loses every key',
            hint="Turn on `appendonly yes` with `appendfsync everysec` (about a second of writes at risk), "
                 "plus `save` rules for compact backups.",
        ))  # fmt: skip
    elif purpose == "store" and not aof:
        findings.append(Finding(
            "config-persistence",
            expected="`appendonly yes` alongside snapshots for a store",
            got=f"{rdb_text} only: a crash loses every write since the last snapshot",
            hint="RDB alone suits data you can afford to lose minutes of.",
            severity=Severity.INFORMATIVE,
        ))  # fmt: skip
    fsync = config.last("appendfsync")
    if aof and fsync is not None and fsync.args[0].lower() == "always":
        findings.append(Finding(
            "config-persistence",
            expected="`appendfsync everysec`: at most about a second of writes lost, at a fraction of the cost",
            got=f"`{fsync}` ({fsync.where}): an fsync on every write caps throughput at the disk's fsync rate",
            hint="Keep `always` only if losing one second of writes is unacceptable, and measure the throughput.",
            severity=Severity.ACTIONABLE if purpose == "cache" else Severity.INFORMATIVE,
        ))  # fmt: skip
    return findings


def weak_password(password: str) -> str:
    """Why a password is weak ("" when it is not). Never repeat the password itself in a finding."""
    if password.lower() in COMMON_PASSWORDS:
        return "a well-known password (tutorials and scanners try it first)"
    if len(password) < MIN_PASSWORD:
        return f"only {len(password)} characters"
    return ""


def _plain_passwords(config: RedisConfig) -> list[tuple[str, Directive, str]]:
    """(password, where it is set, for whom) for every password written in clear."""
    found = []
    requirepass = config.last("requirepass")
    if requirepass and requirepass.args[0]:
        found.append((requirepass.args[0], requirepass, "`requirepass`"))
    for d in config.every("user"):
        found += [(rule[1:], d, f"user `{d.args[0]}`") for rule in d.args[1:] if rule.startswith(">")]
    return found


def _auth(config: RedisConfig) -> list[Finding]:
    findings = [_weak(password, where, whom) for password, where, whom in _plain_passwords(config)]
    findings = [f for f in findings if f is not None]
    if config.users_unknown:
        return [*findings, Finding(
            "security-auth", "every ACL user checked", config.users_unknown,
            "Audit the ACL file (or ACL LIST on the server) as well.", Severity.INFORMATIVE,
        )]  # fmt: skip
    users = config.users()
    enabled = [u for u in users if u.enabled]
    open_users = [u for u in enabled if u.open]
    if open_users and len(open_users) == len(enabled):
        configured = config.every("user") or any(u.name != "default" for u in users)
        findings.append(Finding(
            "security-auth",
            expected="ACL users with long random passwords (or at least a strong `requirepass`)",
            got=("every enabled user logs in without a password: " + ", ".join(f"`{u.name}`" for u in open_users))
            if configured else "no `requirepass` and no ACL users: anyone who reaches the port is in",
            hint="Add `user default off` and `user app on >long-random-password ~app:* +@all -@dangerous`, "
                 "or `requirepass` with 16+ random characters.",
        ))  # fmt: skip
    else:
        for user in open_users:
            findings.append(Finding(
                "security-auth",
                expected=f"user `{user.name}` disabled (`off`) or given a password (`>long-random-password`)",
                got=f"user `{user.name}` is `on nopass`"
                + (": clients that skip AUTH get it" if user.name == "default" else ""),
                hint="`user default off` stops clients that never AUTH; every other user needs a password.",
            ))  # fmt: skip
    return findings


def _weak(password: str, where: Directive, whom: str) -> Finding | None:
    reason = weak_password(password)
    if not reason:
        return None
    return Finding(
        "security-auth",
        expected=f"a password of {MIN_PASSWORD}+ random characters, e.g. from `ACL GENPASS`",
        got=f"{whom} ({where.where}) has a weak password: {reason}",
        hint="Redis answers AUTH fast, so short or common passwords fall to brute force.",
    )


def _debug_disabled(config: RedisConfig) -> bool:
    return config.version_at_least(7) and (config.get("enable-debug-command") or "no").lower() == "no"


def _dangerous_commands(config: RedisConfig) -> list[Finding]:
    renamed = config.renamed_commands()
    findings = _rename_deprecated(config)
    if config.users_unknown:
        if any(c not in renamed for c in DANGEROUS):
            findings.append(Finding(
                "security-dangerous-commands", "ACL rules checked for -@dangerous", config.users_unknown,
                "Check that application users carry `-@dangerous`.", Severity.INFORMATIVE,
            ))  # fmt: skip
        return findings
    enabled = [u for u in config.users() if u.enabled]
    open_to_apps, admins_only = {}, {}
    for command in DANGEROUS:
        if command in renamed or (command == "debug" and _debug_disabled(config)):
            continue
        runners = [u.name for u in enabled if u.can_run(command)]
        if runners and ("default" in runners or len(runners) == len(enabled)):
            open_to_apps[command] = runners
        elif runners:
            admins_only[command] = runners
    if open_to_apps:
        listed = "; ".join(f"{c.upper()} by {', '.join(f'`{u}`' for u in users)}" for c, users in open_to_apps.items())
        findings.append(Finding(
            "security-dangerous-commands",
            expected="FLUSHDB, FLUSHALL, CONFIG, KEYS and DEBUG denied to application users, e.g. "
                     "`user app on >long-random-password ~app:* +@all -@dangerous`",
            got=f"still runnable: {listed}",
            hint="One stray FLUSHALL empties production. Deny `-@dangerous` (or each command) in the ACL rules "
                 "of every user the application logs in as; keep a separate admin user for operators.",
        ))  # fmt: skip
    if admins_only:
        who = sorted({u for users in admins_only.values() for u in users})
        findings.append(Finding(
            "security-dangerous-commands",
            expected="dangerous commands kept for operator accounts only",
            got=f"{', '.join(c.upper() for c in admins_only)} runnable only by {', '.join(f'`{u}`' for u in who)}",
            hint="Keep these users' passwords out of application configuration.",
            severity=Severity.INFORMATIVE,
        ))  # fmt: skip
    return findings


def _rename_deprecated(config: RedisConfig) -> list[Finding]:
    renames = config.every("rename-command")
    if not renames or not config.version_at_least(7):
        return []
    return [Finding(
            "security-dangerous-commands",
            expected="deprecated: prefer ACL rules such as -@dangerous on the application users",
            got=", ".join(_quoted_at(d, "") for d in renames),
            hint="rename-command is deprecated since Redis 7: it breaks clients and tools that call the real name "
                 "(redis-py's config_get), and cannot differ per user. Use `user ... -@dangerous` instead.",
            severity=Severity.ACTIONABLE,
    )]  # fmt: skip


def _is_public(address: str) -> bool:
    address = address.lstrip("-")  # a leading - marks an optional address
    if address in ("*", "::*"):
        return True
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return False  # a host name: cannot tell from here
    return ip.is_unspecified or ip.is_global


def _network(config: RedisConfig) -> list[Finding]:
    if config.get("port") == "0":
        return []  # Unix socket only: nothing listens on the network
    bind = config.last("bind")
    public = [a for a in bind.args if _is_public(a)] if bind else ["*"]
    exposure = _quoted_at(bind, "no `bind` line, so Redis listens on every interface")
    protected = config.last("protected-mode")
    expected_bind = "`bind 127.0.0.1 -::1` or a private address such as `bind 127.0.0.1 10.0.0.5`"
    if protected is not None and protected.args[0].lower() == "no":
        return [Finding(
            "security-network",
            expected=f"`protected-mode yes` and {expected_bind}",
            got=f"`{protected}` ({protected.where})"
            + (f" with {exposure}: any host that reaches the port is let in" if public else ""),
            hint="Redis assumes a trusted network. Protected mode is the safety net when bind or auth are wrong; "
                 "never turn it off.",
        )]  # fmt: skip
    if public:
        return [Finding(
            "security-network",
            expected=expected_bind,
            got=f"{exposure}: reachable from every network the host is on",
            hint="Bind to loopback and private interfaces only; put a firewall in front of Redis.",
            severity=Severity.ACTIONABLE,
        )]  # fmt: skip
    return []


# ---------------------------------------------------------------- a live server


_SPLIT_SETTINGS = ("save", "bind")  # CONFIG GET returns these as one space-separated string


def audit_live(
    client: redis.Redis, *, purpose: str = "cache", keys_have_ttls: bool = True, config_command: str | None = None
) -> list[Finding]:
    """Audit a running server: its ``CONFIG GET *`` (via ``config_command`` if CONFIG was renamed) and ACL LIST."""
    config = live_config(client, config_command=config_command)
    return audit_config(config, purpose=purpose, keys_have_ttls=keys_have_ttls)


def live_config(client: redis.Redis, *, config_command: str | None = None) -> RedisConfig:
    """The same RedisConfig a redis.conf gives, built from what the server reports."""
    source = f"CONFIG GET on {_address(client)}"
    settings = _config_get_all(client, config_command or "CONFIG")
    directives = [Directive(name, _live_args(name, value), source) for name, value in settings.items()]
    directives += _live_renames(client, config_command, _address(client))
    users, unknown = _live_users(client)
    return RedisConfig(tuple(directives), (source,), users, unknown, _live_version(client))


def _live_args(name: str, value: str) -> tuple[str, ...]:
    if name in _SPLIT_SETTINGS:
        return tuple(value.split()) or ("",)
    return (value,)


def _address(client: redis.Redis) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"{kwargs.get('host', 'localhost')}:{kwargs.get('port', 6379)}" if "path" not in kwargs else kwargs["path"]


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _config_get_all(client: redis.Redis, command: str) -> dict[str, str]:
    try:
        reply = client.execute_command(command, "GET", "*")
    except redis.ResponseError as error:
        raise LiveConfigUnavailable(_unavailable(command, error)) from error
    pairs = reply.items() if isinstance(reply, dict) else zip(reply[::2], reply[1::2], strict=True)
    return {_text(k).lower(): _text(v) for k, v in pairs}


def _unavailable(command: str, error: redis.ResponseError) -> str:
    if isinstance(error, redis.exceptions.NoPermissionError) or str(error).startswith("NOPERM"):
        return (f"this connection's user may not run `{command} GET` ({error}). Connect as an operator user "
                f"allowed to run it, or {FILE_ADVICE}.")  # fmt: skip
    return (f"`{command}` is renamed or disabled on this server ({error}), so its settings cannot be read live. "
            f'If it was renamed, pass config_command="THE-ALIAS"; if it was removed, {FILE_ADVICE}.')  # fmt: skip


def _live_renames(client: redis.Redis, config_command: str | None, address: str) -> list[Directive]:
    """Dangerous commands missing from the command table were renamed or removed; report them as renames."""
    renames = [Directive("rename-command", ("config", config_command), "config_command argument")] \
        if config_command and config_command.lower() != "config" else []  # fmt: skip
    for command in DANGEROUS:
        if command == "config" and renames:
            continue
        try:
            reply = client.execute_command("COMMAND INFO", command)  # one word: bypasses redis-py's parser
        except redis.ResponseError:
            return renames  # not permitted: cannot tell
        if not reply or reply[0] is None:
            renames.append(Directive("rename-command", (command, ""), f"{address}: not in the command table"))
    return renames


def _live_users(client: redis.Redis) -> tuple[tuple[AclUser, ...] | None, str]:
    try:
        lines = client.acl_list()
    except redis.ResponseError as error:
        return None, f"ACL LIST was refused ({error}), so the ACL users were not audited"
    users = []
    for line in lines:
        words = _text(line).split()
        user = AclUser(words[1])
        user.apply(words[2:])
        users.append(user)
    return tuple(users), ""


def _live_version(client: redis.Redis) -> tuple[int, ...] | None:
    try:
        version = _text(client.info("server").get("redis_version", ""))
    except redis.ResponseError:
        return None
    parts = [p for p in version.split(".") if p.isdigit()]
    return tuple(int(p) for p in parts) or None


# ---------------------------------------------------------------- command line


def main_audit(argv: list[str] | None = None) -> int:
    """``audit-config PATH [--purpose cache|store]``: 0 when nothing essential is wrong, 1 if it is, 2 on a bad file."""
    parser = argparse.ArgumentParser(prog="python -m autograder audit-config",
                                     description="Audit a redis.conf against the caching standards.")  # fmt: skip
    parser.add_argument("path", help="the redis.conf to audit (its includes are read too)")
    parser.add_argument("--purpose", choices=("cache", "store"), default="cache",
                        help="cache: data can be rebuilt; store: Redis holds the only copy")  # fmt: skip
    parser.add_argument("--keys-without-ttls", action="store_true", help="some keys are written without a TTL")
    args = parser.parse_args(argv)
    try:
        config = load_config(args.path)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    findings = audit_config(config, purpose=args.purpose, keys_have_ttls=not args.keys_without_ttls)
    for finding in findings:
        print("\n".join(finding.lines()))
    counts = {s: sum(f.severity is s for f in findings) for s in Severity}
    summary = ", ".join(f"{n} {s.name.lower()}" for s, n in counts.items())
    print(f"{args.path} audited as a {args.purpose} ({len(config.files)} file(s) read): {summary}")
    return 1 if counts[Severity.ESSENTIAL] else 0
