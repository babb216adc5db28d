"""nbgrader feedback with learner HTML made inert: :class:`FeedbackExporter` (``nbgrader.configure`` sets it).

nbconvert's ``sanitize_html`` passes HTML and Markdown outputs through its ``clean_html`` filter and drops
JavaScript and widget outputs, but nbgrader's feedback template renders Markdown cells itself, unsanitized; and
nbconvert's filter escapes the kata's report cards (``<section>``, ``<p>``, ``<dl>``, ``<style>``) into visible
markup. This exporter sanitizes all Markdown too and allows that markup and the kata's own stylesheets, while
scripts, event handlers, ``javascript:`` links, frames, images and any other stylesheet never reach the page.
"""

from __future__ import annotations

import functools
import re

import bleach
from jinja2 import pass_context
from nbconvert.exporters import HTMLExporter
from traitlets import default

TAGS = bleach.ALLOWED_TAGS | {
    "p", "div", "span", "pre", "code", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "details",
    "summary", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "sub", "sup",
    "kbd", "samp", "var", "del", "ins", "s", "small", "mark", "q", "cite", "u",
}  # fmt: skip
ATTRIBUTES = {
    **bleach.ALLOWED_ATTRIBUTES,
    "*": ["class", "id", "title", "role", "aria-label", "data-exercise"],
    "th": ["colspan", "rowspan"],
    "td": ["colspan", "rowspan"],
}
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)


@functools.cache
def _own_stylesheets() -> frozenset[str]:
    from ..learner.report_card import REPORT_CSS
    from ..learner.widgets import FALLBACK_CSS

    return frozenset({REPORT_CSS.strip(), FALLBACK_CSS.strip()})


def clean_html(element) -> str:
    """``element`` with only allowed tags and attributes; a ``<style>`` survives only if it is the kata's own."""
    text = element.decode() if isinstance(element, bytes) else str(element)
    kept: list[str] = []

    def drop(match: re.Match) -> str:
        css = match.group(2).strip()
        if match.group(1).lower() == "style" and css in _own_stylesheets() and css not in kept:
            kept.append(css)
        return ""  # a script goes with its text; bleach below is the boundary for anything this misses

    cleaned = bleach.clean(_SCRIPT_OR_STYLE.sub(drop, text), tags=TAGS, attributes=ATTRIBUTES, strip=True)
    return "".join(f"<style>{css}</style>" for css in kept) + cleaned


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter, sanitizing every output and every Markdown cell with :func:`clean_html`."""

    @default("sanitize_html")
    def _sanitize_html_default(self) -> bool:
        return True

    def default_filters(self):
        yield from super().default_filters()
        yield ("clean_html", clean_html)

    @pass_context
    def markdown2html(self, context, source):
        return clean_html(super().markdown2html(context, source))
