"""``python -m autograder check``: reports, JSON shape, exit codes and one-line errors for bad paths."""

import json
import subprocess
import sys

import pytest
from support.notebooks import solution_path

LESSON = "00-welcome"


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, cwd=cwd)


def test_check_json_reports_every_exercise_and_exits_zero_on_the_solution(no_redis_url):
    result = run_cli("check", str(solution_path(LESSON)), "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"notebook", "backend", "exercises", "points", "max_points", "passed"}
    assert report["passed"] is True and report["points"] == report["max_points"] > 0
    [exercise] = report["exercises"]
    assert set(exercise) == {
        "grade_id",
        "title",
        "standards",
        "points",
        "max_points",
        "passed",
        "feedback",
        "visible_only",
    }
    assert exercise["standards"] == ["ttl-always", "key-namespace"]
    assert "fakeredis" in report["backend"]


def test_check_exits_one_and_shows_feedback_when_an_exercise_fails(tmp_path, no_redis_url):
    from support.notebooks import lesson_path

    result = run_cli("check", str(lesson_path(LESSON)))
    assert result.returncode == 1
    assert "FAIL  l00-remember-greeting" in result.stdout and "NotImplementedError" in result.stdout


@pytest.mark.parametrize(
    "make,problem",
    [
        (lambda d: d / "missing.ipynb", "no such file"),
        (lambda d: d, "is a folder"),
        (lambda d: _write(d / "empty.ipynb", ""), "is empty"),
        (lambda d: _write(d / "broken.ipynb", "{not json"), "is not a Jupyter notebook"),
        (lambda d: _write(d / "data.ipynb", '{"a": 1}'), "not a Jupyter notebook"),
        (lambda d: _write_bytes(d / "binary.ipynb", b"\xff\xfe\x00"), "cannot be read"),
    ],
)
def test_bad_paths_get_a_one_line_error_and_exit_two(tmp_path, make, problem):
    path = make(tmp_path)
    result = run_cli("check", str(path))
    assert result.returncode == 2
    assert problem in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def _write(path, text):
    path.write_text(text)
    return path


def _write_bytes(path, data):
    path.write_bytes(data)
    return path


def test_audit_config_is_wired_into_the_cli():
    from support.notebooks import ROOT

    bad = run_cli("audit-config", str(ROOT / "tests" / "configs" / "open.conf"))
    assert bad.returncode == 1 and "[security-auth]" in bad.stdout
    good = run_cli("audit-config", str(ROOT / "tests" / "configs" / "good-cache.conf"))
    assert good.returncode == 0, good.stdout
    missing = run_cli("audit-config", "no/such/redis.conf")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


# A cell writing to the kernel process's real stderr, as libzmq's shutdown noise does: ipykernel forwards fd 2 to
# the notebook and keeps a copy of the original. (It does neither under pytest: the run drops PYTEST_CURRENT_TEST.)
RAW_STDERR = "import os, sys\nos.write(sys.stderr._original_stdstream_copy, b'{text}\\n')\n"


def _check_outside_pytest(tmp_path, *sources):
    import os

    import nbformat
    from support.notebooks import lesson_path

    nb = nbformat.read(lesson_path(LESSON), as_version=4)
    for index, source in enumerate(sources):
        nb.cells.insert(1 + index, nbformat.v4.new_code_cell(source))
    path = tmp_path / f"{LESSON}.ipynb"
    nbformat.write(nb, path)
    env = {key: value for key, value in os.environ.items() if key not in ("PYTEST_CURRENT_TEST", "REDIS_URL")}
    command = [sys.executable, "-m", "autograder", "check", str(path)]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def test_check_hides_the_kernel_process_stderr_when_the_run_completes(tmp_path):
    result = _check_outside_pytest(tmp_path, RAW_STDERR.format(text="kernel noise"))
    assert "FAIL  l00-remember-greeting" in result.stdout and result.stderr == "", result.stderr


def test_check_shows_the_kernel_process_stderr_when_the_kernel_dies(tmp_path):
    result = _check_outside_pytest(tmp_path, RAW_STDERR.format(text="dying words") + "os._exit(3)\n")
    assert result.returncode != 0 and "dying words" in result.stderr
