"""One learner × lesson after grading: what the reports are made of."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Control characters (C0, DEL, C1), bidi overrides and lone surrogates (undecodable bytes in a file name).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def printable(text: object) -> str:
    """``text`` safe to print to a terminal or a one-line cell: every unprintable character as its escape."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


@dataclass
class Outcome:
    """The points per exercise, or why the submission could not be graded."""

    learner: str
    lesson: str
    scores: dict[str, float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    problem: str = ""  # why it was not graded at all
    notes: list[str] = field(default_factory=list)  # graded, but something to tell the instructor

    @property
    def graded(self) -> bool:
        return not self.problem
