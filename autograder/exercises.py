"""The exercise catalog: title, standards and hint ladder of each graded exercise (``catalog/exercises/*.toml``).

An exercise's id is the ``grade_id`` of its locked test cell in the lesson notebook.
"""

from __future__ import annotations

import tomllib
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
    # A review kata's answer (the violated standard ids) and a nudge per id that never names it.
    answer: frozenset[str] = frozenset()
    nudges: tuple[tuple[str, str], ...] = ()

    @property
    def answer_id(self) -> str:
        """The ``grade_id`` of the learner's answer cell."""
        return f"{self.id}-answer"


@cache
def exercise_catalog() -> dict[str, ExerciseInfo]:
    out: dict[str, ExerciseInfo] = {}
    folder = resources.files(__package__).joinpath("catalog", "exercises")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    entries = [e for f in files for e in tomllib.loads(f.read_text(encoding="utf-8")).get("exercise", [])]
    for entry in entries:
        info = ExerciseInfo(
            id=entry["id"],
            lesson=entry["lesson"],
            title=entry["title"],
            standards=tuple(entry["standards"]),
            hints=tuple(entry["hints"]),
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
        raise KeyError(f"no exercise {exercise_id!r} in autograder/catalog/exercises/") from None
