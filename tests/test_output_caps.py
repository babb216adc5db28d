"""autograder/course/output_caps.py: learner outputs are capped per output and per notebook, rule by rule."""

import nbformat

from autograder.course import output_caps


def _nb(*cells_outputs):
    cells = []
    for outputs in cells_outputs:
        cell = nbformat.v4.new_code_cell("x")
        cell.outputs = [nbformat.from_dict(o) for o in outputs]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def _stream(text):
    return {"output_type": "stream", "name": "stdout", "text": text}


def _image(size):
    return {"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * size}}


def test_small_outputs_are_kept_as_they_are():
    nb = _nb([_stream("hello\n"), _image(1000)], [])
    before = nbformat.writes(nb)
    assert output_caps.cap_notebook(nb, per_output=10_000, per_notebook=100_000) == 0
    assert nbformat.writes(nb) == before


def test_long_text_is_cut_at_the_cap_with_how_much_was_left_out():
    nb = _nb([_stream(["a" * 600, "b" * 600])])
    assert output_caps.cap_notebook(nb, per_output=1000, per_notebook=100_000) == 1
    text = nb.cells[0].outputs[0]["text"]
    assert text.startswith("a" * 600 + "b" * 400) and "more characters]" in text
    assert len(text) < 1100


def test_a_large_rich_output_becomes_a_note():
    nb = _nb([_image(5000), _stream("after\n")])
    assert output_caps.cap_notebook(nb, per_output=1000, per_notebook=100_000) == 1
    first, second = nb.cells[0].outputs
    assert "image/png" not in first.get("data", {}) and "5,0" in first["text"] and "left out" in first["text"]
    assert second["text"] == "after\n"


def test_past_the_notebook_cap_every_further_output_is_a_note():
    nb = _nb([_stream("x" * 400), _stream("y" * 400)], [_stream("z" * 400), _stream("w\n")])
    assert output_caps.cap_notebook(nb, per_output=1000, per_notebook=1000) == 2
    kept = [o["text"] for c in nb.cells for o in c.outputs]
    assert kept[:2] == ["x" * 400, "y" * 400]
    assert all("more output than a notebook may keep" in t for t in kept[2:])
