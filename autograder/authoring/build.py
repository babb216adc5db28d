"""``python -m autograder build``: content/ → solutions/*.ipynb and the package's exercise catalog.

content/<lesson>/lesson.py and exercises.toml are the only files an author edits; this writes the nbgrader
source notebooks (solutions/) and ``autograder/catalog/exercises.json`` (what the installed package reads).
``release`` then runs nbgrader's generate_assignment to make lessons/.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import layout
from ..notebooks import check_digest, committed_text, release_form
from .answers import Answer, read_answers
from .exercises_source import read_exercises
from .kata_key import public_entry, with_kata_keys
from .lesson_text import LessonSourceError, SourceCell, exercise_ids, hidden_case_count, read_cells, to_notebook

CATALOG_JSON = Path("autograder") / "catalog" / "exercises.json"
COURSE_CELLS_JSON = Path("autograder") / "catalog" / "course_cells.json"


@dataclass
class Lesson:
    """One lesson's sources, read and cross-checked."""

    id: str
    cells: list[SourceCell]
    exercises: list[dict]

    @property
    def folder(self) -> str:
        return f"{layout.CONTENT}/{self.id}"


def content_lessons(root: Path = layout.REPO_ROOT) -> list[str]:
    folder = root / layout.CONTENT
    return sorted(p.name for p in folder.iterdir() if (p / layout.LESSON_FILE).is_file())


def read_lesson(lesson: str, root: Path = layout.REPO_ROOT) -> Lesson:
    folder = root / layout.CONTENT / lesson
    cells = read_cells(folder / layout.LESSON_FILE)
    exercises = read_exercises(folder / layout.EXERCISES_FILE, lesson)
    in_lesson, in_catalog = exercise_ids(cells), [e["id"] for e in exercises]
    if in_lesson != in_catalog:
        missing = [e for e in in_lesson if e not in in_catalog]
        extra = [e for e in in_catalog if e not in in_lesson]
        detail = []
        if missing:
            detail.append(f"no [{'], ['.join(missing)}] in {layout.EXERCISES_FILE}")
        if extra:
            detail.append(f"{', '.join(extra)} in {layout.EXERCISES_FILE} but not in {layout.LESSON_FILE}")
        if not detail:
            detail.append(f"list the exercises in notebook order: {', '.join(in_lesson)}")
        raise LessonSourceError(f"{folder}: the lesson and its catalog disagree: {'; '.join(detail)}")
    return Lesson(lesson, cells, exercises)


def outputs(root: Path = layout.REPO_ROOT) -> dict[Path, str]:
    """Every file the build writes (relative to ``root``) and its text."""
    files: dict[Path, str] = {}
    catalog, course_cells = [], {}
    for lesson_id in content_lessons(root):
        lesson = read_lesson(lesson_id, root)
        points = {e["id"]: e["points"] for e in lesson.exercises}
        nb = to_notebook(with_kata_keys(lesson.cells, lesson.exercises, lesson.folder), points)
        files[Path(layout.SOURCE) / lesson_id / f"{lesson_id}.ipynb"] = committed_text(nb)
        checks = {c.id: c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
        course_cells[lesson_id] = _course_cell_digests(nb)
        catalog += [
            {
                **public_entry(e),
                "hidden_cases": hidden_case_count(checks[e["id"]]),
                "check_digest": check_digest(release_form(checks[e["id"]])),
            }
            for e in lesson.exercises
        ]
    note = f"Generated from {layout.CONTENT}/*/{layout.EXERCISES_FILE} by `python -m autograder build`; do not edit."
    files[CATALOG_JSON] = json.dumps({"note": note, "exercises": catalog}, indent=1, ensure_ascii=False) + "\n"
    note = f"Fingerprints of the released code cells, made by `python -m autograder build` from {layout.CONTENT}/."
    files[COURSE_CELLS_JSON] = json.dumps({"note": note, "lessons": course_cells}, indent=1) + "\n"
    return files


def _course_cell_digests(nb) -> list[str]:
    """Every code cell of the release but the learner's answer cells, as ``check_digest`` fingerprints (a check cell
    in its released form, its hidden block taken out)."""
    out = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution"):
            continue
        out.add(check_digest(release_form(cell.source) if meta.get("grade") else cell.source))
    return sorted(out)


def build(root: Path = layout.REPO_ROOT, check_only: bool = False) -> list[str]:
    """Write (or, with ``check_only``, compare) every build output; return the paths that changed."""
    changed = []
    files = outputs(root)
    for relative, text in files.items():
        target = root / relative
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            changed.append(str(relative))
            if not check_only:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
    built = {p.parts[1] for p in files if p.parts[0] == layout.SOURCE}
    for stale in sorted(p for p in (root / layout.SOURCE).iterdir() if p.is_dir() and p.name not in built):
        changed.append(f"{layout.SOURCE}/{stale.name}/ (removed)")
        if not check_only:
            shutil.rmtree(stale)
    return changed


def lesson_answers(lesson: str, root: Path = layout.REPO_ROOT) -> list[Answer]:
    """The wrong and valid answers of one lesson (``content/<lesson>/answers.py``)."""
    folder = root / layout.CONTENT / lesson
    return read_answers(folder / layout.ANSWERS_FILE, read_cells(folder / layout.LESSON_FILE))


def all_answers(root: Path = layout.REPO_ROOT) -> list[Answer]:
    return [a for lesson in content_lessons(root) for a in lesson_answers(lesson, root)]
