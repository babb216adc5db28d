"""nbgrader's feedback HTML of an autograded lesson shows the check reports, hints and progress as readable text.

Widgets cannot render there (no kernel, no widget state): their static fallbacks must carry the text.
"""

import shutil

import nbformat
from support.notebooks import cell_by_id, html_text, lesson_path, read, solution_path, squash

from autograder.catalog.exercises import exercise_info
from autograder.course import nbgrader as course

LESSON = "01-key-design"


def test_feedback_html_of_an_autograded_lesson_reads_as_text(tmp_path, no_redis_url):
    course.make_course(tmp_path, [LESSON])
    submission = read(lesson_path(LESSON))
    answer = cell_by_id(read(solution_path(LESSON)), "l01-settings-key-answer").source
    cell_by_id(submission, "l01-settings-key-answer").source = answer
    target = tmp_path / "submitted" / "learner" / LESSON
    target.mkdir(parents=True)
    nbformat.write(submission, target / f"{LESSON}.ipynb")
    course.autograde(tmp_path, LESSON, "learner")
    course.generate_feedback(tmp_path, LESSON, "learner")
    [feedback] = (tmp_path / "feedback" / "learner" / LESSON).glob("*.html")
    text = html_text(feedback)

    # the report card (HTML) and the plain report (stdout) of a passing and a failing exercise
    for line in ("✅ Passed · A settings key", "🎉 Nicely done: your code keeps key-namespace, key-readable.",
                 "❌ Not yet · Tenants without SELECT", "❌ NOT YET · Tenants without SELECT",
                 "got: the stub still raises NotImplementedError"):  # fmt: skip
        assert squash(line) in text, line
    assert squash("expected") in text and squash("[key-no-numbered-db]") in text
    # the hint ladder's fallback: the first hint, as text
    assert squash(exercise_info("l01-tenant-store").hints[0]) in text
    # the progress panel's fallback
    assert squash("01 · Key design") in text and squash("1/5 exercises done.") in text
    # a failing exercise's reference solution is never in the feedback
    assert squash('return r.get(f"tenant:') not in text
    shutil.rmtree(tmp_path / "autograded")
