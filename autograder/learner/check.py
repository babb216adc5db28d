"""``python -m autograder check``: run a notebook in a fresh kernel and score each exercise the way nbgrader does."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbgrader.utils import determine_grade, is_grade

from .. import messages
from ..catalog.exercises import exercise_catalog
from ..labkit import GRADING_ENV
from ..layout import CHECK_CELL_TIMEOUT as CELL_TIMEOUT
from ..notebooks import NotebookError, read_notebook

__all__ = ["NotebookError", "NotebookReport", "check_notebook", "execute", "grade_executed", "read_notebook"]


@dataclass
class ExerciseResult:
    grade_id: str
    title: str
    standards: list[str]
    points: float
    max_points: float
    passed: bool  # full marks, every hidden case run (what nbgrader gives)
    feedback: list[str] = field(default_factory=list)
    visible_only: bool = False  # the visible checks pass, but hidden cases could not run here (no solutions/)


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


def execute(
    nb: nbformat.NotebookNode, workdir: Path, timeout: int = CELL_TIMEOUT, full_demos: bool = False
) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel, carrying on past errors as nbgrader does.

    The kernel is told it is being graded, so ungraded demos run at their reduced size as in ``grade``;
    ``full_demos`` runs them as JupyterLab does (the grades are the same either way).
    """
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(workdir)}},
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no start-up chatter on stderr
    )
    env = {key: value for key, value in os.environ.items() if key != GRADING_ENV}
    # The kernel process's own stderr (not the learner's: cell output travels over ZeroMQ) is shown only when the
    # run fails; at a clean exit it holds at most libzmq's shutdown noise ("Assertion failed: pfd.revents & POLLIN"
    # was seen once from a kernel that had already answered every cell).
    with tempfile.TemporaryFile(mode="w+") as kernel_stderr:
        try:
            client.execute(env=env if full_demos else {**env, GRADING_ENV: "1"}, stderr=kernel_stderr)
        except BaseException:
            kernel_stderr.seek(0)
            sys.stderr.write(kernel_stderr.read())
            raise
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
        feedback = _cell_text(cell)
        if points and not any(line.startswith(messages.VERDICT_HEADS) for line in feedback):
            points = 0  # no error, but no verdict either: something kept the check from running as written
            feedback.append(messages.NO_VERDICT)
        visible_only = any(line.startswith(messages.VISIBLE_PASS_HEAD) for line in feedback)
        results.append(
            ExerciseResult(
                grade_id=grade_id,
                title=info.title if info else grade_id,
                standards=list(info.standards) if info else [],
                points=float(points or 0),
                max_points=float(max_points),
                passed=(points or 0) >= max_points and not visible_only,
                feedback=feedback,
                visible_only=visible_only,
            )
        )
    return NotebookReport(notebook=name, backend=_backend_line(nb), exercises=results)


def check_notebook(path: str | Path, timeout: int = CELL_TIMEOUT, full_demos: bool = False) -> NotebookReport:
    """Run a notebook top to bottom in a fresh kernel and report every graded exercise."""
    path = Path(path)
    nb = read_notebook(path)
    execute(nb, path.resolve().parent, timeout, full_demos)
    return grade_executed(nb, str(path))
