"""Recorded real-server runs, shown where no redis-server can start (the browser, a machine without a binary).

``python -m autograder record`` runs each lesson where a real server can start and keeps, in
``recordings/<lesson>.json`` beside this module, the outputs of every cell that calls :func:`recorded_run`, with
the server's version, the date, and a digest of the cell's source (a test flags a recording its cell has outgrown).
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from .demo import being_graded

RECORDINGS = Path(__file__).parent / "recordings"


def recording_path(lesson: str) -> Path:
    return RECORDINGS / f"{lesson}.json"


def source_digest(source: str) -> str:
    """What a recording remembers of its cell: the first 16 hex digits of the source's SHA-256."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


@cache
def load_recording(lesson: str) -> dict[str, Any] | None:
    """``{"label", "date", "cells": {cell id: {"source", "outputs"}}}``, or None when the lesson has none."""
    try:
        return json.loads(recording_path(lesson).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def recorded_run(lesson: str, cell: str) -> None:
    """Show what ``cell`` of ``lesson`` printed and drew on a real server, labelled as recorded (not measured here)."""
    recording = load_recording(lesson)
    kept = (recording or {}).get("cells", {}).get(cell)
    if not kept:
        print(f"No recorded run of this cell ships with the workbook: run {lesson} where a redis-server can start.")
        return
    why = "a graded run skips this demo" if being_graded() else "no redis-server can start here"
    where = f"{recording['label']} on {recording['date']}"
    print(f"📼 RECORDED, not measured here ({why}): cell `{cell}` as it ran on {where}.")
    from IPython.display import Image, display

    for output in kept["outputs"]:
        if output["output_type"] == "stream":
            print(output["text"], end="")  # recordings keep a stream's text as one string
        elif "image/png" in output.get("data", {}):
            display(Image(data=base64.b64decode(output["data"]["image/png"])))
