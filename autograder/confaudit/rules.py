"""The audit: findings for every configuration and security standard a redis.conf can break."""

from __future__ import annotations

import ipaddress
import socket

from ..checks.findings import Finding, Severity, ranked
from .model import DANGEROUS, MUST_DENY, Directive, RedisConfig

MIN_PASSWORD = 16
COMMON_PASSWORDS = frozenset({
    "foobared", "password", "redis", "admin", "secret", "changeme", "letmein", "123456", "12345678", "qwerty",
    "default", "root", "test", "passwordpassword", "yourpasswordhere", "your_password_here", "mysecretpassword",
    "your_strong_password", "your-strong-password", "supersecretpassword", "verystrongpassword",
})  # fmt: skip


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
    if purpose == "store" and aof and fsync is not None and fsync.args[0].lower() == "no":
        findings.append(Finding(
            "config-persistence",
            expected="`appendfsync everysec` (or `always`) for a store: at most about a second of writes lost",
            got=f"`{fsync}` ({fsync.where}): the kernel flushes the AOF when it likes (about every 30 s on Linux), "
                "so a crash loses writes Redis already acknowledged",
            hint="`appendfsync no` trades durability for throughput: wrong for the only copy of the data.",
        ))  # fmt: skip
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


def _disabled_by_default(config: RedisConfig, command: str) -> bool:
    """DEBUG and MODULE are refused to every user on Redis 7 unless enable-debug/module-command allows them."""
    setting = {"debug": "enable-debug-command", "module": "enable-module-command"}.get(command.split("|")[0])
    return bool(setting) and config.version_at_least(7) and (config.get(setting) or "no").lower() == "no"


def _shown(commands: list[str], limit: int = 6) -> str:
    names = [c.replace("|", " ").upper() for c in commands]
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


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
    open_to_apps: dict[str, list[str]] = {}
    admins_only: dict[str, list[str]] = {}
    for command in MUST_DENY:
        if command.split("|")[0] in renamed or _disabled_by_default(config, command):
            continue
        runners = [u.name for u in enabled if u.can_run(command)]
        if runners and ("default" in runners or len(runners) == len(enabled)):
            open_to_apps[command] = runners
        elif runners:
            admins_only[command] = runners
    if open_to_apps:
        named = [f"{c.upper()} by {', '.join(f'`{u}`' for u in open_to_apps[c])}" for c in DANGEROUS
                 if c in open_to_apps]  # fmt: skip
        others = [c for c in open_to_apps if c not in DANGEROUS]
        if others:
            who = sorted({u for c in others for u in open_to_apps[c]})
            named.append(f"{len(others)}{' more' if named else ''} @dangerous command(s) ({_shown(others)}) by "
                         + ", ".join(f"`{u}`" for u in who))  # fmt: skip
        findings.append(Finding(
            "security-dangerous-commands",
            expected="every @dangerous command (FLUSHDB, FLUSHALL, CONFIG, KEYS, DEBUG, and ACL SETUSER, SHUTDOWN, "
                     "REPLICAOF, MONITOR, MIGRATE…) denied to application users, e.g. "
                     "`user app on >long-random-password ~app:* +@all -@dangerous`",
            got="still runnable: " + "; ".join(named),
            hint="One stray FLUSHALL empties production, and a user who may run ACL SETUSER can give itself "
                 "FLUSHALL back. Deny `-@dangerous` in the ACL rules of every user the application logs in as "
                 "(naming five commands is not enough); keep a separate admin user for operators.",
        ))  # fmt: skip
    if admins_only:
        who = sorted({u for users in admins_only.values() for u in users})
        findings.append(Finding(
            "security-dangerous-commands",
            expected="dangerous commands kept for operator accounts only",
            got=f"{_shown(list(admins_only), 5)} runnable only by {', '.join(f'`{u}`' for u in who)}",
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
            hint="rename-command is deprecated (redis.conf says so since Redis 6, which added ACLs): it breaks "
                 "clients and tools that call the real name (redis-py's config_get), and cannot differ per user. "
                 "Use `user ... -@dangerous` instead.",
            severity=Severity.ACTIONABLE,
    )]  # fmt: skip


def _exposure(address: str) -> tuple[str, str]:
    """("public" | "private" | "unknown", the address it means): a `bind` address, read as redis-server reads it.

    redis-server hands each address to getaddrinfo, which also takes inet_aton's forms: `0` and `0x0` are
    0.0.0.0 (every interface), `127.1` is 127.0.0.1, `010.0.0.5` is 8.0.0.5 (octal)."""
    address = address.lstrip("-")  # a leading - marks an optional address
    if address in ("*", "::*"):
        return "public", "every interface"
    host = address.split("%")[0]  # fe80::1%eth0: the scope does not change the address
    try:
        infos = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except (socket.gaierror, UnicodeError, ValueError):
        return ("private" if host.lower() in ("localhost", "localhost6", "ip6-localhost") else "unknown"), host
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if ip.is_unspecified:
            return "public", f"`{ip}`, every interface"
        if ip.is_global:
            return "public", f"`{ip}`, a public address"
    return "private", host


def _network(config: RedisConfig) -> list[Finding]:
    if config.get("port") == "0" and (config.get("tls-port") or "0") == "0":
        return []  # Unix socket only: nothing listens on the network
    bind = config.last("bind")
    read = [(a, *_exposure(a)) for a in bind.args] if bind else [("*", "public", "every interface")]
    public = [(a, means) for a, kind, means in read if kind == "public"]
    unknown = [a for a, kind, _ in read if kind == "unknown"]
    exposure = _quoted_at(bind, "no `bind` line, so Redis listens on every interface")
    if bind and public and not public[0][1].startswith(f"`{public[0][0].lstrip('-')}`"):
        exposure += f" (`{public[0][0]}` means {public[0][1]})"
    protected = config.last("protected-mode")
    expected_bind = "`bind 127.0.0.1 -::1` or a private address such as `bind 127.0.0.1 10.0.0.5`"
    if protected is not None and protected.args[0].lower() == "no":
        # Protected mode only refuses remote clients while the default user needs no password.
        default_open = bool(config.users_unknown) or any(u.name == "default" and u.open for u in config.users())
        if not public:
            risk = ""
        elif default_open:
            risk = f" with {exposure}: any host that reaches the port is let in"
        else:
            risk = (
                f" with {exposure}: the passwords are the only lock left, and protected mode would be the "
                "safety net the day the default user is left without one"
            )
        return [Finding(
            "security-network",
            expected=f"`protected-mode yes` and {expected_bind}",
            got=f"`{protected}` ({protected.where})" + risk,
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
    if unknown:
        return [Finding(
            "security-network",
            expected=f"numeric addresses the audit can check: {expected_bind}",
            got=f"{exposure}: `{unknown[0]}` is a host name, and what it resolves to (maybe a public address) "
                "cannot be read from the file",
            hint="Write the interface's address, not a name: a DNS change must not open the cache to the internet.",
            severity=Severity.ACTIONABLE,
        )]  # fmt: skip
    return []
