"""Where things are: the repository's folders and the time limits every verb shares."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

CONTENT = "content"  # the lesson sources authors edit: content/<lesson>/{lesson.py, exercises.toml, answers.py}
SOURCE = "solutions"  # nbgrader's source notebooks, built from content/
RELEASE = "lessons"  # nbgrader's release: what learners open, generated from solutions/
WORKSPACE = "my-work"  # the learner's own copies of the lessons

LESSON_FILE = "lesson.py"
EXERCISES_FILE = "exercises.toml"
ANSWERS_FILE = "answers.py"

COURSE_ID = "redis-caching-kata"
AUTOGRADE_CELL_TIMEOUT = 20  # seconds per cell at autograde: an infinite loop costs seconds, not minutes
CHECK_CELL_TIMEOUT = 60  # seconds per cell for `check`: lessons run in seconds, so only a runaway loop reaches it


def notebook_path(folder: str, lesson: str, root: Path = REPO_ROOT) -> Path:
    """``solutions/01-key-design/01-key-design.ipynb`` and the like."""
    return root / folder / lesson / f"{lesson}.ipynb"


def lesson_ids(folder: str = SOURCE, root: Path = REPO_ROOT) -> list[str]:
    """Lesson folders in ``solutions/`` (or another of the folders above), in teaching order."""
    return sorted(p.name for p in (root / folder).iterdir() if p.is_dir() and not p.name.startswith("."))
