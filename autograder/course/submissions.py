"""Every submitted notebook in a folder or zip, parsed once, and plainly why the ones we cannot grade cannot be.

Accepted layouts (mixed freely):
- nbgrader's: ``<learner>/<lesson>/<notebook>.ipynb``
- flat: ``<learner>__<lesson>.ipynb``
- a ``.zip`` holding either of the above.

A ``Submission`` is the one value that moves through grading: collected (read and parsed here, once), then
repaired where nbgrader would trip (:meth:`Submission.sanitize`), scanned for tampering, placed where nbgrader
looks, graded, and turned into an ``Outcome``.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..catalog.exercises import exercise_catalog
from ..harness.tamper import tampering_in_source
from ..layout import lesson_ids
from ..notebooks import NotebookError, read_notebook
from .outcome import Outcome

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass
class Submission:
    learner: str
    lesson: str
    path: Path | None  # None when nothing gradable was found
    problem: str = ""  # empty when the notebook can go to nbgrader
    notebook: nbformat.NotebookNode | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)  # repairs and tampering, for the instructor
    tainted: dict[str, list[str]] = field(default_factory=dict)  # exercise → what patched the grader before it

    @property
    def gradable(self) -> bool:
        return not self.problem

    def sanitize(self) -> None:
        """Repair what nbgrader itself trips on, in place; a note per repair.

        A copied graded cell (nbgrader #1083) keeps its grade_id: only the first copy counts, later copies go.
        """
        seen, kept = set(), []
        for cell in self.notebook.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if meta is not None and not grade_id:
                del cell.metadata["nbgrader"]  # half-stripped nbgrader metadata: treat as an ordinary cell
            if grade_id and grade_id in seen:
                self.notes.append(f"removed a duplicate of graded cell {grade_id} (only the first copy counts)")
                continue
            if grade_id:
                seen.add(grade_id)
            kept.append(cell)
        self.notebook.cells = kept

    def scan_for_tampering(self) -> None:
        """Exercises checked after a learner cell that patches the grader, with what that cell does."""
        problems: list[str] = []
        for cell in self.notebook.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade"):
                if problems:  # patching the grader taints every check that runs after it
                    self.tainted[meta.get("grade_id", "")] = list(problems)
            elif cell.cell_type == "code" and not meta.get("locked"):
                problems += tampering_in_source(cell.source)
        if self.tainted:
            first = next(iter(self.tainted.values()))[0]
            self.notes.append(f"a cell {first}; every check after it scores 0 ({', '.join(self.tainted)})")

    def place(self, root: Path) -> None:
        """Write the (sanitized) notebook where nbgrader's autograde looks for it."""
        target = root / "submitted" / self.learner / self.lesson / f"{self.lesson}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(self.notebook, target)

    def outcome(self, problem: str = "", scores=None, max_scores=None) -> Outcome:
        """What the reports show for this submission: nbgrader's scores, tainted checks at 0, or the problem."""
        outcome = Outcome(self.learner, self.lesson, problem=self.problem or problem)
        if outcome.graded:
            outcome.notes = list(self.notes)
            outcome.scores, outcome.max_scores = dict(scores or {}), dict(max_scores or {})
            for exercise in self.tainted:
                outcome.scores[exercise] = 0.0
        return outcome


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
    return Submission(learner, lesson, path, notebook=nb)


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
