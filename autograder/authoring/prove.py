"""``python -m autograder prove``: rustlings-style proof that every exercise is finished and gradable.

For each lesson: its reference solution (``solutions/``) must score full marks on every exercise, and the
untouched lesson (``lessons/``) must score zero on every exercise. Both run top to bottom in a fresh kernel
through ``check``, exactly as a learner's notebook would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .. import layout
from ..learner.check import check_notebook


@dataclass
class Proof:
    lesson: str
    problems: list[str] = field(default_factory=list)
    exercises: int = 0

    @property
    def proven(self) -> bool:
        return not self.problems


def prove_lesson(lesson: str) -> Proof:
    proof = Proof(lesson)
    solved = check_notebook(layout.notebook_path(layout.SOURCE, lesson))
    untouched = check_notebook(layout.notebook_path(layout.RELEASE, lesson))
    proof.exercises = len(solved.exercises)
    for ex in solved.exercises:
        if not ex.passed:
            why = next((line.strip() for line in ex.feedback if line.strip().startswith("got:")), "see `check`")
            proof.problems.append(f"solution of {ex.grade_id} scores {ex.points:g}/{ex.max_points:g} ({why})")
    for ex in untouched.exercises:
        if ex.points:
            proof.problems.append(f"untouched {ex.grade_id} already scores {ex.points:g}/{ex.max_points:g}")
    if len(untouched.exercises) != len(solved.exercises):
        proof.problems.append("lessons/ and solutions/ list different exercises: run `make lessons`")
    return proof


def prove(lessons: list[str] | None = None, say: Callable[[str], None] = print) -> list[Proof]:
    proofs = []
    for lesson in lessons or layout.lesson_ids():
        proof = prove_lesson(lesson)
        proofs.append(proof)
        if proof.proven:
            say(f"✅ {lesson}: {proof.exercises} solutions pass, {proof.exercises} untouched stubs score 0")
        else:
            say(f"❌ {lesson}:")
            for problem in proof.problems:
                say(f"     {problem}")
    done = sum(p.proven for p in proofs)
    say(f"{done}/{len(proofs)} lessons proven")
    return proofs
