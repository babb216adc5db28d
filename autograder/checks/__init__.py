"""Behaviour checks: read a command log (from the spy) or a live keyspace and return findings.

Each check cites the standard it enforces by id and returns an empty list when the code kept it. Lesson check
cells call them as ``checks.<name>``; they are grouped by the standards' own groups.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..labkit.spy import Command
from .cluster import cluster_ready, command_keys
from .commands import (
    MAX_SCAN_COUNT,
    deleting_commands,
    no_keys_command,
    no_keyspace_walk_in_scripts,
    removed_by,
    scan_walk,
)
from .findings import CORRECTNESS, Finding, Severity, ranked
from .key_design import LONG_KEY, ONE_MB, keys_namespaced, keys_readable, no_numbered_db, values_under_limit
from .log import script_bodies, touched_keys, written_keys
from .ttl import keys_left_without_ttl, keys_without_ttl, ttl_close, writes_have_ttl

__all__ = [
    "CORRECTNESS",
    "LONG_KEY",
    "MAX_SCAN_COUNT",
    "ONE_MB",
    "Finding",
    "Severity",
    "cluster_ready",
    "command_keys",
    "command_log_findings",
    "deleting_commands",
    "keys_left_without_ttl",
    "keys_namespaced",
    "keys_readable",
    "keys_without_ttl",
    "no_keys_command",
    "no_keyspace_walk_in_scripts",
    "no_numbered_db",
    "ranked",
    "removed_by",
    "scan_walk",
    "script_bodies",
    "touched_keys",
    "ttl_close",
    "values_under_limit",
    "writes_have_ttl",
    "written_keys",
]


def command_log_findings(commands: Iterable[Command]) -> list[Finding]:
    """Every log-based check at once: what a cache's command log should never show."""
    commands = list(commands)
    keys = written_keys(commands)
    return (
        no_keys_command(commands)
        + no_keyspace_walk_in_scripts(commands)
        + writes_have_ttl(commands)
        + keys_namespaced(keys)
        + keys_readable(keys)
        + no_numbered_db(commands)
        + values_under_limit(commands)
    )
