"""`make lab`'s workspace step: copies lessons once, never overwrites, and sets aside what is in the way."""

import shutil

from support.notebooks import ROOT

from autograder import layout
from autograder.learner.workspace import prepare_workspace


def _course(tmp_path):
    shutil.copytree(ROOT / layout.RELEASE / "00-welcome", tmp_path / layout.RELEASE / "00-welcome")
    return tmp_path / layout.WORKSPACE / "00-welcome" / "00-welcome.ipynb"


def test_lessons_are_copied_once_and_edits_are_never_overwritten(tmp_path):
    mine = _course(tmp_path)
    assert any("new lesson" in line for line in prepare_workspace(tmp_path))
    edited = mine.read_text().replace("Welcome", "Welcome (my notes)")
    mine.write_text(edited)
    assert not any("new lesson" in line for line in prepare_workspace(tmp_path))
    assert mine.read_text() == edited


def test_an_unreadable_notebook_is_kept_aside_and_replaced(tmp_path):
    mine = _course(tmp_path)
    mine.parent.mkdir(parents=True)
    mine.write_text('{"cells": [half-saved')
    lines = prepare_workspace(tmp_path)
    [kept] = mine.parent.glob("00-welcome.ipynb.unreadable-*")
    assert kept.read_text() == '{"cells": [half-saved' and mine.read_text().startswith("{")
    assert any(f"as {kept.name}" in line for line in lines)


def test_a_file_where_a_folder_belongs_is_kept_aside(tmp_path):
    mine = _course(tmp_path)
    (tmp_path / layout.WORKSPACE).write_text("notes I wrote")
    lines = prepare_workspace(tmp_path)
    [kept] = tmp_path.glob(f"{layout.WORKSPACE}.unreadable-*")
    assert kept.read_text() == "notes I wrote" and mine.is_file()
    assert any("a file where the folder" in line for line in lines)
