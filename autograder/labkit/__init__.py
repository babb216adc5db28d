"""The lab kit: everything a lesson notebook needs to talk to Redis and watch what code does.

It imports nothing from the rest of ``autograder`` (lessons → lab kit, never the other way).
"""

from .backend import Backend, BackendError, backend_from_env, connect, lesson_backend, no_retry
from .cluster import ThrowawayCluster, running_redis_cluster
from .connections import count_connections
from .db import DatabaseUnavailable, DBEvent, LessonDB, timeline
from .demo import (
    GRADING_ENV,
    DemoClock,
    backends_to_measure,
    being_graded,
    demo_size,
    median_ms,
    plot_victims,
    real_server,
    run_in_threads,
    servers_to_measure,
    throwaway_cluster,
    victim_pings,
)
from .faults import FaultInjector, InjectedFault, is_write_command
from .keyspace import unlink_matching
from .recorded import recorded_run
from .server import (
    RedisServerError,
    ServerBinary,
    find_redis_server,
    free_port,
    redis_server_path,
    running_redis_server,
)
from .spy import Command, CommandSpy

__all__ = [
    "Backend",
    "BackendError",
    "Command",
    "CommandSpy",
    "FaultInjector",
    "InjectedFault",
    "DBEvent",
    "GRADING_ENV",
    "DemoClock",
    "DatabaseUnavailable",
    "LessonDB",
    "RedisServerError",
    "ServerBinary",
    "ThrowawayCluster",
    "backend_from_env",
    "backends_to_measure",
    "being_graded",
    "connect",
    "count_connections",
    "demo_size",
    "find_redis_server",
    "free_port",
    "grading_spy",
    "is_write_command",
    "lesson_backend",
    "median_ms",
    "no_retry",
    "plot_victims",
    "real_server",
    "recorded_run",
    "redis_server_path",
    "run_in_threads",
    "running_redis_cluster",
    "running_redis_server",
    "servers_to_measure",
    "throwaway_cluster",
    "timeline",
    "unlink_matching",
    "victim_pings",
]


def grading_spy(*patterns: str) -> CommandSpy:
    """A spy for a test cell, on a keyspace the learner's experiments cannot disturb.

    On fakeredis it gets a brand-new embedded server. On a real server it shares the lesson's server, so
    the keys matching ``patterns`` are removed first (with SCAN + UNLINK, never FLUSHDB).
    """
    lesson = lesson_backend()
    if not lesson.is_real:
        return CommandSpy(backend_from_env({}))
    cleaner = lesson.client(retry=no_retry())
    for pattern in patterns:
        unlink_matching(cleaner, pattern)
    cleaner.close()
    return CommandSpy(lesson)
