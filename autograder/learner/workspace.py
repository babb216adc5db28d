"""The learner's own copies of the lessons, in ``my-work/`` (lessons/ stays the pristine release)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import nbformat

from ..layout import RELEASE, REPO_ROOT, WORKSPACE


def prepare_workspace(root: Path = REPO_ROOT) -> list[str]:
    """Copy each lesson not yet in ``my-work/``; never overwrite a notebook the learner has.

    What is in the way is set aside, never deleted: a file where a folder belongs, or a notebook that no longer
    reads as one (a half-written save), is renamed ``<name>.unreadable-<time>`` and a fresh copy takes its place.
    """
    lines = []
    workspace = root / WORKSPACE
    for lesson_dir in sorted(p for p in (root / RELEASE).iterdir() if p.is_dir()):
        for notebook in sorted(lesson_dir.glob("*.ipynb")):
            target = workspace / lesson_dir.name / notebook.name
            for folder in (workspace, target.parent):
                if folder.exists() and not folder.is_dir():
                    lines.append(f"{_set_aside(folder)} (a file where the folder {folder.name}/ belongs)")
            if target.exists():
                if _readable(target):
                    continue
                lines.append(f"{_set_aside(target)} (it no longer reads as a notebook)")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(notebook, target)
            lines.append(f"new lesson in {WORKSPACE}/: {lesson_dir.name}/{notebook.name}")
    lines.append(f"Your work lives in {WORKSPACE}/ (your edits are never overwritten). Start with 00-welcome.")
    return lines


def _readable(path: Path) -> bool:
    try:
        nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - any failure to read means JupyterLab cannot open it either
        return False
    return True


def _set_aside(path: Path) -> str:
    kept = path.with_name(f"{path.name}.unreadable-{time.strftime('%Y%m%d-%H%M%S')}")
    path.rename(kept)
    return f"kept {path.name} as {kept.name} and made a fresh one"
