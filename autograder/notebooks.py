"""Notebook files: reading one a user gave us (with a one-line error when it is not a notebook), and the
committed form of the notebooks the repository generates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: nbformat pulls in jsonschema (~1 s), and every lesson kernel imports us
    import nbformat


class NotebookError(ValueError):
    """The path is not a notebook we can run; the message says why in one line."""


def read_notebook(path: str | Path) -> nbformat.NotebookNode:
    path = Path(path)
    if not path.exists():
        raise NotebookError(f"{path}: no such file")
    if path.is_dir():
        raise NotebookError(f"{path}: is a folder; give the path of one .ipynb notebook")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise NotebookError(f"{path}: cannot be read ({error})") from None
    if not text.strip():
        raise NotebookError(f"{path}: is empty; it is not a notebook")
    import nbformat

    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat raises many kinds for non-notebooks
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise NotebookError(f"{path}: is not a Jupyter notebook ({first_line})") from None
    if "cells" not in nb:
        raise NotebookError(f"{path}: is JSON but not a Jupyter notebook (no cells)")
    return nb


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata, or {} when a notebook (a learner's, possibly hostile) has none or a malformed one."""
    meta = cell.get("metadata", {}).get("nbgrader", {}) if isinstance(cell.get("metadata"), dict) else {}
    return meta if isinstance(meta, dict) else {}


HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"  # nbgrader's markers
HIDDEN_MARK = "ex.hidden()  # the cases below also run in your notebook when solutions/ is present"


def hidden_block(source: str) -> str:
    """The code between the hidden-test markers of a check cell, without the build's ``ex.hidden()`` line."""
    if HIDDEN_BEGIN not in source:
        return ""
    inside = source.split(HIDDEN_BEGIN, 1)[1].split(HIDDEN_END, 1)[0]
    return "\n".join(line for line in inside.splitlines() if line.strip() != HIDDEN_MARK.strip()).strip("\n")


def release_form(source: str) -> str:
    """A check cell as nbgrader releases it: the hidden block, markers included, taken out."""
    out, inside = [], False
    for line in source.splitlines(keepends=True):
        if line.strip() in (HIDDEN_BEGIN, HIDDEN_END):
            inside = line.strip() == HIDDEN_BEGIN
            continue
        if not inside:
            out.append(line)
    return "".join(out)


def check_digest(source: str) -> str:
    """A fingerprint of a released check cell: which release of the check a learner's notebook holds."""
    import hashlib

    return hashlib.sha256(source.strip().encode("utf-8")).hexdigest()[:16]


def committed_text(nb: nbformat.NotebookNode) -> str:
    """The committed form of a notebook: no outputs or counts, stable formatting."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    import nbformat

    return nbformat.writes(nb) + "\n"
