"""Hidden test cases in a learner's own notebook, so that a local PASS means the graded PASS.

The released lessons carry no hidden tests (nbgrader strips them). In a self-paced clone the nbgrader source
notebooks (``solutions/``) are present: the check then runs the exercise's hidden block from there, in the
notebook's own namespace, right before its verdict, exactly where nbgrader runs it when grading. Without
``solutions/`` (a workshop install) the verdict says how many more cases run at grading instead.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .. import layout
from ..notebooks import hidden_block

FILENAME = "<hidden cases>"  # what tracebacks and frame filters see


@cache
def _hidden_blocks(path: Path, mtime: float) -> dict[str, str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            source = cell.get("source", "")
            out[meta.get("grade_id", "")] = hidden_block("".join(source) if isinstance(source, list) else source)
    return out


def hidden_source(lesson: str, exercise_id: str, root: Path | None = None) -> str | None:
    """The hidden block of an exercise's check, or None when ``solutions/`` is not here."""
    path = layout.notebook_path(layout.SOURCE, lesson, root or layout.REPO_ROOT)
    try:
        blocks = _hidden_blocks(path, path.stat().st_mtime)
    except (OSError, ValueError):
        return None
    return blocks.get(exercise_id) or None
