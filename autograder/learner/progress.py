"""The learner's progress: which exercises pass, recorded as checks run, kept across kernel restarts.

Every ``ex.verdict()`` records its result. In the learner's workspace (``my-work/``, or any folder named by
``KATA_WORKSPACE``) results go to ``<workspace>/.kata-progress.json``, keyed by lesson then exercise, so the
progress widgets and ``python -m autograder progress`` agree after a kernel restart. Anywhere else (``check``
on ``solutions/``, nbgrader's autograde folders, tests) results stay in the kernel's memory and no file is
written. Nothing here imports ipywidgets; the widgets live in ``learner.widgets``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import layout
from ..catalog.exercises import ExerciseInfo, exercise_catalog

PROGRESS_FILE = ".kata-progress.json"
WORKSPACE_ENV = "KATA_WORKSPACE"

# Results seen in this kernel: exercise id -> passed (latest). Also what decides a reveal when no file is kept.
_session: dict[str, bool] = {}
_session_ever_passed: set[str] = set()
_session_visible: set[str] = set()  # visible checks passed, hidden cases not run here
# Called with (exercise_id, passed) after each recorded result: live widgets refresh themselves.
_listeners: list = []


def workspace_dir(start: Path | None = None) -> Path | None:
    """The learner's workspace for a notebook running in ``start`` (default: the kernel's cwd), or None.

    ``KATA_WORKSPACE`` wins; otherwise the cwd or its parent when it is named ``my-work`` or already holds a
    progress file. Lesson folders sit directly inside the workspace.
    """
    if os.environ.get(WORKSPACE_ENV):
        return Path(os.environ[WORKSPACE_ENV]).expanduser()
    start = (start or Path.cwd()).resolve()
    for folder in (start, start.parent):
        if folder.name == layout.WORKSPACE or (folder / PROGRESS_FILE).is_file():
            return folder
    return None


def progress_path(workspace: Path | None) -> Path | None:
    return workspace / PROGRESS_FILE if workspace is not None else None


def load(workspace: Path | None) -> dict:
    """The stored results ``{"lessons": {lesson: {exercise_id: {...}}}}``; empty when missing or unreadable."""
    return _read(progress_path(workspace))[0]


def _read(path: Path | None) -> tuple[dict, bool]:
    """(the well-formed part of the progress file, whether that is all of it)."""
    empty = {"version": 1, "lessons": {}}
    if path is None or not path.is_file():
        return empty, True
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return empty, False
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), dict):
        return empty, False
    # Keep only well-formed entries: a hand-edited or half-written file must never crash a check.
    kept = {
        lesson: {ex: entry for ex, entry in exercises.items() if isinstance(entry, dict)}
        for lesson, exercises in data["lessons"].items()
        if isinstance(exercises, dict)
    }
    intact = kept == data["lessons"]
    data["lessons"] = kept
    return data, intact


def _keep_unreadable_copy(path: Path) -> Path:
    """Copy a progress file about to be rebuilt, so nothing the learner had is lost; return the copy's path."""
    copy = path.with_name(f"{path.stem}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}{path.suffix}")
    shutil.copyfile(path, copy)
    return copy


def _write_atomically(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kata-progress-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
            handle.write("\n")
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def record(
    info: ExerciseInfo, passed: bool, workspace: Path | None = None, *, use_cwd: bool = True, complete: bool = True
) -> None:
    """Remember one check's result in this kernel and, in a workspace, in its progress file.

    ``complete=False``: the visible checks passed but hidden cases could not run here (no solutions/); that is
    recorded as "visible checks passed", not done. Never raises: a read-only folder must not cost the learner
    the exercise (and nothing goes to stderr).
    """
    visible_only = passed and not complete
    passed = passed and complete
    _session[info.id] = passed
    if visible_only:
        _session_visible.add(info.id)
    else:
        _session_visible.discard(info.id)
    if passed:
        _session_ever_passed.add(info.id)
    workspace = workspace if workspace is not None or not use_cwd else workspace_dir()
    path = progress_path(workspace)
    if path is not None:
        with contextlib.suppress(OSError):
            data, intact = _read(path)
            if not intact:
                copy = _keep_unreadable_copy(path)
                print(f"Note: your progress file {path.name} could not be read in full; it was kept as "
                      f"{copy.name} and a new one started from what could be read.")  # fmt: skip
            entry = data["lessons"].setdefault(info.lesson, {}).setdefault(info.id, {})
            now = time.strftime("%Y-%m-%dT%H:%M:%S")
            entry.update(passed=passed, visible_only=visible_only, last_run=now)
            if passed and not entry.get("first_passed"):
                entry["first_passed"] = now
            data["version"] = 1
            _write_atomically(path, data)
    for listener in list(_listeners):
        with contextlib.suppress(Exception):
            listener(info.id, passed)


def add_listener(listener: Callable[[str, bool], None]) -> None:
    _listeners.append(listener)
    del _listeners[:-100]  # a notebook re-run many times keeps only the newest widgets live


# -- reading progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseStatus:
    info: ExerciseInfo
    done: bool  # the latest check passed
    ran: bool  # a check has run at least once
    ever_passed: bool
    visible_only: bool = False  # the visible checks passed; hidden cases run only at grading here

    @property
    def label(self) -> str:
        if self.done:
            return "done"
        if self.visible_only:
            return "visible checks passed"
        return "to do (last check failed)" if self.ran else "to do"


def lessons() -> dict[str, list[ExerciseInfo]]:
    """Every lesson in teaching order, with its exercises in catalog order."""
    out: dict[str, list[ExerciseInfo]] = {}
    for info in exercise_catalog().values():
        out.setdefault(info.lesson, []).append(info)
    return dict(sorted(out.items()))


def statuses(workspace: Path | None, lesson: str | None = None) -> dict[str, list[ExerciseStatus]]:
    """Status of every exercise (of one lesson, or all), from the progress file and this kernel's results."""
    stored = load(workspace)["lessons"]
    out = {}
    for lesson_id, infos in lessons().items():
        if lesson is not None and lesson_id != lesson:
            continue
        rows = []
        for info in infos:
            entry = stored.get(lesson_id, {}).get(info.id, {})
            done = _session.get(info.id, bool(entry.get("passed")))
            ran = info.id in _session or "passed" in entry
            ever = info.id in _session_ever_passed or bool(entry.get("first_passed"))
            visible = info.id in _session_visible if info.id in _session else bool(entry.get("visible_only"))
            rows.append(ExerciseStatus(info, done, ran, ever, visible and not done))
        out[lesson_id] = rows
    if lesson is not None and lesson not in out:
        raise KeyError(f"no lesson {lesson!r} in the exercise catalog; known: {', '.join(lessons())}")
    return out


def has_passed(exercise_id: str, workspace: Path | None = None, *, use_cwd: bool = True) -> bool:
    """Whether this exercise's check has ever passed (in this kernel or in the workspace's record)."""
    if exercise_id in _session_ever_passed:
        return True
    info = exercise_catalog().get(exercise_id)
    if info is None:
        return False
    workspace = workspace if workspace is not None or not use_cwd else workspace_dir()
    entry = load(workspace)["lessons"].get(info.lesson, {}).get(exercise_id, {})
    return bool(entry.get("first_passed"))


def next_exercise(table: dict[str, list[ExerciseStatus]]) -> ExerciseStatus | None:
    for rows in table.values():
        for row in rows:
            if not row.done:
                return row
    return None


@cache
def lesson_title(lesson: str, root: Path = layout.REPO_ROOT) -> str:
    """'01-key-design' -> '01 · Key design', from the lesson's ``# Lesson 01 · Key design`` heading."""
    with contextlib.suppress(OSError, ValueError, KeyError, IndexError):
        nb = json.loads(layout.notebook_path(layout.RELEASE, lesson, root).read_text(encoding="utf-8"))
        source = nb["cells"][0]["source"]
        first = ("".join(source) if isinstance(source, list) else source).splitlines()[0]
        if first.startswith("# "):
            return first[2:].removeprefix("Lesson ").strip()
    number, _, name = lesson.partition("-")
    return f"{number} · {name.replace('-', ' ').capitalize()}" if name else lesson


def notebook_for(lesson: str, workspace: Path | None, root: Path = layout.REPO_ROOT) -> Path:
    """Where the learner opens a lesson: their workspace copy, else the release in lessons/."""
    if workspace is not None:
        mine = workspace / lesson / f"{lesson}.ipynb"
        if mine.exists():
            return mine
    return layout.notebook_path(layout.RELEASE, lesson, root)


def _shown(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    return str(path)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else width
    return "█" * filled + "░" * (width - filled)


def text_report(workspace: Path | None, lesson: str | None = None) -> str:
    """The progress list (``python -m autograder progress`` and the widgets' plain-text fallback)."""
    table = statuses(workspace, lesson)
    nxt = next_exercise(table)
    lines = []
    titles = {lesson_id: _clip(lesson_title(lesson_id), 36) for lesson_id in table}
    width = max(map(len, titles.values()), default=0)
    id_width = max((len(r.info.id) for rows in table.values() for r in rows), default=0)
    for lesson_id, rows in table.items():
        done = sum(r.done for r in rows)
        lines.append(f"{titles[lesson_id]:<{width}}  {bar(done, len(rows))} {done}/{len(rows)}")
        for row in rows:
            mark = "✔" if row.done else "○"
            arrow = "  ← next" if nxt is not None and row is nxt else ""
            lines.append(f"   {mark} {row.label:<25} {row.info.id:<{id_width}}  {row.info.title}{arrow}")
    total = sum(len(rows) for rows in table.values())
    done = sum(r.done for rows in table.values() for r in rows)
    lines.append("")
    lines.append(f"{done}/{total} exercises done.")
    if nxt is None:
        lines.append("🎉 Every exercise passes. Well done!")
    else:
        where = _shown(notebook_for(nxt.info.lesson, workspace))
        lines.append(f"Next: {nxt.info.id} · {nxt.info.title}  (open {where})")
    if workspace is None:
        lines.append("Progress is not saved here: open the lessons from my-work/ (`make lab`) to keep it.")
    return "\n".join(lines)


def to_json(workspace: Path | None) -> str:
    table = statuses(workspace)
    nxt = next_exercise(table)
    data = {
        "workspace": str(workspace) if workspace else None,
        "lessons": [
            {
                "lesson": lesson_id,
                "done": sum(r.done for r in rows),
                "total": len(rows),
                "exercises": [{"id": r.info.id, "title": r.info.title, "done": r.done} for r in rows],
            }
            for lesson_id, rows in table.items()
        ],
        "next": nxt.info.id if nxt else None,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
