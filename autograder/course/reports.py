"""What an instructor or team lead reads after grading: grades.csv, standards.csv and a mastery report.

Each report is written whole or not at all (a temp file beside it, then renamed over it), and a grade run first
removes the previous run's (:func:`remove_reports`): a report in the folder is always this run's, complete.
Learner names and messages are untrusted: CSV cells never start a formula, HTML is escaped, the heat map draws
names as plain text.
"""

from __future__ import annotations

import csv
import html
import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from ..catalog.exercises import exercise_catalog
from ..catalog.standards import catalog
from .outcome import Outcome

WEAKEST_SHOWN = 3
REPORTS = ("grades.csv", "standards.csv", "mastery.png", "mastery.md", "mastery.html")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula (OWASP)


def remove_reports(out: Path) -> None:
    """Remove the previous run's reports from ``out``, so a run that dies leaves none looking current."""
    for name in REPORTS:
        (out / name).unlink(missing_ok=True)
        for temp in out.glob(f".{name}.*.tmp"):
            temp.unlink(missing_ok=True)


def _replace(path: Path, write: Callable[[Path], None]) -> None:
    """Write ``path`` through ``write(temp)``: a temp file in the same folder, renamed over ``path`` once whole."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        write(temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _cell(value) -> str:
    """A CSV cell: numbers as numbers, text with a leading ' where a spreadsheet would read a formula."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _fmt(value)
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _write_csv(path: Path, rows: list[list]) -> None:
    def write(temp: Path) -> None:
        with temp.open("w", newline="") as handle:
            csv.writer(handle).writerows([[_cell(value) for value in row] for row in rows])

    _replace(path, write)


def exercise_columns(outcomes: Sequence[Outcome]) -> list[str]:
    lessons = {o.lesson for o in outcomes}
    return [e.id for e in exercise_catalog().values() if e.lesson in lessons]


def write_grades_csv(outcomes: Sequence[Outcome], path: Path) -> None:
    columns = exercise_columns(outcomes)
    rows = [["learner", "lesson", "status", "score", "max_score", *columns, "notes"]]
    for o in outcomes:
        status = "graded" if o.graded else "error"
        max_total = sum(o.max_scores.values()) if o.graded else ""
        cells = [o.scores.get(c, "") for c in columns]
        rows.append([o.learner, o.lesson, status, sum(o.scores.values()), max_total, *cells, _notes(o)])
    _write_csv(path, rows)


def _notes(o: Outcome) -> str:
    return "; ".join(str(text) for text in (o.problem, *o.notes) if text)


def _fmt(value) -> str:
    return f"{value + 0.0:g}" if isinstance(value, float | int) else str(value)  # + 0.0: -0.0 is written 0


def mastery(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """learner → standard → fraction of the points earned on exercises citing it (lessons submitted only).

    A submission that could not be graded counts as zero for its lesson's standards. A lesson submitted more
    than once (colliding files, noted on each row) counts once, by its best copy, until the instructor decides.
    """
    best: dict[tuple[str, str], Outcome] = {}
    for o in outcomes:
        key = (o.learner, o.lesson)
        if key not in best or _points(o) > _points(best[key]):
            best[key] = o
    earned: dict[tuple[str, str], float] = {}
    possible: dict[tuple[str, str], float] = {}
    for o in best.values():
        for exercise in exercise_catalog().values():
            if exercise.lesson != o.lesson:
                continue
            top = o.max_scores.get(exercise.id, 1.0)
            got = o.scores.get(exercise.id, 0.0) if o.graded else 0.0
            for sid in exercise.standards:
                earned[(o.learner, sid)] = earned.get((o.learner, sid), 0.0) + got
                possible[(o.learner, sid)] = possible.get((o.learner, sid), 0.0) + top
    table: dict[str, dict[str, float]] = {}
    for (learner, sid), top in possible.items():
        table.setdefault(learner, {})[sid] = earned[(learner, sid)] / top if top else 0.0
    return dict(sorted(table.items()))


def _points(o: Outcome) -> float:
    return sum(o.scores.values()) if o.graded else -1.0


def standard_averages(table: dict[str, dict[str, float]]) -> dict[str, float]:
    averages = {}
    for sid in catalog():
        values = [row[sid] for row in table.values() if sid in row]
        if values:
            averages[sid] = sum(values) / len(values)
    return averages


def write_standards_csv(table: dict[str, dict[str, float]], path: Path) -> None:
    standards = list(catalog())
    rows = [["learner", *standards]]
    for learner, row in table.items():
        rows.append([learner, *[f"{row[s] + 0.0:.2f}" if s in row else "" for s in standards]])
    _write_csv(path, rows)


def plot_heatmap(table: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    standards = [s for s in catalog() if any(s in row for row in table.values())]
    learners = list(table)
    grid = [[table[learner].get(s, math.nan) for s in standards] for learner in learners]
    fig, ax = plt.subplots(figsize=(1.2 + 0.5 * len(standards), 1.2 + 0.32 * len(learners)))
    image = ax.imshow(grid, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(len(standards)), standards, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(learners)), learners, fontsize=8, parse_math=False)  # a "$" in a name is text
    ax.set_title("Mastery per standard (share of points earned; blank = not submitted)", fontsize=9)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    fig.tight_layout()
    try:
        _replace(path, lambda temp: fig.savefig(temp, dpi=120, format="png"))
    finally:
        plt.close(fig)


def weakest(averages: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(averages.items(), key=lambda item: (item[1], item[0]))[:WEAKEST_SHOWN]


def write_mastery_summary(outcomes: Sequence[Outcome], table: dict[str, dict[str, float]], out: Path) -> None:
    averages = standard_averages(table)
    lines = ["# Mastery report", "", f"{len(table)} learner(s), {len(outcomes)} submission(s).", ""]
    if averages:
        lines += ["## Weakest standards", ""]
        for sid, value in weakest(averages):
            lines.append(f"- **`{sid}`** — {value:.0%} of points on average. Rule: {catalog()[sid].rule}")
        lines += ["", "## Every standard", "", "| standard | group | average |", "|---|---|---|"]
        for sid, value in sorted(averages.items(), key=lambda item: item[1]):
            lines.append(f"| `{sid}` | {catalog()[sid].group} | {value:.0%} |")
    problems = [o for o in outcomes if not o.graded or o.notes]
    if problems:
        lines += ["", "## Submissions to look at", ""]
        for o in problems:
            lines.append(f"- {o.learner} / {o.lesson}: {_notes(o)}")
    lines += ["", "![heat map](mastery.png)", ""]
    markdown = "\n".join(lines)
    _replace(out / "mastery.md", lambda temp: temp.write_text(markdown))
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines if line and not line.startswith("!["))
    page = "<!doctype html><meta charset='utf-8'><title>Mastery report</title>"
    _replace(out / "mastery.html", lambda temp: temp.write_text(f"{page}{body}<img src='mastery.png' alt='heat map'>"))


def write_reports(outcomes: Sequence[Outcome], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_grades_csv(outcomes, out / "grades.csv")
    table = mastery(outcomes)
    write_standards_csv(table, out / "standards.csv")
    if table:
        plot_heatmap(table, out / "mastery.png")
    write_mastery_summary(outcomes, table, out)


def summary_line(outcomes: Sequence[Outcome], seconds: float, out: Path) -> str:
    graded = [o for o in outcomes if o.graded]
    failed = [o for o in outcomes if not o.graded]
    reasons = "; ".join(f"{o.learner}/{o.lesson}: {o.problem}" for o in failed[:5])
    more = f" (+{len(failed) - 5} more)" if len(failed) > 5 else ""
    tail = f" — failed: {reasons}{more}" if failed else ""
    return f"graded {len(graded)}, failed to grade {len(failed)}, in {seconds:.1f} s → {out}{tail}"
