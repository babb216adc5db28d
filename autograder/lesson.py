"""What a lesson notebook imports, declared once: the setup cell takes its names from here.

    from autograder.lesson import Exercise, checks, grading_spy, hints, show_progress, start_lesson
    r = start_lesson()

Rebinding any name in ``__all__`` in a learner cell is tampering (``harness.tamper`` reads this list).
"""

from __future__ import annotations

import os

import redis

from . import capstone, checks
from .checks.findings import Finding, Severity
from .confaudit import POLICIES, ConfigError, audit_config, audit_live, parse_config
from .harness.exercise import Exercise, ExerciseFailed
from .labkit import (
    CommandSpy,
    DatabaseUnavailable,
    DemoClock,
    FaultInjector,
    LessonDB,
    RedisServerError,
    backend_from_env,
    backends_to_measure,
    connect,
    count_connections,
    demo_size,
    find_redis_server,
    free_port,
    grading_spy,
    lesson_backend,
    median_ms,
    no_retry,
    plot_victims,
    real_server,
    recorded_run,
    redis_server_path,
    run_in_threads,
    running_redis_server,
    servers_to_measure,
    throwaway_cluster,
    timeline,
    unlink_matching,
    victim_pings,
)
from .labkit.server import INSTALL_HINT, NO_SERVER, SERVER_ENV
from .learner.hints import hints, solution
from .learner.widgets import show_progress

__all__ = [
    "POLICIES",
    "CommandSpy",
    "ConfigError",
    "DatabaseUnavailable",
    "DemoClock",
    "Exercise",
    "ExerciseFailed",
    "FaultInjector",
    "Finding",
    "LessonDB",
    "RedisServerError",
    "Severity",
    "audit_config",
    "audit_live",
    "backend_from_env",
    "backends_to_measure",
    "capstone",
    "checks",
    "connect",
    "count_connections",
    "demo_size",
    "find_redis_server",
    "free_port",
    "grading_spy",
    "hints",
    "lesson_backend",
    "median_ms",
    "no_retry",
    "parse_config",
    "real_server",
    "recorded_run",
    "redis_server_path",
    "run_in_threads",
    "running_redis_server",
    "servers_to_measure",
    "throwaway_cluster",
    "show_progress",
    "solution",
    "standards",
    "start_lesson",
    "timeline",
    "unlink_matching",
    "plot_victims",
    "victim_pings",
]


def start_lesson() -> redis.Redis:
    """Start a lesson: checks report in this notebook from here on, and the grader's state is recorded before
    any of your code runs. Prints which Redis the notebook talks to and returns a client on it (one shared
    connection pool per notebook)."""
    from .harness import session

    session.start()
    print("Connected to", lesson_backend().describe())
    print(real_server_demos())
    return connect()


def real_server_demos() -> str:
    """One line: which redis-server the real-server demos start, or why they cannot start one."""
    try:
        binary = find_redis_server()
    except RedisServerError as error:
        return f"Real-server demos: none ({error})"
    if binary is None and os.environ.get(SERVER_ENV, "").strip().lower() == NO_SERVER:
        return f"Real-server demos: none ({SERVER_ENV}={NO_SERVER}); they show recorded runs, labelled as recorded"
    if binary is None:
        return f"Real-server demos: none, no redis-server binary found, so they show recorded runs; {INSTALL_HINT}"
    return f"Real-server demos: a throwaway {binary.label} (found via {binary.source}: {binary.path})"


def standards() -> None:
    """Print the 16 standards, by group: the id every check, hint and lesson cites, and its rule."""
    from .catalog.standards import catalog

    group = None
    for entry in catalog().values():
        if entry.group != group:
            group = entry.group
            print(f"\n{group}")
        print(f"  {entry.id:<30} {entry.rule}")
