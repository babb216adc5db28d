"""Audit a redis.conf, or a running server's settings, against the configuration and security standards.

``parse_config``/``load_config`` read real redis.conf syntax into a ``RedisConfig``; ``audit_config`` turns it
into findings citing ``config-maxmemory``, ``config-persistence``, ``security-auth``,
``security-dangerous-commands`` and ``security-network``. ``audit_live`` builds the same ``RedisConfig`` from
``CONFIG GET *`` and ``ACL LIST`` on a live server. The ``audit-config`` verb of ``python -m autograder`` uses them.
"""

from .errors import ConfigError, LiveConfigUnavailable
from .lexer import parse_memory, split_args
from .live import audit_live, live_config
from .model import DANGEROUS, MUST_DENY, POLICIES, AclUser, Directive, RedisConfig
from .parse import load_config, parse_config
from .rules import audit_config, weak_password

__all__ = [
    "DANGEROUS",
    "MUST_DENY",
    "POLICIES",
    "AclUser",
    "ConfigError",
    "Directive",
    "LiveConfigUnavailable",
    "RedisConfig",
    "audit_config",
    "audit_live",
    "live_config",
    "load_config",
    "parse_config",
    "parse_memory",
    "split_args",
    "weak_password",
]
