"""Old import path (notebooks copied to ``my-work/`` earlier): use ``autograder.lesson``."""

from .learner.widgets import show_hints, show_progress, shown_last

__all__ = ["show_hints", "show_progress", "shown_last"]
