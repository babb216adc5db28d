"""What a lesson's setup cell switches on, explicitly, before any learner code runs (``start_lesson()``).

- warnings and logging go to stdout: nbgrader scores a cell that writes to stderr as 0, and redis-py 8 warns on
  calls learners meet (e.g. the deprecated ``r.setex``);
- an error raised in a locked check cell shows one line, never the cell's source: IPython's tracebacks quote
  the failing cell, and autograded check cells contain hidden tests that nbgrader's feedback would show;
- the tamper snapshot: the grader's functions as they are now, before any learner cell can replace them.

Nothing happens at import; calling ``start()`` again is harmless.
"""

from __future__ import annotations

import linecache
import logging
import sys
import warnings

from . import tamper
from .learner_code import CHECK_CELL_MARK


def start() -> None:
    in_kernel = "ipykernel" in sys.modules
    if in_kernel:
        _route_output_to_stdout()
        _short_tracebacks_in_check_cells()
    # The checks, the lab kit (and with them redis-py and fakeredis) are imported first so the snapshot covers them.
    from .. import checks, lesson  # noqa: F401

    tamper.take_snapshot()


def _show_warning_on_stdout(message, category, filename, lineno, file=None, line=None):
    print(warnings.formatwarning(message, category, filename, lineno, line).rstrip(), file=sys.stdout)


def _route_output_to_stdout() -> None:
    warnings.showwarning = _show_warning_on_stdout
    root = logging.getLogger()
    if not any(getattr(h, "_kata_stdout", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler._kata_stdout = True
        root.addHandler(handler)
        if root.level > logging.WARNING or root.level == logging.NOTSET:
            root.setLevel(logging.WARNING)


def _raised_in_check_cell(tb) -> bool:
    """Whether a traceback passes through a locked check cell (its source calls ``ex.verdict()``)."""
    while tb is not None:
        if CHECK_CELL_MARK in "".join(linecache.getlines(tb.tb_frame.f_code.co_filename)):
            return True
        tb = tb.tb_next
    return False


def _short_tracebacks_in_check_cells() -> None:
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None or not hasattr(shell, "_showtraceback"):
        return

    def handler(shell, etype, value, tb, tb_offset=None):
        if _raised_in_check_cell(tb):
            stb = [f"{etype.__name__}: {value}"]
        else:
            stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        shell._showtraceback(etype, value, stb)  # sends the error output nbgrader scores as 0

    shell.set_custom_exc((Exception,), handler)
