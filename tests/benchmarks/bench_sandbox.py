"""Benchmark: what the grading sandbox costs per notebook, sandboxed vs unsandboxed, side by side in one run.

Run: .venv/bin/python tests/benchmarks/bench_sandbox.py [--per-lesson 4] [--lessons 00-welcome 01-key-design ...]

One course folder, the reference solution of each lesson handed in by ``--per-lesson`` learners. Each notebook is
autograded by nbgrader one at a time (no parallelism, so the numbers are per notebook), alternating sandboxed and
unsandboxed, in two grading workers set up exactly as ``grade`` sets them up. Prints the median and the slowest
seconds per notebook each way, per lesson and in all, and the scores (which must agree).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from autograder.course import nbgrader, sandbox, worker  # noqa: E402
from autograder.layout import lesson_ids  # noqa: E402

MODES = ("unsandboxed", "sandboxed")


def _worker(root: str, sandboxed: bool, jobs, results) -> None:
    """One grading worker: the same setup as ``grade``'s, then autograde each (learner, lesson) it is sent."""
    worker.setup_worker(False, sandbox.NOTEBOOK_BUDGET if sandboxed else None)
    while (job := jobs.get()) is not None:
        learner, lesson = job
        started = time.perf_counter()
        nbgrader.autograde(Path(root), lesson, learner, ipc_dir=worker._ipc_dir)
        results.put((learner, lesson, time.perf_counter() - started))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-lesson", type=int, default=4, help="learners per lesson per mode (default 4)")
    parser.add_argument("--lessons", nargs="*", default=lesson_ids())
    args = parser.parse_args()
    sandbox.probe()
    root = Path(tempfile.mkdtemp(prefix="bench-sandbox-")) / "course"
    nbgrader.make_course(root, args.lessons)
    students = []
    for lesson in args.lessons:
        for index in range(args.per_lesson):
            for mode in MODES:
                learner = f"{mode}{index:02d}"
                target = root / "submitted" / learner / lesson / f"{lesson}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes((ROOT / "solutions" / lesson / f"{lesson}.ipynb").read_bytes())
                students.append(learner)
    nbgrader.add_students(root, sorted(set(students)))
    context = multiprocessing.get_context("forkserver")
    queues = {mode: (context.Queue(), context.Queue()) for mode in MODES}
    workers = {
        mode: context.Process(target=_worker, args=(str(root), mode == "sandboxed", *queues[mode])) for mode in MODES
    }
    for process in workers.values():
        process.start()
    times: dict[tuple[str, str], list[float]] = {}
    for lesson in args.lessons:
        for index in range(args.per_lesson):
            for mode in MODES:  # alternate, so that a busy moment of the machine costs both ways alike
                jobs, results = queues[mode]
                jobs.put((f"{mode}{index:02d}", lesson))
                learner, _, seconds = results.get()
                times.setdefault((mode, lesson), []).append(seconds)
    for mode in MODES:
        queues[mode][0].put(None)
        workers[mode].join()

    print(f"{'lesson':<22}" + "".join(f"{m + ' median':>22}{'max':>8}" for m in MODES) + f"{'cost':>10}")
    for lesson in [*args.lessons, "all"]:
        row = {m: [t for (mm, ll), ts in times.items() if mm == m and lesson in (ll, "all") for t in ts] for m in MODES}
        medians = {m: statistics.median(row[m]) for m in MODES}
        cells = "".join(f"{medians[m]:>20.2f} s{max(row[m]):>6.1f} s" for m in MODES)
        print(f"{lesson:<22}{cells}{medians['sandboxed'] - medians['unsandboxed']:>+8.2f} s")
    agree = all(
        nbgrader.scores(root, lesson, f"sandboxed{i:02d}") == nbgrader.scores(root, lesson, f"unsandboxed{i:02d}")
        for lesson in args.lessons
        for i in range(args.per_lesson)
    )
    print(f"scores identical both ways: {agree}")


if __name__ == "__main__":
    main()
