"""worker.prepare_for_feedback: an autograded submission's notebooks scrubbed of hidden lines, capped, made inert."""

import nbformat
import pytest

from autograder import layout
from autograder.course import inert, output_caps, scrub
from autograder.course.worker import prepare_for_feedback
from autograder.notebooks import HIDDEN_BEGIN, HIDDEN_END

LESSON = "01-key-design"
SECRET = "ex.check(checks.keys_readable(['user:42:settings']))"


@pytest.fixture
def course(tmp_path):
    """A course folder whose lesson source holds SECRET in a hidden block (the release shows nothing)."""
    check = f"{HIDDEN_BEGIN}\n{SECRET}\n{HIDDEN_END}"
    for folder, cells in ((layout.SOURCE, [nbformat.v4.new_code_cell(check)]), (layout.RELEASE, [])):
        path = layout.notebook_path(folder, LESSON, tmp_path)
        path.parent.mkdir(parents=True)
        nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return tmp_path


def _write(course, student, name, *texts):
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text) for text in texts]
    path = course / "autograded" / student / LESSON / name
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), path)
    return path


def test_hidden_lines_are_scrubbed_and_only_notebooks_that_held_them_rewritten(course):
    leaky = _write(course, "leaky", f"{LESSON}.ipynb", SECRET)
    _write(course, "leaky", "a-second-notebook.ipynb", f"{SECRET}\n{SECRET}")
    quiet = _write(course, "quiet", f"{LESSON}.ipynb", "nothing hidden here")
    before = quiet.read_bytes()
    assert prepare_for_feedback(course, LESSON, "leaky")[0] == 3
    assert prepare_for_feedback(course, LESSON, "quiet")[0] == 0
    assert nbformat.read(leaky, as_version=4).cells[0].outputs[0]["text"] == scrub.REMOVED
    assert quiet.read_bytes() == before


def test_outputs_are_capped_and_only_notebooks_it_changed_rewritten(course, monkeypatch):
    monkeypatch.setattr(output_caps, "PER_OUTPUT", 1000)
    big = _write(course, "ada", "big.ipynb", "q" * 5000)
    small = _write(course, "ada", "small.ipynb", "small\n")
    before = small.read_bytes()
    assert prepare_for_feedback(course, LESSON, "ada")[1] == 1
    assert "more characters]" in nbformat.read(big, as_version=4).cells[0].outputs[0]["text"]
    assert small.read_bytes() == before


def test_learner_markup_is_made_inert_and_only_notebooks_it_changed_rewritten(course):
    hostile = _write(course, "eve", "hostile.ipynb", "printed")
    nb = nbformat.read(hostile, as_version=4)
    nb.cells[0].outputs.append(nbformat.v4.new_output("display_data", {"application/javascript": "pwned()"}))
    nb.cells.append(nbformat.v4.new_markdown_cell("<script>pwned()</script>**kept**"))
    nbformat.write(nb, hostile)
    quiet = _write(course, "eve", "quiet.ipynb", "printed")
    before = quiet.read_bytes()
    assert prepare_for_feedback(course, LESSON, "eve") == (0, 0, 2)
    cells = nbformat.read(hostile, as_version=4).cells
    assert [o.get("text") for o in cells[0].outputs] == ["printed", f"[application/javascript output: {inert.NOTE}]\n"]
    assert cells[1].source == "<div>**kept**</div>"
    assert quiet.read_bytes() == before
