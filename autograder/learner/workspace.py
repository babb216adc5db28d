"""The learner's own copies of the lessons, in ``my-work/`` (lessons/ stays the pristine release)."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..layout import RELEASE, REPO_ROOT, WORKSPACE


def prepare_workspace(root: Path = REPO_ROOT) -> list[str]:
    """Copy each lesson not yet in ``my-work/``; never overwrite a notebook the learner has."""
    lines = []
    for lesson_dir in sorted(p for p in (root / RELEASE).iterdir() if p.is_dir()):
        for notebook in sorted(lesson_dir.glob("*.ipynb")):
            target = root / WORKSPACE / lesson_dir.name / notebook.name
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(notebook, target)
            lines.append(f"new lesson in {WORKSPACE}/: {lesson_dir.name}/{notebook.name}")
    lines.append(f"Your work lives in {WORKSPACE}/ (your edits are never overwritten). Start with 00-welcome.")
    return lines
