"""This repository as an nbgrader course: ``solutions/`` is the source, ``lessons/`` the release.

``nbgrader_config.py`` at the repo root calls :func:`configure`, so the nbgrader command line, the
formgrader in JupyterLab and this package's own pipeline share one configuration.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import nbformat
from traitlets.config import Config

REPO_ROOT = Path(__file__).resolve().parents[1]
COURSE_ID = "redis-caching-kata"
SOURCE, RELEASE = "solutions", "lessons"
CELL_TIMEOUT = 20  # seconds per cell at autograde: an infinite loop costs seconds, not minutes


class PipelineError(RuntimeError):
    """An nbgrader step failed; the message carries nbgrader's own log."""


def configure(c: Config, root: Path = REPO_ROOT, cell_timeout: int = CELL_TIMEOUT) -> Config:
    """Apply the course's nbgrader settings to a traitlets config and return it."""
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.source_directory = SOURCE
    c.CourseDirectory.release_directory = RELEASE
    c.CourseDirectory.course_id = COURSE_ID
    c.CourseDirectory.db_url = f"sqlite:///{Path(root) / 'gradebook.db'}"
    c.Execute.timeout = cell_timeout
    c.Execute.interrupt_on_timeout = True
    c.Execute.extra_arguments = ["--IPKernelApp.log_level=ERROR"]  # no kernel start-up chatter on stderr
    # A deleted check cell comes back from the gradebook and runs: deleting a test never earns its points.
    c.OverwriteCells.add_missing_cells = True
    # Feedback must never show hidden tests (nbgrader shows them by default).
    c.GenerateFeedback.preprocessors = [
        "nbgrader.preprocessors.GetGrades",
        "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
        "nbgrader.preprocessors.ClearHiddenTests",
    ]
    return c


def lesson_ids(root: Path = REPO_ROOT) -> list[str]:
    """Lesson folders in ``solutions/``, in teaching order."""
    return sorted(p.name for p in (root / SOURCE).iterdir() if p.is_dir() and not p.name.startswith("."))


def _venv_on_path() -> None:
    """nbgrader shells out to ``alembic``; find it beside this Python even when the venv is not activated."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def _api(root: Path, cell_timeout: int = CELL_TIMEOUT):
    _venv_on_path()
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = configure(Config(), root, cell_timeout)
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


def release_lessons(check_only: bool = False) -> list[str]:
    """Build ``solutions/`` from ``content/``, then regenerate ``lessons/``; return what changed (or would)."""
    from .authoring.build import build, committed_text

    changed = build(check_only=check_only)
    with tempfile.TemporaryDirectory(prefix="kata-release-") as tmp:
        tmp_root = Path(tmp)
        lessons = make_course(tmp_root)
        for lesson in lessons:
            for generated in sorted((tmp_root / RELEASE / lesson).glob("*.ipynb")):
                target = REPO_ROOT / RELEASE / lesson / generated.name
                text = committed_text(nbformat.read(generated, as_version=4))
                if not target.exists() or target.read_text(encoding="utf-8") != text:
                    changed.append(f"{RELEASE}/{lesson}/{generated.name}")
                    if not check_only:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_text(text, encoding="utf-8")
        if not check_only:
            stale = {p.name for p in (REPO_ROOT / RELEASE).iterdir() if p.is_dir()} - set(lessons)
            for name in sorted(stale):
                shutil.rmtree(REPO_ROOT / RELEASE / name)
                changed.append(f"{RELEASE}/{name}/ (removed)")
    return changed


def autograde(root: Path, lesson: str, student: str, cell_timeout: int = CELL_TIMEOUT) -> None:
    """nbgrader's real autograde of ``root/submitted/<student>/<lesson>``."""
    result = _api(root, cell_timeout).autograde(lesson, student, force=True, create=True)
    _run(result, f"autograde {student}/{lesson}")


def generate_feedback(root: Path, lesson: str, student: str) -> None:
    _run(_api(root).generate_feedback(lesson, student, force=True), f"generate_feedback {student}/{lesson}")


def _gradebook(root: Path):
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
