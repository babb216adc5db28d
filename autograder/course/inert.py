"""Learner markup in the autograded notebook is made inert, so no reader of it runs any: nbgrader's formgrader
(a plain ``HTMLExporter``: HTML and Markdown as written, JavaScript as ``<script>``), feedback, nbconvert, JupyterLab.

After autograde, in the notebook itself: HTML outputs pass through :func:`safe_html.clean_html`; Markdown outputs and
cells that could hold markup are rendered by nbconvert's renderer, cleaned and kept as one HTML block (text and
formatting stay; images, scripts and ``javascript:`` links go); raw cells are cleaned. Any other output type not
known to be inert becomes a note: JavaScript, and SVG too (it can carry script, and ``clean_html``, an HTML
allow-list, would keep only its text; the lessons plot PNG). Image sizes that are not numbers go (nbconvert writes
them into the ``<img>`` tag unquoted), and so does the saved widget state (nbconvert's HTML loads a widget renderer
that shows an HTML widget's value unsanitized).
"""

from __future__ import annotations

import re

import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from .safe_html import clean_html

INERT = {
    "text/plain", "text/html", "text/markdown", "text/latex", "image/png", "image/jpeg", "image/gif",
    "application/json", "application/vnd.jupyter.widget-view+json",  # a widget view shows nothing without its state
}  # fmt: skip
NOTE = "left out of the graded copy, as it could run script"


def clean_markdown(source: str) -> str:
    """``source`` as written if it cannot hold markup, or renders to nothing :func:`clean_html` changes; otherwise
    its rendering, cleaned, as one HTML block that Markdown renderers pass through as it is."""
    if "<" not in source and "[" not in source:  # no raw HTML, autolink, link or image: only the renderer's markup
        return source
    rendered = markdown2html_mistune(source)
    cleaned = clean_html(rendered)
    if cleaned == rendered:
        return source
    # An HTML block ends at a blank line: the newline before one is written &#10;, the same character to a browser.
    return "<div>" + re.sub(r"\n(?=[^\S\n]*\n)", "&#10;", cleaned.strip()) + "</div>"


def _note(dropped: list[str]) -> dict:
    return nbformat.v4.new_output("stream", name="stdout", text=f"[{', '.join(dropped)} output: {NOTE}]\n")


def _output(output) -> tuple[list, bool]:
    """(the outputs that replace ``output``: itself, followed by a note or as a note alone; whether it changed)."""
    data, metadata = output.get("data"), output.get("metadata", {})
    if data is None:  # a stream or an error: nbconvert escapes both
        return [output], False
    changed = False
    for mime, value in list(data.items()):
        text = "".join(value) if isinstance(value, list) else value
        cleaned = clean_html(text) if mime == "text/html" else clean_markdown(text) if mime == "text/markdown" else text
        if cleaned != text:
            data[mime], changed = cleaned, True
    for meta in (metadata, *(m for m in metadata.values() if isinstance(m, dict))):
        for key in ("width", "height"):
            if key in meta and not isinstance(meta[key], int | float):
                del meta[key]
                changed = True
    dropped = [mime for mime in data if mime not in INERT]
    for mime in dropped:
        del data[mime]
    if not dropped:
        return [output], changed
    return ([output] if data else []) + [_note(dropped)], True


def make_inert(nb) -> int:
    """Make ``nb``'s outputs and cells inert in place; how many outputs and cells (and widget states) changed."""
    changed = int(nb.metadata.pop("widgets", None) is not None)
    for cell in nb.cells:
        if cell.cell_type in ("markdown", "raw"):
            cleaned = clean_markdown(cell.source) if cell.cell_type == "markdown" else clean_html(cell.source)
            if cleaned != cell.source:
                cell.source, changed = cleaned, changed + 1
        outputs = []
        for output in cell.get("outputs", []):
            replaced, was_changed = _output(output)
            outputs += replaced
            changed += was_changed
        if "outputs" in cell:
            cell.outputs = outputs
    return changed
