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
SURVIVOR_REASONS: dict[str, str] = {
    "autograder.course.scrub.x__variants__mutmut_10": "html.escape's quote=None is falsy, as quote=False: equivalent",
    "autograder.checks.commands.x_removed_by__mutmut_48": "`<` vs `<=` against the clock: a timestamp equal "
    "to now to the microsecond is not observable",
    "autograder.checks.key_design.x__lab_db__mutmut_14": "a fakeredis backend has db 0: `backend.db` is 0 either way",
    "autograder.checks.key_design.x_cryptic__mutmut_32": "adds an upper-case X to the vowels, compared with "
    "lower-cased text: equivalent",
    "autograder.checks.key_design.x_keys_readable__mutmut_40": "maxsplit 1 vs none: only part [0] is read, equivalent",
    "autograder.checks.key_design.x_keys_readable__mutmut_43": "maxsplit 1 vs 2: only part [0] is read, equivalent",
    "autograder.checks.key_design.x_keys_readable__mutmut_45": "also strips the letter X from an object type's ends: "
    "no type the rule reads differently (checked: X-types are cryptic either way)",
    "autograder.checks.key_design.x_keys_readable__mutmut_57": "drops Severity.ESSENTIAL, the default: equivalent",
    "autograder.checks.key_design.x_no_numbered_db__mutmut_6": "SELECT takes one argument: [:1] and [:2] agree",
    "autograder.checks.key_design.x_no_numbered_db__mutmut_3": "a missing db defaults to None, then `or 0`: equivalent",
    "autograder.checks.log.x_touched_keys__mutmut_8": "the dict's values are never read (an ordered set): equivalent",
    "autograder.checks.log.x_touched_keys__mutmut_23": "the dict's values are never read (an ordered set): equivalent",
    "autograder.checks.log.x_written_keys__mutmut": "the dict's values are never read (an ordered set): equivalent",
    "autograder.checks.ttl.x_keys_left_without_ttl__mutmut_8": "TTL replies are the same in a transaction or not",
    "autograder.checks.ttl.x_keys_left_without_ttl__mutmut_9": "TTL replies are the same in a transaction or not",
    "autograder.checks.ttl.x_keys_left_without_ttl__mutmut_1": "zip strictness: one reply per key always, equivalent",
    "autograder.checks.ttl.x_keys_without_ttl__mutmut": "SCAN's COUNT changes the number of round trips, not the "
    "keys found: equivalent for the result",
    "autograder.checks.ttl.x_ttl_close__mutmut_8": "`left` is only read when the PTTL is not negative: equivalent",
    "autograder.checks.ttl.x_ttl_close__mutmut_1": "a PTTL of exactly 0 ms (expiring this millisecond) is not "
    "observable in a test",
    "autograder.checks.ttl.x_ttl_close__mutmut_28": "the 'milliseconds?' remark at exactly 1/100 of the TTL: wording "
    "at a boundary no answer hits",
    "autograder.checks.ttl.x_ttl_close__mutmut_30": "the 'milliseconds?' remark at 1/100 vs 1/101 of the TTL: "
    "wording only",
    "autograder.harness.tamper.x__from_library__mutmut": "an instance's __module__ is its class's: equivalent; an "
    "empty module name is not watched either way",
    "autograder.harness.tamper.x__guarded_aliases__mutmut": "`import redis.client` guards `redis`, already a guarded "
    "root; `from . import` and `import *` add names that can never be patched through: equivalent",
    "autograder.harness.tamper.x__snapshot__mutmut_10": "the cache never hits: every verdict re-reads every module, "
    "the same snapshot (only slower)",
    "autograder.harness.tamper.x__snapshot__mutmut_11": "the cache never hits: every verdict re-reads every module, "
    "the same snapshot (only slower)",
    "autograder.harness.tamper.x__snapshot__mutmut_14": "the cache never hits: every verdict re-reads every module, "
    "the same snapshot (only slower)",
    "autograder.harness.tamper.x__ids__mutmut_12": "the anchors are dropped: only an id freed and reused by a new "
    "object at the same address could tell, which no test can arrange",
    "autograder.harness.tamper.x__library_roots__mutmut": "every watched package is imported and has a __file__ when "
    "the snapshot is judged: equivalent",
    "autograder.harness.tamper.x__module_level_bindings__mutmut": "a dotted import binds its first part; the mutant "
    "binds the dotted name, which is never a setup name (they have no dots): equivalent for the rule",
}


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
