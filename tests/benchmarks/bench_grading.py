"""Benchmark: grading a class with plain sequential `nbgrader autograde` vs `python -m autograder grade`.

Run: .venv/bin/python tests/benchmarks/bench_grading.py [--learners 30] [--lessons 00-welcome ...] [--jobs N]

The class mixes what a real one sends: per lesson, learners hand in the reference solution, each exercise's first
valid alternative, each exercise's first wrong answer, or the untouched lesson; in lesson 01 the first learners
send the hostile corpus (tests/hostile/corpus.py: infinite loop, edited checks, fake harness, broken files...).
Both ways grade the same class in one run, side by side:

- sequential: `nbgrader autograde <lesson>` per lesson, as nbgrader ships (every demo at full size);
- grade: `python -m autograder grade --no-feedback --jobs N` (demos reduced while graded); `--with-feedback`
  also times it with the feedback HTML.

Prints total times, notebooks per minute per core, the speed-up, peak memory per worker (a grading worker plus
the kernel it runs, sampled), and whether both ways gave every submission the same scores. Targets (issue 18):
>= 6x faster than sequential nbgrader on 2 cores, the whole 30-learner class in under 10 minutes.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from hostile import corpus  # noqa: E402
from support.notebooks import lesson_path, read, solution_path, with_first_answers  # noqa: E402

from autograder.course import nbgrader as course  # noqa: E402

KINDS = ("solution", "valid", "wrong", "untouched")


def _notebook(lesson: str, kind: str):
    """The reference solution, the untouched lesson, or the solution with every answer cell replaced by its first
    valid (or wrong) answer."""
    if kind == "untouched":
        return read(lesson_path(lesson))
    if kind == "solution":
        return read(solution_path(lesson))
    return with_first_answers(lesson, valid=kind == "valid")[0]


def build_class(folder: Path, learners: int, lessons: list[str]) -> dict[str, int]:
    """Write the class; return how many submissions of each kind it holds."""
    kinds: dict[str, int] = {}
    names = [f"learner{i:02d}" for i in range(learners)]
    for i, learner in enumerate(names):
        for lesson in lessons:
            if lesson == corpus.LESSON and i < len(corpus.CASES):
                case = corpus.CASES[i]
                case.make(folder, learner)  # the hostile case, under this learner's name
                kinds["hostile"] = kinds.get("hostile", 0) + 1
                continue
            kind = KINDS[i % len(KINDS)]
            path = folder / learner / lesson / f"{lesson}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(nbformat.writes(_notebook(lesson, kind)))
            kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


class PeakMemory:
    """Samples a process tree; the peak RSS of each grading worker together with its kernel, and of the tree."""

    def __init__(self, pid: int, interval: float = 0.25):
        self.root = psutil.Process(pid)
        self.interval = interval
        self.worker_peak = 0
        self.tree_peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _rss(process: psutil.Process) -> int:
        try:
            return process.memory_info().rss
        except psutil.Error:
            return 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                children = self.root.children()
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                continue
            self.tree_peak = max(self.tree_peak, sum(self._rss(p) for p in tree))
            for child in children:  # the forkserver, whose children are the workers
                try:
                    workers = child.children()
                except psutil.Error:
                    continue
                for worker in workers:
                    try:
                        family = [worker, *worker.children(recursive=True)]
                    except psutil.Error:
                        continue
                    self.worker_peak = max(self.worker_peak, sum(self._rss(p) for p in family))


def sequential_nbgrader(folder: Path, lessons: list[str], work: Path) -> tuple[float, dict]:
    """Plain nbgrader, one lesson after another; returns (seconds, {(learner, lesson): score})."""
    root = work / "sequential"
    course.make_course(root, lessons)
    shutil.copytree(folder, root / "submitted", ignore=shutil.ignore_patterns("*__*.ipynb"))  # flat files: grade only
    (root / "nbgrader_config.py").write_text(
        "from pathlib import Path\nfrom autograder.course import configure\n"
        f"configure(get_config(), Path({str(root)!r}))\n"
    )
    nbgrader = Path(sys.executable).parent / "nbgrader"
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "KATA_GRADING")}
    started = time.perf_counter()
    for lesson in lessons:
        subprocess.run([str(nbgrader), "autograde", lesson, "--force"], cwd=root, capture_output=True, env=env)
    seconds = time.perf_counter() - started
    scores = {}
    for learner_dir in (root / "submitted").iterdir():
        for lesson in lessons:
            if (learner_dir / lesson).is_dir():
                try:
                    got = course.scores(root, lesson, learner_dir.name)
                except Exception:  # noqa: BLE001 - nbgrader could not grade it: no row
                    continue
                scores[(learner_dir.name, lesson)] = sum(got.values())
    return seconds, scores


def parallel_grade(folder: Path, out: Path, jobs: int, *extra: str) -> tuple[float, int, int, dict]:
    """`python -m autograder grade`; returns (seconds, peak MB per worker, peak MB of the tree, scores)."""
    command = [sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(out), "--jobs", str(jobs)]
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    started = time.perf_counter()
    process = subprocess.Popen([*command, *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    with PeakMemory(process.pid) as memory:
        process.wait()
    seconds = time.perf_counter() - started
    with (out / "grades.csv").open() as handle:
        scores = {(r["learner"], r["lesson"]): float(r["score"]) for r in csv.DictReader(handle) if r["score"]}
    return seconds, memory.worker_peak // 2**20, memory.tree_peak // 2**20, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--lessons", nargs="*", default=None, help="default: every lesson")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-sequential", action="store_true", help="only the grade run (quick look)")
    parser.add_argument("--with-feedback", action="store_true", help="also time grade with its feedback HTML")
    args = parser.parse_args()
    lessons = args.lessons or course.lesson_ids()
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        work = Path(tmp)
        folder = work / "class"
        kinds = build_class(folder, args.learners, lessons)
        count = sum(kinds.values())
        print(f"class: {args.learners} learners x {len(lessons)} lessons = {count} notebooks "
              f"({', '.join(f'{n} {k}' for k, n in kinds.items())}); {args.jobs} jobs", flush=True)  # fmt: skip
        bare, worker_mb, tree_mb, bare_scores = parallel_grade(folder, work / "bare", args.jobs, "--no-feedback")
        print(
            f"grade --no-feedback:           {bare:8.1f} s  {count / (bare / 60) / args.jobs:6.1f} notebooks/min/core"
            f"  peak memory: {worker_mb} MB per worker (worker + its kernel), {tree_mb} MB in all",
            flush=True,
        )
        full = None
        if args.with_feedback:
            full, *_ = parallel_grade(folder, work / "full", args.jobs)
            rate = count / (full / 60) / args.jobs
            print(f"grade (with feedback HTML):    {full:8.1f} s  {rate:6.1f} notebooks/min/core", flush=True)
        if args.skip_sequential:
            return
        sequential, seq_scores = sequential_nbgrader(folder, lessons, work)
        print(f"sequential nbgrader autograde: {sequential:8.1f} s  {count / (sequential / 60):6.1f} notebooks/min "
              f"(one core)", flush=True)  # fmt: skip
        print(f"speed-up: {sequential / bare:.1f}x like for like (autograde only; target >= 6x on 2 cores)"
              + (f", {sequential / full:.1f}x with feedback" if full else ""))  # fmt: skip
        same = {k: v for k, v in seq_scores.items() if k in bare_scores}
        differ = sorted(k for k, v in same.items() if abs(v - bare_scores[k]) > 1e-9)
        print(
            f"scores: {len(same)} submissions graded both ways, {len(differ)} differ"
            + (f" (e.g. {differ[:3]}: nbgrader alone does not undo tampering)" if differ else "")
        )


if __name__ == "__main__":
    main()
