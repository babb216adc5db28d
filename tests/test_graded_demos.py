"""Grading runs the ungraded demos at a reduced size (``demo_size``), and the grades are the same as at full size.

One class is graded twice through nbgrader, reduced (what ``grade`` and ``check`` do) and with ``--full-demos``
(what JupyterLab runs): the grades.csv files must be identical. The class holds, for every lesson whose demos
shrink, the solution and a notebook with every exercise answered wrong (each exercise's first wrong answer from
``answers.py``), so a demo that leaked into a check would show as a different score.
"""

import nbformat
import pytest
from support.notebooks import lesson_ids, read, solution_path, with_first_answers

from autograder.catalog.exercises import exercise_catalog
from autograder.course.grading import grade_class
from autograder.course.reports import write_grades_csv
from autograder.labkit import GRADING_ENV, being_graded, demo_size

pytestmark = pytest.mark.xdist_group("graded-demos")  # one worker grades the class (both ways) once
SHRINKING = [lesson for lesson in lesson_ids() if "demo_size(" in solution_path(lesson).read_text()]
NOTE = "(graded run: this demo runs at"


def test_demo_size_is_the_full_size_unless_the_notebook_is_graded(monkeypatch, capsys):
    monkeypatch.delenv(GRADING_ENV, raising=False)
    assert not being_graded() and demo_size(100, graded=10) == 100
    assert capsys.readouterr().out == ""  # the learner's run says nothing about grading
    monkeypatch.setenv(GRADING_ENV, "1")
    assert being_graded() and demo_size([1, 2, 3], graded=[1]) == [1]
    assert "instead of [1, 2, 3]" in capsys.readouterr().out  # the graded output says why its numbers are smaller
    assert not being_graded({GRADING_ENV: "0"}) and not being_graded({})


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    wrong_exercises = {}
    for lesson in SHRINKING:
        wrong, wrong_exercises[lesson] = with_first_answers(lesson, valid=False)
        for learner, nb in (("solution", read(solution_path(lesson))), ("all-wrong", wrong)):
            path = folder / learner / lesson / f"{lesson}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(nbformat.writes(nb))
    runs = {}
    for way, full in (("reduced", False), ("full", True)):
        out = tmp_path_factory.mktemp(way)
        outcomes = grade_class(folder, out, jobs=2, progress=False, feedback=False, full_demos=full)
        write_grades_csv(outcomes, out / "grades.csv")
        runs[way] = (outcomes, out)
    return runs, wrong_exercises


def test_some_lessons_shrink_their_demos():
    assert {"03-scan", "04-big-keys"} <= set(SHRINKING)


def test_grades_are_identical_with_reduced_and_full_demos(both_ways):
    runs, _ = both_ways
    reduced, full = ((out / "grades.csv").read_text() for _, out in runs.values())
    assert reduced == full


def test_the_comparison_is_not_trivial(both_ways):
    """Each way really ran its size, the solutions score full marks and every wrong answer loses points."""
    runs, wrong_exercises = both_ways
    for way, (outcomes, out) in runs.items():
        for lesson in SHRINKING:
            [graded_nb] = (out / "course" / "autograded" / "solution" / lesson).glob("*.ipynb")
            assert (NOTE in graded_nb.read_text()) == (way == "reduced"), f"{lesson} did not run its {way} demos"
        for outcome in outcomes:
            assert outcome.graded, outcome.problem
            for exercise, score in outcome.scores.items():
                top = exercise_catalog()[exercise].points
                if outcome.learner == "solution" or exercise not in wrong_exercises[outcome.lesson]:
                    assert score == top, f"{way}: {outcome.learner}/{exercise} scored {score} of {top}"
                else:
                    assert score < top, f"{way}: the wrong answer to {exercise} scored {score} of {top}"
