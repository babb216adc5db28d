"""Run a notebook in a fresh kernel and read each graded exercise's result, the way nbgrader scores it."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.utils import determine_grade, is_grade

from .exercises import exercise_catalog

CELL_TIMEOUT = 60  # seconds per cell; lessons run in seconds, so only a runaway loop reaches it


class NotebookError(ValueError):
    """The path is not a notebook we can run; the message says why in one line."""


@dataclass
class ExerciseResult:
    grade_id: str
    title: str
    standards: list[str]
    points: float
    max_points: float
    passed: bool
    feedback: list[str] = field(default_factory=list)


@dataclass
class NotebookReport:
    notebook: str
    backend: str
    exercises: list[ExerciseResult]

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises)

    @property
    def passed(self) -> bool:
        return all(e.passed for e in self.exercises)

    def to_json(self) -> str:
        data = asdict(self)
        data.update(points=self.points, max_points=self.max_points, passed=self.passed)
        return json.dumps(data, indent=2, ensure_ascii=False)


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    path = Path(path)
    if not path.exists():
        raise NotebookError(f"{path}: no such file")
    if path.is_dir():
        raise NotebookError(f"{path}: is a folder; give the path of one .ipynb notebook")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NotebookError(f"{path}: cannot be read ({error})") from None
    if not text.strip():
        raise NotebookError(f"{path}: is empty; it is not a notebook")
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for non-notebooks
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotebookError(f"{path}: is not a Jupyter notebook ({first_line})") from None
    if "cells" not in nb:
        raise NotebookError(f"{path}: is JSON but not a Jupyter notebook (no cells)")
    return nb


def execute(nb: nbformat.NotebookNode, workdir: Path, timeout: int = CELL_TIMEOUT) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel, carrying on past errors as nbgrader does."""
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no start-up chatter on stderr
    )
    client.execute()
    return nb


def _cell_text(cell: nbformat.NotebookNode) -> list[str]:
    lines: list[str] = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            lines += output.text.rstrip("\n").splitlines()
        elif output.output_type == "error":
            lines.append(f"{output.ename}: {output.evalue}")
        elif output.output_type in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain")
            if text:
                lines += text.splitlines()
    return lines


def _backend_line(nb: nbformat.NotebookNode) -> str:
    for cell in nb.cells:
        for line in _cell_text(cell):
            if line.startswith("Connected to "):
                return line.removeprefix("Connected to ")
    return "unknown"


def grade_executed(nb: nbformat.NotebookNode, name: str) -> NotebookReport:
    """Score each graded cell of an executed notebook with nbgrader's own rule."""
    catalog = exercise_catalog()
    results = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not is_grade(cell):
            continue
        grade_id = cell.metadata.nbgrader["grade_id"]
        points, max_points = determine_grade(cell)
        info = catalog.get(grade_id)
        results.append(
            ExerciseResult(
                grade_id=grade_id,
                title=info.title if info else grade_id,
                standards=list(info.standards) if info else [],
                points=float(points or 0),
                max_points=float(max_points),
                passed=(points or 0) >= max_points,
                feedback=_cell_text(cell),
            )
        )
    return NotebookReport(notebook=name, backend=_backend_line(nb), exercises=results)


def check_notebook(path: str | Path, timeout: int = CELL_TIMEOUT) -> NotebookReport:
    """Run a notebook top to bottom in a fresh kernel and report every graded exercise."""
    path = Path(path)
    nb = read_notebook(path)
    execute(nb, path.resolve().parent, timeout)
    return grade_executed(nb, str(path))
