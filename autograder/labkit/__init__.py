"""The lab kit: everything a lesson notebook needs to talk to Redis and watch what code does.

It imports nothing from the rest of ``autograder`` (lessons → lab kit, never the other way).
"""

import logging
import sys
import warnings

from .backend import Backend, BackendError, backend_from_env, connect, lesson_backend, no_retry
from .connections import count_connections
from .db import DatabaseUnavailable, DBEvent, LessonDB, timeline
from .faults import FaultInjector, InjectedFault, is_write_command
from .server import RedisServerError, redis_server_path, running_redis_server
from .spy import Command, CommandSpy

__all__ = [
    "Backend",
    "BackendError",
    "Command",
    "CommandSpy",
    "FaultInjector",
    "InjectedFault",
    "DBEvent",
    "DatabaseUnavailable",
    "LessonDB",
    "RedisServerError",
    "backend_from_env",
    "connect",
    "count_connections",
    "grading_spy",
    "is_write_command",
    "lesson_backend",
    "no_retry",
    "redis_server_path",
    "running_redis_server",
    "timeline",
]


def _show_warning_on_stdout(message, category, filename, lineno, file=None, line=None):
    print(warnings.formatwarning(message, category, filename, lineno, line).rstrip(), file=sys.stdout)


def _route_lesson_output_to_stdout() -> None:
    """nbgrader scores any cell that writes to stderr as 0, and redis-py 8 warns on calls learners meet
    (e.g. the deprecated ``r.setex``). In a notebook kernel, warnings and logging go to stdout instead."""
    warnings.showwarning = _show_warning_on_stdout
    root = logging.getLogger()
    if not any(getattr(h, "_kata_stdout", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._kata_stdout = True
        root.addHandler(handler)
        if root.level > logging.WARNING or root.level == logging.NOTSET:
            root.setLevel(logging.WARNING)


if "ipykernel" in sys.modules:
    _route_lesson_output_to_stdout()


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
