"""A local PASS is the graded PASS: released lessons run the hidden cases from solutions/ before the verdict,
and where solutions/ is absent (a workshop install) the verdict says so instead of claiming a pass."""

import json

import pytest
from support.kernel import LiveKernel
from support.notebooks import cell_by_id, lesson_path, read

from autograder.learner import progress

HARD_CODED = """
def remember_greeting(r, name):
    r.set("greeting:ada", "Hello, ada!", ex=60)
    return "Hello, ada!"
"""
CORRECT = """
def remember_greeting(r, name):
    text = f"Hello, {name}!"
    r.set(f"greeting:{name}", text, ex=60)
    return text
"""


@pytest.fixture
def lesson_00(tmp_path, no_redis_url):
    """A learner's copy of lesson 00 in a workspace; yields (kernel, notebook, workspace)."""
    workspace = tmp_path / "my-work"
    (workspace / "00-welcome").mkdir(parents=True)
    nb = read(lesson_path("00-welcome"))
    kernel = LiveKernel(cwd=str(workspace / "00-welcome"))
    try:
        yield kernel, nb, workspace
    finally:
        kernel.close()


def _answer_and_check(kernel, nb, answer, *, without_solutions_in=None):
    if without_solutions_in is not None:  # as on a workshop install: the package has no solutions/ beside it
        elsewhere = repr(str(without_solutions_in))
        assert (
            kernel.run(f"import autograder.layout as _l, pathlib; _l.REPO_ROOT = pathlib.Path({elsewhere})").error
            is None
        )
    assert kernel.run(cell_by_id(nb, "setup").source).error is None
    assert kernel.run(answer).error is None
    check = cell_by_id(nb, "l00-remember-greeting").source
    assert "BEGIN HIDDEN" not in check and "ex.hidden()" not in check, "the released check has no hidden block"
    return kernel.run(check)


def _stored(workspace):
    return json.loads((workspace / progress.PROGRESS_FILE).read_text())["lessons"]["00-welcome"]


def test_a_hard_coded_answer_fails_locally_as_it_does_at_grading(lesson_00):
    kernel, nb, workspace = lesson_00
    run = _answer_and_check(kernel, nb, HARD_CODED)
    assert run.error and run.error[0] == "ExerciseFailed", run.stdout
    assert "❌ NOT YET" in run.stdout and "the greeting built from the name passed in" in run.stdout
    assert "other = ex.call" not in run.stdout + run.stderr, "a hidden case's source is never shown"
    assert _stored(workspace)["l00-remember-greeting"]["passed"] is False


def test_a_correct_answer_passes_locally_and_unlocks_the_reference(lesson_00):
    kernel, nb, workspace = lesson_00
    run = _answer_and_check(kernel, nb, CORRECT)
    assert run.error is None and "✅ PASS" in run.stdout, run.stdout
    cards = [o["data"]["text/html"] for o in run.outputs if "text/html" in o.get("data", {})]
    assert cards and "Compare with the reference solution" in cards[-1]
    assert _stored(workspace)["l00-remember-greeting"]["passed"] is True


def test_without_solutions_the_card_says_more_cases_run_at_grading(lesson_00, tmp_path):
    kernel, nb, workspace = lesson_00
    run = _answer_and_check(kernel, nb, HARD_CODED, without_solutions_in=tmp_path / "no-repo")
    assert run.error is None, "the visible checks pass; only grading can say more"
    assert "☑️ VISIBLE CHECKS PASS" in run.stdout and "✅ PASS" not in run.stdout
    assert "4 more cases run when your work is graded" in run.stdout
    cards = [o["data"]["text/html"] for o in run.outputs if "text/html" in o.get("data", {})]
    assert cards and "Visible checks pass" in cards[-1] and "Compare with the reference solution" not in cards[-1]
    entry = _stored(workspace)["l00-remember-greeting"]
    assert entry["passed"] is False and entry["visible_only"] is True and "first_passed" not in entry
    status = progress.statuses(workspace, "00-welcome")["00-welcome"][0]
    assert status.label == "visible checks passed" and not status.done
