"""The harness a lesson's locked check cell uses to grade one exercise and explain the result.

    ex = Exercise("l01-settings-key")
    key = ex.call(settings_key, 1001)
    ex.expect(key == "user:1001:settings", "key-namespace", expected="'user:1001:settings'", got=repr(key))
    ex.verdict()   # prints the report; raises ExerciseFailed if an essential finding stands

Everything goes to stdout: nbgrader scores a cell that writes to stderr as 0.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .. import messages
from ..catalog.standards import catalog
from ..checks.findings import Finding, ranked
from .call_audit import CallAudit, spies_in
from .learner_code import error_finding, run_quietly, show_call
from .scorecard import Scorecard


class ExerciseFailed(AssertionError):
    """An exercise's checks did not pass; the report above it says why."""

    def _render_traceback_(self) -> list[str]:
        """IPython shows this instead of a traceback: the report above is the feedback, and the check cell's frames
        would only be noise (and formatting them costs ~65 ms a failing check, twice: shown and stored)."""
        return [f"{type(self).__name__}: {self}"]


class Exercise(Scorecard):
    _spotted: set[str] | None = None  # a kata's answer, once its form is right
    kata_pending = False  # a kata whose key has not been applied yet

    # -- running the learner's code -------------------------------------------------------------------
    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the learner's function; if it raises, report that and stop the test.

        When it is handed a spied client or pool, what the call sent and left is also held to the standards every
        exercise keeps (``call_audit``), reported under their own ids."""
        audits = [CallAudit(spy, self.info.audit_skip) for spy in spies_in([*args, *kwargs.values()])]
        try:
            result = run_quietly(fn, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any learner error becomes feedback, not a traceback
            name = getattr(fn, "__name__", repr(fn))
            self.findings.append(error_finding(self.info.standards[0], show_call(name, args, kwargs), error))
        else:
            for audit in audits:  # the standards every exercise holds, on what this call did
                self._add_audit_findings(audit.findings())
            return result
        self.hidden_ran = True  # the check stops here, before its hidden block, as it does at grading
        self.verdict()

    def _add_audit_findings(self, findings: list[Finding]) -> None:
        """One finding per broken rule, however many calls broke it (a check may call the learner 1,000 times)."""
        seen = {(f.standard_id, f.expected.split("`")[0]) for f in self.findings}
        for finding in findings:
            rule = (finding.standard_id, finding.expected.split("`")[0])
            if rule not in seen:
                seen.add(rule)
                self.findings.append(finding)

    def kata(self, spotted: Any) -> None:
        """A spot-the-violation answer's form: a collection of standard ids, each among the candidates.

        The answer key is not in the workbook: the check cell's hidden block passes it to :meth:`kata_key` (at
        grading, or locally from ``solutions/``), so neither the lesson nor the installed package gives it away.
        """
        self._spotted = None
        items = None if isinstance(spotted, str | bytes) or not isinstance(spotted, Iterable) else list(spotted)
        if items is None or not all(isinstance(s, str) for s in items):
            self.expect(
                False, self.info.standards[0], expected="a set of standard ids, e.g. {'ttl-always'}", got=repr(spotted)
            )
            return
        spotted = {str.__str__(s) for s in items}  # plain str: a subclass could compare equal to any key
        known = set(self.info.candidates or catalog())
        unknown = sorted(spotted - known)
        where = "the candidates the task lists" if self.info.candidates else "the standards catalog"
        self.expect(
            not unknown,
            self.info.standards[0],
            expected=f"ids from {where}",
            got=f"not among them: {', '.join(unknown)}",
            hint="Choose from the candidate ids in the task above."
            if self.info.candidates
            else "The 16 ids are listed in autograder/catalog/standards.toml.",
        )
        self._spotted = spotted & known
        self.kata_pending = True

    def kata_key(self, violated: Iterable[str], nudges: dict[str, str]) -> None:
        """Grade the spotted ids against the key: exactly the violated standard ids, no more, no fewer. Ids listed
        but kept are named; missed ones are reported by count only, each with its nudge (which never names it)."""
        self.kata_pending = False
        violated = set(violated)
        spotted = getattr(self, "_spotted", None)
        if spotted is None:
            return  # the answer's form was wrong: that finding stands alone
        for extra in sorted(spotted - violated):
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

    # -- reporting ------------------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """Passed, and every hidden case ran too: what full marks at grading needs."""
        return self.passed and not self.hidden_pending

    def report(self) -> str:
        head = (
            messages.PASS_HEAD
            if self.complete
            else messages.VISIBLE_PASS_HEAD
            if self.passed
            else messages.NOT_YET_HEAD
        )
        lines = [f"{head} · {self.info.title}  [{', '.join(self.info.standards)}]"]
        if self.complete:
            lines.append(f"🎉 Nicely done: your code keeps {', '.join(self.info.standards)}.")
        elif self.passed and self.kata_pending:
            lines.append("  " + messages.kata_pending(self.pending_reason))
        elif self.passed:
            lines.append("  " + messages.hidden_pending(self.hidden_pending, self.pending_reason))
        for finding in ranked(self.findings):
            lines += ["  " + line for line in finding.lines()]
        if not self.passed:
            lines.append("  " + messages.stuck(self.info.id))
        return "\n".join(lines)

    def verdict(self) -> None:
        """Print the report; raise ExerciseFailed (the cell fails, 0 points) if an essential finding stands.

        A released lesson's check has no hidden block: while the visible checks pass, the hidden cases run here
        (from ``solutions/``) first, so the verdict is the one grading will give."""
        if self.passed:
            self.run_hidden_cases()
        self.tampered()
        self.record(self.passed)
        print(self.report())
        if not self.passed:
            raise ExerciseFailed(f"{self.info.id}: not passing yet; see the report above")
