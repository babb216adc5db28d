"""Where the lessons are, and how a test reads their cells."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS, LESSONS = ROOT / "solutions", ROOT / "lessons"


def lesson_ids() -> list[str]:
    return sorted(p.name for p in SOLUTIONS.iterdir() if p.is_dir())


def solution_path(lesson: str) -> Path:
    return SOLUTIONS / lesson / f"{lesson}.ipynb"


def lesson_path(lesson: str) -> Path:
    return LESSONS / lesson / f"{lesson}.ipynb"


def all_notebooks() -> list[Path]:
    return sorted(SOLUTIONS.glob("*/*.ipynb")) + sorted(LESSONS.glob("*/*.ipynb"))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def graded_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader_meta(c).get("grade")]


def cell_by_id(nb, grade_id: str):
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == grade_id:
            return cell
    raise KeyError(f"no cell with grade_id {grade_id!r}")


def read(path: Path):
    return nbformat.read(path, as_version=4)


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer to an exercise, and the standard its check must name."""

    exercise: str
    label: str
    source: str
    standard: str

    def __str__(self) -> str:
        return f"{self.exercise}: {self.label}"
