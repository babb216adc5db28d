"""Old import path (notebooks copied to ``my-work/`` earlier): use ``autograder.lesson``."""

from .checks.findings import Finding, Severity, ranked

__all__ = ["Finding", "Severity", "ranked"]
