"""Old import path, kept for notebooks copied to ``my-work/`` before ``autograder.lesson`` existed.

Their setup cells import ``Exercise`` from here and call nothing else, so importing this shim starts the
lesson session (``harness.session.start``) as those setup cells expect. New lessons use
``from autograder.lesson import ...`` and ``start_lesson()``.
"""

from .harness import session
from .harness.exercise import Exercise, ExerciseFailed

__all__ = ["Exercise", "ExerciseFailed"]

session.start()
