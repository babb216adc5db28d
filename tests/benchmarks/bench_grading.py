"""Benchmark: grading a class with plain sequential `nbgrader autograde` vs `python -m autograder grade`.

Run: .venv/bin/python tests/benchmarks/bench_grading.py [--learners 30] [--lessons 00-welcome 01-key-design ...]
Prints wall times, the speed-up, and the floor (the same notebooks executed by nbclient alone, divided by the
number of cores). Targets: >= 1.8x faster than sequential on 2 cores, within 1.2x of floor / cores.
The full class (30 learners x all lessons) takes a long time; --learners 4 gives a quick reading.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from autograder.course import nbgrader as course  # noqa: E402


def build_class(folder: Path, learners: int, lessons: list[str]) -> None:
    """Half the class submits the reference solution, half the untouched lesson (both execute every cell)."""
    for i in range(learners):
        for lesson in lessons:
            source = "solutions" if i % 2 == 0 else "lessons"
            target = folder / f"learner{i:02d}" / lesson / f"{lesson}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / source / lesson / f"{lesson}.ipynb", target)


def sequential_nbgrader(folder: Path, lessons: list[str], work: Path) -> float:
    root = work / "sequential"
    course.make_course(root, lessons)
    shutil.copytree(folder, root / "submitted")
    (root / "nbgrader_config.py").write_text(
        "from pathlib import Path\nfrom autograder.course import configure\n"
        f"configure(get_config(), Path({str(root)!r}))\n"
    )
    nbgrader = Path(sys.executable).parent / "nbgrader"
    started = time.perf_counter()
    for lesson in lessons:
        subprocess.run([str(nbgrader), "autograde", lesson, "--force"], cwd=root, check=True, capture_output=True)
    return time.perf_counter() - started


def parallel_grade(folder: Path, work: Path, jobs: int, *extra: str) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(work / f"parallel{len(extra)}")]
    subprocess.run([*command, "--jobs", str(jobs), *extra], check=False, capture_output=True)
    return time.perf_counter() - started


def nbclient_floor(folder: Path) -> tuple[float, int]:
    notebooks = sorted(folder.rglob("*.ipynb"))
    started = time.perf_counter()
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(path.parent)}},
                       extra_arguments=["--IPKernelApp.log_level=ERROR"]).execute()  # fmt: skip
    return time.perf_counter() - started, len(notebooks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--lessons", nargs="*", default=None, help="default: every lesson")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    lessons = args.lessons or course.lesson_ids()
    with tempfile.TemporaryDirectory(prefix="kata-bench-") as tmp:
        work = Path(tmp)
        folder = work / "class"
        build_class(folder, args.learners, lessons)
        floor, count = nbclient_floor(folder)
        sequential = sequential_nbgrader(folder, lessons, work)
        parallel = parallel_grade(folder, work, args.jobs)
        bare = parallel_grade(folder, work, args.jobs, "--no-feedback")
    print(f"class: {args.learners} learners x {len(lessons)} lessons = {count} notebooks; {args.jobs} jobs")
    print(f"sequential nbgrader autograde: {sequential:8.1f} s  ({sequential / count:.2f} s per notebook)")
    print(f"python -m autograder grade:    {parallel:8.1f} s  ({parallel / count:.2f} s per notebook)")
    print(f"  same, --no-feedback:         {bare:8.1f} s  (autograde only, like the sequential run)")
    print(
        f"speed-up: {sequential / parallel:.2f}x with feedback, {sequential / bare:.2f}x like for like "
        "(target >= 1.8x on 2 cores)"
    )
    print(
        f"nbclient floor: {floor:.1f} s ({floor / count:.2f} s per notebook); floor / cores = {floor / args.jobs:.1f} s"
    )
    print(
        f"grade vs floor/cores: {parallel / (floor / args.jobs):.2f}x with feedback, "
        f"{bare / (floor / args.jobs):.2f}x without (target <= 1.2x)"
    )


if __name__ == "__main__":
    main()
