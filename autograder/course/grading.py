"""Grade a whole class with nbgrader's real autograde, in parallel, robust to broken or hostile submissions.

    python -m autograder grade SUBMISSIONS [--out graded] [--jobs N]

Every input file ends as a grade row or an error row (see ``reports`` for what is written). A submission is
read once (``submissions.collect``) and flows one way: sanitize → scan for tampering → place → autograde →
outcome.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import shutil
import signal
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tqdm import tqdm

from . import nbgrader, sandbox
from .outcome import Outcome
from .reports import remove_reports
from .submissions import gather
from .worker import grade_in_worker, setup_worker


def grade_class(
    source: Path,
    out: Path,
    jobs: int | None = None,
    progress: bool = True,
    cell_timeout: int = nbgrader.CELL_TIMEOUT,
    feedback: bool = True,
    full_demos: bool = False,
    sandboxed: bool = True,
    notebook_budget: int = sandbox.NOTEBOOK_BUDGET,
    cluster_ready: bool = False,
) -> list[Outcome]:
    """Grade every submission under ``source`` (folder or zip) into ``out``; return one Outcome per input.

    Ungraded demos run at their reduced size unless ``full_demos``: the grades are the same either way.
    Every kernel runs in a sandbox (see ``sandbox``), killed after ``notebook_budget`` seconds, unless
    ``sandboxed`` is False; where none can start this raises :class:`sandbox.SandboxUnavailable` before anything
    is graded. ``cluster_ready``: every exercise is also held to Redis Cluster's rules (``checks.cluster_ready``:
    no command or transaction across slots, no SELECT), under the standards those rules cite.
    """
    if sandboxed:
        sandbox.probe()
    jobs = jobs or os.cpu_count() or 1
    out = out.resolve()  # nbgrader's gradebook URL and its workers need an absolute path (`make grade` gives graded/)
    root = out / "course"
    if out.is_dir():
        remove_reports(out)  # a run that dies leaves no previous run's grades.csv looking current
    if root.exists():
        shutil.rmtree(root)  # every run starts clean: re-running is idempotent, and a killed run just runs again
    root.mkdir(parents=True)
    submissions = gather(source, out / "inbox")
    for sub in submissions:
        if sub.gradable:
            _guard(sub, "could not be prepared for grading", sub.sanitize, sub.scan_for_tampering)
    gradable = [s for s in submissions if s.gradable]
    failures: dict[tuple[str, str], str] = {}
    if gradable:
        budget = notebook_budget if sandboxed else None
        failures = _autograde(root, gradable, jobs, cell_timeout, feedback, progress, full_demos, budget, cluster_ready)
    outcomes = []
    for sub in submissions:
        problem = failures.get((sub.student, sub.lesson), "")
        if not sub.gradable or problem:
            outcomes.append(sub.outcome(problem))
            continue
        try:
            scores, max_scores = nbgrader.scores_and_max(root, sub.lesson, sub.student)
            for exercise in sub.tainted:
                if scores.get(exercise):  # the gradebook says 0 too, so nbgrader's own views agree
                    nbgrader.override_score(root, sub.lesson, sub.student, exercise, 0.0)
        except Exception as error:  # noqa: BLE001 - one submission's gradebook entry never costs the class its grades
            outcomes.append(sub.outcome(f"its scores could not be read from nbgrader's gradebook ({_cause(error)})"))
            continue
        outcomes.append(sub.outcome(scores=scores, max_scores=max_scores))
    return outcomes


def _guard(sub, what: str, *steps) -> None:
    """Run one submission's steps; whatever they raise becomes that submission's problem, not the batch's."""
    try:
        for step in steps:
            step()
    except Exception as error:  # noqa: BLE001 - learner files can make any step raise anything
        sub.problem = f"{what} ({_cause(error)}); look at the file"


def _cause(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _autograde(
    root: Path,
    gradable: list,
    jobs: int,
    cell_timeout: int,
    feedback: bool,
    progress: bool,
    full_demos: bool,
    budget: int | None,
    cluster_ready: bool = False,
) -> dict:
    """nbgrader autograde (and feedback) of every gradable submission in parallel; {(student, lesson): problem}.

    A learner's code can kill the process grading it, which breaks the whole pool: every submission the break
    took down is graded again, each alone in a fresh process, so only one that kills its process again fails.
    """
    nbgrader.make_course(root, sorted({s.lesson for s in gradable}))
    failures: dict[tuple[str, str], str] = {}
    for sub in gradable:
        _guard(sub, "could not be placed for nbgrader", functools.partial(sub.place, root))
        if not sub.gradable:
            failures[(sub.student, sub.lesson)] = sub.problem
    tasks = {(s.student, s.lesson): (str(root), s.lesson, s.student, cell_timeout, feedback) for s in gradable
             if s.gradable}  # fmt: skip
    # Two workers grading one learner's lessons would both add the learner to the gradebook: add them first.
    nbgrader.add_students(root, sorted({student for student, _ in tasks}))
    # Workers fork from a server that has nbgrader imported already: no per-worker import cost, and no
    # threads of this process (tqdm's) are copied into them.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["autograder.course.nbgrader", "nbgrader.apps", "nbgrader.converters"])
    initargs = (full_demos, budget, cluster_ready)
    broken = []
    with tqdm(total=len(tasks), desc="grading", unit="nb", disable=not progress) as bar:
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=context, initializer=setup_worker, initargs=initargs
        ) as pool:
            futures = {}
            for key, task in tasks.items():
                try:
                    futures[pool.submit(grade_in_worker, *task)] = key
                except BrokenProcessPool:  # it broke while the class was being handed out
                    broken.append(key)
            for future in as_completed(futures):
                try:
                    problem = future.result()[2]
                except BrokenProcessPool:
                    broken.append(futures[future])
                    continue
                except Exception as error:  # noqa: BLE001 - a worker's unexpected error is that submission's row
                    problem = f"nbgrader could not grade it: {_cause(error)}"
                if problem:
                    failures[futures[future]] = problem
                bar.update()
        with ThreadPoolExecutor(max_workers=jobs) as threads:  # each retry waits on its own process
            retried = threads.map(lambda key: _grade_alone(context, initargs, tasks[key]), broken)
            for key, problem in zip(broken, retried, strict=True):
                if problem:
                    failures[key] = problem
                bar.update()
    return failures


def _grade_alone(context, initargs: tuple, task: tuple) -> str:
    """Grade one submission in a process of its own: its problem, or what happened to the process."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_grade_and_send, args=(send, initargs, task))
    process.start()
    send.close()
    try:
        return receive.recv()[2]
    except EOFError:  # the process died without an answer
        process.join()
        return (
            f"nbgrader could not grade it: the process grading it died twice ({_death(process.exitcode)}), the "
            "second time grading it alone, so something in the notebook kills the process that runs it (e.g. "
            "os.kill of a parent process) or runs it out of memory; the rest of the class was graded. Remove that "
            "code, then grade it again."
        )
    finally:
        receive.close()
        process.join()


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _grade_and_send(send, initargs: tuple, task: tuple) -> None:
    """The body of a process from ``_grade_alone``: set up as a pool worker, grade, send the result."""
    setup_worker(*initargs)
    try:
        result = grade_in_worker(*task)
    except Exception as error:  # noqa: BLE001 - sent back as the submission's problem
        result = ("", "", f"nbgrader could not grade it: {_cause(error)}")
    send.send(result)
    send.close()
