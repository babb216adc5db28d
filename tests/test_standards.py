"""The catalog holds exactly the 16 standards, once each, and everything cites real ids."""

import re

import pytest
from support.notebooks import ROOT, all_notebooks, graded_cells, read

from autograder.authoring.exercises_source import read_exercises
from autograder.catalog.exercises import exercise_catalog
from autograder.catalog.standards import catalog

EXPECTED_IDS = {
    "config-persistence",
    "config-maxmemory",
    "security-auth",
    "security-dangerous-commands",
    "security-network",
    "key-namespace",
    "key-readable",
    "key-no-numbered-db",
    "key-size-limit",
    "cmd-scan-not-keys",
    "client-pool-reuse",
    "client-error-handling",
    "client-serialization",
    "pattern-cache-aside",
    "pattern-write-through",
    "ttl-always",
}


def test_all_sixteen_standards_are_present_with_unique_ids():
    assert set(catalog()) == EXPECTED_IDS
    assert len(catalog()) == 16
    for std in catalog().values():
        assert std.rule and std.why and std.check_by and std.group


def test_every_exercise_cites_known_standards_and_has_a_hint_ladder():
    for exercise in exercise_catalog().values():
        assert exercise.standards and set(exercise.standards) <= EXPECTED_IDS, exercise.id
        assert 2 <= len(exercise.hints) <= 4, f"{exercise.id}: a hint ladder has 2-4 rungs"


def test_exercise_catalog_and_graded_cells_match_one_to_one():
    graded = {}
    for path in all_notebooks():
        if "solutions" in path.parts:
            for cell in graded_cells(read(path)):
                graded[cell.metadata.nbgrader["grade_id"]] = path.parent.name
    catalogued = {e.id: e.lesson for e in exercise_catalog().values()}
    assert graded == catalogued


def test_ids_cited_in_lesson_text_are_real_standards():
    known = set(catalog()) | {e.id for e in exercise_catalog().values()}
    pattern = re.compile(r"`((?:config|security|key|cmd|client|pattern|ttl)-[a-z-]+)`")
    for path in all_notebooks():
        for cell in read(path).cells:
            if cell.cell_type == "markdown":
                for cited in pattern.findall(cell.source):
                    assert cited in known, f"{path.name} cites unknown standard `{cited}`"


def test_every_standard_is_taught_and_graded_by_at_least_one_exercise():
    """Coverage: read the catalog and the solution notebooks; every standard needs a graded exercise citing it."""
    graded_ids = set()
    for path in all_notebooks():
        if "solutions" in path.parts:
            graded_ids |= {cell.metadata.nbgrader["grade_id"] for cell in graded_cells(read(path))}
    cited = {sid for e in exercise_catalog().values() if e.id in graded_ids for sid in e.standards}
    missing = sorted(set(catalog()) - cited)
    assert not missing, f"standards no graded exercise cites: {missing}"


KATAS = [e for e in exercise_catalog().values() if e.id.endswith("-kata")]


def _key(kata) -> dict:
    """A kata's key, from the author's exercises.toml (the package does not hold it)."""
    return next(e for e in read_exercises(ROOT / "content" / kata.lesson / "exercises.toml", kata.lesson)
                if e["id"] == kata.id)  # fmt: skip


@pytest.mark.parametrize("kata", KATAS, ids=lambda e: e.id)
def test_every_kata_offers_a_closed_candidate_list_and_a_nudge_for_every_standard(kata):
    assert kata.candidates, f"{kata.id}: list `candidates` (the ids the task offers) in exercises.toml"
    key = _key(kata)
    assert set(key["answer"]) <= set(kata.candidates), f"{kata.id}: the answer is not among its candidates"
    missing = sorted(set(catalog()) - key["nudges"].keys())
    assert not missing, f"{kata.id}: no nudge for {missing}"
    task = (ROOT / "content" / kata.lesson / "lesson.py").read_text().split('id="kata-task"', 1)[1].split("# %% ", 1)[0]
    unlisted = [c for c in kata.candidates if f"`{c}`" not in task]
    assert not unlisted, f"{kata.id}: the task text does not offer {unlisted}"


def test_a_learner_can_print_every_standard_from_a_notebook(capsys):
    """Under `make lab` the catalog file is outside the file browser: lesson 00 prints it with standards()."""
    from autograder.catalog.standards import catalog
    from autograder.lesson import standards

    standards()
    out = capsys.readouterr().out
    for entry in catalog().values():
        assert f"  {entry.id:<30} {entry.rule}" in out
        assert f"\n{entry.group}\n" in out
    assert len(catalog()) == 16
