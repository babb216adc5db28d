"""Each case: a learner name, how to make their submission from the lesson files, and what it must score.

``expect`` maps exercise id → points; exercises not named must score full marks (the learner's other answers
are the reference solution), so one broken answer never costs the others. ``error`` is a phrase the error row
must contain when the file cannot be graded at all.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from support.notebooks import cell_by_id, lesson_path, read, solution_path

from autograder.catalog.exercises import exercise_catalog

LESSON = "01-key-design"
FULL = {e.id: e.points for e in exercise_catalog().values() if e.lesson == LESSON}


@dataclass
class Case:
    learner: str
    what: str
    make: Callable[[Path, str], None]  # writes the learner's submission under the class folder
    expect: dict[str, float] = field(default_factory=dict)
    error: str = ""
    note: str = ""  # a phrase the instructor's note must contain

    def scores(self) -> dict[str, float]:
        return {**{k: float(v) for k, v in FULL.items()}, **{k: float(v) for k, v in self.expect.items()}}


def _solution():
    return read(solution_path(LESSON))


def _save(nb, folder: Path, learner: str, lesson: str = LESSON) -> None:
    path = folder / learner / lesson / f"{lesson}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nb))


def _answer(grade_id: str, source: str) -> Callable[[Path, str], None]:
    def make(folder: Path, learner: str) -> None:
        nb = _solution()
        cell_by_id(nb, f"{grade_id}-answer").source = source
        _save(nb, folder, learner)

    return make


def _edit(change: Callable) -> Callable[[Path, str], None]:
    def make(folder: Path, learner: str) -> None:
        nb = _solution()
        change(nb)
        _save(nb, folder, learner)

    return make


def _raw(text: str | bytes, name: str) -> Callable[[Path, str], None]:
    def make(folder: Path, learner: str) -> None:
        path = folder / f"{learner}__{name}.ipynb"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    return make


def _stub(nb, grade_id):
    cell_by_id(nb, f"{grade_id}-answer").source = cell_by_id(read(lesson_path(LESSON)), f"{grade_id}-answer").source


def _delete_check(nb):
    _stub(nb, "l01-tenant-store")
    nb.cells = [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "l01-tenant-store"]


def _edit_check(nb):
    _stub(nb, "l01-settings-key")
    cell_by_id(nb, "l01-settings-key").source = 'print("✅ PASS")'


def _duplicate_check(nb):
    _stub(nb, "l01-cart-keys")
    check = cell_by_id(nb, "l01-cart-keys")
    twin = copy.deepcopy(check)
    twin.id = "twin-of-cart-keys"
    nb.cells.insert(nb.cells.index(check) + 1, twin)


def _to_markdown(cell):
    cell.cell_type = "markdown"
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


def _retype_answer(nb):
    _to_markdown(cell_by_id(nb, "l01-cart-keys-answer"))


def _retype_check(nb):
    _stub(nb, "l01-kata")
    _to_markdown(cell_by_id(nb, "l01-kata"))


def _other_kernel(nb):
    nb.metadata["kernelspec"] = {"name": "python2", "display_name": "Python 2", "language": "python"}


def _fake_exercise_class(nb):
    fake = nbformat.v4.new_code_cell(
        "class Exercise:\n"
        "    def __init__(self, *a): pass\n"
        "    def call(self, fn, *a, **k): return None\n"
        "    def __getattr__(self, name): return lambda *a, **k: True\n"
    )
    fake.id = "sneaky"
    _stub(nb, "l01-tenant-keys")
    nb.cells.insert(nb.cells.index(cell_by_id(nb, "l01-tenant-keys-answer")) + 1, fake)


def _fake_exercise_claiming_locked(nb):
    _fake_exercise_class(nb)
    # nbgrader metadata saying "an instructor's locked cell": nbgrader keeps it (its grade_id is in no gradebook).
    next(c for c in nb.cells if c.get("id") == "sneaky").metadata["nbgrader"] = {
        "locked": True, "grade": False, "solution": False, "grade_id": "setup-helpers", "schema_version": 3,
    }  # fmt: skip


def _print_history(nb):
    # After every check cell has run (hidden tests included), print what IPython remembers of the cells.
    leak = nbformat.v4.new_code_cell("print(In)\nprint('\\n'.join(_ih))\nget_ipython().run_line_magic('history', '')")
    leak.id = "history-leak"
    nb.cells.append(leak)


# The in-kernel bypasses of issue 14, each written to slip past the source scan as it was before reflection.py.
INDIRECT_TRANSFORMER = """\
shell = get_ipython()
def _skip_checks(lines):
    return ["pass\\n"] if any("ex.verdict()" in line for line in lines) else lines
getattr(shell, "input_" + "transformers_post").append(_skip_checks)

def tenant_keys(r, tenant_id):
    return set(r.keys(f"tenant:{tenant_id}:*"))
"""
CLEARS_BASELINE = """\
from autograder.harness import tamper as _t
from autograder import checks as _c
_t._BASELINE.clear()
for _name in ("no_keys_" + "command", "scan_" + "walk"):
    setattr(getattr(_c, _name), "__co" + "de__", (lambda *args, **kwargs: []).__code__)

def tenant_keys(r, tenant_id):
    return set(r.keys(f"tenant:{tenant_id}:*"))
"""
READS_RUNNING_CHECK = """\
def kata_violations():
    import json, re
    key = re.search(r"kata_key\\(\\s*(\\[[^\\]]*\\])", In[-1])
    return set(json.loads(key.group(1))) if key else set()
"""

CASES = [
    Case("h-infinite-loop", "an infinite loop in an answer", _answer("l01-settings-key", (
        "def settings_key(user_id):\n    while True:\n        pass\n")), {"l01-settings-key": 0}),
    Case("h-import-error", "an exception at import", _answer("l01-settings-key", (
        "import not_a_real_module\n\ndef settings_key(user_id):\n    return f'user:{user_id}:settings'\n")),
        {"l01-settings-key": 0}),
    Case("h-syntax-error", "a syntax error", _answer("l01-tenant-keys", "def tenant_keys(r, tenant_id)\n    return"),
         {"l01-tenant-keys": 0}),
    Case("h-edited-check", "an edited check cell", _edit(_edit_check), {"l01-settings-key": 0}),
    Case("h-deleted-check", "a deleted check cell", _edit(_delete_check), {"l01-tenant-store": 0}),
    Case("h-duplicated-check", "a duplicated graded cell (nbgrader #1083)", _edit(_duplicate_check),
         {"l01-cart-keys": 0}, note="removed a duplicate of graded cell l01-cart-keys"),
    # nbgrader restores a graded cell's type from the gradebook: the correct answer still counts...
    Case("h-retyped-answer", "a correct answer cell changed to markdown", _edit(_retype_answer)),
    # ...and a check cell turned into text still runs, so it cannot hide a stub.
    Case("h-retyped-check", "a check cell changed to markdown", _edit(_retype_check), {"l01-kata": 0}),
    Case("h-flushall", "an answer that calls FLUSHALL", _answer("l01-tenant-store", (
        "def save_for_tenant(r, tenant_id, name, value):\n    r.flushall()\n"
        "    r.set(f'tenant:{tenant_id}:{name}', value, ex=3600)\n\n"
        "def load_for_tenant(r, tenant_id, name):\n    return r.get(f'tenant:{tenant_id}:{name}')\n")),
        {"l01-tenant-store": 0}),
    Case("h-patches-checks", "an answer that monkeypatches a check", _answer("l01-tenant-keys", (
        "from autograder import checks\nchecks.no_keys_command = lambda commands: []\n\n"
        "def tenant_keys(r, tenant_id):\n    return set(r.keys(f'tenant:{tenant_id}:*'))\n")),
        {"l01-tenant-keys": 0, "l01-cart-keys": 0, "l01-kata": 0}, note="patches"),
    Case("h-patches-redis", "an answer that patches the redis client", _answer("l01-settings-key", (
        "import redis\nredis.Redis.scan_iter = lambda self, match=None, count=None: iter(())\n\n"
        "def settings_key(user_id):\n    return f'user:{user_id}:settings'\n")),
        {k: 0 for k in FULL}, note="patches"),
    Case("h-fake-exercise", "a cell that replaces the Exercise harness", _edit(_fake_exercise_class),
         {"l01-tenant-keys": 0, "l01-cart-keys": 0, "l01-kata": 0}, note="rebinds `Exercise`"),
    Case("h-prints-history", "a last cell that prints IPython's input history (hidden tests included)",
         _edit(_print_history)),
    Case("h-claims-locked", "the harness-replacing cell marked as a locked instructor cell",
         _edit(_fake_exercise_claiming_locked), {"l01-tenant-keys": 0, "l01-cart-keys": 0, "l01-kata": 0},
         note="rebinds `Exercise`"),
    Case("h-indirect-transformer", "an input transformer, reached by a built name, that skips every later check",
         _answer("l01-tenant-keys", INDIRECT_TRANSFORMER), {"l01-tenant-keys": 0, "l01-cart-keys": 0, "l01-kata": 0},
         note="reads the notebook's shell"),
    Case("h-clears-baseline", "clears the tamper baseline, then swaps a check's code by built names",
         _answer("l01-tenant-keys", CLEARS_BASELINE), {"l01-tenant-keys": 0, "l01-cart-keys": 0, "l01-kata": 0},
         note="reaches `__code__` through setattr()"),
    Case("h-reads-running-check", "a kata answer that reads the key from the running check cell (In[-1])",
         _answer("l01-kata", READS_RUNNING_CHECK), {"l01-kata": 0}, note="input history"),
    Case("h-stderr", "output written to stderr", _answer("l01-settings-key", (
        "import sys\n\ndef settings_key(user_id):\n    print('debugging', user_id, file=sys.stderr)\n"
        "    return f'user:{user_id}:settings'\n"))),
    Case("h-huge-output", "a huge output", _answer("l01-settings-key", (
        "print('x' * 5_000_000)\n\ndef settings_key(user_id):\n    print('y' * 1_000_000)\n"
        "    return f'user:{user_id}:settings'\n"))),
    Case("h-kernel-name", "a notebook with a different kernel name", _edit(_other_kernel)),
    Case("h-invalid-json", "a malformed .ipynb", _raw('{"cells": [', LESSON), error="is not a Jupyter notebook"),
    Case("h-empty", "an empty file", _raw("", LESSON), error="is empty"),
    Case("h-wrong-lesson", "a notebook from the wrong lesson",
         lambda folder, learner: _raw(solution_path("00-welcome").read_text(), LESSON)(folder, learner),
         error="is lesson 00-welcome, submitted as 01-key-design"),
    Case("h-not-a-notebook", "JSON that is not a notebook", _raw(json.dumps({"hello": "world"}), LESSON),
         error="not a Jupyter notebook"),
]  # fmt: skip

HONEST = [
    Case("honest-solution", "the reference solution", _edit(lambda nb: None)),
    Case(
        "honest-untouched",
        "the untouched lesson",
        lambda folder, learner: _save(read(lesson_path(LESSON)), folder, learner),
        {k: 0 for k in FULL},
    ),
]


def build(folder: Path, cases: list[Case]) -> None:
    for case in cases:
        case.make(folder, case.learner)
