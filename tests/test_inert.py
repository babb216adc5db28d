"""autograder/course/inert.py: learner markup in the autograded notebook is made inert, rule by rule."""

import re

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from support.notebooks import lesson_path

from autograder import layout
from autograder.course import inert
from autograder.learner.report_card import report_html


def _nb(*outputs, cells=()):
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    return nbformat.v4.new_notebook(cells=[cell, *cells])


def _display(data, metadata=None):
    return {"output_type": "display_data", "data": data, "metadata": metadata or {}}


def _unsafe(markup):
    """The learner scripts, event handlers, javascript: links and frames left in ``markup``."""
    return re.findall(r"<script|\son\w+\s*=|javascript:|<iframe|<svg", markup, re.I)


def test_html_outputs_lose_scripts_handlers_links_and_frames_and_keep_the_rest():
    hostile = ("<script>pwned(1)</script><b>bold</b><img src=x onerror=pwned(2)><a href='javascript:pwned(3)'>a</a>"
               "<iframe src=x></iframe><table><tr><td>cell</td></tr></table>")  # fmt: skip
    nb = _nb(_display({"text/html": hostile, "text/plain": "<plain>"}))
    assert inert.make_inert(nb) == 1
    [output] = nb.cells[0].outputs
    html = output.data["text/html"]
    assert not _unsafe(html), html
    assert "<b>bold</b>" in html and "<td>cell</td>" in html and "<a>a</a>" in html
    assert output.data["text/plain"] == "<plain>"


def test_the_katas_report_card_and_widget_fallback_keep_their_markup_and_stylesheets():
    card = report_html(exercise_id="l01-settings-key", title="A settings key", standards=["key-namespace"],
                       findings=[], passed=True)  # fmt: skip
    nb = _nb(_display({"text/html": card}))
    inert.make_inert(nb)
    html = nb.cells[0].outputs[0].data["text/html"]
    assert re.search(r'<section [^>]*class="kata-report kata-pass"', html) and html.startswith("<style>.kata-report{")
    assert "✅ Passed" in html and "<code>key-namespace</code>" in html


@pytest.mark.parametrize("mime", ["application/javascript", "image/svg+xml", "text/vnd.mermaid", "application/pdf"])
def test_a_type_not_known_to_be_inert_becomes_a_note_saying_what_was_removed(mime):
    nb = _nb(_display({mime: "<svg onload=pwned(1)/>"}), {"output_type": "stream", "name": "stdout", "text": "after"})
    assert inert.make_inert(nb) == 1
    note, after = nb.cells[0].outputs
    assert note.output_type == "stream" and note.text == f"[{mime} output: {inert.NOTE}]\n"
    assert after.text == "after"


def test_the_rest_of_an_output_stays_when_one_of_its_types_is_removed():
    nb = _nb(_display({"application/javascript": "pwned(1)", "text/plain": "a fallback"}))
    inert.make_inert(nb)
    kept, note = nb.cells[0].outputs
    assert dict(kept.data) == {"text/plain": "a fallback"} and "application/javascript" in note.text


def test_image_sizes_that_are_not_numbers_are_dropped():
    nb = _nb(
        _display({"image/png": "iVBOR"}, {"image/png": {"width": "1 onerror=pwned(1)", "height": 20}}),
        _display({"image/jpeg": "/9j/"}, {"height": "1 onload=pwned(2)", "width": 30.5}),
    )
    assert inert.make_inert(nb) == 2
    png, jpeg = nb.cells[0].outputs
    assert png.metadata == {"image/png": {"height": 20}} and jpeg.metadata == {"width": 30.5}
    assert png.data == {"image/png": "iVBOR"}


def test_markdown_outputs_and_cells_lose_raw_html_and_javascript_links():
    hostile = "<script>pwned(1)</script><img src=x onerror=pwned(2)>\n\n*em* [a link](javascript:pwned(3)) **strong**"
    nb = _nb(_display({"text/markdown": hostile}), cells=[nbformat.v4.new_markdown_cell(hostile)])
    assert inert.make_inert(nb) == 2
    for source in (nb.cells[0].outputs[0].data["text/markdown"], nb.cells[1].source):
        rendered = markdown2html_mistune(source)
        assert not _unsafe(rendered), rendered
        assert "<em>em</em>" in rendered and "<strong>strong</strong>" in rendered and "<a>a link</a>" in rendered


def test_a_rewritten_markdown_cell_renders_as_itself_with_its_code_intact():
    """Cleaned, a Markdown cell is one HTML block: a renderer passes it through whole, blank lines in code too
    (a blank line would end the block, and what follows would be read as Markdown again)."""
    code = "```python\nif a < b:\n\n  \n    pass\n```"  # a blank line and one of spaces
    source = f"# Answer\n\n<b>bold</b> and `user:<id>:x`\n\n{code}\n\n[x](javascript:y)"
    cell = nbformat.v4.new_markdown_cell(source)
    inert.make_inert(nbformat.v4.new_notebook(cells=[cell]))
    rendered = markdown2html_mistune(cell.source)
    assert rendered.strip() == cell.source and not _unsafe(rendered)
    assert "<b>bold</b>" in rendered and "<code>user:&lt;id&gt;:x</code>" in rendered and "<h1" in rendered
    pre = re.search(r"<pre>(.*?)</pre>", rendered, re.S).group(1)
    assert re.sub(r"<[^>]+>", "", pre).replace("&#10;", "\n") == "if a &lt; b:\n\n  \n    pass\n"


def test_benign_markdown_is_kept_as_written_and_a_second_pass_changes_nothing():
    plain = "it's *fine*: `user:<id>:x`, a < b, see the [docs](https://redis.io/docs)"
    cells = [nbformat.v4.new_markdown_cell(plain), nbformat.v4.new_markdown_cell("<script>pwned(1)</script>**kept**")]
    nb = _nb(_display({"text/html": "<script>pwned(2)</script>"}), cells=cells)
    assert inert.make_inert(nb) == 2
    assert nb.cells[1].source == plain and nb.cells[2].source == "<div>**kept**</div>"
    before = nbformat.writes(nb)
    assert inert.make_inert(nb) == 0 and nbformat.writes(nb) == before


def test_streams_errors_and_images_are_left_as_they_are():
    nb = _nb(
        {"output_type": "stream", "name": "stdout", "text": "<script>pwned(1)</script>"},  # nbconvert escapes these
        {"output_type": "error", "ename": "E", "evalue": "<b>", "traceback": ["<img onerror=pwned(2)>"]},
        _display({"image/png": "iVBOR", "text/plain": "<Figure>"}, {"image/png": {"width": 640}}),
    )
    before = nbformat.writes(nb)
    assert inert.make_inert(nb) == 0 and nbformat.writes(nb) == before


def test_raw_cells_and_the_saved_widget_state_are_made_inert():
    nb = _nb(cells=[nbformat.v4.new_raw_cell("<script>pwned(1)</script><b>raw</b>")])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"value": "<img onerror=x>"}}}
    assert inert.make_inert(nb) == 2
    assert nb.cells[1].source == "<b>raw</b>" and "widgets" not in nb.metadata


@pytest.mark.parametrize("lesson", layout.lesson_ids(layout.RELEASE))
def test_every_lessons_own_markdown_is_kept_as_written(lesson):
    nb = nbformat.read(lesson_path(lesson), as_version=4)
    before = nbformat.writes(nb)
    assert inert.make_inert(nb) == 0 and nbformat.writes(nb) == before
