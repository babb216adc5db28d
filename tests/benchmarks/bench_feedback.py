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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import EXERCISE, LESSON, in_notebook_check_ms  # noqa: E402
from support.notebooks import solution_path  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "my-work" / LESSON
        folder.mkdir(parents=True)
        shutil.copy(solution_path(LESSON), folder)
        times = in_notebook_check_ms(args.repeat, cwd=folder)
        assert (folder.parent / ".kata-progress.json").is_file(), "the checks ran outside a learner workspace"
    print(f"exercise {EXERCISE} in {LESSON}, inside a learner workspace (card + progress file + live panel)")
    print(
        f"in-notebook check (median of {args.repeat}): {statistics.median(times):8.1f} ms  "
        f"(p90 {sorted(times)[int(len(times) * 0.9) - 1]:.1f} ms; target <= 50 ms)"
    )


if __name__ == "__main__":
    main()
