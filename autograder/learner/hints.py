"""Hint ladders and reference solutions, from one place: the exercise catalog (``content/*/exercises.toml``).

``hints("id")`` shows a button that reveals the next hint, nudge first, near-answer last (JupyterLab), or
prints the next hint (anywhere widgets cannot render). ``solution("id")`` shows the reference solution, but
only once the exercise's check has passed.
"""

from __future__ import annotations

from ..catalog.exercises import exercise_info


def hints(exercise_id: str) -> None:
    """Show the hint ladder of an exercise."""
    from .widgets import show_hints

    show_hints(exercise_id)


def solution(exercise_id: str) -> None:
    """Print the reference solution of an exercise whose check has passed; before that, say how to get there."""
    from .reveal import NotPassedYet, reference_solution

    try:
        source = reference_solution(exercise_id)
    except NotPassedYet as refusal:
        print(f"🔒 {refusal}")
        return
    if source is None:
        print("The reference solutions (solutions/) are not part of this installation.")
        return
    print(f"Reference solution for “{exercise_info(exercise_id).title}” (yours passed; compare the two):\n")
    print(source)
