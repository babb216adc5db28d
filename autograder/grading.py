"""Grade a whole class with nbgrader's real autograde, in parallel, robust to broken or hostile submissions.

    python -m autograder grade SUBMISSIONS [--out graded] [--jobs N]

Every input file ends as a grade row or an error row; see :mod:`autograder.reports` for the outputs.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm import tqdm

from . import course
from .runner import read_notebook
from .submissions import Submission, collect, sanitize, unpack
from .tamper import tampering_in_source


@dataclass
class Outcome:
    """One learner × lesson: the points per exercise, or why it could not be graded."""

    learner: str
    lesson: str
    scores: dict[str, float] = field(default_factory=dict)
    max_scores: dict[str, float] = field(default_factory=dict)
    problem: str = ""  # why it was not graded at all
    notes: list[str] = field(default_factory=list)  # graded, but something to tell the instructor

    @property
    def graded(self) -> bool:
        return not self.problem


def _quiet_worker() -> None:
    import logging
    import warnings

    warnings.filterwarnings("ignore")  # nbgrader's SQLAlchemy autoflush warnings: scores are unaffected
    logging.disable(logging.WARNING)


def _grade_in_worker(
    root: str, lesson: str, learner: str, cell_timeout: int, feedback: bool = True
) -> tuple[str, str, str]:
    """Autograde one submission and write its feedback (runs in a worker process)."""
    try:
        course.autograde(Path(root), lesson, learner, cell_timeout)
        if feedback:
            course.generate_feedback(Path(root), lesson, learner)
        return learner, lesson, ""
    except course.PipelineError as error:
        causes = re.findall(r"^\s*([\w.]+(?:Error|Exception): .+)$", str(error), re.M)
        return learner, lesson, f"nbgrader could not grade it: {causes[0] if causes else 'see its log'}"[:300]


def _place(sub: Submission, root: Path) -> list[str]:
    """Put a submission where nbgrader looks for it, repaired where nbgrader would trip; return the notes."""
    target = root / "submitted" / sub.learner / sub.lesson / f"{sub.lesson}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nb = read_notebook(sub.path)
    notes = sanitize(nb)
    nbformat.write(nb, target)
    return notes


def _tampering(sub: Submission) -> dict[str, list[str]]:
    """Exercises checked after a learner cell that patches the grader, with what that cell does."""
    tainted: dict[str, list[str]] = {}
    problems: list[str] = []
    for cell in read_notebook(sub.path).cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            if problems:  # patching the grader taints every check that runs after it
                tainted[meta.get("grade_id", "")] = list(problems)
        elif cell.cell_type == "code" and not meta.get("locked"):
            problems += tampering_in_source(cell.source)
    return tainted


def grade_class(
    source: Path,
    out: Path,
    jobs: int | None = None,
    progress: bool = True,
    cell_timeout: int = course.CELL_TIMEOUT,
    feedback: bool = True,
) -> list[Outcome]:
    """Grade every submission under ``source`` (folder or zip) into ``out``; return one Outcome per input."""
    jobs = jobs or os.cpu_count() or 1
    root = out / "course"
    if root.exists():
        shutil.rmtree(root)  # every run starts clean: re-running is idempotent, and a killed run just runs again
    root.mkdir(parents=True)
    submissions = collect(unpack(source, out / "inbox"))
    gradable = [s for s in submissions if s.gradable]
    course.make_course(root, sorted({s.lesson for s in gradable}) or None)
    repairs = {(s.learner, s.lesson): _place(s, root) for s in gradable}
    # Two workers grading one learner's lessons would both add the learner to the gradebook: add them first.
    course.add_students(root, sorted({s.learner for s in gradable}))

    failures: dict[tuple[str, str], str] = {}
    # Workers fork from a server that has nbgrader imported already: no per-worker import cost, and no
    # threads of this process (tqdm's) are copied into them.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.course", "nbgrader.apps", "nbgrader.converters"])
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_quiet_worker) as pool:
        futures = [
            pool.submit(_grade_in_worker, str(root), s.lesson, s.learner, cell_timeout, feedback) for s in gradable
        ]
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="nb", disable=not progress):
            learner, lesson, problem = future.result()
            if problem:
                failures[(learner, lesson)] = problem

    outcomes = []
    for sub in submissions:
        outcome = Outcome(sub.learner, sub.lesson, problem=sub.problem)
        if sub.gradable:
            outcome.problem = failures.get((sub.learner, sub.lesson), "")
            if outcome.graded:
                outcome.notes += repairs[(sub.learner, sub.lesson)]
                outcome.scores, outcome.max_scores = course.scores_and_max(root, sub.lesson, sub.learner)
                tainted = _tampering(sub)
                if tainted:
                    first = next(iter(tainted.values()))[0]
                    outcome.notes.append(f"a cell {first}; every check after it scores 0 ({', '.join(tainted)})")
                for exercise in tainted:
                    if outcome.scores.get(exercise):
                        course.override_score(root, sub.lesson, sub.learner, exercise, 0.0)
                    outcome.scores[exercise] = 0.0
        outcomes.append(outcome)
    return outcomes


def run(source: Path, out: Path, jobs: int | None = None, feedback: bool = True) -> list[Outcome]:
    """Grade, write every report, print the one-line summary."""
    from .reports import summary_line, write_reports

    started = time.perf_counter()
    outcomes = grade_class(source, out, jobs, feedback=feedback)
    write_reports(outcomes, out)
    print(summary_line(outcomes, time.perf_counter() - started, out))
    return outcomes
