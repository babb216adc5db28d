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


def _as_a_workshop_install(kernel, elsewhere):
    """The package as a workshop installs it: no solutions/ beside it (test scaffolding, kept out of the history)."""
    where = repr(str(elsewhere))
    patch = f"import autograder.layout as _l, pathlib; _l.REPO_ROOT = pathlib.Path({where})"
    assert kernel.run(patch, store_history=False).error is None


def _answer_and_check(kernel, nb, answer, *, without_solutions_in=None):
    if without_solutions_in is not None:
        _as_a_workshop_install(kernel, without_solutions_in)
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


KATA_RIGHT = (
    'def kata_violations():\n    return ["key-no-numbered-db", "key-namespace", "key-readable", "client-pool-reuse"]'
)
KATA_MISSES_ONE = 'def kata_violations():\n    return {"key-no-numbered-db", "key-namespace", "key-readable"}'


@pytest.fixture
def lesson_01_kata(tmp_path, no_redis_url):
    """Runs lesson 01's setup, a kata answer and the released kata check; returns the run (kernel per test)."""
    nb = read(lesson_path("01-key-design"))
    kernels = []

    def run(answer, without_solutions_in=None):
        kernel = LiveKernel(cwd=str(tmp_path))
        kernels.append(kernel)
        if without_solutions_in is not None:
            _as_a_workshop_install(kernel, without_solutions_in)
        assert kernel.run(cell_by_id(nb, "setup").source).error is None
        assert kernel.run(answer).error is None
        return kernel.run(cell_by_id(nb, "l01-kata").source)

    yield run
    for kernel in kernels:
        kernel.close()


def test_a_kata_is_graded_locally_against_the_key_in_solutions(lesson_01_kata):
    right, short = lesson_01_kata(KATA_RIGHT), lesson_01_kata(KATA_MISSES_ONE)
    assert right.error is None and "✅ PASS" in right.stdout, right.stdout
    assert short.error and short.error[0] == "ExerciseFailed", short.stdout
    assert "3 of 4 spotted so far" in short.stdout and "How often is a new client" in short.stdout


def test_without_solutions_a_kata_is_well_formed_but_not_passed_the_key_is_not_shipped(lesson_01_kata, tmp_path):
    run = lesson_01_kata(KATA_MISSES_ONE, without_solutions_in=tmp_path / "no-repo")
    assert run.error is None and "☑️ VISIBLE CHECKS PASS" in run.stdout and "✅ PASS" not in run.stdout
    assert "compared with the answer key when your work is graded" in run.stdout, run.stdout
    assert "spotted so far" not in run.stdout, "nothing about the key can be said without it"
    wrong_form = lesson_01_kata('def kata_violations():\n    return "key-readable"', without_solutions_in=tmp_path)
    assert wrong_form.error and "a set of standard ids" in wrong_form.stdout
