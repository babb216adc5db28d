"""`python -m autograder grade`: a whole class through nbgrader, robust to a corpus of hostile submissions.

One batch grades the corpus (tests/hostile/corpus.py) beside honest learners; each case then checks its
own row. Smaller batches prove parallel = sequential, idempotent re-runs and recovery from a killed run.
"""

import csv
import shutil
import signal
import subprocess
import sys
import time

import pytest
from hostile.corpus import CASES, FULL, HONEST, LESSON, build
from support.notebooks import hidden_test_lines, html_text, solution_path

from autograder.course import output_caps
from autograder.course.grading import grade_class
from autograder.course.reports import write_reports

# Seconds per cell: lesson 01's slowest cell takes well under a second on a quiet machine; the margin keeps a busy
# CI machine from timing out honest cells, and only the infinite loop ever reaches it.
CORPUS_TIMEOUT = 15
# The corpus is graded once per xdist worker that runs one of its tests: keep them on one worker.
corpus = pytest.mark.xdist_group("grading-corpus")


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    build(folder, CASES + HONEST)
    out = tmp_path_factory.mktemp("graded")
    started = time.perf_counter()
    outcomes = grade_class(folder, out, jobs=2, progress=False, cell_timeout=CORPUS_TIMEOUT)
    write_reports(outcomes, out)
    return {(o.learner, o.lesson): o for o in outcomes}, out, time.perf_counter() - started


def test_the_corpus_has_at_least_fifteen_hostile_cases():
    assert len({c.learner for c in CASES}) == len(CASES) >= 15


BYPASSES = ("h-indirect-transformer", "h-clears-baseline", "h-reads-running-check")


# Run before the setup cell, so that the tamper snapshot takes it as the grader's own: the checks as they were
# before reflection.py (the run-time snapshot and the source scan of patches only).
WITHOUT_REFLECTION = """\
import autograder.harness.tamper as _tamper
_tamper.tampering_in_history = lambda lesson: []
"""


@pytest.mark.parametrize("learner", BYPASSES)
def test_without_the_reflection_scan_each_bypass_earns_full_marks_by_nbgraders_rule(learner, tmp_path, no_redis_url):
    """The bypasses are real: with only the earlier layers, nbgrader's own rule gives every check full marks
    (wrong answers: KEYS; a kata answered from the running check), so their zeros are the new scan's doing."""
    import nbformat
    from nbgrader.utils import determine_grade, is_grade

    from autograder.learner.check import execute

    case = next(c for c in CASES if c.learner == learner)
    build(tmp_path, [case])
    path = tmp_path / learner / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(WITHOUT_REFLECTION))
    execute(nb, path.parent)
    scores = {c.metadata.nbgrader["grade_id"]: determine_grade(c)[0] for c in nb.cells if is_grade(c)}
    assert scores == FULL


@pytest.mark.parametrize("learner", BYPASSES)
def test_the_learners_own_check_gives_the_bypasses_the_scores_grading_gives(learner, tmp_path, no_redis_url):
    """A local PASS is the graded PASS: each check cell runs the grading scan on the cells the kernel ran, and
    `check` scores a check that printed no verdict (the transformer made it `pass`) 0."""
    from autograder.learner.check import check_notebook

    case = next(c for c in CASES if c.learner == learner)
    build(tmp_path, [case])
    report = check_notebook(tmp_path / learner / LESSON / f"{LESSON}.ipynb")
    assert {e.grade_id: e.points for e in report.exercises} == case.scores()
    said = ("printed no verdict", "a cell this kernel ran")
    tainted = [e for e in report.exercises if e.grade_id in case.expect]
    assert all(not e.passed and any(s in line for s in said for line in e.feedback) for e in tainted)


@corpus
def test_no_submission_is_silently_dropped(corpus_run):
    outcomes, out, _ = corpus_run
    learners = {learner for learner, _ in outcomes}
    assert learners == {c.learner for c in CASES + HONEST}
    with (out / "grades.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(CASES + HONEST)
    assert {r["status"] for r in rows} <= {"graded", "error"}


@corpus
@pytest.mark.parametrize("case", CASES + HONEST, ids=lambda c: c.learner)
def test_each_submission_gets_the_score_it_deserves(case, corpus_run):
    outcomes, _, _ = corpus_run
    key = (case.learner, LESSON)
    outcome = outcomes[key]
    if case.error:
        assert not outcome.graded and case.error in outcome.problem, outcome.problem
        return
    assert outcome.graded, f"{case.what}: not graded ({outcome.problem})"
    assert outcome.scores == case.scores(), f"{case.what}: {outcome.scores}"
    if case.note:
        assert any(case.note in note for note in outcome.notes), outcome.notes


@corpus
def test_an_infinite_loop_costs_one_cell_timeout_and_the_rest_still_runs(corpus_run):
    """Judged on the autograded notebook, not on wall-clock time: the looping cell is interrupted at the cell
    timeout, and every cell after it still runs (its checks are scored: see the case's expected scores)."""
    import nbformat

    _, out, _ = corpus_run
    [path] = (out / "course" / "autograded" / "h-infinite-loop").rglob("*.ipynb")
    cells = nbformat.read(path, as_version=4).cells
    errors = [i for i, c in enumerate(cells) for o in c.get("outputs", []) if o.output_type == "error"]
    interrupted = [i for i, c in enumerate(cells) for o in c.get("outputs", [])
                   if o.output_type == "error" and o.ename in ("KeyboardInterrupt", "CellTimeoutError")]  # fmt: skip
    graded = [i for i, c in enumerate(cells) if c.metadata.get("nbgrader", {}).get("grade")]
    check = next(i for i in graded if cells[i].metadata["nbgrader"]["grade_id"] == "l01-settings-key")
    assert check in interrupted, f"the check that calls the looping answer was not interrupted: {interrupted}"
    # Under a loaded machine an expensive ungraded demo may also reach the cell timeout; no other check may.
    assert not set(interrupted) & (set(graded) - {check}), (
        f"a check other than the loop's was interrupted: {interrupted}"
    )
    later_code = [c for c in cells[check + 1 :] if c.cell_type == "code" and c.source.strip()]
    assert later_code and all(c.get("execution_count") for c in later_code), "the cells after the loop ran"
    assert errors


@corpus
def test_a_huge_output_is_capped_before_feedback_copies_it(corpus_run):
    _, out, _ = corpus_run
    [page] = (out / "course" / "feedback" / "h-huge-output" / LESSON).glob("*.html")
    assert page.stat().st_size < output_caps.PER_NOTEBOOK + 1_000_000  # + the page's own stylesheets
    assert "more characters]" in page.read_text()


@corpus
def test_feedback_never_shows_hidden_tests(corpus_run):
    _, out, _ = corpus_run
    hidden, visible = hidden_test_lines(LESSON)
    files = list((out / "course" / "feedback").rglob("*.html"))
    assert len(files) >= len([c for c in CASES + HONEST if not c.error])
    for path in files:
        text = html_text(path)
        assert any(line in text for line in visible), "the search must find visible test code, or it proves nothing"
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{path}: shows hidden test lines {leaked[:2]}"


@corpus
def test_reports_are_written(corpus_run):
    _, out, _ = corpus_run
    for name in ("grades.csv", "standards.csv", "mastery.png", "mastery.md", "mastery.html"):
        assert (out / name).stat().st_size > 0
    summary = (out / "mastery.md").read_text()
    assert "## Weakest standards" in summary and "h-empty" in summary
    header = (out / "grades.csv").read_text().splitlines()[0].split(",")
    assert header[:5] == ["learner", "lesson", "status", "score", "max_score"] and set(FULL) <= set(header)


SMALL = [c for c in CASES + HONEST if c.learner in ("honest-solution", "h-empty", "h-patches-checks")]


def _run_cli(folder, out, jobs):
    cmd = [sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(out), "--jobs", str(jobs)]
    return subprocess.run(cmd, capture_output=True, text=True)


def _results(out):
    return (out / "grades.csv").read_text(), (out / "standards.csv").read_text()


def test_parallel_equals_sequential_and_reruns_are_idempotent_even_after_a_kill(tmp_path):
    folder = tmp_path / "class"
    build(folder, SMALL)
    # One learner with two lessons: two workers then grade the same learner at once.
    second = folder / "honest-solution" / "00-welcome" / "00-welcome.ipynb"
    second.parent.mkdir(parents=True)
    shutil.copy(solution_path("00-welcome"), second)
    sequential = _run_cli(folder, tmp_path / "seq", 1)
    parallel = _run_cli(folder, tmp_path / "par", 2)
    assert sequential.returncode == parallel.returncode == 1  # one file could not be graded
    assert "graded 3, failed to grade 1" in parallel.stdout and "h-empty" in parallel.stdout
    assert _results(tmp_path / "seq") == _results(tmp_path / "par")

    # Kill a re-run of the same class into the same folder midway, then run it once more: same results.
    (tmp_path / "par" / "grades.csv").unlink()
    command = [sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(tmp_path / "par")]
    killed = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list((tmp_path / "par").glob("course/autograded/*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert not (tmp_path / "par" / "grades.csv").exists(), "the run was meant to die midway"
    resumed = _run_cli(folder, tmp_path / "par", 2)
    assert resumed.returncode == 1 and _results(tmp_path / "par") == _results(tmp_path / "seq")


def test_grade_with_relative_paths_as_the_readme_runs_it(tmp_path):
    """`make grade SUBMISSIONS=class` writes into `graded/`, relative to where it runs (nbgrader needs absolute)."""
    target = tmp_path / "class" / "ada" / "00-welcome" / "00-welcome.ipynb"
    target.parent.mkdir(parents=True)
    shutil.copy(solution_path("00-welcome"), target)
    command = [sys.executable, "-m", "autograder", "grade", "class", "--out", "graded", "--jobs", "1", "--no-feedback"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    with (tmp_path / "graded" / "grades.csv").open() as handle:
        [row] = csv.DictReader(handle)
    assert row["status"] == "graded" and row["score"] == row["max_score"], row
