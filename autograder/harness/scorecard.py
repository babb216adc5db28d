"""What every check cell keeps while it grades: the exercise, the findings so far, and the tamper verdict.

``Exercise`` (one pass/fail verdict) and the capstone's per-standard scorecard both extend it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from .. import messages
from ..catalog.exercises import ExerciseInfo, exercise_info
from ..checks.findings import Finding, Severity
from ..learner import progress, report_card, reveal
from ..notebooks import check_digest
from . import tamper
from .hidden import FILENAME as HIDDEN_FILENAME
from .hidden import hidden_source


class Scorecard:
    def __init__(self, exercise_id: str, *, demo: bool = False):
        self.info: ExerciseInfo = exercise_info(exercise_id)
        self.findings: list[Finding] = []
        # A lesson's demo grading something on purpose (not the learner's answer): no hidden cases, no progress.
        self.demo = demo
        self.hidden_ran = demo  # the check's hidden block has run (in this cell, or from solutions/)
        self.hidden_pending = 0  # hidden cases that could not run here: they run when the work is graded
        self.pending_reason = messages.NO_SOLUTIONS

    def hidden(self) -> None:
        """Called by the first line of a check's hidden block: the hidden cases are running in this cell."""
        self.hidden_ran = True

    def run_hidden_cases(self) -> None:
        """Where this cell has no hidden block (a released lesson), run the one from ``solutions/``, in the
        notebook's namespace, as nbgrader will; where ``solutions/`` is absent, count them as pending."""
        if self.hidden_ran or not self.info.hidden_cases:
            return
        self.hidden_ran = True
        namespace = _notebook_namespace()
        if namespace is not None and namespace.get("ex") is not self:
            return  # not the check cell's own `ex` (a scorecard a demo made): its hidden cases are not this one's
        source = hidden_source(self.info.lesson, self.info.id) if namespace is not None else None
        if source is None:
            self.hidden_pending = self.info.hidden_cases
            return
        if check_digest(_current_cell()) != self.info.check_digest:
            # A copy made from an older release (or a check cell retyped): the current hidden block may need
            # variables its visible part does not define. Grading restores the current check cell and runs them.
            self.hidden_pending, self.pending_reason = self.info.hidden_cases, messages.OLDER_CHECK
            return
        # In the notebook's own namespace, as at grading: the check cell's variables are there (and a class the block
        # defines can be pickled by name, as some hidden cases do).
        exec(compile(source, HIDDEN_FILENAME, "exec"), namespace)  # noqa: S102 - the course's own hidden tests

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
        self.findings.extend(f for f in new if f not in self.findings)  # the same finding reported once
        return not new

    def tampered(self) -> list[str]:
        """Grader functions the notebook replaced since the setup cell; records a finding when there are any."""
        changed = tamper.changed_grader_code()
        if changed:
            self.findings.append(
                Finding(
                    self.info.standards[0], messages.TAMPER_EXPECTED, messages.tamper_got(changed), messages.TAMPER_HINT
                )  # fmt: skip
            )
        scanned = [] if self.demo else tamper.tampering_in_history(self.info.lesson)
        if scanned:
            self.findings.append(
                Finding(self.info.standards[0], messages.SCAN_EXPECTED, messages.scan_got(scanned), messages.SCAN_HINT)
            )
        return changed + scanned

    @property
    def passed(self) -> bool:
        return not any(f.fails for f in self.findings)

    # -- the report card ---------------------------------------------------------------------------------
    def report_html(self, passed: bool) -> str:
        """The report as an HTML card; after a complete pass it also offers the reference solution."""
        pending = self.hidden_pending if passed else 0
        solution = None
        if passed and not pending:
            with contextlib.suppress(Exception):  # no solutions/ here: the card just goes without it
                solution = reveal.solution_source(self.info.id)
        table = progress.statuses(progress.workspace_dir(), self.info.lesson)[self.info.lesson]
        done = sum(row.done for row in table)
        line = f"Lesson {progress.lesson_title(self.info.lesson)}: {done} of {len(table)} exercises done."
        return report_card.report_html(
            exercise_id=self.info.id,
            title=self.info.title,
            standards=self.info.standards,
            findings=self.findings,
            passed=passed,
            solution=solution,
            progress_line=line,
            pending=pending,
            pending_reason=self.pending_reason,
        )

    def record(self, passed: bool) -> None:
        """Record the result in the learner's progress and show the report card (not for a lesson's demo)."""
        if self.demo:
            return
        progress.record(self.info, passed, complete=passed and not self.hidden_pending)
        self.show_card(passed)

    def show_card(self, passed: bool) -> None:
        """In a notebook, show the report card; its text/plain is empty because stdout carries the text."""
        try:
            from IPython import get_ipython

            if get_ipython() is None:
                return
            from IPython.display import publish_display_data

            publish_display_data({"text/html": self.report_html(passed), "text/plain": ""})
        except Exception:  # noqa: BLE001 - the plain report still tells the learner everything
            return


def _current_cell() -> str:
    """The source of the cell running now, as the learner's notebook holds it ("" outside a notebook)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return ""
    shell = get_ipython()
    history = getattr(getattr(shell, "history_manager", None), "input_hist_raw", None)
    return history[-1] if history else ""


def _notebook_namespace() -> dict | None:
    """The namespace the notebook's cells run in (where the check cell's variables live), or None outside one."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    return shell.user_ns if shell is not None else None
