"""``python -m autograder``: check a notebook, regenerate lessons, prepare the learner's workspace."""

from __future__ import annotations

import argparse
import sys

from .runner import NotebookError, NotebookReport, check_notebook

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _print_report(report: NotebookReport) -> None:
    print(f"{report.notebook}  (backend: {report.backend})")
    for ex in report.exercises:
        mark = "PASS" if ex.passed else "FAIL"
        standards = ", ".join(ex.standards) or "-"
        print(f"  {mark}  {ex.grade_id:<28} {ex.points:g}/{ex.max_points:g}  [{standards}]")
        if not ex.passed:
            for line in ex.feedback:
                print(f"        {line}")
    done = sum(ex.passed for ex in report.exercises)
    print(f"{done}/{len(report.exercises)} exercises pass · {report.points:g}/{report.max_points:g} points")


def _check(args: argparse.Namespace) -> int:
    if args.watch:
        return _check_watch(args)
    return _check_once(args)


def _check_once(args: argparse.Namespace) -> int:
    try:
        report = check_notebook(args.notebook)
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(report.to_json())
    else:
        _print_report(report)
    return EXIT_OK if report.passed else EXIT_FAILED


def _check_watch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .watch import watch

    def run() -> int:
        sys.stdout.flush()
        code = _check_once(args)
        sys.stdout.flush()
        return code

    return watch(Path(args.notebook), run, interval=args.interval, max_runs=args.max_runs, timeout=args.timeout,
                 say=lambda text: print(text, flush=True))  # fmt: skip


def _progress(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import progress
    from .workspace import WORKSPACE

    workspace = Path(args.workspace) if args.workspace else progress.REPO_ROOT / WORKSPACE
    if args.json:
        print(progress.to_json(workspace))
    else:
        print(f"Progress in {workspace} (recorded each time a check cell or `check` runs)\n")
        print(progress.text_report(workspace))
    return EXIT_OK


def _release(args: argparse.Namespace) -> int:
    from .course import release_lessons

    return _report_build(release_lessons, args.check, "solutions/ and lessons/")


def _build(args: argparse.Namespace) -> int:
    from .authoring.build import build

    return _report_build(build, args.check, "solutions/ and the exercise catalog")


def _report_build(step, check_only: bool, what: str) -> int:
    from .authoring.answers import AnswersSourceError
    from .authoring.exercises_source import ExercisesSourceError
    from .authoring.lesson_text import LessonSourceError

    try:
        changed = step(check_only=check_only)
    except (LessonSourceError, ExercisesSourceError, AnswersSourceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if check_only:
        if changed:
            print(f"{what} out of date with content/: " + ", ".join(changed) + ". Run `make lessons`.")
            return EXIT_FAILED
        print(f"{what} match content/")
        return EXIT_OK
    print("regenerated: " + (", ".join(changed) if changed else "nothing changed"))
    return EXIT_OK


def _grade(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .grading import run

    source = Path(args.submissions)
    if not source.exists():
        print(f"error: {source}: no such folder or zip", file=sys.stderr)
        return EXIT_USAGE
    try:
        outcomes = run(source, Path(args.out), args.jobs, feedback=not args.no_feedback)
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK if all(o.graded for o in outcomes) else EXIT_FAILED


def _audit_config(args: argparse.Namespace) -> int:
    from .confaudit import main_audit

    return main_audit(args.args)


def _workspace(args: argparse.Namespace) -> int:
    from .workspace import prepare_workspace

    for line in prepare_workspace():
        print(line)
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="run a notebook in a fresh kernel and report each graded exercise")
    check.add_argument("notebook", help="path to a lesson or solution .ipynb")
    check.add_argument("--json", action="store_true", help="print one JSON object (shape: see README)")
    check.add_argument("--watch", action="store_true", help="re-run the check each time the notebook is saved")
    check.add_argument("--interval", type=float, default=1.0, help="with --watch: seconds between looks (default 1)")
    check.add_argument("--max-runs", type=int, default=None, help="with --watch: stop after this many checks")
    check.add_argument("--timeout", type=float, default=None, help="with --watch: stop watching after SECONDS")
    check.set_defaults(run=_check)
    prog = sub.add_parser("progress", help="list every lesson and exercise as done / to do, and what to do next")
    prog.add_argument("--workspace", default=None, help="the learner's workspace folder (default: my-work/)")
    prog.add_argument("--json", action="store_true", help="print one JSON object")
    prog.set_defaults(run=_progress)
    build = sub.add_parser("build", help="build solutions/ and the exercise catalog from content/ (authors)")
    build.add_argument("--check", action="store_true", help="only report whether the built files are up to date")
    build.set_defaults(run=_build)
    release = sub.add_parser("release", help="build, then regenerate lessons/ from solutions/ with nbgrader")
    release.add_argument("--check", action="store_true", help="only report whether everything is up to date")
    release.set_defaults(run=_release)
    grade = sub.add_parser("grade", help="grade a class: nbgrader autograde, feedback, grades.csv, mastery report")
    grade.add_argument("submissions", help="folder (<learner>/<lesson>/x.ipynb or <learner>__<lesson>.ipynb) or .zip")
    grade.add_argument("--out", default="graded", help="output folder (default: graded/)")
    grade.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    grade.add_argument("--no-feedback", action="store_true", help="skip the per-learner feedback HTML (faster)")
    grade.set_defaults(run=_grade)
    audit = sub.add_parser(
        "audit-config",
        add_help=False,
        help="audit a redis.conf against the configuration and security standards (--help for options)",
    )
    audit.add_argument("args", nargs=argparse.REMAINDER)
    audit.set_defaults(run=_audit_config)
    workspace = sub.add_parser("workspace", help="copy lessons you have not started into my-work/")
    workspace.set_defaults(run=_workspace)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
