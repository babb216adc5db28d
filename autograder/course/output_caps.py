"""Learner outputs are size-capped in the autograded notebook, so feedback never copies megabytes of them.

A learner cell can print or display any amount (a 5 MB string, a 60 MB image); nbgrader keeps all of it and its
feedback HTML copies it. After autograde, text longer than :data:`PER_OUTPUT` is cut there with a note, any other
output that large becomes a note, and once the notebook's outputs reach :data:`PER_NOTEBOOK` the rest become notes.
Scores are already in the gradebook: only what the learner and the instructor read is shortened.
"""

from __future__ import annotations

import json

import nbformat

PER_OUTPUT = 256 * 1024  # characters; a lesson's plot is ~100 KB of base64, a report card a few KB
PER_NOTEBOOK = 4 * 1024 * 1024


def _size(output) -> int:
    return len(json.dumps(output, ensure_ascii=False))


def _note(what: str) -> dict:
    return nbformat.v4.new_output("stream", name="stdout", text=f"[{what}: left out of the graded copy]\n")


def _text(output) -> str | None:
    """The text of a stream output, or None for any other kind."""
    if output.get("output_type") != "stream":
        return None
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else text


def cap_notebook(nb, per_output: int | None = None, per_notebook: int | None = None) -> int:
    """Cap the outputs of ``nb`` in place (default caps: the module's); how many were cut or replaced."""
    per_output, per_notebook = per_output or PER_OUTPUT, per_notebook or PER_NOTEBOOK
    changed, total = 0, 0
    for cell in nb.cells:
        outputs = cell.get("outputs", [])
        for index, output in enumerate(outputs):
            size = _size(output)
            if total + min(size, per_output) > per_notebook:
                outputs[index] = _note("more output than a notebook may keep")
            elif size > per_output and _text(output) is not None:
                output["text"] = _text(output)[:per_output] + f"\n[… {size - per_output:,} more characters]\n"
            elif size > per_output:
                outputs[index] = _note(f"an output of {size:,} characters")
            else:
                total += size
                continue
            changed += 1
            total += _size(outputs[index])
    return changed
