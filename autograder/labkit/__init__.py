"""The lab kit: everything a lesson notebook needs to talk to Redis and watch what code does.

It imports nothing from the rest of ``autograder`` (lessons → lab kit, never the other way).
"""

from .backend import Backend, BackendError, backend_from_env, connect, lesson_backend, no_retry
from .connections import count_connections
from .server import RedisServerError, redis_server_path, running_redis_server
from .spy import Command, CommandSpy

__all__ = [
    "Backend",
    "BackendError",
    "Command",
    "CommandSpy",
    "RedisServerError",
    "backend_from_env",
    "connect",
    "count_connections",
    "grading_spy",
    "lesson_backend",
    "no_retry",
    "redis_server_path",
    "running_redis_server",
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
        keys = list(cleaner.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 500):
            cleaner.unlink(*keys[start : start + 500])
    cleaner.close()
    return CommandSpy(lesson)
