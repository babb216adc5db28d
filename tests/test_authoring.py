"""The lesson sources in content/: the text format, the build, and the errors an author sees."""

import json
import textwrap

import pytest

from autograder import layout
from autograder.authoring.answers import AnswersSourceError, read_answers
from autograder.authoring.build import build, content_lessons, read_lesson
from autograder.authoring.exercises_source import ExercisesSourceError, read_exercises
from autograder.authoring.lesson_text import LessonSourceError, read_cells, to_notebook

LESSON = """\
# %% [markdown] id="title"
# # Lesson 99 · Test

# %% setup
from autograder.lesson import Exercise, start_lesson
start_lesson()

# %% locked="fixture"
DATA = [1, 2]

# %% answer="l99-double"
def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION

# %% check
ex.expect(ex.call(double, 2) == 4, "key-namespace", expected="4", got="?")
ex.verdict()

# %% hints

# %% answer="l99-capstone"
class Service:
    pass

# %% check harness="capstone.ServiceCheck"
ex.run(Service)

# %% id="progress"
print("done")
"""

EXERCISES = """\
[l99-double]
title = "Double it"
standards = ["key-namespace"]
points = 2
hints = ["multiply"]

[l99-capstone]
title = "A service"
standards = ["ttl-always", "key-namespace"]
points = 11
hints = ["build it"]
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_compact_headers_expand_into_nbgrader_cells(tmp_path):
    cells = read_cells(_write(tmp_path, "lesson.py", LESSON))
    nb = to_notebook(cells, {"l99-double": 2, "l99-capstone": 11})
    by_id = {c.id: c for c in nb.cells}
    assert list(by_id) == ["title", "setup", "fixture", "l99-double-answer", "l99-double", "hint-l99-double",
                           "l99-capstone-answer", "l99-capstone", "progress"]  # fmt: skip
    assert by_id["setup"].metadata.nbgrader == {"grade": False, "grade_id": "setup", "locked": True,
                                                "schema_version": 3, "solution": False, "task": False}  # fmt: skip
    assert by_id["fixture"].metadata.nbgrader["locked"] is True
    answer = by_id["l99-double-answer"].metadata.nbgrader
    assert answer["solution"] is True and answer["locked"] is False and answer["grade_id"] == "l99-double-answer"
    check = by_id["l99-double"].metadata.nbgrader
    assert check["grade"] is True and check["locked"] is True and check["points"] == 2
    assert by_id["l99-double"].source.splitlines()[0] == 'ex = Exercise("l99-double")'
    assert by_id["hint-l99-double"].source == 'hints("l99-double")'
    assert by_id["l99-capstone"].source.splitlines()[0] == 'ex = capstone.ServiceCheck("l99-capstone")'
    assert by_id["title"].cell_type == "markdown" and by_id["title"].source == "# Lesson 99 · Test"
    assert by_id["progress"].metadata == {}


def test_a_check_that_names_its_exercise_keeps_its_own_first_line(tmp_path):
    text = LESSON.replace("# %% check\nex.expect", '# %% check\nimport re\nex = Exercise("l99-double")\nex.expect')
    cells = read_cells(_write(tmp_path, "lesson.py", text))
    nb = to_notebook(cells, {"l99-double": 2, "l99-capstone": 11})
    assert nb.cells[4].source.startswith("import re\nex = Exercise")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('# %% [markdown] id="title"', "# %% [markdown]"), "needs a readable id"),
        (lambda t: t.replace('id="progress"', 'id="title"'), "already used by cell 1"),
        (lambda t: t.replace('id="progress"', 'id="Progress Cell"'), "lower-case"),
        (lambda t: t.replace("# %% hints", "# %% hint"), "unknown header word 'hint'"),
        (lambda t: t.replace('# %% check harness="capstone.ServiceCheck"', '# %% id="x"'), "has no `# %% check` after"),
        (lambda t: t.replace("# %% check\nex.expect", '# %% id="x"\nex.expect'), "belongs after a `# %% check`"),
        (lambda t: t.replace('# %% answer="l99-double"', '# %% id="x"'), "a check needs an answer cell above it"),
        (lambda t: t.replace("# %% setup", "# %% setup colour=1"), "unknown header option(s) colour"),
    ],
)
def test_bad_lesson_text_gets_an_error_naming_the_cell_and_the_fix(tmp_path, change, message):
    with pytest.raises(LessonSourceError, match=message.replace("(", r"\(").replace(")", r"\)")) as error:
        read_cells(_write(tmp_path, "lesson.py", change(LESSON)))
    assert "lesson.py" in str(error.value)


def test_exercises_toml_is_validated_with_the_fix_in_the_message(tmp_path):
    entries = read_exercises(_write(tmp_path, "exercises.toml", EXERCISES), "99-test")
    assert [e["id"] for e in entries] == ["l99-double", "l99-capstone"] and entries[0]["lesson"] == "99-test"
    for bad, message in [
        (EXERCISES.replace('standards = ["key-namespace"]', 'standards = ["key-names"]'), "unknown standard id"),
        (EXERCISES.replace("points = 2\n", ""), "`points` is missing"),
        (EXERCISES.replace('hints = ["multiply"]', 'hints = ["multiply"]\ncolour = 1'), "unknown key"),
        (EXERCISES + "[broken", "not readable TOML"),
    ]:
        with pytest.raises(ExercisesSourceError, match=message):
            read_exercises(_write(tmp_path, "exercises.toml", bad), "99-test")


def test_answers_bind_to_the_exercise_whose_names_they_define(tmp_path):
    cells = read_cells(_write(tmp_path, "lesson.py", LESSON))
    answers_text = """\
    # Opening comment: not an answer.

    # %% wrong="ttl-always"
    # triples instead
    def double(x):
        return 3 * x

    # %% valid=true
    # adds
    def _helper(x):
        return x + x

    def double(x):
        return _helper(x)

    # %% wrong="ttl-always" points=10 exercise="l99-capstone"
    # names it explicitly
    X = 1
    """
    answers = read_answers(_write(tmp_path, "answers.py", answers_text), cells)
    assert [(a.exercise, a.label, a.valid, a.points) for a in answers] == [
        ("l99-double", "triples instead", False, None),
        ("l99-double", "adds", True, None),
        ("l99-capstone", "names it explicitly", False, 10.0),
    ]
    with pytest.raises(AnswersSourceError, match="matches 0 answer cells"):
        read_answers(_write(tmp_path, "answers.py", '# %% wrong="ttl-always"\ndef triple(x):\n    pass\n'), cells)
    with pytest.raises(AnswersSourceError, match="wrong=|valid=true"):
        read_answers(_write(tmp_path, "answers.py", "# %% title\ndef double(x):\n    pass\n"), cells)


def test_the_committed_solutions_and_catalog_are_what_the_build_makes():
    stale = build(check_only=True)
    assert not stale, f"{stale} are out of date with content/; run `make lessons`"
    assert content_lessons() == layout.lesson_ids()


def test_every_lesson_source_has_its_three_files_and_the_catalog_covers_every_exercise():
    catalog = json.loads((layout.REPO_ROOT / "autograder/catalog/exercises.json").read_text())["exercises"]
    for lesson in content_lessons():
        folder = layout.REPO_ROOT / layout.CONTENT / lesson
        assert {p.name for p in folder.iterdir() if p.is_file()} >= {"lesson.py", "exercises.toml", "answers.py"}
        read = read_lesson(lesson)
        assert [e["id"] for e in read.exercises] == [e["id"] for e in catalog if e["lesson"] == lesson]


def test_jupyterlab_opens_lesson_text_as_a_notebook_and_saves_it_back_unchanged(tmp_path):
    """What JupyterLab's "Open With → Notebook" does through jupytext's contents manager."""
    from jupyter_server.services.contents.filemanager import FileContentsManager
    from jupytext.sync_contentsmanager import build_sync_jupytext_contents_manager_class

    source = layout.REPO_ROOT / layout.CONTENT / "01-key-design" / layout.LESSON_FILE
    (tmp_path / "lesson.py").write_text(source.read_text())
    manager = build_sync_jupytext_contents_manager_class(FileContentsManager)(root_dir=str(tmp_path))
    model = manager.get("lesson.py", type="notebook")
    assert model["type"] == "notebook" and model["content"]["cells"][0]["metadata"] == {"id": "title"}
    manager.save({"type": "notebook", "content": model["content"]}, "lesson.py")
    before, after = read_cells(source), read_cells(tmp_path / "lesson.py")
    assert [(c.kind, c.id, c.source) for c in after] == [(c.kind, c.id, c.source) for c in before]


def test_new_exercise_scaffolds_three_files_that_build_with_the_id_typed_once(tmp_path):
    import shutil

    from autograder.authoring.scaffold import new_exercise

    shutil.copytree(layout.REPO_ROOT / layout.CONTENT / "01-key-design", tmp_path / layout.CONTENT / "01-key-design")
    changed = new_exercise("01-key-design", "l01-session-key", title="A session key", root=tmp_path)
    assert [p.name for p in changed] == ["lesson.py", "exercises.toml", "answers.py"]
    lesson = read_lesson("01-key-design", tmp_path)
    ids = [e["id"] for e in lesson.exercises]
    assert ids[-2:] == ["l01-session-key", "l01-kata"], "new exercises go before the review kata, in both files"
    by_id = {c.id: c for c in to_notebook(lesson.cells, {e["id"]: e["points"] for e in lesson.exercises}).cells}
    assert by_id["l01-session-key"].source.startswith('ex = Exercise("l01-session-key")')
    assert by_id["hint-l01-session-key"].source == 'hints("l01-session-key")'
    typed = sum(p.read_text().count("l01-session-key") for p in changed)
    assert typed <= 4  # the lesson's answer header and the catalog table, plus two comments naming it
    with pytest.raises(ValueError, match="already exists"):
        new_exercise("01-key-design", "l01-session-key", root=tmp_path)
    with pytest.raises(ValueError, match="look like l01-"):
        new_exercise("01-key-design", "session-key", root=tmp_path)
    with pytest.raises(ValueError, match="no lesson"):
        new_exercise("99-nope", "l99-x", root=tmp_path)


def test_prove_passes_a_finished_lesson_and_names_what_is_unfinished(no_redis_url, monkeypatch):
    from autograder.authoring import prove

    assert prove.prove_lesson("00-welcome").proven
    # The untouched lesson in place of its solution: exactly what an unwritten reference answer looks like.
    release = layout.notebook_path(layout.RELEASE, "00-welcome")
    monkeypatch.setattr(prove.layout, "notebook_path", lambda folder, lesson: release)
    proof = prove.prove_lesson("00-welcome")
    assert not proof.proven and "solution of l00-remember-greeting scores 0/1" in proof.problems[0]


def test_no_lesson_cell_rebinds_a_name_the_setup_cell_imports():
    """A demo that reuses a facade name (``timeline = ...``) trips the run-time tamper check on every answer."""
    from autograder.harness.tamper import tampering_in_source

    found = []
    for lesson_id in content_lessons():
        for cell in read_cells(layout.REPO_ROOT / layout.CONTENT / lesson_id / layout.LESSON_FILE):
            if cell.cell_type == "code" and cell.kind != "setup":
                found += [f"{lesson_id} cell {cell.id or cell.number}: {p}" for p in tampering_in_source(cell.source)]
    assert not found, "\n".join(found)
