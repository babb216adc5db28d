"""Findings: what a check saw, ranked, in words a learner can act on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from ..catalog.standards import standard

CORRECTNESS = "correctness"
"""Not one of the 16 standards: the label of a finding about the result itself (a wrong return value, a wrong
stored value), so a finding's headline never blames a standard the code did not break."""
CORRECTNESS_RULE = "The code does what the task asks: the right result for every input the task describes."


def rule_of(standard_id: str) -> str:
    return CORRECTNESS_RULE if standard_id == CORRECTNESS else standard(standard_id).rule


def group_of(standard_id: str) -> str:
    return CORRECTNESS if standard_id == CORRECTNESS else standard(standard_id).group


class Severity(IntEnum):
    """Lower sorts first. Only ESSENTIAL findings fail an exercise."""

    ESSENTIAL = 0  # the standard is broken: the exercise fails
    ACTIONABLE = 1  # works, but worth fixing before production
    INFORMATIVE = 2  # good to know


@dataclass(frozen=True)
class Finding:
    standard_id: str
    expected: str
    got: str
    hint: str = ""
    severity: Severity = Severity.ESSENTIAL
    hidden: bool = False  # a kata's unspotted violation: show its group, not its id

    def __post_init__(self) -> None:
        if self.standard_id != CORRECTNESS:
            standard(self.standard_id)  # an unknown id is a bug in the check, caught at once

    @property
    def fails(self) -> bool:
        return self.severity is Severity.ESSENTIAL

    def lines(self) -> list[str]:
        group = group_of(self.standard_id)
        label = (f"[? · {group}] (a standard in the {group} group)" if self.hidden
                 else f"[{self.standard_id}] {rule_of(self.standard_id)}")  # fmt: skip
        out = [
            f"{self.severity.name.lower()} · {label}",
            f"    expected: {self.expected}",
            f"    got:      {self.got}",
        ]
        if self.hint:
            out.append(f"    hint:     {self.hint}")
        return out


def ranked(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.severity)
