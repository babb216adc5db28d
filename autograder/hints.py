"""Old import path (notebooks copied to ``my-work/`` earlier): use ``autograder.lesson``."""

from .learner.hints import hints, solution

__all__ = ["hints", "solution"]
