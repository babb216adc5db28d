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


@pytest.mark.parametrize(
    "shown_as",
    [
        lambda s: s,
        lambda s: __import__("html").escape(s),
        lambda s: __import__("html").escape(s, quote=False),
        lambda s: s.replace("\\", "\\\\").replace("'", "\\'"),
        lambda s: s.replace("\\", "\\\\").replace('"', '\\"'),
    ],
    ids=["plain", "html", "html-no-quotes", "repr-single", "repr-double"],
)
def test_every_escaped_form_of_a_hidden_line_is_found(tmp_path, shown_as):
    secret = """assert f(r"a\\b") == 'x' and g("<y>") & 1"""  # quotes, a backslash and HTML specials
    source, release = tmp_path / "s.ipynb", tmp_path / "r.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"{HIDDEN_BEGIN}\n{secret}\n{HIDDEN_END}")]),
                   source)  # fmt: skip
    nbformat.write(nbformat.v4.new_notebook(cells=[]), release)
    nb = _nb(_stream(f"x {shown_as(secret)} y"))
    assert scrub.scrub_notebook(nb, scrub.hidden_lines(source, release)) == 1
    assert nb.cells[0].outputs[0]["text"] == scrub.REMOVED


def test_list_valued_outputs_stay_lists_of_lines(hidden):
    data = {"text/plain": ["keep\n", f"{SECRET}\n", "keep too"], "application/json": {"a": SECRET}}
    nb = _nb({"output_type": "display_data", "metadata": {}, "data": data})
    assert scrub.scrub_notebook(nb, hidden) == 1
    data = nb.cells[0].outputs[0]["data"]
    assert data["text/plain"] == ["keep\n", f"{scrub.REMOVED}\n", "keep too"]
    assert data["application/json"] == {"a": SECRET}  # structured data is left as it is


def test_every_traceback_frame_and_the_error_value_are_scrubbed_and_counted(hidden):
    nb = _nb({"output_type": "error", "ename": "E", "evalue": f"no\n{SECRET}",
              "traceback": [f"{SECRET}\nok", "plain frame", f"a\n{SECRET}"]})  # fmt: skip
    assert scrub.scrub_notebook(nb, hidden) == 3
    error = nb.cells[0].outputs[0]
    assert error["evalue"] == f"no\n{scrub.REMOVED}"
    assert error["traceback"] == [f"{scrub.REMOVED}\nok", "plain frame", f"a\n{scrub.REMOVED}"]


def test_hidden_lines_are_only_those_between_the_markers_and_long_enough(tmp_path):
    source, release = tmp_path / "s.ipynb", tmp_path / "r.ipynb"
    check = f"visible_line_outside()\n{HIDDEN_BEGIN}\n   {SECRET}   \nshort()\n{HIDDEN_END}\nafter_the_block_ends()\n"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(check)]), source)
    nbformat.write(nbformat.v4.new_notebook(cells=[]), release)
    lines = scrub.hidden_lines(source, release)
    assert SECRET in lines and "short()" not in lines
    assert not any("visible_line_outside" in h or "after_the_block_ends" in h for h in lines)
    assert len(SECRET) >= scrub.MIN_LENGTH > len("short()")


def test_every_removed_line_is_counted_across_lines_outputs_cells_and_notebooks(hidden, tmp_path):
    error = {"output_type": "error", "ename": "E", "evalue": SECRET, "traceback": [SECRET, SECRET]}
    nb = _nb(_stream(f"{SECRET}\nok\n{SECRET}\n"), error, _stream(SECRET))
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("a markdown cell has no outputs"))
    nb.cells.append(_nb(_stream(SECRET)).cells[0])
    assert scrub.scrub_notebook(nb, hidden) == 7


def test_an_error_without_value_or_traceback_is_left_as_it_is(hidden):
    nb = _nb({"output_type": "error", "ename": "E", "evalue": "", "traceback": []})
    del nb.cells[0].outputs[0]["evalue"], nb.cells[0].outputs[0]["traceback"]
    assert scrub.scrub_notebook(nb, hidden) == 0
    assert nb.cells[0].outputs[0]["evalue"] == "" and nb.cells[0].outputs[0]["traceback"] == []


def test_a_hidden_line_printed_in_pieces_is_found_once_the_streams_are_merged(hidden):
    half = len(SECRET) // 2
    nb = _nb(_stream("before\n" + SECRET[:half]), _stream(SECRET[half:] + "\nafter\n"))
    assert scrub.scrub_notebook(nb, hidden) == 1
    assert [o["text"] for o in nb.cells[0].outputs] == [f"before\n{scrub.REMOVED}\nafter\n"]


def test_only_consecutive_outputs_of_one_stream_are_merged():
    stderr = {"output_type": "stream", "name": "stderr", "text": "warn\n"}
    shown = {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "x"}}
    nb = _nb(_stream("VANDALISED"), _stream([" 0 files", "\n"]), stderr, _stream("a"), shown, _stream("b"))
    assert scrub.merge_streams(nb) == 1
    assert [o.get("text") for o in nb.cells[0].outputs] == ["VANDALISED 0 files\n", "warn\n", "a", None, "b"]
    assert scrub.merge_streams(nb) == 0
