"""In CI a required test never skips: a missing dependency fails the run with its reason."""

import subprocess
import sys
import textwrap

from support.notebooks import ROOT

PROBE = textwrap.dedent(
    """
    from support.required import missing

    def test_needs_something():
        missing("the thing is not installed (apt-get install thing)")
    """
)


def _run(tmp_path, ci: str):
    (tmp_path / "test_probe.py").write_text(PROBE)
    env = {"PATH": "/usr/bin:/bin", "CI": ci, "PYTHONPATH": str(ROOT / "tests")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", str(tmp_path)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip


def test_a_missing_dependency_skips_with_its_reason_locally(tmp_path):
    result = _run(tmp_path, "")
    assert result.returncode == 0 and "1 skipped" in result.stdout, result.stdout


def test_a_missing_dependency_fails_the_run_in_ci(tmp_path):
    result = _run(tmp_path, "true")
    assert result.returncode == 1 and "1 failed" in result.stdout, result.stdout
    assert "required in CI, but missing: the thing is not installed" in result.stdout
