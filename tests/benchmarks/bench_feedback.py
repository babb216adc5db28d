"""Benchmark: one in-notebook exercise check inside a learner workspace, with everything a learner gets.

The check cell prints its report, shows the HTML card, records the result in ``my-work/.kata-progress.json``
and refreshes the lesson's live progress panel. Compare with bench_check.py (run outside a workspace).

Run: .venv/bin/python tests/benchmarks/bench_feedback.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from support.kernel import LiveKernel  # noqa: E402
from support.notebooks import cell_by_id, read, solution_path  # noqa: E402

LESSON, EXERCISE = "01-key-design", "l01-tenant-store"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "my-work" / LESSON
        folder.mkdir(parents=True)
        shutil.copy(solution_path(LESSON), folder)
        nb = read(solution_path(LESSON))
        kernel = LiveKernel(cwd=str(folder))
        try:
            for cell in nb.cells:
                if cell.cell_type == "code":
                    kernel.run(cell.source)
            check = cell_by_id(nb, EXERCISE).source
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                result = kernel.run(check)
                times.append((time.perf_counter() - start) * 1000)
                assert result.error is None, result.text
            assert (folder.parent / ".kata-progress.json").is_file()
        finally:
            kernel.close()
    print(f"exercise {EXERCISE} in {LESSON}, inside a learner workspace (card + progress file + live panel)")
    print(
        f"in-notebook check (median of {args.repeat}): {statistics.median(times):8.1f} ms  "
        f"(p90 {sorted(times)[int(len(times) * 0.9) - 1]:.1f} ms; target <= 50 ms)"
    )


if __name__ == "__main__":
    main()
