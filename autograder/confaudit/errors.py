"""The errors the auditor raises, each naming the problem and the fix."""

from __future__ import annotations

FILE_ADVICE = "audit the file instead: `python -m autograder audit-config /etc/redis/redis.conf`"


class ConfigError(ValueError):
    """redis.conf cannot be read; the message names the file, the line and the fix."""

    def __init__(self, source: str, line: int | None, problem: str, fix: str):
        self.source, self.line = source, line
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}. Fix: {fix}")


class LiveConfigUnavailable(RuntimeError):
    """The server will not show its settings (CONFIG renamed, disabled or not permitted)."""
