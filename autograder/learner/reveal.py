"""Reference solutions, revealed for comparison only after the learner's own check has passed.

The solutions are the answer cells of ``solutions/<lesson>/<lesson>.ipynb`` (the nbgrader source), read on
demand; nothing is copied into the lessons.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .. import layout
from ..catalog.exercises import exercise_info
from . import progress

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


class NotPassedYet(PermissionError):
    """The reference solution stays hidden until the exercise's check passes."""


@cache
def _answer_cells(path: Path, mtime: float) -> dict[str, str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for cell in nb.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-answer"):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            lines = [line for line in source.splitlines() if line.strip() not in MARKERS]
            out[grade_id] = "\n".join(lines)
    return out


def solution_source(exercise_id: str, root: Path = layout.REPO_ROOT) -> str | None:
    """The reference answer cell's code, or None when ``solutions/`` is not available here. No pass check."""
    info = exercise_info(exercise_id)
    path = layout.notebook_path(layout.SOURCE, info.lesson, root)
    if not path.is_file():
        return None
    return _answer_cells(path, path.stat().st_mtime).get(info.answer_id)


def reference_solution(exercise_id: str) -> str | None:
    """The reference solution once ``exercise_id`` has passed; raises NotPassedYet before that."""
    info = exercise_info(exercise_id)
    if not progress.has_passed(exercise_id):
        raise NotPassedYet(
            f"The reference solution for “{info.title}” unlocks once your check passes. "
            f"Keep going: hints('{exercise_id}') shows the next hint."
        )
    return solution_source(exercise_id)
