"""The exercise catalog: title, standards, points and hint ladder of each graded exercise.

Authors write it in ``content/<lesson>/exercises.toml``; ``python -m autograder build`` compiles it into
``autograder/catalog/exercises.json``, which is what an installed workbook reads. An exercise's id is the ``grade_id``
of its locked check cell in the lesson notebook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .standards import standard


@dataclass(frozen=True)
class ExerciseInfo:
    id: str
    lesson: str
    title: str
    standards: tuple[str, ...]
    hints: tuple[str, ...]
    points: float = 1.0
    audit_skip: tuple[str, ...] = ()  # cross-cutting standards this exercise's task does not ask for
    check_digest: str = ""  # fingerprint of the released check cell (which release a learner's copy holds)
    hidden_cases: int = 0  # statements in the check's hidden block: they run at grading (and locally with solutions/)
    candidates: tuple[str, ...] = ()  # a kata's closed list of ids to choose from (shown in its task)

    @property
    def answer_id(self) -> str:
        """The ``grade_id`` of the learner's answer cell."""
        return f"{self.id}-answer"


@cache
def exercise_catalog() -> dict[str, ExerciseInfo]:
    text = resources.files(__package__).joinpath("exercises.json").read_text(encoding="utf-8")
    out: dict[str, ExerciseInfo] = {}
    for entry in json.loads(text)["exercises"]:
        info = ExerciseInfo(
            id=entry["id"],
            lesson=entry["lesson"],
            title=entry["title"],
            standards=tuple(entry["standards"]),
            hints=tuple(entry["hints"]),
            points=float(entry["points"]),
            hidden_cases=int(entry.get("hidden_cases", 0)),
            check_digest=entry.get("check_digest", ""),
            audit_skip=tuple(entry.get("audit_skip", ())),
            candidates=tuple(entry.get("candidates", ())),
        )
        if info.id in out:
            raise ValueError(f"the exercise catalog lists {info.id!r} twice")
        for sid in (*info.standards, *info.audit_skip, *info.candidates):
            standard(sid)
        out[info.id] = info
    return out


def exercise_info(exercise_id: str) -> ExerciseInfo:
    try:
        return exercise_catalog()[exercise_id]
    except KeyError:
        raise KeyError(f"no exercise {exercise_id!r} in the catalog (content/*/exercises.toml)") from None
