"""Where the lessons are, and how a test reads their cells."""

from __future__ import annotations

import functools
import html
import re
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


@functools.cache
def _answers() -> tuple:
    from autograder.authoring.build import all_answers

    return tuple(all_answers())


def with_first_answers(lesson: str, *, valid: bool):
    """(notebook, exercises): the solution with each exercise's answer cell replaced by its first valid (or
    wrong) answer from ``content/<lesson>/answers.py``, and the exercises so answered."""
    from autograder.catalog.exercises import exercise_catalog

    nb = read(solution_path(lesson))
    first = {}
    for answer in _answers():
        if answer.valid == valid and exercise_catalog()[answer.exercise].lesson == lesson:
            first.setdefault(answer.exercise, answer)
    for exercise, answer in first.items():
        cell_by_id(nb, f"{exercise}-answer").source = answer.source
    return nb, set(first)


def squash(text: str) -> str:
    """Text with all white space removed, for searching code inside rendered HTML."""
    return re.sub(r"\s+", "", text)


def hidden_test_lines(lesson: str) -> tuple[list[str], list[str]]:
    """(hidden, visible) test lines of a lesson, squashed; a hidden line also shown elsewhere is not hidden."""
    hidden, visible = [], []
    for cell in graded_cells(read(solution_path(lesson))):
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line or "END HIDDEN TESTS" in line:
                inside = "BEGIN" in line
            elif len(line.strip()) > 12:
                (hidden if inside else visible).append(squash(line))
    shown = set(visible) | {squash(line) for c in read(lesson_path(lesson)).cells for line in c.source.splitlines()}
    # A hidden line that is part of a shown line (`else f"…"` of a visible `… if … else f"…"`) gives nothing away.
    return [line for line in hidden if not any(line in seen for seen in shown)], visible


def html_text(path: Path) -> str:
    """The squashed visible text of an HTML file (tags dropped, entities decoded)."""
    return squash(html.unescape(re.sub(r"<[^>]+>", "", path.read_text())))
