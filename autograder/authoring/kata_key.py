"""A review kata's answer key, written into its check cell's hidden block by the build.

The key (``answer``, ``nudges`` in ``exercises.toml``) must not ship: not in the released lesson and not in the
installed package. nbgrader strips hidden blocks from the release, and the build leaves the key out of
``exercises.json``, so it lives only in ``solutions/`` (and the gradebook), like every other hidden test.
"""

from __future__ import annotations

import dataclasses
import json
import textwrap

from ..notebooks import HIDDEN_BEGIN, HIDDEN_END
from .lesson_text import LessonSourceError, SourceCell

KEY_FIELDS = ("answer", "nudges")


WIDTH = 120  # the project's line length: solutions/ notebooks are linted too


def key_block(answer: list[str], nudges: dict[str, str]) -> str:
    """The hidden block that grades a kata: one ``ex.kata_key`` call holding the key and its nudges."""
    lines = [HIDDEN_BEGIN, "ex.kata_key(", f"    {json.dumps(sorted(answer))},", "    nudges={"]
    for sid, text in sorted(nudges.items()):
        one_line = f"        {json.dumps(sid)}: {json.dumps(text, ensure_ascii=False)},"
        if len(one_line) <= WIDTH:
            lines.append(one_line)
            continue
        pieces = textwrap.wrap(text, WIDTH - 16, drop_whitespace=False)
        lines += [
            f"        {json.dumps(sid)}: (",
            *(f"            {json.dumps(p, ensure_ascii=False)}" for p in pieces),
        ]
        lines.append("        ),")
    return "\n".join([*lines, "    },", ")", HIDDEN_END])


def with_kata_keys(cells: list[SourceCell], exercises: list[dict], where: str) -> list[SourceCell]:
    """The lesson's cells with each kata's key block put right before its check's ``ex.verdict()``."""
    keys = {e["id"]: e for e in exercises if "answer" in e}
    out = []
    for cell in cells:
        uses_kata = cell.kind == "check" and "ex.kata(" in cell.source
        if uses_kata != (cell.kind == "check" and cell.exercise in keys):
            fix = (
                "a check calling `ex.kata(...)` needs `answer` and `nudges` in exercises.toml, and only a kata has them"
            )
            raise LessonSourceError(f"{where}: [{cell.exercise}]: {fix}")
        if uses_kata:
            entry = keys[cell.exercise]
            if HIDDEN_BEGIN in cell.source or "ex.verdict()" not in cell.source:
                raise LessonSourceError(
                    f"{where}: [{cell.exercise}]: a kata's check is `ex.kata(...)` then `ex.verdict()`, with no hidden "
                    "block of its own (the build writes the key there)"
                )
            head, tail = cell.source.rsplit("ex.verdict()", 1)
            source = f"{head}{key_block(entry['answer'], entry.get('nudges', {}))}\nex.verdict(){tail}"
            cell = dataclasses.replace(cell, source=source)
        out.append(cell)
    return out


def public_entry(entry: dict) -> dict:
    """A catalog entry without its kata key: what the installed package may hold."""
    return {k: v for k, v in entry.items() if k not in KEY_FIELDS}
