"""``python -m autograder <verb>``: the workbook's one command line.

Learners: ``check``, ``progress``, ``workspace``. Instructors and team leads: ``grade``, ``release``,
``audit-config``. Authors: ``build``, ``new-exercise``, ``prove``, ``record``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .notebooks import NotebookError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# -- learners ------------------------------------------------------------------------------------------


def _print_report(report) -> None:
    print(f"{report.notebook}  (backend: {report.backend})")
    for ex in report.exercises:
        mark = "PASS" if ex.passed else "VISIBLE" if ex.visible_only else "FAIL"
        standards = ", ".join(ex.standards) or "-"
        print(f"  {mark}  {ex.grade_id:<28} {ex.points:g}/{ex.max_points:g}  [{standards}]")
        if not ex.passed and not ex.visible_only:
            for line in ex.feedback:
                print(f"        {line}")
    done = sum(ex.passed for ex in report.exercises)
    print(f"{done}/{len(report.exercises)} exercises pass · {report.points:g}/{report.max_points:g} points")
    visible = sum(ex.visible_only for ex in report.exercises)
    if visible:
        print(f"{visible} more pass their visible checks; their hidden cases run only when graded (no solutions/ here)")


def _check(args: argparse.Namespace) -> int:
    if not args.watch:
        return _check_once(args)
    from .learner.watch import watch

    def run() -> int:
        sys.stdout.flush()
        code = _check_once(args)
        sys.stdout.flush()
        return code

    return watch(Path(args.notebook), run, interval=args.interval, max_runs=args.max_runs, timeout=args.timeout,
                 say=lambda text: print(text, flush=True))  # fmt: skip


def _check_once(args: argparse.Namespace) -> int:
    from .learner.check import check_notebook

    try:
        report = check_notebook(args.notebook, full_demos=args.full_demos)
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(report.to_json())
    else:
        _print_report(report)
    return EXIT_OK if report.passed else EXIT_FAILED


def _progress(args: argparse.Namespace) -> int:
    from . import layout
    from .learner import progress

    workspace = Path(args.workspace) if args.workspace else layout.REPO_ROOT / layout.WORKSPACE
    if args.json:
        print(progress.to_json(workspace))
    else:
        print(f"Progress in {workspace} (recorded each time a check cell or `check` runs)\n")
        print(progress.text_report(workspace))
    return EXIT_OK


def _workspace(args: argparse.Namespace) -> int:
    from .learner.workspace import prepare_workspace

    for line in prepare_workspace():
        print(line)
    return EXIT_OK


# -- instructors and team leads ---------------------------------------------------------------------------


def _grade(args: argparse.Namespace) -> int:
    from .course.grading import grade_class
    from .course.reports import summary_line, write_reports
    from .course.sandbox import SandboxUnavailable

    source, out = Path(args.submissions), Path(args.out)
    if not source.exists():
        print(f"error: {source}: no such folder or zip", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    try:
        outcomes = grade_class(
            source,
            out,
            args.jobs,
            feedback=not args.no_feedback,
            full_demos=args.full_demos,
            sandboxed=not args.unsandboxed,
            cluster_ready=args.cluster_ready,
        )
    except SandboxUnavailable as error:
        print(f"error: cannot grade safely: {error}", file=sys.stderr)
        return EXIT_USAGE
    except NotebookError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    write_reports(outcomes, out)
    print(summary_line(outcomes, time.perf_counter() - started, out))
    return EXIT_OK if all(o.graded for o in outcomes) else EXIT_FAILED


def _release(args: argparse.Namespace) -> int:
    from .course.release import release_lessons

    return _report_build(release_lessons, args.check, "solutions/ and lessons/")


def _audit_config(args: argparse.Namespace) -> int:
    from .checks.findings import Severity
    from .confaudit import ConfigError, audit_config, load_config

    try:
        config = load_config(args.path)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    findings = audit_config(config, purpose=args.purpose, keys_have_ttls=not args.keys_without_ttls)
    for finding in findings:
        print("\n".join(finding.lines()))
    counts = {s: sum(f.severity is s for f in findings) for s in Severity}
    summary = ", ".join(f"{n} {s.name.lower()}" for s, n in counts.items())
    print(f"{args.path} audited as a {args.purpose} ({len(config.files)} file(s) read): {summary}")
    return EXIT_FAILED if counts[Severity.ESSENTIAL] else EXIT_OK


# -- authors ---------------------------------------------------------------------------------------------


def _build(args: argparse.Namespace) -> int:
    from .authoring.build import build

    return _report_build(build, args.check, "solutions/ and the exercise catalog")


def _report_build(step, check_only: bool, what: str) -> int:
    from .authoring.errors import AUTHORING_ERRORS

    try:
        changed = step(check_only=check_only)
    except AUTHORING_ERRORS as error:
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


def _new_exercise(args: argparse.Namespace) -> int:
    from .authoring.scaffold import new_exercise

    try:
        changed = new_exercise(args.lesson, args.id, title=args.title, standard=args.standard)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in changed:
        print(f"edited {path}")
    print(
        f"Next: write the reference answer and the check in {changed[0].name}, the hints in {changed[1].name} "
        f"and the answers in {changed[2].name}; then `make lessons` and `python -m autograder prove {args.lesson}`."
    )
    return EXIT_OK


def _record(args: argparse.Namespace) -> int:
    from . import layout
    from .authoring.record import RecordError, record

    try:
        written = record(args.lessons or None)
    except RecordError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_FAILED
    for path in written:
        print(f"recorded: {path.relative_to(layout.REPO_ROOT) if path.is_relative_to(layout.REPO_ROOT) else path}")
    return EXIT_OK


def _prove(args: argparse.Namespace) -> int:
    from .authoring.prove import prove

    proofs = prove(args.lessons or None)
    return EXIT_OK if all(p.proven for p in proofs) else EXIT_FAILED


# -- the parser ------------------------------------------------------------------------------------------


def _add_full_demos(parser: argparse.ArgumentParser) -> None:
    help_text = "run the demos at full size, as JupyterLab does (slower; the grades are the same)"
    parser.add_argument("--full-demos", action="store_true", help=help_text)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="run a notebook in a fresh kernel and report each graded exercise")
    check.add_argument("notebook", help="path to a lesson or solution .ipynb")
    check.add_argument("--json", action="store_true", help="print one JSON object (shape: see README)")
    check.add_argument("--watch", action="store_true", help="re-run the check each time the notebook is saved")
    check.add_argument("--interval", type=float, default=1.0, help="with --watch: seconds between looks (default 1)")
    check.add_argument("--max-runs", type=int, default=None, help="with --watch: stop after this many checks")
    check.add_argument("--timeout", type=float, default=None, help="with --watch: stop watching after SECONDS")
    _add_full_demos(check)
    check.set_defaults(run=_check)

    prog = sub.add_parser("progress", help="list every lesson and exercise as done / to do, and what to do next")
    prog.add_argument("--workspace", default=None, help="the learner's workspace folder (default: my-work/)")
    prog.add_argument("--json", action="store_true", help="print one JSON object")
    prog.set_defaults(run=_progress)

    workspace = sub.add_parser("workspace", help="copy lessons you have not started into my-work/")
    workspace.set_defaults(run=_workspace)

    grade = sub.add_parser("grade", help="grade a class: nbgrader autograde, feedback, grades.csv, mastery report")
    grade.add_argument("submissions", help="folder (<learner>/<lesson>/x.ipynb or <learner>__<lesson>.ipynb) or .zip")
    grade.add_argument("--out", default="graded", help="output folder (default: graded/)")
    grade.add_argument("--jobs", type=int, default=None, help="parallel graders (default: all cores)")
    grade.add_argument("--no-feedback", action="store_true", help="skip the per-learner feedback HTML (faster)")
    grade.add_argument(
        "--cluster-ready",
        action="store_true",
        help="also hold every exercise to Redis Cluster's rules: no command or transaction across slots, no SELECT",
    )
    grade.add_argument(
        "--unsandboxed",
        action="store_true",
        help="run learners' code WITHOUT the bubblewrap sandbox, as you, with your files and network in reach "
        "(only for submissions you trust, where no sandbox can run)",
    )
    _add_full_demos(grade)
    grade.set_defaults(run=_grade)

    release = sub.add_parser("release", help="build, then regenerate lessons/ from solutions/ with nbgrader")
    release.add_argument("--check", action="store_true", help="only report whether everything is up to date")
    release.set_defaults(run=_release)

    audit = sub.add_parser(
        "audit-config",
        help="audit a redis.conf against the configuration and security standards",
        description="Audit a redis.conf against the caching standards. Exit 0: no essential findings; "
        "1: essential findings; 2: the file is missing or malformed.",
    )
    audit.add_argument("path", help="the redis.conf to audit (its includes are read too)")
    audit.add_argument("--purpose", choices=("cache", "store"), default="cache",
                       help="cache: data can be rebuilt; store: Redis holds the only copy")  # fmt: skip
    audit.add_argument("--keys-without-ttls", action="store_true", help="some keys are written without a TTL")
    audit.set_defaults(run=_audit_config)

    build = sub.add_parser("build", help="build solutions/ and the exercise catalog from content/ (authors)")
    build.add_argument("--check", action="store_true", help="only report whether the built files are up to date")
    build.set_defaults(run=_build)

    new = sub.add_parser("new-exercise", help="scaffold an exercise in content/<lesson>/ (authors)")
    new.add_argument("lesson", help="the lesson folder, e.g. 01-key-design")
    new.add_argument("id", help="the exercise id, e.g. l01-session-key")
    new.add_argument("--title", default="", help="the exercise's title (default: from the id)")
    new.add_argument("--standard", default="", help="the standard it practises first (default: ttl-always)")
    new.set_defaults(run=_new_exercise)

    prove = sub.add_parser("prove", help="every solution passes and every untouched stub scores 0 (authors)")
    prove.add_argument("lessons", nargs="*", help="lessons to prove (default: all)")
    prove.set_defaults(run=_prove)

    record = sub.add_parser(
        "record", help="record the real-server cells of lessons, for machines without one (authors)"
    )
    record.add_argument("lessons", nargs="*", help="lessons to record (default: every lesson that calls recorded_run)")
    record.set_defaults(run=_record)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)
