"""Grade a whole class with nbgrader's real autograde, in parallel, robust to broken or hostile submissions.

    python -m autograder grade SUBMISSIONS [--out graded] [--jobs N]

Every input file ends as a grade row or an error row (see ``reports`` for what is written). A submission is
read once (``submissions.collect``) and flows one way: sanitize → scan for tampering → place → autograde →
outcome.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tqdm import tqdm

from ..labkit import GRADING_ENV
from . import nbgrader
from .outcome import Outcome
from .reports import remove_reports
from .submissions import gather


def _worker_setup(full_demos: bool) -> None:
    """Each grading worker: quiet logs, and kernels told they are graded (ungraded demos run reduced)."""
    import logging
    import warnings

    os.environ.pop(GRADING_ENV, None)
    if not full_demos:
        os.environ[GRADING_ENV] = "1"  # the kernels nbgrader starts inherit this process's environment

    warnings.filterwarnings("ignore")  # nbgrader's SQLAlchemy autoflush warnings: scores are unaffected
    logging.disable(logging.WARNING)


def _grade_in_worker(
    root: str, lesson: str, learner: str, cell_timeout: int, feedback: bool = True
) -> tuple[str, str, str]:
    """Autograde one submission and write its feedback (runs in a worker process)."""
    try:
        nbgrader.autograde(Path(root), lesson, learner, cell_timeout)
        if feedback:
            nbgrader.generate_feedback(Path(root), lesson, learner)
        return learner, lesson, ""
    except nbgrader.PipelineError as error:
        causes = re.findall(r"^\s*([\w.]+(?:Error|Exception): .+)$", str(error), re.M)
        return learner, lesson, f"nbgrader could not grade it: {causes[0] if causes else 'see its log'}"[:300]


def grade_class(
    source: Path,
    out: Path,
    jobs: int | None = None,
    progress: bool = True,
    cell_timeout: int = nbgrader.CELL_TIMEOUT,
    feedback: bool = True,
    full_demos: bool = False,
) -> list[Outcome]:
    """Grade every submission under ``source`` (folder or zip) into ``out``; return one Outcome per input.

    Ungraded demos run at their reduced size unless ``full_demos``: the grades are the same either way.
    """
    jobs = jobs or os.cpu_count() or 1
    out = out.resolve()  # nbgrader's gradebook URL and its workers need an absolute path (`make grade` gives graded/)
    root = out / "course"
    if out.is_dir():
        remove_reports(out)  # a run that dies leaves no previous run's grades.csv looking current
    if root.exists():
        shutil.rmtree(root)  # every run starts clean: re-running is idempotent, and a killed run just runs again
    root.mkdir(parents=True)
    submissions = gather(source, out / "inbox")
    gradable = [s for s in submissions if s.gradable]
    for sub in gradable:
        sub.sanitize()
        sub.scan_for_tampering()
    failures: dict[tuple[str, str], str] = {}
    if gradable:
        failures = _autograde(root, gradable, jobs, cell_timeout, feedback, progress, full_demos)
    outcomes = []
    for sub in submissions:
        problem = failures.get((sub.student, sub.lesson), "")
        if not sub.gradable or problem:
            outcomes.append(sub.outcome(problem))
            continue
        scores, max_scores = nbgrader.scores_and_max(root, sub.lesson, sub.student)
        for exercise in sub.tainted:
            if scores.get(exercise):  # the gradebook says 0 too, so nbgrader's own views agree
                nbgrader.override_score(root, sub.lesson, sub.student, exercise, 0.0)
        outcomes.append(sub.outcome(scores=scores, max_scores=max_scores))
    return outcomes


def _autograde(
    root: Path, gradable: list, jobs: int, cell_timeout: int, feedback: bool, progress: bool, full_demos: bool
) -> dict:
    """nbgrader autograde (and feedback) of every gradable submission in parallel; {(student, lesson): problem}."""
    nbgrader.make_course(root, sorted({s.lesson for s in gradable}))
    for sub in gradable:
        sub.place(root)
    # Two workers grading one learner's lessons would both add the learner to the gradebook: add them first.
    nbgrader.add_students(root, sorted({s.student for s in gradable}))
    failures: dict[tuple[str, str], str] = {}
    # Workers fork from a server that has nbgrader imported already: no per-worker import cost, and no
    # threads of this process (tqdm's) are copied into them.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.course.nbgrader", "nbgrader.apps", "nbgrader.converters"])
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_worker_setup, initargs=(full_demos,)
    ) as pool:
        futures = [
            pool.submit(_grade_in_worker, str(root), s.lesson, s.student, cell_timeout, feedback) for s in gradable
        ]
        for future in tqdm(as_completed(futures), total=len(futures), desc="grading", unit="nb", disable=not progress):
            student, lesson, problem = future.result()
            if problem:
                failures[(student, lesson)] = problem
    return failures
