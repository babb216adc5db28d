"""This repository as an nbgrader course: ``solutions/`` is the source, ``lessons/`` the release.

``nbgrader_config.py`` at the repo root calls :func:`configure`, so the nbgrader command line, the
formgrader in JupyterLab and this package's own pipeline share one configuration.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from pathlib import Path

from traitlets.config import Config

from ..layout import AUTOGRADE_CELL_TIMEOUT, COURSE_ID, RELEASE, REPO_ROOT, SOURCE, lesson_ids

CELL_TIMEOUT = AUTOGRADE_CELL_TIMEOUT


class PipelineError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log."""


def configure(
    c: Config, root: Path = REPO_ROOT, cell_timeout: int = CELL_TIMEOUT, ipc_dir: Path | None = None
) -> Config:
    """Apply the course's nbgrader settings to a traitlets config and return it.

    ``ipc_dir``: kernels talk over IPC sockets in that folder, which reach into a sandbox with no network.
    """
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.source_directory = SOURCE
    c.CourseDirectory.release_directory = RELEASE
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.db_url = f"sqlite:///{Path(root) / 'gradebook.db'}"
    c.Execute.timeout = cell_timeout
    c.Execute.interrupt_on_timeout = True
    # How long to wait for a cell's last output after its reply (nbclient's default is 4 s, and nbgrader turns a
    # miss into a CellTimeoutError): on a busy grading machine output can lag, which must never cost a learner.
    c.Execute.iopub_timeout = cell_timeout
    c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no kernel start-up chatter on stderr
    if ipc_dir:
        c.KernelManager.transport = "ipc"
        c.KernelManager.ip = str(Path(ipc_dir) / "kernel")  # socket paths: <ip>-<port>
    # A deleted check cell comes back from the gradebook and runs: deleting a test never earns its points.
    c.OverwriteCells.add_missing_cells = True
    # Feedback must never show hidden tests (nbgrader shows them by default).
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
        "nbgrader.preprocessors.ClearHiddenTests",
    ]
    # Learner HTML in feedback is made inert (no scripts, handlers or foreign styles); the kata's report cards stay.
    c.GenerateFeedback.exporter_class = "autograder.course.safe_html.FeedbackExporter"
    return c


def _venv_on_path() -> None:
    """nbgrader shells out to ``alembic``; find it beside this Python even when the venv is not activated."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


@functools.cache
def _alembic_head() -> str:
    """The gradebook schema's version, found as nbgrader's ``get_alembic_version`` finds it (``alembic heads`` on
    nbgrader's migrations) but in this process and once: nbgrader runs it as a subprocess, a new Python importing
    alembic and sqlalchemy, about 2.3 s for every gradebook it creates."""
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import _temp_alembic_ini

    with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as alembic_ini:
        return ScriptDirectory.from_config(AlembicConfig(alembic_ini)).get_current_head()


def _use_in_process_alembic_head() -> None:
    import nbgrader.api

    nbgrader.api.get_alembic_version = _alembic_head


def _api(root: Path, cell_timeout: int = CELL_TIMEOUT, ipc_dir: Path | None = None):
    _venv_on_path()
    _use_in_process_alembic_head()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = configure(Config(), root, cell_timeout, ipc_dir)
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def _run(result: dict, step: str) -> None:
    if not result.get("success"):
        raise PipelineError(f"nbgrader {step} failed:\n{result.get('log', '')}\n{result.get('error', '')}")


def make_course(root: Path, lessons: list[str] | None = None) -> list[str]:
    """Copy ``solutions/`` into a fresh course folder at ``root`` and generate the release there."""
    lessons = lessons or lesson_ids()
    for lesson in lessons:
        shutil.copytree(REPO_ROOT / SOURCE / lesson, root / SOURCE / lesson)
    api = _api(root)
    for lesson in lessons:
        _run(api.generate_assignment(lesson, force=True, create=True), f"generate_assignment {lesson}")
    return lessons


def autograde(
    root: Path, lesson: str, student: str, cell_timeout: int = CELL_TIMEOUT, ipc_dir: Path | None = None
) -> None:
    """nbgrader's real autograde of ``root/submitted/<student>/<lesson>``."""
    result = _api(root, cell_timeout, ipc_dir).autograde(lesson, student, force=True, create=True)
    _run(result, f"autograde {student}/{lesson}")


def generate_feedback(root: Path, lesson: str, student: str) -> None:
    _run(_api(root).generate_feedback(lesson, student, force=True), f"generate_feedback {student}/{lesson}")


def _gradebook(root: Path):
    _use_in_process_alembic_head()
    from nbgrader.api import Gradebook

    return Gradebook(configure(Config(), root).CourseDirectory.db_url, course_id=COURSE_ID)


def scores_and_max(root: Path, lesson: str, student: str) -> tuple[dict[str, float], dict[str, float]]:
    """Points earned and possible per graded cell (by grade_id), as nbgrader's gradebook recorded them."""
    with _gradebook(root) as gb:
        submission = gb.find_submission(lesson, student)
        grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
        return {g.name: float(g.score) for g in grades}, {g.name: float(g.max_score) for g in grades}


def scores(root: Path, lesson: str, student: str) -> dict[str, float]:
    """Points per graded cell (by grade_id) that nbgrader's gradebook recorded for one submission."""
    return scores_and_max(root, lesson, student)[0]


def add_students(root: Path, students: list[str]) -> None:
    with _gradebook(root) as gb:
        for student in students:
            gb.update_or_create_student(student)


def override_score(root: Path, lesson: str, student: str, grade_id: str, score: float) -> None:
    """Record an instructor's score for one cell (nbgrader's manual score, which takes precedence)."""
    with _gradebook(root) as gb:
        grade = gb.find_grade(grade_id, lesson, lesson, student)
        grade.manual_score = score
        gb.db.commit()
