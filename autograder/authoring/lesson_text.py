"""A lesson written as jupytext percent text, expanded into an nbgrader source notebook.

The text is ordinary ``py:percent`` (JupyterLab opens it as a notebook with jupytext). Compact cell headers
carry what nbgrader needs, so an exercise's id is typed once in the lesson:

=====================================  =========================================================================
``# %% [markdown] id="why-scan"``      a markdown cell with a stable, readable id
``# %% id="why-demo"``                 an ordinary code cell
``# %% setup``                         the locked setup cell (id and grade_id ``setup``)
``# %% locked="demo-clock"``           another locked, ungraded cell (a fixture the learner must not edit)
``# %% answer="l01-settings-key"``     the learner's answer cell (id ``l01-settings-key-answer``, a solution cell)
``# %% check``                         the locked, graded check of the answer above; the build adds
                                       ``ex = Exercise("<id>")`` on top (``harness="capstone.ServiceCheck"`` picks
                                       another class) unless the cell already names the id; points come from
                                       ``exercises.toml``
``# %% hints``                         the hint-ladder cell of the check above (``hints("<id>")``)
=====================================  =========================================================================
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..notebooks import HIDDEN_BEGIN, HIDDEN_END, HIDDEN_MARK, hidden_block

NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
# Metadata jupytext adds while reading; it says nothing about the lesson.
_JUPYTEXT_KEYS = {"lines_to_next_cell", "lines_to_end_of_cell_marker", "cell_marker", "region_name"}
_KINDS = ("setup", "check", "hints")  # header words (jupytext reads them as the cell's title)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class LessonSourceError(ValueError):
    """The lesson text cannot be built; the message names the file, the cell and the fix."""


@dataclass(frozen=True)
class SourceCell:
    """One cell of the lesson text, as the author wrote it."""

    number: int  # 1-based position in the file, for error messages
    cell_type: str
    kind: str  # markdown, code, setup, locked, answer, check, hints
    id: str  # the notebook cell id the build gives it
    source: str
    exercise: str = ""  # answer, check, hints: the exercise id
    harness: str = "Exercise"  # check: the class that grades it


def _nbgrader(grade_id: str, *, grade: bool = False, locked: bool, solution: bool = False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution,
            "task": False}  # fmt: skip
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def read_cells(path: Path) -> list[SourceCell]:
    """Parse ``lesson.py`` into cells, each with its kind and final id; raise LessonSourceError on a bad header."""
    import jupytext

    try:
        nb = jupytext.read(path, fmt="py:percent")
    except Exception as error:  # noqa: BLE001 - jupytext raises many kinds; the author needs the file and cause
        raise LessonSourceError(f"{path}: jupytext cannot read it as py:percent ({error})") from None
    cells: list[SourceCell] = []
    answer = check = ""
    for number, cell in enumerate(nb.cells, start=1):
        meta = {k: v for k, v in cell.metadata.items() if k not in _JUPYTEXT_KEYS}
        where = f"{path}, cell {number}"
        title = meta.pop("title", "")
        if title and title not in _KINDS:
            raise LessonSourceError(f"{where}: unknown header word {title!r}; use one of {', '.join(_KINDS)}")
        harness = meta.pop("harness", "Exercise")
        if cell.cell_type == "markdown" or (not title and "answer" not in meta and "locked" not in meta):
            kind, cell_id = ("markdown" if cell.cell_type == "markdown" else "code"), meta.pop("id", "")
            if not cell_id:
                raise LessonSourceError(f'{where}: a {kind} cell needs a readable id: `# %% id="why-demo"`')
            cells.append(SourceCell(number, cell.cell_type, kind, cell_id, cell.source))
        elif title == "setup":
            if "start_lesson()" not in cell.source:
                raise LessonSourceError(
                    f"{where}: the setup cell must call `start_lesson()` (from autograder.lesson): it switches on "
                    "the checks' stdout routing, short tracebacks and the tamper snapshot"
                )
            cells.append(SourceCell(number, "code", "setup", "setup", cell.source))
        elif "locked" in meta:
            cell_id = str(meta.pop("locked"))
            cells.append(SourceCell(number, "code", "locked", cell_id, cell.source))
        elif "answer" in meta:
            if answer:
                raise LessonSourceError(f"{where}: the answer cell for {answer!r} above has no `# %% check` after it")
            answer, check = str(meta.pop("answer")), ""
            cells.append(SourceCell(number, "code", "answer", f"{answer}-answer", cell.source, answer))
        elif title == "check":
            if not answer:
                raise LessonSourceError(f'{where}: a check needs an answer cell above it: `# %% answer="<id>"`')
            check = answer
            _check_hidden_block(where, cell.source)
            cells.append(SourceCell(number, "code", "check", answer, cell.source, answer, harness))
            answer = ""
        else:  # hints
            if not check:
                raise LessonSourceError(f"{where}: `# %% hints` belongs after a `# %% check` cell")
            cells.append(SourceCell(number, "code", "hints", f"hint-{check}", "", check))
        if meta:
            raise LessonSourceError(f"{where}: unknown header option(s) {', '.join(sorted(meta))}")
    if answer:
        raise LessonSourceError(f"{path}: the answer cell for {answer!r} has no `# %% check` after it")
    _check_ids(path, cells)
    return cells


def _check_hidden_block(where: str, source: str) -> None:
    """Hidden tests form one top-level block right before ``ex.verdict()``: a learner's notebook without them runs
    that block at the verdict (``Exercise.verdict``), so its findings come in the same order as at grading."""
    lines = source.splitlines()
    begins = [i for i, line in enumerate(lines) if line.strip() == HIDDEN_BEGIN]
    ends = [i for i, line in enumerate(lines) if line.strip() == HIDDEN_END]
    if not begins and not ends:
        return
    fix = f"put the hidden tests in one unindented {HIDDEN_BEGIN} / {HIDDEN_END} block just before `ex.verdict()`"
    if len(begins) != 1 or len(ends) != 1 or ends[0] < begins[0]:
        raise LessonSourceError(f"{where}: {len(begins)} hidden blocks; {fix}")
    if lines[begins[0]] != HIDDEN_BEGIN or lines[ends[0]] != HIDDEN_END:
        raise LessonSourceError(f"{where}: an indented hidden block; {fix}")
    rest = [line for line in lines[ends[0] + 1 :] if line.strip() and not line.lstrip().startswith("#")]
    if rest and rest[0].split("#")[0].strip().removesuffix(";") not in ("ex.verdict()",):
        raise LessonSourceError(f"{where}: code between the hidden block and `ex.verdict()`; {fix}")


def _check_ids(path: Path, cells: list[SourceCell]) -> None:
    seen: dict[str, int] = {}
    for cell in cells:
        if not _ID.match(cell.id):
            raise LessonSourceError(f"{path}, cell {cell.number}: id {cell.id!r} must be lower-case letters, digits, -")
        if cell.id in seen:
            raise LessonSourceError(
                f"{path}, cell {cell.number}: id {cell.id!r} is already used by cell {seen[cell.id]}; ids are unique"
            )
        seen[cell.id] = cell.number


def exercise_ids(cells: list[SourceCell]) -> list[str]:
    """The graded exercises of a lesson, in notebook order."""
    return [c.exercise for c in cells if c.kind == "check"]


def check_source(cell: SourceCell) -> str:
    """A check cell's code: the author's, with the harness line on top unless it already names the exercise, and
    ``ex.hidden()`` opening its hidden block (so the harness knows the hidden cases ran in this cell)."""
    source = cell.source
    if HIDDEN_BEGIN in source:
        source = source.replace(HIDDEN_BEGIN, f"{HIDDEN_BEGIN}\n{HIDDEN_MARK}", 1)
    if f'"{cell.exercise}"' in source:
        return source
    head = f'ex = {cell.harness}("{cell.exercise}")'
    return f"{head}\n{source}" if source else head


def hidden_case_count(source: str) -> int:
    """How many statements a check cell's hidden block holds: what a learner without solutions/ is told."""
    block = hidden_block(source)
    return len(ast.parse(block).body) if block.strip() else 0


RUN_ALL_CONTINUES = "raises-exception"


def to_notebook(cells: list[SourceCell], points: dict[str, int | float]) -> nbformat.NotebookNode:
    """The nbgrader source notebook (solutions/) for a lesson's cells; ``points`` per exercise id."""
    out = []
    for cell in cells:
        if cell.kind == "markdown":
            out.append(nbformat.v4.new_markdown_cell(cell.source, id=cell.id))
            continue
        source, metadata = cell.source, {}
        if cell.kind in ("setup", "locked"):
            metadata = _nbgrader(cell.id, locked=True)
        elif cell.kind == "answer":
            metadata = _nbgrader(cell.id, locked=False, solution=True)
        elif cell.kind == "check":
            source = check_source(cell)
            metadata = _nbgrader(cell.id, grade=True, locked=True, points=points[cell.exercise])
            # An unsolved check raises; the tag lets JupyterLab's Run All go on to the demos and the progress panel
            # after it (nbclient honours it too). nbgrader still scores the cell by its error output: 0.
            metadata["tags"] = [RUN_ALL_CONTINUES]
        elif cell.kind == "hints":
            source = f'hints("{cell.exercise}")'
        out.append(nbformat.v4.new_code_cell(source, id=cell.id, metadata=metadata))
    return nbformat.v4.new_notebook(cells=out, metadata=NOTEBOOK_METADATA)
