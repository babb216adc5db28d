"""One learner × lesson after grading: what the reports are made of."""

from __future__ import annotations

from dataclasses import dataclass, field


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
