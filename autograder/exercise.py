"""The harness a lesson's locked test cell uses to grade one exercise and explain the result.

    ex = Exercise("l01-settings-key")
    key = ex.call(settings_key, 1001)
    ex.expect(key == "user:1001:settings", "key-namespace", expected="'user:1001:settings'", got=repr(key))
    ex.verdict()   # prints the report; raises ExerciseFailed if an essential finding stands

Everything goes to stdout: nbgrader scores a cell that writes to stderr as 0.
"""

from __future__ import annotations

import contextlib
import linecache
import sys
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from . import feedback_html, progress, reveal, tamper
from .exercises import ExerciseInfo, exercise_info
from .findings import Finding, Severity, ranked


class ExerciseFailed(AssertionError):
    """An exercise's checks did not pass; the report above it says why."""


class Exercise:
    def __init__(self, exercise_id: str):
        self.info: ExerciseInfo = exercise_info(exercise_id)
        self.findings: list[Finding] = []

    # -- running the learner's code -------------------------------------------------------------------
    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the learner's function; if it raises, report that and stop the test."""
        name = getattr(fn, "__name__", repr(fn))
        try:
            # A debug print to stderr must not cost the exercise (nbgrader scores stderr output as 0).
            with contextlib.redirect_stderr(sys.stdout):
                return fn(*args, **kwargs)
        except NotImplementedError:
            self.findings.append(
                Finding(
                    self.info.standards[0],
                    expected=f"`{name}` to be written in the answer cell above",
                    got="the stub still raises NotImplementedError",
                    hint="Replace `raise NotImplementedError()` with your code, run that cell, then this one.",
                )
            )
        except Exception as error:  # noqa: BLE001 - any learner error becomes feedback, not a traceback
            self.findings.append(
                Finding(
                    self.info.standards[0],
                    expected=f"`{name}({_show_args(args, kwargs)})` to return",
                    got=f"it raised {type(error).__name__}: {error}",
                    hint="Where it broke in your code:\n" + _learner_frames(error),
                )
            )
        self.verdict()

    # -- recording what was seen ----------------------------------------------------------------------
    def expect(
        self,
        ok: bool,
        standard_id: str,
        *,
        expected: str,
        got: str,
        hint: str = "",
        severity: Severity = Severity.ESSENTIAL,
    ) -> bool:
        """Record a finding unless ``ok``; returns ``ok``."""
        if not ok:
            self.findings.append(Finding(standard_id, expected, got, hint, severity))
        return ok

    def check(self, findings: Iterable[Finding]) -> bool:
        """Add the findings of a check from ``autograder.checks``; True when it found nothing."""
        new = list(findings)
        self.findings.extend(new)
        return not new

    def kata(self, spotted: Any) -> None:
        """Grade a spot-the-violation answer: exactly the violated standard ids, no more, no fewer.

        The answer and the nudges live in the exercise catalog, not in the notebook, so the check cell does
        not give them away; unspotted violations are reported by group only, with a nudge.
        """
        from .standards import catalog

        violated, nudges = set(self.info.answer), dict(self.info.nudges)
        if not violated:
            raise ValueError(f"{self.info.id} has no kata answer in the exercise catalog")
        if isinstance(spotted, str) or not all(isinstance(s, str) for s in spotted or ()):
            self.expect(
                False, self.info.standards[0], expected="a set of standard ids, e.g. {'ttl-always'}", got=repr(spotted)
            )
            return
        spotted = set(spotted)
        unknown = sorted(spotted - set(catalog()))
        self.expect(
            not unknown,
            self.info.standards[0],
            expected="ids from the standards catalog",
            got=f"unknown id(s): {', '.join(unknown)}",
            hint="The 16 ids are listed in autograder/catalog/standards.toml.",
        )
        for extra in sorted((spotted & set(catalog())) - violated):
            self.expect(
                False,
                extra,
                expected="only standards this snippet breaks",
                got=f"`{extra}` listed, but the snippet keeps it",
                hint=nudges.get(extra, ""),
            )
        missed = sorted(violated - spotted)
        for sid in missed:
            self.findings.append(
                Finding(
                    sid,
                    expected=f"all {len(violated)} violations spotted",
                    got=f"{len(violated) - len(missed)} of {len(violated)} spotted so far",
                    hint=nudges.get(sid, ""),
                    hidden=True,
                )
            )

    @property
    def passed(self) -> bool:
        return not any(f.fails for f in self.findings)

    # -- reporting ------------------------------------------------------------------------------------
    def report(self) -> str:
        head = "✅ PASS" if self.passed else "❌ NOT YET"
        lines = [f"{head} · {self.info.title}  [{', '.join(self.info.standards)}]"]
        if self.passed:
            lines.append(f"🎉 Nicely done: your code keeps {', '.join(self.info.standards)}.")
        for finding in ranked(self.findings):
            lines += ["  " + line for line in finding.lines()]
        if not self.passed:
            lines.append(f"  Stuck? Reveal a hint: hints('{self.info.id}')")
        return "\n".join(lines)

    def report_html(self) -> str:
        """The same report as an HTML card; after a pass it also offers the reference solution."""
        solution = None
        if self.passed:
            with contextlib.suppress(Exception):  # no solutions/ here: the card just goes without it
                solution = reveal.solution_source(self.info.id)
        table = progress.statuses(progress.workspace_dir(), self.info.lesson)[self.info.lesson]
        done = sum(row.done for row in table)
        line = f"Lesson {progress.lesson_title(self.info.lesson)}: {done} of {len(table)} exercises done."
        return feedback_html.report_html(
            exercise_id=self.info.id,
            title=self.info.title,
            standards=self.info.standards,
            findings=self.findings,
            passed=self.passed,
            solution=solution,
            progress_line=line,
        )

    def _display_report(self) -> None:
        """In a notebook, show the report card; its text/plain is empty because stdout carries the text."""
        try:
            from IPython import get_ipython

            if get_ipython() is None:
                return
            from IPython.display import publish_display_data

            publish_display_data({"text/html": self.report_html(), "text/plain": ""})
        except Exception:  # noqa: BLE001 - the plain report below still tells the learner everything
            return

    def verdict(self) -> None:
        """Print the report; raise ExerciseFailed (the cell fails, 0 points) if an essential finding stands."""
        changed = tamper.changed_grader_code()
        if changed:
            self.findings.append(
                Finding(
                    self.info.standards[0],
                    expected="the grader's checks and the redis client left as they were",
                    got=f"code in this notebook replaced {len(changed)} of them, e.g. {', '.join(changed[:3])}",
                    hint="Restart the kernel, remove the code that patches them, and run the notebook again.",
                )
            )
        progress.record(self.info, self.passed)
        self._display_report()
        print(self.report())
        if not self.passed:
            raise ExerciseFailed(f"{self.info.id}: not passing yet; see the report above")


def _raised_in_check_cell(tb) -> bool:
    """Whether a traceback passes through a locked check cell (its source calls ``ex.verdict()``)."""
    while tb is not None:
        if "ex.verdict()" in "".join(linecache.getlines(tb.tb_frame.f_code.co_filename)):
            return True
        tb = tb.tb_next
    return False


def _short_tracebacks_in_check_cells() -> None:
    """In a notebook, an error in a check cell shows one line, never the cell's source.

    IPython's tracebacks quote the failing cell, and autograded check cells contain hidden tests: nbgrader's
    feedback would show them. Errors in the learner's own cells keep the full, helpful traceback.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return
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


_short_tracebacks_in_check_cells()

# The grader as the setup cell imported it, before any learner code ran. The checks and the lab kit (and with
# them redis-py and fakeredis) are imported first so the snapshot covers them.
from . import checks as _checks  # noqa: E402, F401

tamper.take_snapshot()


def _show_args(args: tuple, kwargs: dict) -> str:
    shown = [_short(repr(a)) for a in args] + [f"{k}={_short(repr(v))}" for k, v in kwargs.items()]
    return ", ".join(shown)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _learner_frames(error: BaseException) -> str:
    """The traceback frames from the learner's own cells, not the grader's."""
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if "autograder" not in f.filename and "ex.verdict()" not in "".join(linecache.getlines(f.filename))
    ]
    lines = traceback.format_list(frames[-3:]) if frames else []
    return "".join(lines).rstrip() or "(no frames from your code)"
