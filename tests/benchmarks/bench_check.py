"""Benchmark: checking one exercise in a live kernel vs `nbgrader validate` of the same notebook.

Run: .venv/bin/python tests/benchmarks/bench_check.py [--repeat 30]
Prints medians and their ratio. Target: one in-notebook exercise check <= 50 ms median.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.kernel import LiveKernel  # noqa: E402
from support.notebooks import ROOT, cell_by_id, read, solution_path  # noqa: E402

LESSON, EXERCISE = "01-key-design", "l01-tenant-store"


def in_notebook_check_ms(repeat: int, cwd: Path | None = None) -> list[float]:
    """Run the solution in a live kernel (in ``cwd``), then time its check cell ``repeat`` times."""
    nb = read(solution_path(LESSON))
    kernel = LiveKernel(cwd=str(cwd or solution_path(LESSON).parent))
    try:
        kernel.run_notebook(nb)
        check = cell_by_id(nb, EXERCISE).source
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            result = kernel.run(check)
            times.append((time.perf_counter() - start) * 1000)
            assert result.error is None, result.text
        return times
    finally:
        kernel.close()


def nbgrader_validate_ms(repeat: int) -> list[float]:
    nbgrader = Path(sys.executable).parent / "nbgrader"
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([str(nbgrader), "validate", str(solution_path(LESSON))], cwd=ROOT, check=True,
                       capture_output=True)  # fmt: skip
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30, help="in-notebook check runs (validate runs: a tenth)")
    args = parser.parse_args()
    check = statistics.median(in_notebook_check_ms(args.repeat))
    validate = statistics.median(nbgrader_validate_ms(max(3, args.repeat // 10)))
    print(f"exercise {EXERCISE} in {LESSON}")
    print(f"in-notebook check (live kernel, median of {args.repeat}): {check:8.1f} ms  (target <= 50 ms)")
    print(f"nbgrader validate of the notebook (median):           {validate:8.1f} ms")
    print(f"ratio validate / check: {validate / check:.0f}x")


if __name__ == "__main__":
    main()
