"""A scorecard judged standard by standard: the capstone's partial credit (one point per standard kept).

A standard is kept when the run showed positive evidence for it and no essential finding against it (and, where
a subclass gates it with ``withheld``, the gate is open: the capstone credits tidy keys only in a working cache).
A check cell whose last expression is ``ex.verdict()`` gets that number as its nbgrader partial credit (capped at the
cell's points), so a service that breaks one standard loses only that point. The standards are the exercise's
own, from the catalog.
"""

from __future__ import annotations

from .. import messages
from ..checks.findings import Finding
from ..harness.scorecard import Scorecard


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class StandardsScorecard(Scorecard):
    def __init__(self, exercise_id: str, *, demo: bool = False):
        super().__init__(exercise_id, demo=demo)
        self.standards = self.info.standards
        self.evidence: dict[str, list[str]] = {s: [] for s in self.standards}

    def saw(self, standard_id: str, text: str) -> None:
        """Positive evidence that ``standard_id`` was exercised and kept (shown in the table)."""
        self.evidence[standard_id].append(text)

    def findings_for(self, standard_id: str) -> list[Finding]:
        return [f for f in self.findings if f.standard_id == standard_id]

    def fail_all(self, expected: str, got: str, hint: str = "") -> None:
        for sid in self.standards:
            self.expect(False, sid, expected=expected, got=got, hint=hint)

    def shown(self, standard_id: str) -> bool:
        """Positive evidence and no failing finding: the standard held, whatever ``withheld`` says."""
        return bool(self.evidence[standard_id]) and not any(f.fails for f in self.findings_for(standard_id))

    def withheld(self, standard_id: str) -> str:
        """Why a standard that held still earns no point ("" when it does). No gate by default."""
        return ""

    def kept(self, standard_id: str) -> bool:
        return self.shown(standard_id) and not self.withheld(standard_id)

    def table(self) -> str:
        width = max(len(s) for s in self.standards)
        lines = [f"| {'standard':<{width}} | result    | evidence", f"|{'-' * (width + 2)}|-----------|{'-' * 60}"]
        for sid in self.standards:
            if self.kept(sid):
                mark, text = "✅ kept  ", self.evidence[sid][0]
            elif self.shown(sid):
                mark, text = "⏸ gated ", self.withheld(sid)
            else:
                failing = [f for f in self.findings_for(sid) if f.fails]
                mark = "❌ broken"
                text = one_line(failing[0].got) if failing else "not observed: the service never exercised it"
            lines.append(f"| {sid:<{width}} | {mark} | {one_line(text, 110)}")
        return "\n".join(lines)

    def verdict(self) -> int:
        """Print the per-standard report; return the number of standards kept (the cell's partial credit).

        In a released lesson the hidden probes run here first (from ``solutions/``), as they do at grading."""
        self.run_hidden_cases()
        changed = self.tampered()
        kept = 0 if changed else sum(self.kept(s) for s in self.standards)
        total = len(self.standards)
        head = messages.PASS_HEAD if kept == total else messages.NOT_YET_HEAD
        if self.hidden_pending and kept == total:
            head = messages.VISIBLE_PASS_HEAD
        print(f"{head} · {self.info.title}: {kept} of {total} standards kept → {kept} of {total} points")
        if self.hidden_pending:
            print("  " + messages.hidden_pending(self.hidden_pending, self.pending_reason))
        print(self.table())
        if changed:
            print(f"  essential · code in this notebook replaced grader code ({', '.join(changed[:3])}): 0 points.")
        broken = [s for s in self.standards if not self.shown(s)]
        gated = [s for s in self.standards if self.shown(s) and not self.kept(s)]
        if gated:
            print(f"\n{len(gated)} standard(s) held but earn no point yet: {self.withheld(gated[0])}. Fix the "
                  "behavioural standards first.")  # fmt: skip
        if broken:
            print("\nWhat to fix, standard by standard:")
        for sid in broken:
            failing = [f for f in self.findings_for(sid) if f.fails] or [
                Finding(
                    sid,
                    "the service to show this standard at work",
                    "nothing to judge it by: the operations that exercise it did not run",
                )  # fmt: skip
            ]
            for finding in failing[:2]:
                print("\n".join("  " + line for line in finding.lines()))
        notes = [f for f in self.findings if not f.fails and f.standard_id in self.evidence]
        for finding in notes[:3]:
            print("\n".join("  " + line for line in finding.lines()))
        if broken or gated:
            print("  " + messages.stuck(self.info.id))
        print(f"Score for this cell: {kept} (the number below).")
        self.record(kept == total)
        return kept
