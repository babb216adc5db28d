"""Tests that need a real redis-server or a browser skip with a reason on a developer's machine, and FAIL in CI.

CI (``.ci/run``) installs every dependency and sets ``CI=true``: there a missing one is a broken run, never a
silent skip.
"""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(reason: str, *, module_level: bool = False) -> None:
    """Skip (locally) or fail (in CI) because a required dependency is missing; ``reason`` names the fix."""
    if in_ci():
        pytest.fail(f"required in CI, but missing: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)
