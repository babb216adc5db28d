"""A lesson's ``exercises.toml``: one table per exercise, keyed by its id, in notebook order.

[l01-settings-key]
title = "A settings key"
standards = ["key-namespace", "key-readable"]   # the first is the one a crash or a stub is reported under
points = 1
hints = ["a nudge", "closer", "a near-answer"]
# review katas only: the violated ids, and a nudge per id (never naming it)
answer = ["..."]
[l01-kata.nudges]
"ttl-always" = "..."
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..catalog.standards import catalog

REQUIRED = {"title": str, "standards": list, "points": (int, float), "hints": list}
OPTIONAL = {"answer": list, "nudges": dict, "audit_skip": list, "candidates": list}


class ExercisesSourceError(ValueError):
    """An ``exercises.toml`` is malformed; the message names the file, the exercise and the fix."""


def read_exercises(path: Path, lesson: str) -> list[dict]:
    """The lesson's catalog entries as plain dicts (``id`` and ``lesson`` filled in), validated."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ExercisesSourceError(f"{path}: not readable TOML ({error})") from None
    known = catalog()
    entries = []
    for exercise_id, entry in data.items():
        where = f"{path} [{exercise_id}]"
        if not isinstance(entry, dict):
            raise ExercisesSourceError(f"{where}: expected a table `[{exercise_id}]` with title, standards, points")
        for key, kind in REQUIRED.items():
            if not isinstance(entry.get(key), kind):
                raise ExercisesSourceError(f"{where}: `{key}` is missing or not a {_kind_name(kind)}")
        unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
        if unknown:
            raise ExercisesSourceError(f"{where}: unknown key(s) {', '.join(unknown)}")
        cited = [*entry["standards"], *entry.get("answer", ()), *entry.get("nudges", {}), *entry.get("audit_skip", ()),
                 *entry.get("candidates", ())]  # fmt: skip
        bad = sorted({sid for sid in cited if sid not in known})
        if bad:
            raise ExercisesSourceError(f"{where}: unknown standard id(s) {', '.join(bad)}; see catalog/standards.toml")
        if not entry["standards"] or not entry["hints"]:
            raise ExercisesSourceError(f"{where}: give at least one standard and one hint")
        entries.append({"id": exercise_id, "lesson": lesson, **entry})
    return entries


def _kind_name(kind) -> str:
    return " or ".join(k.__name__ for k in kind) if isinstance(kind, tuple) else kind.__name__
