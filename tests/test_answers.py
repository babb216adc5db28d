"""Every answer in ``content/<lesson>/answers.py`` gets the verdict it should, and the same verdict twice.

Wrong answers lose the marks with a message naming the standard they break; valid alternatives (other idioms,
other structure) pass with full marks. One live kernel per lesson and backend runs the solution notebook once;
each answer then replaces its exercise's answer cell and the exercise's check runs twice:

- the graded form (the solution notebook's check cell, hidden tests inline: what nbgrader runs), and
- the learner's form (the released lesson's check cell, no hidden tests: the harness runs them from
  ``solutions/`` before the verdict).

Both must give the same verdict (pass/fail, and the same partial credit): a local PASS is the graded PASS. The
learner's form is run on fakeredis, for exercises whose check has hidden cases (without any, the two forms are
the same code); the hidden-cases mechanism does not depend on the backend.
"""

from dataclasses import dataclass

import pytest
from support.kernel import CellRun, LiveKernel
from support.notebooks import cell_by_id, lesson_path, read, solution_path

from autograder.authoring.build import all_answers
from autograder.catalog.exercises import exercise_catalog
from autograder.checks.findings import CORRECTNESS, group_of
from autograder.labkit import GRADING_ENV

ANSWERS = all_answers()
WRONG = [a for a in ANSWERS if not a.valid]
VALID = [a for a in ANSWERS if a.valid]
# One kernel per (lesson, backend), on one xdist worker (``--dist loadgroup``). The capstone's check runs a whole
# service workload (seconds per answer), so its answers are split over several kernels to spread them over workers.
SHARDS_PER_LESSON = {"10-capstone": 2}


def _lesson(answer) -> str:
    return exercise_catalog()[answer.exercise].lesson


def _shards() -> dict:
    """{answer: shard name}: a lesson's answers dealt round-robin over its shards."""
    seen: dict[str, int] = {}
    shards = {}
    for answer in ANSWERS:
        lesson = _lesson(answer)
        shards[answer] = f"{lesson}-{seen.get(lesson, 0) % SHARDS_PER_LESSON.get(lesson, 1)}"
        seen[lesson] = seen.get(lesson, 0) + 1
    return shards


SHARDS = _shards()


def _params(answers, backend):
    """One param per answer, in its shard's xdist group: a worker starts the kernels of its groups only."""
    return [
        pytest.param(a, id=str(a), marks=pytest.mark.xdist_group(f"answers-{SHARDS[a]}-{backend}")) for a in answers
    ]


class LessonKernels:
    """Kernels with a lesson's solution already run, one per (lesson, backend), reused across tests."""

    def __init__(self):
        self.kernels: dict[tuple[str, str], tuple[LiveKernel, object, object]] = {}

    def get(self, lesson: str, backend: str, env: dict[str, str]):
        if (lesson, backend) not in self.kernels:
            nb = read(solution_path(lesson))
            # As graded: demos reduced (tests/test_graded_demos.py proves the grades do not change).
            kernel = LiveKernel(cwd=str(solution_path(lesson).parent), env={**env, GRADING_ENV: "1"})
            kernel.run_notebook(nb)
            self.kernels[(lesson, backend)] = (kernel, nb, read(lesson_path(lesson)))
        return self.kernels[(lesson, backend)]

    def close(self):
        for kernel, _, _ in self.kernels.values():
            kernel.close()


@pytest.fixture(scope="module")
def lesson_kernels():
    kernels = LessonKernels()
    yield kernels
    kernels.close()


@dataclass
class Verdict:
    run: CellRun
    passed: bool
    points: float | None  # the partial credit a per-standard check shows, else None

    @classmethod
    def of(cls, run: CellRun) -> "Verdict":
        results = [o["data"]["text/plain"] for o in run.outputs if "execution_count" in o and "data" in o]
        return cls(run, run.error is None, float(results[-1]) if results else None)


def _judge(kernel, solution_nb, lesson_nb, answer, *, local_form: bool) -> tuple[Verdict, Verdict]:
    """(graded, local) verdicts of ``answer``; the reference answer is restored afterwards."""
    reference = cell_by_id(solution_nb, f"{answer.exercise}-answer")
    try:
        defined = kernel.run(answer.source)
        assert defined.error is None, f"the answer itself does not run: {defined.text}"
        graded = Verdict.of(kernel.run(cell_by_id(solution_nb, answer.exercise).source))
        local = graded
        if local_form and exercise_catalog()[answer.exercise].hidden_cases:
            local = Verdict.of(kernel.run(cell_by_id(lesson_nb, answer.exercise).source))
    finally:
        kernel.run(reference.source)
    assert (graded.passed, graded.points) == (local.passed, local.points), (
        f"{answer}: graded {graded.passed}/{graded.points} but local {local.passed}/{local.points}:\n"
        f"graded:\n{graded.run.stdout}\nlocal:\n{local.run.stdout}"
    )
    return graded, local


def _check_valid_answer(kernel, solution_nb, lesson_nb, valid, local_form=True):
    graded, _ = _judge(kernel, solution_nb, lesson_nb, valid, local_form=local_form)
    run = graded.run
    assert graded.passed, f"{valid} was rejected:\n{run.stdout}\n{run.error}"
    if graded.points is not None:  # graded per standard: full marks
        assert graded.points == exercise_catalog()[valid.exercise].points, f"{valid}:\n{run.stdout}"
    assert not run.stderr, f"{valid}: the check wrote to stderr (nbgrader would score it 0): {run.stderr}"


def _check_wrong_answer(kernel, solution_nb, lesson_nb, wrong, local_form=True):
    graded, local = _judge(kernel, solution_nb, lesson_nb, wrong, local_form=local_form)
    run = graded.run
    if wrong.points is None:
        assert not graded.passed, f"{wrong} was accepted:\n{run.stdout}"
        assert run.error[0] == "ExerciseFailed", f"{wrong} crashed the check instead of failing it: {run.text}"
    else:  # graded per standard: the cell runs to its last expression, the partial credit nbgrader reads
        assert graded.passed, f"{wrong} crashed the check: {run.text}"
        assert graded.points is not None, f"{wrong}: the check cell showed no score:\n{run.stdout}"
        assert graded.points == wrong.points, f"{wrong} scored {graded.points}, not {wrong.points}:\n{run.stdout}"
    # A kata's unspotted violation is named by group only ("[? · client]"), so feedback never gives it away.
    group = group_of(wrong.standard)
    for verdict in (graded, local):
        out = verdict.run.stdout
        # Named by an essential finding (one that fails the exercise), not by a passing remark.
        named = f"essential · [{wrong.standard}]" in out or (
            wrong.standard != CORRECTNESS and f"essential · [? · {group}]" in out
        )
        assert named, f"{wrong}: feedback does not name {wrong.standard}:\n{out}"
        assert "expected:" in out and "got:" in out
        assert not verdict.run.stderr, f"{wrong}: the check wrote to stderr (nbgrader scores 0): {verdict.run.stderr}"


def test_every_exercise_has_wrong_answers_and_valid_alternatives():
    wrong = {w.exercise for w in WRONG}
    missing = sorted(set(exercise_catalog()) - wrong)
    assert not missing, f"exercises without a plausible wrong answer under test: {missing}"
    valid = [v.exercise for v in VALID]
    few = sorted(e for e in exercise_catalog() if valid.count(e) < 2)
    assert not few, f"exercises with fewer than two valid alternatives under test: {few}"


@pytest.mark.parametrize("valid", _params(VALID, "fake"))
def test_valid_answer_passes_on_fakeredis(valid, lesson_kernels):
    _check_valid_answer(*lesson_kernels.get(_lesson(valid), "fake", {}), valid)


@pytest.mark.real_redis
@pytest.mark.parametrize("valid", _params(VALID, "real"))
def test_valid_answer_passes_on_real_redis(valid, lesson_kernels, real_redis):
    _check_valid_answer(*lesson_kernels.get(_lesson(valid), "real", {"REDIS_URL": real_redis.url}), valid, False)


@pytest.mark.parametrize("wrong", _params(WRONG, "fake"))
def test_wrong_answer_is_caught_on_fakeredis(wrong, lesson_kernels):
    _check_wrong_answer(*lesson_kernels.get(_lesson(wrong), "fake", {}), wrong)


@pytest.mark.real_redis
@pytest.mark.parametrize("wrong", _params(WRONG, "real"))
def test_wrong_answer_is_caught_on_real_redis(wrong, lesson_kernels, real_redis):
    _check_wrong_answer(*lesson_kernels.get(_lesson(wrong), "real", {"REDIS_URL": real_redis.url}), wrong, False)
