"""What the installed workbook holds: nothing secret ships to a workshop learner.

The wheel is what a workshop installs. It must hold no hidden test, no kata key and no reference solution, and
on a machine with only the wheel (a learner's, or the grading sandbox, which sees the package but not the
repository) ``reveal`` and the hidden cases find nothing.
"""

import json
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from support.notebooks import ROOT, graded_cells, read

from autograder import layout
from autograder.authoring.build import content_lessons, read_lesson
from autograder.notebooks import HIDDEN_MARK, hidden_block

# A hidden line is the test's own when it holds data (a literal) and is this long; lines such as
# `start = time.perf_counter()` or `if not ex.passed:` are idioms the harness shares with every check.
SPECIFIC = 25
DATA = re.compile(r"[\"'0-9]")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The project's wheel, built from a copy of what packaging reads (the build never writes into the repo)."""
    tree, out = tmp_path_factory.mktemp("tree"), tmp_path_factory.mktemp("wheel")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    shutil.copytree(ROOT / "autograder", tree / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(tree)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, f"pip wheel failed (it needs PyPI for setuptools):\n{built.stderr[-2000:]}"
    (path,) = out.glob("*.whl")
    return path


def _texts(wheel) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as z:
        return {name: z.read(name).decode("utf-8", "replace") for name in z.namelist()}


def _secrets() -> dict[str, set[str]]:
    """Per lesson: every specific hidden-test line of its solutions/ notebook, and every kata nudge."""
    out = {}
    for lesson in content_lessons():
        found = set()
        for cell in graded_cells(read(ROOT / layout.SOURCE / lesson / f"{lesson}.ipynb")):
            for line in hidden_block(cell.source).splitlines():
                if len(line.strip()) >= SPECIFIC and DATA.search(line) and line.strip() != HIDDEN_MARK:
                    found.add(line.strip())
        for entry in read_lesson(lesson).exercises:
            found.update(entry.get("nudges", {}).values())
        out[lesson] = found
    return out


def test_the_wheel_holds_the_package_and_no_notebook_lesson_source_or_solution(wheel):
    names = list(_texts(wheel))
    assert any(n == "autograder/catalog/exercises.json" for n in names)
    assert all(n.startswith(("autograder/", "redis_caching_kata-")) for n in names), names
    authored = [n for n in names if n.endswith((".ipynb", ".toml")) and not n.endswith("catalog/standards.toml")]
    assert not authored, authored


def test_no_hidden_test_line_and_no_kata_key_is_in_the_wheel(wheel):
    texts = _texts(wheel)
    shipped = "\n".join(texts.values())
    secrets = _secrets()
    assert sum(map(len, secrets.values())) > 500, "the search must have something to look for"
    leaks = {lesson: sorted(s for s in found if s in shipped) for lesson, found in secrets.items()}
    assert not any(leaks.values()), {k: v[:3] for k, v in leaks.items() if v}
    catalog = json.loads(texts["autograder/catalog/exercises.json"])["exercises"]
    assert not [e["id"] for e in catalog if {"answer", "nudges"} & set(e)]


def test_with_only_the_wheel_installed_reveal_and_the_hidden_cases_find_nothing(wheel, tmp_path):
    target = tmp_path / "site"
    install = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)]
    assert subprocess.run(install, capture_output=True, timeout=300).returncode == 0
    probe = f"""
import autograder
assert autograder.__file__.startswith({str(target)!r}), autograder.__file__
from autograder.catalog.exercises import exercise_catalog
from autograder.harness.hidden import hidden_source
from autograder.learner.reveal import solution_source
found = [e.id for e in exercise_catalog().values() if solution_source(e.id) or hidden_source(e.lesson, e.id)]
keys = [e.id for e in exercise_catalog().values() if hasattr(e, "answer") or hasattr(e, "nudges")]
print(len(exercise_catalog()), found, keys)
"""
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, timeout=120,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    count, found, keys = run.stdout.split(" ", 1)[0], *run.stdout.split(" ", 1)[1].rsplit(" ", 1)
    assert int(count) >= 40 and found.strip() == "[]" and keys.strip() == "[]", run.stdout
