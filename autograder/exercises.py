"""The exercise catalog: title, standards, points and hint ladder of each graded exercise.

Authors write it in ``content/<lesson>/exercises.toml``; ``python -m autograder build`` compiles it into
``catalog/exercises.json``, which is what an installed workbook reads. An exercise's id is the ``grade_id``
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
    # A review kata's answer (the violated standard ids) and a nudge per id that never names it.
    answer: frozenset[str] = frozenset()
    nudges: tuple[tuple[str, str], ...] = ()

    @property
    def answer_id(self) -> str:
        """The ``grade_id`` of the learner's answer cell."""
        return f"{self.id}-answer"


@cache
def exercise_catalog() -> dict[str, ExerciseInfo]:
    text = resources.files(__package__).joinpath("catalog", "exercises.json").read_text(encoding="utf-8")
    out: dict[str, ExerciseInfo] = {}
    for entry in json.loads(text)["exercises"]:
        info = ExerciseInfo(
            id=entry["id"],
            lesson=entry["lesson"],
            title=entry["title"],
            standards=tuple(entry["standards"]),
            hints=tuple(entry["hints"]),
            points=float(entry["points"]),
            answer=frozenset(entry.get("answer", ())),
            nudges=tuple(sorted(entry.get("nudges", {}).items())),
        )
        if info.id in out:
            raise ValueError(f"the exercise catalog lists {info.id!r} twice")
        for sid in (*info.standards, *info.answer, *dict(info.nudges)):
            standard(sid)
        out[info.id] = info
    return out


def exercise_info(exercise_id: str) -> ExerciseInfo:
    try:
        return exercise_catalog()[exercise_id]
    except KeyError:
        raise KeyError(f"no exercise {exercise_id!r} in the catalog (content/*/exercises.toml)") from None
