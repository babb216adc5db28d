"""No hidden test code reaches a learner through their own outputs.

nbgrader runs every check cell whole, hidden tests included, so a learner cell that runs later can print them
(IPython's ``In``, ``_ih``, ``%history``) into its output, which feedback would show. After autograde, every
output line of the autograded notebook that holds a hidden-test line (plain, repr-escaped or HTML-escaped) is
replaced by a note. Only lines that are hidden are looked for: a line the released lesson shows anyway is not
a secret. A line printed in pieces (a kernel flushes a stream whenever it likes, more often on a busy machine) is
matched whole: consecutive stream outputs are merged first. Code that encodes what it prints (base64, reversed) is
beyond a line match.
"""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

import nbformat

from ..notebooks import HIDDEN_BEGIN, HIDDEN_END

MIN_LENGTH = 12  # shorter lines (`else:`, `assert ok`) are not worth hiding and would match ordinary output
REMOVED = "[a line of hidden test code was removed from this output]"


def _variants(line: str) -> set[str]:
    escaped = line.replace("\\", "\\\\")
    return {line, html.escape(line), html.escape(line, quote=False), escaped.replace("'", "\\'"),
            escaped.replace('"', '\\"')}  # fmt: skip


@cache
def hidden_lines(source: Path, release: Path) -> frozenset[str]:
    """The hidden-test lines of a lesson (its nbgrader source notebook) that its release does not show."""
    shown = "\n".join(cell.source for cell in nbformat.read(release, as_version=4).cells)
    found = set()
    for cell in nbformat.read(source, as_version=4).cells:
        inside = False
        for line in cell.source.splitlines():
            line = line.strip()
            if line in (HIDDEN_BEGIN, HIDDEN_END):
                inside = line == HIDDEN_BEGIN
            elif inside and len(line) >= MIN_LENGTH and line not in shown:
                found |= _variants(line)
    return frozenset(found)


def _scrub_text(text: str, hidden: frozenset[str]) -> tuple[str, int]:
    lines = text.splitlines(keepends=True)
    kept, removed = [], 0
    for line in lines:
        if any(h in line for h in hidden):
            removed += 1
            kept.append(REMOVED + ("\n" if line.endswith("\n") else ""))
        else:
            kept.append(line)
    return "".join(kept), removed


def _scrub_value(value, hidden):
    """(value, removed): a str or a list of str (nbformat allows either), scrubbed."""
    if isinstance(value, list):
        text, removed = _scrub_text("".join(value), hidden)
        return text.splitlines(keepends=True), removed
    if isinstance(value, str):
        return _scrub_text(value, hidden)
    return value, 0


def merge_streams(nb) -> int:
    """Merge each cell's consecutive outputs of one stream (as Jupyter shows them) in place; how many were merged."""
    merged = 0
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        if len(outputs) < 2:
            continue
        kept = [outputs[0]]
        for output in outputs[1:]:
            last = kept[-1]
            same_stream = output.get("name") == last.get("name")
            if output.get("output_type") == last.get("output_type") == "stream" and same_stream:
                last["text"] = _joined(last.get("text", "")) + _joined(output.get("text", ""))
                merged += 1
            else:
                kept.append(output)
        cell["outputs"] = kept
    return merged


def _joined(text) -> str:
    return "".join(text) if isinstance(text, list) else text


def scrub_notebook(nb, hidden: frozenset[str]) -> int:
    """Scrub every output of ``nb`` in place (streams merged first); the number of lines removed."""
    merge_streams(nb)
    removed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "text" in output:
                output["text"], n = _scrub_value(output["text"], hidden)
                removed += n
            for mime, value in output.get("data", {}).items():
                if not mime.startswith("image/"):  # text, HTML, Markdown, LaTeX... (a dict stays as it is)
                    output["data"][mime], n = _scrub_value(value, hidden)
                    removed += n
            if output.get("output_type") == "error":
                output["evalue"], n = _scrub_value(output.get("evalue", ""), hidden)
                removed += n
                output["traceback"], n = _scrub_traceback(output.get("traceback", []), hidden)
                removed += n
    return removed


def _scrub_traceback(frames: list[str], hidden) -> tuple[list[str], int]:
    removed, kept = 0, []
    for frame in frames:
        text, n = _scrub_text(frame, hidden)
        kept.append(text)
        removed += n
    return kept, removed
