"""Learner-facing sentences that recur across the grader, written once."""

from __future__ import annotations

STUB_GOT = "the stub still raises NotImplementedError"
STUB_HINT = "Replace `raise NotImplementedError()` with your code, run that cell, then this one."
TAMPER_EXPECTED = "the grader's checks and the redis client left as they were"
TAMPER_HINT = "Restart the kernel, remove the code that patches them, and run the notebook again."
SCAN_EXPECTED = "cells that answer the exercises, without reading or rewriting the running checks"
SCAN_HINT = (
    "Grading scores every check after such a cell 0. Delete the code (a scratch cell too), restart the kernel "
    "and run the notebook again."
)
HINT_BUTTON_CELL = "(the cell below)"
VISIBLE_PASS_HEAD = "☑️ VISIBLE CHECKS PASS"
PASS_HEAD, NOT_YET_HEAD = "✅ PASS", "❌ NOT YET"
VERDICT_HEADS = (PASS_HEAD, NOT_YET_HEAD, VISIBLE_PASS_HEAD)  # the first line every check cell's verdict prints
NO_VERDICT = (
    "❌ This check printed no verdict: a cell before it kept it from running as written (grading's scan of your "
    "cells scores such a cell's later checks 0). Remove that cell, restart the kernel and run the notebook again."
)


def stub_expected(name: str) -> str:
    return f"`{name}` to be written in the answer cell above"


def stuck(exercise_id: str) -> str:
    """The last line of a report that is not passing yet."""
    return f"Stuck? Reveal a hint: hints('{exercise_id}')"


def tamper_got(changed: list[str]) -> str:
    return f"code in this notebook replaced {len(changed)} of them, e.g. {', '.join(changed[:3])}"


def what_a_cell_does(problems: list[str], limit: int) -> str:
    """The first ``limit`` things the tamper scan says of a cell, one sentence: "does a; it does b (and 2 more)"."""
    more = f" (and {len(problems) - limit} more)" if len(problems) > limit else ""
    return "; it ".join(problems[:limit]) + more


def scan_got(problems: list[str]) -> str:
    return f"a cell this kernel ran {what_a_cell_does(problems, 2)}"


NO_SOLUTIONS = "not here: this installation has no solutions/"
OLDER_CHECK = "not here: this notebook's check cell is from an older release of the lesson"


def kata_pending(why: str = NO_SOLUTIONS) -> str:
    """What a learner is told when a kata answer has the right form but its key is not in this notebook."""
    return (
        f"Your answer has the right form; it is compared with the answer key when your work is graded ({why}). "
        "The key is not part of the workbook you were given."
    )


def hidden_pending(count: int, why: str = NO_SOLUTIONS) -> str:
    """What a learner is told when the visible checks pass but the hidden cases cannot run in this notebook."""
    cases = "case runs" if count == 1 else "cases run"
    return (
        f"The visible checks pass; {count} more {cases} when your work is graded ({why}). "
        "The reference solution unlocks once they have run."
    )
