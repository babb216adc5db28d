"""The code cells a lesson's release holds, by fingerprint: what the course wrote, as opposed to a learner.

The tamper scan reads learner code only. A lesson's own demo cells may use what a learner's never should
(``inspect`` in a setup cell, ``eval`` in a "bad version" demo); a cell whose source is exactly one of the
release's is the course's, wherever it sits. ``python -m autograder build`` writes ``course_cells.json``.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ..notebooks import check_digest

FILENAME = "course_cells.json"


@cache
def _digests() -> dict[str, frozenset[str]]:
    text = resources.files(__package__).joinpath(FILENAME).read_text(encoding="utf-8")
    return {lesson: frozenset(digests) for lesson, digests in json.loads(text)["lessons"].items()}


def is_course_cell(lesson: str, source: str) -> bool:
    """Whether ``source`` is, up to surrounding whitespace, a code cell of the lesson's release."""
    return check_digest(source) in _digests().get(lesson, frozenset())
