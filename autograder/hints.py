"""Hint ladders: each call reveals the next hint of an exercise, nudge first, near-answer last."""

from __future__ import annotations

from .exercises import exercise_info

_revealed: dict[str, int] = {}


def hints(exercise_id: str) -> None:
    """Print the hints revealed so far for an exercise, plus the next one."""
    info = exercise_info(exercise_id)
    shown = min(_revealed.get(exercise_id, 0) + 1, len(info.hints))
    _revealed[exercise_id] = shown
    print(f"Hints for “{info.title}” ({shown} of {len(info.hints)}):")
    for number, text in enumerate(info.hints[:shown], start=1):
        print(f"  {number}. {text}")
    if shown < len(info.hints):
        print("  Run again for the next hint.")
