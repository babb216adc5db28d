"""``ConfigCheck``: the capstone's redis.conf, audited against the configuration and security standards."""

from __future__ import annotations

from collections.abc import Callable

from .. import messages
from ..checks.findings import Finding, Severity
from ..confaudit import ConfigError, audit_config, parse_config
from ..harness.learner_code import run_quietly
from .standards_card import StandardsScorecard


class ConfigCheck(StandardsScorecard):
    """Audits the redis.conf text ``cache_config()`` returns against the configuration and security standards."""

    def __init__(self, exercise_id: str, *, demo: bool = False):
        super().__init__(exercise_id, demo=demo)
        self.config = None

    def run(self, cache_config: Callable[[], str]) -> ConfigCheck:
        try:
            text = run_quietly(cache_config)
        except Exception as error:  # noqa: BLE001 - reported per standard
            stub = isinstance(error, NotImplementedError)
            got = messages.STUB_GOT if stub else f"it raised {type(error).__name__}: {error}"
            self.fail_all("`cache_config()` to return redis.conf text", got)
            return self
        if not isinstance(text, str) or not text.strip():
            self.fail_all("redis.conf text (a str)", repr(text)[:80])
            return self
        try:
            self.config = parse_config(text, source="cache_config()")
        except ConfigError as error:
            self.fail_all("a redis.conf Redis 7 can read", str(error))
            return self
        findings = audit_config(self.config, purpose="cache", keys_have_ttls=True)
        for finding in findings:
            if finding.severity is Severity.ACTIONABLE:  # the capstone's bar: nothing left to fix before production
                finding = Finding(finding.standard_id, finding.expected, finding.got, finding.hint)
            self.check([finding])
        for sid in self.standards:
            self.saw(sid, self._evidence(sid))
        return self

    def expect_maxmemory_at_least(self, minimum: int = 1024 * 1024) -> None:
        if self.config is None:
            return
        limit = self.config.memory("maxmemory") or 0
        self.expect(
            not limit or limit >= minimum,
            "config-maxmemory",
            expected=f"room for a cache: `maxmemory` of at least {minimum // (1024 * 1024)} MB",
            got=f"`maxmemory {self.config.get('maxmemory')}` ({limit:,} bytes): every write would evict",
            hint="Size it from the working set, e.g. `maxmemory 256mb`, below the host's RAM.",
        )

    def _evidence(self, sid: str) -> str:
        config = self.config

        def line(name: str, default: str) -> str:
            d = config.last(name)
            return f"`{d}`" if d else default

        if sid == "config-maxmemory":
            return f"{line('maxmemory', 'no maxmemory')}, {line('maxmemory-policy', 'policy noeviction')}"
        if sid == "config-persistence":
            saves = config.every("save")
            snapshots = f"`{saves[-1]}`" if saves else "default RDB snapshots"
            return f"{snapshots}, {line('appendonly', 'appendonly no')}: a pure cache"
        if sid == "security-auth":
            users = config.every("user")
            apps = [u.args[0] for u in users if u.args[0] != "default"]
            if users:
                return f"{len(users)} ACL users ({', '.join(f'`{a}`' for a in apps) or 'default'}), passwords 16+ chars"
            return line("requirepass", "")
        if sid == "security-dangerous-commands":
            return "every @dangerous command (FLUSHALL, CONFIG, KEYS, ACL SETUSER, SHUTDOWN…) denied to the app user(s)"
        return f"{line('bind', 'no bind line')}, {line('protected-mode', 'protected-mode yes (default)')}"
