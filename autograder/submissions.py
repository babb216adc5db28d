"""Find every submitted notebook in a folder or zip, and say plainly what is wrong with the ones we cannot grade.

Accepted layouts (mixed freely):
- nbgrader's: ``<learner>/<lesson>/<notebook>.ipynb``
- flat: ``<learner>__<lesson>.ipynb``
- a ``.zip`` holding either of the above.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .course import lesson_ids
from .exercises import exercise_catalog
from .runner import NotebookError, read_notebook

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Submission:
    learner: str
    lesson: str
    path: Path | None  # None when nothing gradable was found
    problem: str = ""  # empty when the notebook can go to nbgrader

    @property
    def gradable(self) -> bool:
        return not self.problem


def unpack(source: Path, inbox: Path) -> Path:
    """A folder to read submissions from: ``source`` itself, or ``inbox`` holding a zip's contents."""
    if source.is_dir():
        return source
    if zipfile.is_zipfile(source):
        if inbox.exists():
            shutil.rmtree(inbox)
        inbox.mkdir(parents=True)
        with zipfile.ZipFile(source) as archive:
            for member in archive.infolist():
                target = (inbox / member.filename).resolve()
                if not str(target).startswith(str(inbox.resolve())):
                    continue  # a path escaping the inbox ("../x"): never written
                if not member.is_dir():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(archive.read(member))
        return inbox
    raise NotebookError(f"{source}: is neither a folder nor a zip of notebooks")


def _lesson_of(nb) -> str | None:
    """The lesson a notebook's graded cells belong to (by grade_id), or None."""
    lessons = {
        exercise_catalog()[cell.metadata.nbgrader["grade_id"]].lesson
        for cell in nb.cells
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in exercise_catalog()
    }
    return lessons.pop() if len(lessons) == 1 else None


def _assess(learner: str, lesson: str, path: Path) -> Submission:
    known = lesson_ids()
    if not SAFE_NAME.match(learner):
        return Submission(learner, lesson, path, f"learner name {learner!r} must be letters, digits, '.', '_' or '-'")
    if lesson not in known:
        return Submission(learner, lesson, path, f"unknown lesson {lesson!r}; lessons are {', '.join(known)}")
    try:
        nb = read_notebook(path)
    except NotebookError as error:
        return Submission(learner, lesson, path, str(error).replace(f"{path}: ", ""))
    actual = _lesson_of(nb)
    if actual is None:
        return Submission(learner, lesson, path, "holds none of the lesson's graded cells (not a workbook lesson?)")
    if actual != lesson:
        return Submission(learner, lesson, path, f"is lesson {actual}, submitted as {lesson}")
    return Submission(learner, lesson, path)


def sanitize(nb) -> list[str]:
    """Repair what nbgrader itself trips on, in place; return a note per repair.

    A copied graded cell (nbgrader #1083) keeps its grade_id: only the first copy counts, later copies go.
    """
    notes, seen, kept = [], set(), []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        if meta is not None and not grade_id:
            del cell.metadata["nbgrader"]  # half-stripped nbgrader metadata: treat as an ordinary cell
        if grade_id and grade_id in seen:
            notes.append(f"removed a duplicate of graded cell {grade_id} (only the first copy counts)")
            continue
        if grade_id:
            seen.add(grade_id)
        kept.append(cell)
    nb.cells = kept
    return notes


def collect(folder: Path) -> list[Submission]:
    """Every notebook under ``folder`` as a Submission, sorted by learner then lesson."""
    found: dict[tuple[str, str], Submission] = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        parts = path.relative_to(folder).parts
        if len(parts) == 1 and "__" in path.stem:
            learner, lesson = path.stem.split("__", 1)
        elif len(parts) == 3:
            learner, lesson = parts[0], parts[1]
        else:
            name = "/".join(parts)
            found[(name, "?")] = Submission(name, "?", path, "not in a known layout: use <learner>/<lesson>/x.ipynb "
                                            "or <learner>__<lesson>.ipynb")  # fmt: skip
            continue
        key = (learner, lesson)
        if key in found:
            found[key] = Submission(learner, lesson, path, "more than one notebook for this lesson")
        else:
            found[key] = _assess(learner, lesson, path)
    return [found[k] for k in sorted(found)]
