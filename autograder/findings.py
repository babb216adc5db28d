"""Findings: what a check saw, ranked, in words a learner can act on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from .standards import standard


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
        standard(self.standard_id)  # an unknown id is a bug in the check, caught at once

    @property
    def fails(self) -> bool:
        return self.severity is Severity.ESSENTIAL

    def lines(self) -> list[str]:
        std = standard(self.standard_id)
        label = f"[? · {std.group}] (a standard in the {std.group} group)" if self.hidden else f"[{std.id}] {std.rule}"
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
