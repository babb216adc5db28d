"""Run mutmut on the grading core and print the mutation score with every surviving mutant.

`make mutation` runs this (mutmut is not a test dependency). The score is killed ÷ (killed + survived); mutants
that no test reaches (`no tests`) count as survivors, since nothing would catch them. The reasons the surviving
mutants are acceptable (equivalent mutants, message wording) live in SURVIVOR_REASONS below, keyed by mutant name
prefix, so a new survivor without a reason is visible at once.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 90.0  # percent of mutants killed

# Mutants that survive on purpose: name prefix → why no test should kill them.
SURVIVOR_REASONS: dict[str, str] = {}


def mutmut(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=ROOT, capture_output=True, text=True).stdout


def main() -> int:
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", "2"], cwd=ROOT, check=False)
    statuses = {}
    for line in mutmut("results", "--all", "true").splitlines():
        name, _, status = line.strip().rpartition(": ")
        if name:
            statuses[name] = status
    counts = Counter(statuses.values())
    survivors = sorted(n for n, s in statuses.items() if s in ("survived", "no tests"))
    killed = counts["killed"] + counts["timeout"]
    score = 100 * killed / max(1, killed + len(survivors))
    print(json.dumps(dict(counts), indent=1))
    print(f"mutation score: {score:.1f}% ({killed} killed of {killed + len(survivors)}; target ≥ {TARGET:g}%)")
    for name in survivors:
        reason = next((r for p, r in SURVIVOR_REASONS.items() if name.startswith(p)), "NO REASON GIVEN")
        print(f"  survived: {name}  ({reason})")
    return 0 if score >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
