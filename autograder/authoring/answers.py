"""A lesson's ``answers.py``: wrong answers and valid alternatives its checks are proven against.

Each ``py:percent`` cell is one complete answer. It belongs to the exercise whose answer cell defines the same
names (``def settings_key`` answers the exercise whose answer cell defines ``settings_key``), or to the one
named by ``exercise="..."``. Its first comment line is its label.

    # %% wrong="key-namespace"
    # underscores instead of a namespace
    def settings_key(user_id):
        return f"user_{user_id}_settings"

    # %% valid=true
    # joins the parts
    def settings_key(user_id):
        return ":".join(["user", str(user_id), "settings"])

``wrong="<standard>"``: the check must fail and its findings must name that standard; with ``points=N`` (a
check graded per standard) it must score N instead. ``valid=true``: the check must pass with full marks.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from .lesson_text import SourceCell

_KEYS = {"wrong", "valid", "points", "exercise", "title"}
_JUPYTEXT_KEYS = {"lines_to_next_cell", "lines_to_end_of_cell_marker", "cell_marker"}


class AnswersSourceError(ValueError):
    """An ``answers.py`` cell cannot be used; the message names the file, the cell and the fix."""


@dataclass(frozen=True)
class Answer:
    """One answer to one exercise: wrong (must fail, naming ``standard``) or valid (must pass)."""

    exercise: str
    label: str
    source: str
    standard: str | None = None  # None for a valid answer
    points: float | None = None  # for a check graded per standard: the score it must show

    @property
    def valid(self) -> bool:
        return self.standard is None

    def __str__(self) -> str:
        return f"{self.exercise}: {'valid' if self.valid else 'wrong'}: {self.label}"


def defined_names(source: str) -> set[str]:
    """Names a cell defines at module level (functions, classes, plain assignments)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def read_answers(path: Path, lesson_cells: list[SourceCell]) -> list[Answer]:
    """Every answer in ``path``, each bound to its exercise in the lesson those cells come from."""
    import jupytext

    if not path.is_file():
        return []
    by_names = {c.exercise: defined_names(c.source) for c in lesson_cells if c.kind == "answer"}
    answers = []
    for number, cell in enumerate(jupytext.read(path, fmt="py:percent").cells, start=1):
        meta = {k: v for k, v in cell.metadata.items() if k not in _JUPYTEXT_KEYS}
        where = f"{path}, cell {number}"
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        if not meta and number == 1:
            continue  # the file's opening comment
        unknown = sorted(set(meta) - _KEYS)
        if unknown or ("wrong" in meta) == bool(meta.get("valid")):
            raise AnswersSourceError(
                f'{where}: start the cell with `# %% wrong="<standard id>"` or `# %% valid=true`'
                + (f" (unknown option(s): {', '.join(unknown)})" if unknown else "")
            )
        exercise = meta.get("exercise") or _exercise_for(cell.source, by_names, where)
        if exercise not in by_names:
            raise AnswersSourceError(f"{where}: no exercise {exercise!r} in this lesson")
        first = cell.source.lstrip().splitlines()[0]
        label = first.lstrip("# ").strip() if first.startswith("#") else f"cell {number}"
        points = None if meta.get("points") is None else float(meta["points"])
        answers.append(Answer(exercise, label, cell.source, meta.get("wrong"), points))
    return answers


def _exercise_for(source: str, by_names: dict[str, set[str]], where: str) -> str:
    names = defined_names(source)
    matches = [exercise for exercise, wanted in by_names.items() if names & wanted]
    if len(matches) != 1:
        found = ", ".join(sorted(names)) or "nothing"
        raise AnswersSourceError(
            f"{where}: defines {found}, which matches {len(matches)} answer cells "
            f'({", ".join(matches) or "none"}); name the exercise: `exercise="<id>"` in the header'
        )
    return matches[0]
