"""autograder/course/scrub.py: output lines that hold hidden test code are removed, rule by rule."""

import nbformat
import pytest

from autograder.course import scrub
from autograder.notebooks import HIDDEN_BEGIN, HIDDEN_END

SECRET = "ex.check(checks.keys_readable(['user:42:settings']))"
SHOWN = "ex.check(checks.keys_namespaced([key]))"


@pytest.fixture
def hidden(tmp_path):
    check = f"{SHOWN}\n{HIDDEN_BEGIN}\n{SECRET}\nassert ok\n{SHOWN}\n{HIDDEN_END}\n"
    source, release = tmp_path / "source.ipynb", tmp_path / "release.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(check)]), source)
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SHOWN)]), release)
    return scrub.hidden_lines(source, release)


def _nb(*outputs):
    cell = nbformat.v4.new_code_cell("print(In)")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return nbformat.v4.new_notebook(cells=[cell])


def _stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


@pytest.mark.parametrize("printed", [SECRET, repr([f"x = 1\n{SECRET}"]), f"  {SECRET}  # indented"])
def test_a_line_holding_a_hidden_line_plainly_or_repr_escaped_is_removed(hidden, printed):
    nb = _nb(_stream(f"before\n{printed}\nafter\n"))
    assert scrub.scrub_notebook(nb, hidden) == 1
    assert nb.cells[0].outputs[0]["text"] == f"before\n{scrub.REMOVED}\nafter\n"


def test_html_escaped_hidden_lines_are_removed_from_rich_outputs(hidden):
    import html

    nb = _nb({"output_type": "display_data", "metadata": {},
              "data": {"text/html": f"<pre>{html.escape(SECRET)}</pre>", "text/plain": SECRET}})  # fmt: skip
    assert scrub.scrub_notebook(nb, hidden) == 2


def test_short_lines_and_lines_the_release_shows_are_not_secrets(hidden):
    nb = _nb(_stream(f"assert ok\n{SHOWN}\n"))
    assert scrub.scrub_notebook(nb, hidden) == 0


def test_errors_are_scrubbed_and_images_untouched(hidden):
    nb = _nb(
        {"output_type": "error", "ename": "E", "evalue": SECRET, "traceback": [f"line\n{SECRET}"]},
        {"output_type": "display_data", "metadata": {}, "data": {"image/png": SECRET}},
    )
    assert scrub.scrub_notebook(nb, hidden) == 2
    assert nb.cells[0].outputs[1]["data"]["image/png"] == SECRET
