"""``python -m autograder release``: build ``solutions/`` from ``content/``, then nbgrader's generate_assignment."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat

from ..authoring.build import build
from ..layout import RELEASE, REPO_ROOT
from ..notebooks import committed_text
from .nbgrader import make_course


def release_lessons(check_only: bool = False) -> list[str]:
    """Build ``solutions/`` from ``content/``, then regenerate ``lessons/``; return what changed (or would)."""
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
