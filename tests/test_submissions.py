"""The class-grading pipeline's error rows and exit codes: every input becomes a row that says what is wrong.

These run without nbgrader's autograde (only the collection step, or a class with nothing gradable), so each
rule is tested on its own; the real pipeline on real and hostile submissions is tests/test_grading.py.
"""

import shutil
import subprocess
import sys
import zipfile

import pytest
from support.notebooks import lesson_path

from autograder.course.submissions import collect, unpack
from autograder.notebooks import NotebookError

LESSON = "01-key-design"


def _place(folder, relative, source=None, text=None):
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    if text is not None:
        target.write_text(text)
    else:
        shutil.copy(source or lesson_path(LESSON), target)
    return target


def _problems(folder):
    return {(s.learner, s.lesson): s.problem for s in collect(folder)}


def test_both_layouts_are_gradable(tmp_path):
    _place(tmp_path, f"ada/{LESSON}/{LESSON}.ipynb")
    _place(tmp_path, f"bob__{LESSON}.ipynb")
    _place(tmp_path, f"ada/{LESSON}/.ipynb_checkpoints/{LESSON}-checkpoint.ipynb")  # never a submission
    subs = collect(tmp_path)
    assert [(s.learner, s.lesson, s.gradable) for s in subs] == [("ada", LESSON, True), ("bob", LESSON, True)]


@pytest.mark.parametrize(
    ("relative", "text", "key", "problem"),
    [
        ("loose.ipynb", None, ("loose.ipynb", "?"), "not in a known layout"),
        ("a/b/c/d.ipynb", None, ("a/b/c/d.ipynb", "?"), "not in a known layout"),
        (f"eve/99-nope/{LESSON}.ipynb", None, ("eve", "99-nope"), "unknown lesson '99-nope'"),
        (f"e ve/{LESSON}/x.ipynb", None, ("e ve", LESSON), "learner name 'e ve' must be"),
        (f"eve/{LESSON}/x.ipynb", "{not json", ("eve", LESSON), "is not a Jupyter notebook"),
        (f"eve/00-welcome/{LESSON}.ipynb", None, ("eve", "00-welcome"), f"is lesson {LESSON}, submitted as 00-welcome"),
    ],
)
def test_each_bad_submission_is_a_row_naming_its_problem(tmp_path, relative, text, key, problem):
    _place(tmp_path, relative, text=text)
    problems = _problems(tmp_path)
    assert problem in problems[key], problems


def test_a_notebook_without_the_lessons_graded_cells_is_named(tmp_path):
    import nbformat

    path = _place(tmp_path, f"eve/{LESSON}/x.ipynb")
    nb = nbformat.read(path, as_version=4)
    nb.cells = [c for c in nb.cells if "nbgrader" not in c.metadata or not c.metadata.nbgrader.get("grade")]
    nbformat.write(nb, path)
    assert "holds none of the lesson's graded cells" in _problems(tmp_path)[("eve", LESSON)]


def test_two_notebooks_for_one_lesson_are_both_graded_and_noted_not_a_silent_pick(tmp_path):
    _place(tmp_path, f"ada/{LESSON}/first.ipynb")
    _place(tmp_path, f"ada/{LESSON}/second.ipynb")
    first, second = collect(tmp_path)
    assert first.gradable and second.gradable and (first.student, second.student) == ("ada~1", "ada~2")
    assert all("2 notebooks were submitted as ada" in sub.notes[0] for sub in (first, second))


def test_a_zip_is_unpacked_and_a_member_escaping_the_inbox_is_never_written(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(lesson_path(LESSON), f"ada/{LESSON}/{LESSON}.ipynb")
        z.writestr("../escaped.ipynb", "{}")
    inbox, refused = unpack(archive, tmp_path / "out" / "inbox")
    assert (inbox / "ada" / LESSON / f"{LESSON}.ipynb").is_file()
    assert not (tmp_path / "out" / "escaped.ipynb").exists() and not (tmp_path / "escaped.ipynb").exists()
    assert [s.learner for s in collect(inbox)] == ["ada"]
    assert [(s.learner, s.gradable) for s in refused] == [("../escaped.ipynb", False)]  # reported, never dropped


def test_a_source_that_is_neither_folder_nor_zip_is_refused(tmp_path):
    source = _place(tmp_path, "notes.txt", text="hello")
    with pytest.raises(NotebookError, match="neither a folder nor a zip"):
        unpack(source, tmp_path / "inbox")


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", *args], capture_output=True, text=True, cwd=cwd)


def test_grade_exit_codes(tmp_path):
    missing = _cli("grade", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 2 and "no such folder or zip" in missing.stderr
    not_a_zip = _cli("grade", str(_place(tmp_path, "notes.txt", text="x")), cwd=tmp_path)
    assert not_a_zip.returncode == 2 and "neither a folder nor a zip" in not_a_zip.stderr
    ungradable = tmp_path / "class"
    _place(ungradable, "loose.ipynb")
    result = _cli("grade", str(ungradable), "--out", str(tmp_path / "graded"), "--jobs", "1", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    grades = (tmp_path / "graded" / "grades.csv").read_text()
    assert "loose.ipynb" in grades and "not in a known layout" in grades


def test_release_check_exits_zero_when_everything_is_built(tmp_path):
    result = _cli("release", "--check", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "match content/" in result.stdout
