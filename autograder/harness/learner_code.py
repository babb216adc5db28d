"""Calling learner code and describing what it did, in words that point at the learner's own lines."""

from __future__ import annotations

import contextlib
import linecache
import sys
import traceback
from collections.abc import Callable
from typing import Any

from .. import messages
from ..checks.findings import Finding

CHECK_CELL_MARK = "ex.verdict()"  # every locked check cell ends with it; learner cells never contain it


def run_quietly(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn`` with its stderr shown on stdout: a debug print must not cost the exercise (nbgrader scores a
    cell that writes to stderr as 0)."""
    with contextlib.redirect_stderr(sys.stdout):
        return fn(*args, **kwargs)


def error_finding(standard_id: str, call: str, error: BaseException) -> Finding:
    """The finding for learner code that raised: the stub, or an error with the learner's own frames."""
    if isinstance(error, NotImplementedError):
        return Finding(standard_id, messages.stub_expected(call.split("(", 1)[0]), messages.STUB_GOT,
                       messages.STUB_HINT)  # fmt: skip
    return Finding(
        standard_id,
        expected=f"`{call}` to return",
        got=f"it raised {type(error).__name__}: {error}",
        hint="Where it broke in your code:\n" + learner_frames(error),
    )


def show_call(name: str, args: tuple, kwargs: dict) -> str:
    shown = [_short(repr(a)) for a in args] + [f"{k}={_short(repr(v))}" for k, v in kwargs.items()]
    return f"{name}({', '.join(shown)})"


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def learner_frames(error: BaseException) -> str:
    """The traceback frames from the learner's own cells, not the grader's."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if "autograder" not in f.filename and CHECK_CELL_MARK not in "".join(linecache.getlines(f.filename))
    ]
    lines = traceback.format_list(frames[-3:]) if frames else []
    return "".join(lines).rstrip() or "(no frames from your code)"
