"""Recorded real-server runs (issue 13): where no redis-server can start, a lesson shows what its real-server
cells printed and drew on one, labelled as recorded with the server's version and the date.

A recording is kept honest by its cell: it remembers a digest of the cell's source, and a cell that changed since
its recording fails here until ``python -m autograder record <lesson>`` records it again.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from support.kernel import LiveKernel
from support.notebooks import solution_path

from autograder import layout
from autograder.authoring import record as record_module
from autograder.labkit import find_redis_server, recorded
from autograder.lesson import real_server_demos

LESSONS = [lesson for lesson in layout.lesson_ids()
           if record_module.recorded_cells(nbformat.read(solution_path(lesson), as_version=4), lesson)]  # fmt: skip


def test_the_lessons_with_real_server_parts_all_ask_for_recordings():
    assert {"03-scan", "04-big-keys", "05-connections", "09-config-security", "11-hot-keys"} <= set(LESSONS)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_recorded_cell_has_a_recording_of_its_current_source(lesson):
    nb = nbformat.read(solution_path(lesson), as_version=4)
    wanted = record_module.recorded_cells(nb, lesson)
    recording = recorded.load_recording(lesson)
    assert recording, f"{lesson} has no recording: run `python -m autograder record {lesson}`"
    assert re.fullmatch(r"redis-server \d+\.\d+\.\d+", recording["label"]), recording["label"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", recording["date"]), recording["date"]
    sources = {cell.id: cell.source for cell in nb.cells}
    for cell in sorted(wanted):
        kept = recording["cells"].get(cell)
        assert kept and kept["outputs"], f"{lesson}/{cell}: nothing recorded"
        assert kept["source"] == recorded.source_digest(sources[cell]), (
            f"{lesson}/{cell} changed since it was recorded: run `python -m autograder record {lesson}`"
        )
    assert set(recording["cells"]) == wanted, "recordings of cells that no longer ask for one"


def test_a_recorded_run_is_labelled_and_shows_the_text_and_images(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(recorded, "RECORDINGS", tmp_path)
    recorded.load_recording.cache_clear()
    png = "iVBORw0KGgo="
    cells = {
        "demo": {
            "source": "x",
            "outputs": [
                {"output_type": "stream", "text": "GET 8 MB 26.6 ms\n"},
                {"output_type": "display_data", "data": {"image/png": png}},
            ],
        }
    }
    (tmp_path / "04-big-keys.json").write_text(json.dumps({"label": "redis-server 7.0.15", "date": "2026-12-08",
                                                            "cells": cells}))  # fmt: skip
    recorded.recorded_run("04-big-keys", "demo")
    out = capsys.readouterr().out
    assert "RECORDED, not measured here" in out and "redis-server 7.0.15 on 2026-12-08" in out
    assert "GET 8 MB 26.6 ms" in out and "Image" in out  # outside a kernel, display() prints the image's repr
    recorded.recorded_run("04-big-keys", "no-such-cell")
    assert "No recorded run of this cell" in capsys.readouterr().out
    recorded.load_recording.cache_clear()


def test_a_call_that_names_another_lesson_is_an_authoring_error():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell('recorded_run("03-scan", "slowlog")')])
    with pytest.raises(record_module.RecordError, match="asks for a recording of 03-scan/slowlog"):
        record_module.recorded_cells(nb, "04-big-keys")


def test_redis_server_none_means_no_real_server_and_recording_refuses(monkeypatch):
    monkeypatch.setenv("REDIS_SERVER", "none")
    assert find_redis_server() is None
    assert "recorded runs" in real_server_demos()
    with pytest.raises(record_module.RecordError, match="recording needs a redis-server"):
        record_module.record(["04-big-keys"])


def test_without_a_server_the_lesson_shows_its_recordings_and_still_passes(tmp_path):
    """Lesson 04 top to bottom with REDIS_SERVER=none, as in a browser: every real-server cell shows its recording
    (the victim plot as an image), no cell fails, and no 'not measured' line is left without evidence beside it."""
    lesson = "04-big-keys"
    nb = nbformat.read(solution_path(lesson), as_version=4)
    wanted = record_module.recorded_cells(nb, lesson)
    kernel = LiveKernel(str(tmp_path), env={"REDIS_SERVER": "none"})
    try:
        runs = {}
        for cell in nb.cells:
            if cell.cell_type == "code":
                runs[cell.id] = kernel.run(cell.source, timeout=120)
                assert runs[cell.id].error is None, f"cell {cell.id} failed: {runs[cell.id].text}"
    finally:
        kernel.close()
    assert "recorded runs" in runs["setup"].stdout
    for cell in wanted:
        assert "RECORDED, not measured here" in runs[cell].stdout, f"{cell}: {runs[cell].stdout[-300:]}"
    images = [o for o in runs["victim-plot"].outputs if "image/png" in o.get("data", {})]
    assert images, "the victim plot is shown from the recording"
