"""Plausible wrong answers lose the marks, with a message naming the standard they break.

The answers live beside each lesson in ``content/<lesson>/answers.py``. One live kernel per lesson and backend
runs the solution notebook once; each answer then replaces its exercise's answer cell, the locked check cell
(hidden tests included) runs, and the reference answer is restored.
"""

import pytest
from support.kernel import LiveKernel
from support.notebooks import cell_by_id, read, solution_path

from autograder.authoring.build import all_answers
from autograder.exercises import exercise_catalog
from autograder.standards import standard

ANSWERS = all_answers()
WRONG = [a for a in ANSWERS if not a.valid]
VALID = [a for a in ANSWERS if a.valid]


class LessonKernels:
    """Kernels with a lesson's solution already run, one per (lesson, backend), reused across tests."""

    def __init__(self):
        self.kernels: dict[tuple[str, str], tuple[LiveKernel, object]] = {}

    def get(self, lesson: str, backend: str, env: dict[str, str]):
        if (lesson, backend) not in self.kernels:
            nb = read(solution_path(lesson))
            kernel = LiveKernel(cwd=str(solution_path(lesson).parent), env=env)
            kernel.run_notebook(nb)
            self.kernels[(lesson, backend)] = (kernel, nb)
        return self.kernels[(lesson, backend)]

    def close(self):
        for kernel, _ in self.kernels.values():
            kernel.close()


@pytest.fixture(scope="module")
def lesson_kernels():
    kernels = LessonKernels()
    yield kernels
    kernels.close()


def test_every_exercise_has_a_wrong_answer():
    covered = {w.exercise for w in WRONG}
    missing = sorted(set(exercise_catalog()) - covered)
    assert not missing, f"exercises without a plausible wrong answer under test: {missing}"


def _run_check_with(kernel, nb, answer):
    """Run ``answer`` in place of the reference answer cell, then the exercise's check; restore the reference."""
    reference = cell_by_id(nb, f"{answer.exercise}-answer")
    check = cell_by_id(nb, answer.exercise)
    try:
        defined = kernel.run(answer.source)
        assert defined.error is None, f"the answer itself does not run: {defined.text}"
        return kernel.run(check.source)
    finally:
        kernel.run(reference.source)


def _check_valid_answer(kernel, nb, valid):
    graded = _run_check_with(kernel, nb, valid)
    assert graded.error is None, f"{valid} was rejected:\n{graded.stdout}\n{graded.error}"
    results = [o["data"]["text/plain"] for o in graded.outputs if "execution_count" in o and "data" in o]
    if results:  # graded per standard: full marks
        assert float(results[-1]) == exercise_catalog()[valid.exercise].points, f"{valid}:\n{graded.stdout}"
    assert not graded.stderr, f"{valid}: the check wrote to stderr (nbgrader would score it 0): {graded.stderr}"


def _check_wrong_answer(kernel, nb, wrong):
    graded = _run_check_with(kernel, nb, wrong)
    if wrong.points is None:
        assert graded.error is not None, f"{wrong} was accepted:\n{graded.stdout}"
        assert graded.error[0] == "ExerciseFailed", f"{wrong} crashed the check instead of failing it: {graded.text}"
    else:  # graded per standard: the cell runs to its last expression, the partial credit nbgrader reads
        assert graded.error is None, f"{wrong} crashed the check: {graded.text}"
        results = [o["data"]["text/plain"] for o in graded.outputs if "execution_count" in o and "data" in o]
        assert results, f"{wrong}: the check cell showed no score:\n{graded.stdout}"
        assert float(results[-1]) == wrong.points, f"{wrong} scored {results[-1]}, not {wrong.points}:\n{graded.stdout}"
    # A kata's unspotted violation is named by group only ("[? · client]"), so feedback never gives it away.
    named = f"[{wrong.standard}]" in graded.stdout or f"[? · {standard(wrong.standard).group}]" in graded.stdout
    assert named, f"{wrong}: feedback does not name {wrong.standard}:\n{graded.stdout}"
    assert "expected:" in graded.stdout and "got:" in graded.stdout
    assert not graded.stderr, f"{wrong}: the check wrote to stderr (nbgrader would score it 0): {graded.stderr}"


@pytest.mark.parametrize("valid", VALID, ids=str)
def test_valid_answer_passes_on_fakeredis(valid, lesson_kernels):
    kernel, nb = lesson_kernels.get(exercise_catalog()[valid.exercise].lesson, "fake", {})
    _check_valid_answer(kernel, nb, valid)


@pytest.mark.real_redis
@pytest.mark.parametrize("valid", VALID, ids=str)
def test_valid_answer_passes_on_real_redis(valid, lesson_kernels, real_redis):
    lesson = exercise_catalog()[valid.exercise].lesson
    kernel, nb = lesson_kernels.get(lesson, "real", {"REDIS_URL": real_redis.url})
    _check_valid_answer(kernel, nb, valid)


@pytest.mark.parametrize("wrong", WRONG, ids=str)
def test_wrong_answer_is_caught_on_fakeredis(wrong, lesson_kernels):
    kernel, nb = lesson_kernels.get(exercise_catalog()[wrong.exercise].lesson, "fake", {})
    _check_wrong_answer(kernel, nb, wrong)


@pytest.mark.real_redis
@pytest.mark.parametrize("wrong", WRONG, ids=str)
def test_wrong_answer_is_caught_on_real_redis(wrong, lesson_kernels, real_redis):
    lesson = exercise_catalog()[wrong.exercise].lesson
    kernel, nb = lesson_kernels.get(lesson, "real", {"REDIS_URL": real_redis.url})
    _check_wrong_answer(kernel, nb, wrong)
