"""Notebooks are committed clean, with stable ids and nbgrader metadata, and lessons/ is generated."""

import pytest
from support.notebooks import LESSONS, ROOT, SOLUTIONS, all_notebooks, graded_cells, nbgrader_meta, read

from autograder import layout
from autograder.course.release import release_lessons

NOTEBOOKS = all_notebooks()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_committed_without_outputs_or_execution_counts(path):
    for cell in read(path).cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: cell {cell.id} has output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_cells_have_stable_unique_readable_ids(path):
    ids = [cell.get("id") for cell in read(path).cells]
    assert all(ids) and len(ids) == len(set(ids))
    # Hand-chosen ids, not nbformat's random hex: they stay put across edits and regeneration.
    assert not any(len(i) == 8 and all(ch in "0123456789abcdef" for ch in i) for i in ids), ids


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_every_graded_cell_has_grade_id_and_points(path):
    nb = read(path)
    graded = graded_cells(nb)
    assert graded, f"{path.name} has no graded cells"
    grade_ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells if nbgrader_meta(c)]
    assert len(grade_ids) == len(set(grade_ids)), "duplicate grade_id (nbgrader #1083)"
    for cell in graded:
        meta = nbgrader_meta(cell)
        assert meta.get("grade_id") and meta.get("points", 0) > 0 and meta.get("locked") is True, meta
    for cell in nb.cells:
        if nbgrader_meta(cell).get("solution"):
            assert nbgrader_meta(cell)["grade_id"].endswith("-answer")


def test_each_exercise_has_an_answer_cell_before_its_check():
    for path in SOLUTIONS.glob("*/*.ipynb"):
        nb = read(path)
        order = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
        for cell in graded_cells(nb):
            grade_id = cell.metadata.nbgrader["grade_id"]
            answer = f"{grade_id}-answer"
            assert answer in order and order.index(answer) < order.index(grade_id), f"{path.name}: {grade_id}"


def test_solutions_hold_solutions_and_lessons_hold_stubs():
    for path in SOLUTIONS.glob("*/*.ipynb"):
        assert "### BEGIN SOLUTION" in path.read_text()
    for path in LESSONS.glob("*/*.ipynb"):
        text = path.read_text()
        assert "### BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
        assert "raise NotImplementedError()" in text


def test_lessons_equal_what_regeneration_from_solutions_produces():
    stale = release_lessons(check_only=True)
    assert not stale, f"lessons/ is out of date with solutions/ ({stale}); run `make lessons`"
    assert sorted(p.name for p in LESSONS.iterdir() if p.is_dir()) == layout.lesson_ids()


def test_kata_keys_live_only_in_the_hidden_blocks_of_solutions():
    """A kata's key (the violated ids and the nudges) is in its check's hidden block in solutions/ (what grading and
    a self-paced clone run), and neither in the released lesson nor in the installed package's catalog."""
    from autograder.authoring.build import content_lessons, read_lesson
    from autograder.notebooks import hidden_block

    catalog_json = (ROOT / "autograder" / "catalog" / "exercises.json").read_text()
    assert '"answer"' not in catalog_json and '"nudges"' not in catalog_json
    katas = [(lesson, e) for lesson in content_lessons() for e in read_lesson(lesson).exercises if "answer" in e]
    assert len(katas) >= 10
    for lesson, kata in katas:
        check = next(c for c in graded_cells(read(SOLUTIONS / lesson / f"{lesson}.ipynb")) if c.id == kata["id"])
        block = hidden_block(check.source)
        assert "ex.kata_key(" in block and all(f'"{sid}"' in block for sid in kata["answer"]), kata["id"]
        released = (LESSONS / lesson / f"{lesson}.ipynb").read_text()
        assert "kata_key" not in released, kata["id"]
        for nudge in kata["nudges"].values():
            assert nudge not in released and nudge not in catalog_json, f"{kata['id']}: a nudge is visible: {nudge}"
