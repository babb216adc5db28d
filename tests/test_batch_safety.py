"""No submission breaks the batch: a hostile zip, name, identity, cell value, HTML output or process kill costs
only its own row, and the rest of the class is graded and reported as if it were not there.

Most cases run the collection and report steps alone (no nbgrader). One small class goes through the real
pipeline once (``graded_class``): a learner's process kill, HTML in feedback and in the formgrader, and an identity
collision.
"""

import csv
import os
import re
import tracemalloc
import zipfile

import nbformat
import pytest
from hostile.corpus import FULL, LESSON
from support.notebooks import html_text, lesson_path, read, solution_path, squash

from autograder.course import grading, reports, submissions
from autograder.course.grading import grade_class
from autograder.course.outcome import Outcome
from autograder.course.reports import write_grades_csv, write_reports, write_standards_csv
from autograder.notebooks import NotebookError

MiB = 2**20
SOLUTION = solution_path(LESSON).read_bytes()
graded = pytest.mark.xdist_group("batch-safety")  # the class is graded once per xdist worker that needs it


def _zip(path, members):
    """A zip of (name, bytes) members, written in order (duplicates and odd names included)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name), data, zipfile.ZIP_DEFLATED)
    return path


def _zeros_member(archive, name, size):
    with archive.open(name, "w", force_zip64=True) as handle:
        for _ in range(size // MiB):
            handle.write(bytes(MiB))


def _rows(source, inbox):
    return {(s.learner, s.lesson): s for s in submissions.gather(source, inbox)}


def _honest_name(learner="ada"):
    return f"{learner}/{LESSON}/{LESSON}.ipynb"


# -- 1. zip input --------------------------------------------------------------------------------------


def test_a_zip_bomb_stops_at_the_notebook_cap_without_writing_or_holding_it(tmp_path):
    bomb = tmp_path / "class.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_honest_name(), SOLUTION)
        _zeros_member(archive, f"mallory/{LESSON}/{LESSON}.ipynb", 16 * submissions.MAX_NOTEBOOK_BYTES)
    assert bomb.stat().st_size < 2 * MiB
    tracemalloc.start()
    try:
        folder, refused = submissions.unpack(bomb, tmp_path / "inbox")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MiB, f"unpacking held {peak / MiB:.0f} MiB"
    rows = {(s.learner, s.lesson): s for s in submissions.collect(folder) + refused}
    assert rows[("ada", LESSON)].gradable
    problem = rows[("mallory", LESSON)].problem
    assert "more than 16 MiB" in problem and "clear its outputs" in problem, problem
    assert not (tmp_path / "inbox" / "mallory" / LESSON / f"{LESSON}.ipynb").exists(), "the partial file is removed"


def test_a_zip_that_unpacks_to_far_more_than_its_size_is_refused_whole(tmp_path):
    """Each member under the notebook cap, together 100 x the zip's size and past the 64 MiB floor: stop there."""
    source = tmp_path / "class.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_honest_name(), SOLUTION)
        for n in range(6):
            _zeros_member(archive, f"m{n}/{LESSON}/{LESSON}.ipynb", 12 * MiB)
    with pytest.raises(NotebookError) as raised:
        submissions.gather(source, tmp_path / "out" / "inbox")
    message = str(raised.value)
    assert "more than 64 MiB" in message and "unzip it" in message and "nothing was graded" in message, message
    assert not (tmp_path / "out" / "inbox").exists(), "what was unpacked before the cap is removed"


def test_refused_bombs_count_toward_the_whole_zip_cap(tmp_path):
    """Each bomb is refused at the notebook cap, but what unpacking them read adds up: many bombs are one bomb."""
    source = tmp_path / "class.zip"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_honest_name(), SOLUTION)
        for n in range(4):
            _zeros_member(archive, f"m{n}/{LESSON}/{LESSON}.ipynb", 2 * submissions.MAX_NOTEBOOK_BYTES)
    with pytest.raises(NotebookError, match="more than 64 MiB"):
        submissions.gather(source, tmp_path / "inbox")


def test_the_total_cap_is_counted_on_bytes_read(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_ZIP_BYTES", len(SOLUTION) + 1000)
    source = _zip(tmp_path / "class.zip", [(_honest_name("ada"), SOLUTION), (_honest_name("bob"), SOLUTION)])
    with pytest.raises(NotebookError, match="the cap on a whole zip"):
        submissions.gather(source, tmp_path / "inbox")


def test_a_zip_with_too_many_entries_is_refused_before_anything_is_written(tmp_path):
    source = _zip(tmp_path / "class.zip", [(f"x/{n}.ipynb", b"") for n in range(submissions.MAX_ZIP_MEMBERS + 1)])
    with pytest.raises(NotebookError, match="10,001 entries.*10,000"):
        submissions.gather(source, tmp_path / "inbox")
    assert not (tmp_path / "inbox").exists() or not any((tmp_path / "inbox").iterdir())


def _lie_about_size(path, name, declared):
    """Rewrite the uncompressed size a zip declares for ``name`` (local header and central directory)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(encoded)] == encoded:
                data[start + size_at : start + size_at + 4] = declared.to_bytes(4, "little")
            start += 4
    path.write_bytes(bytes(data))


def test_declared_sizes_are_not_trusted_and_a_corrupt_entry_is_one_row(tmp_path):
    source = tmp_path / "class.zip"
    liar = f"liar/{LESSON}/{LESSON}.ipynb"
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(_honest_name(), SOLUTION)
        _zeros_member(archive, liar, 64 * MiB)
    _lie_about_size(source, liar, 1000)  # says 1000 bytes, holds 64 MiB
    rows = _rows(source, tmp_path / "inbox")
    assert rows[("ada", LESSON)].gradable
    problem = rows[("liar", LESSON)].problem
    assert "corrupt" in problem and "zip it again" in problem, problem
    assert not (tmp_path / "inbox" / liar).exists()


def test_members_escaping_the_inbox_are_refused_and_reported(tmp_path):
    out = tmp_path / "out"
    source = _zip(tmp_path / "class.zip", [
        (_honest_name(), SOLUTION),
        ("../inbox2/x.ipynb", b"{}"),  # a sibling whose path starts with the inbox's: a string prefix check passes it
        ("../escaped.ipynb", b"{}"),
        (str(tmp_path / "absolute.ipynb"), b"{}"),
    ])  # fmt: skip
    rows = _rows(source, out / "inbox")
    assert not (out / "inbox2").exists() and not (out / "escaped.ipynb").exists()
    assert not (tmp_path / "absolute.ipynb").exists()
    refused = {key: s.problem for key, s in rows.items() if not s.gradable}
    assert set(refused) == {
        ("../inbox2/x.ipynb", "?"),
        ("../escaped.ipynb", "?"),
        (str(tmp_path / "absolute.ipynb"), "?"),
    }
    assert all("leaves the zip's folder" in p and "not unpacked" in p for p in refused.values()), refused
    assert rows[("ada", LESSON)].gradable


def test_a_duplicate_zip_entry_is_reported_not_silently_overwritten(tmp_path):
    source = _zip(
        tmp_path / "class.zip", [(_honest_name(), SOLUTION), (_honest_name(), lesson_path(LESSON).read_bytes())]
    )
    rows = submissions.gather(source, tmp_path / "inbox")
    assert [(s.learner, s.gradable) for s in rows] == [("ada", True), ("ada", False)]
    assert "a second zip entry" in rows[1].problem
    assert read(tmp_path / "inbox" / _honest_name()).cells == read(solution_path(LESSON)).cells, "the first is kept"


# -- 2. names that used to abort the batch ---------------------------------------------------------------


def test_a_name_too_long_for_the_file_system_is_one_row(tmp_path):
    long_file = "b" * 300 + f"__{LESSON}.ipynb"
    long_folder = "c" * 300 + f"/{LESSON}/{LESSON}.ipynb"
    source = _zip(tmp_path / "class.zip", [(_honest_name(), SOLUTION), (long_file, SOLUTION), (long_folder, SOLUTION)])
    rows = submissions.gather(source, tmp_path / "inbox")
    assert [s.learner for s in rows if s.gradable] == ["ada"]
    refused = [s for s in rows if not s.gradable]
    assert len(refused) == 2 and all("too long" in s.problem and "shorter" in s.problem for s in refused), refused


def test_a_file_and_a_folder_of_one_name_cost_only_the_second(tmp_path):
    source = _zip(tmp_path / "class.zip", [
        (_honest_name(), SOLUTION),
        ("eve.ipynb", b"{}"), (f"eve.ipynb/{LESSON}/x.ipynb", SOLUTION),  # file first, then a folder of its name
        (f"zed.ipynb/{LESSON}/x.ipynb", SOLUTION), ("zed.ipynb", b"{}"),  # and the other way round
        ("ann", b"not a notebook"), (f"ann/{LESSON}/x.ipynb", SOLUTION),  # a non-notebook file is never unpacked
    ])  # fmt: skip
    rows = submissions.gather(source, tmp_path / "inbox")
    assert sorted(s.learner for s in rows if s.gradable) == ["ada", "ann", "zed.ipynb"]
    clashes = [s for s in rows if "share a name" in s.problem]
    assert sorted(s.learner for s in clashes) == ["eve.ipynb", "zed.ipynb"], [(s.learner, s.problem) for s in rows]


def test_control_characters_and_a_trailing_newline_in_names_are_error_rows(tmp_path):
    for name in ("ada\n", "bob\x1b[2J", "cy\r"):
        target = tmp_path / "class" / name / LESSON / f"{LESSON}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_bytes(SOLUTION)
    target = tmp_path / "class" / "dee" / LESSON / f"{LESSON}.ipynb"
    target.parent.mkdir(parents=True)
    target.write_bytes(SOLUTION)
    rows = submissions.gather(tmp_path / "class", tmp_path / "inbox")
    assert [s.learner for s in rows if s.gradable] == ["dee"]
    bad = {s.learner: s.problem for s in rows if not s.gradable}
    assert set(bad) == {"ada\\n", "bob\\x1b[2J", "cy\\r"}, bad  # shown escaped, never as raw control characters
    assert all("must be letters, digits" in p for p in bad.values()), bad
    outcomes = [s.outcome() for s in rows if not s.gradable]
    write_reports(outcomes, tmp_path / "out")
    line = reports.summary_line(outcomes, 1.0, tmp_path / "out")
    for text in (line, (tmp_path / "out" / "grades.csv").read_text(), (tmp_path / "out" / "mastery.md").read_text()):
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text), repr(text)


def test_a_file_name_that_is_not_utf8_is_a_row_and_the_reports_are_written(tmp_path):
    folder = tmp_path / "class"
    (folder / "ada" / LESSON).mkdir(parents=True)
    (folder / "ada" / LESSON / f"{LESSON}.ipynb").write_bytes(SOLUTION)
    with open(os.fsencode(folder) + b"/\xff__" + LESSON.encode() + b".ipynb", "wb") as handle:
        handle.write(SOLUTION)
    rows = submissions.gather(folder, tmp_path / "inbox")
    assert [s.learner for s in rows if s.gradable] == ["ada"]
    [bad] = [s for s in rows if not s.gradable]
    outcomes = [bad.outcome()]
    write_reports(outcomes, tmp_path / "out")
    assert "\\udcff" in (tmp_path / "out" / "grades.csv").read_text()
    reports.summary_line(outcomes, 1.0, tmp_path / "out").encode("utf-8")  # printable on any terminal


def test_malformed_nbgrader_metadata_is_that_files_row(tmp_path):
    nb = read(solution_path(LESSON))
    nb.cells[0].metadata["nbgrader"] = "not a dict"
    nb.cells[1].metadata["nbgrader"] = {"grade_id": ["a", "list"], "grade": True}
    for learner, notebook in (("eve", nb), ("ada", read(solution_path(LESSON)))):
        target = tmp_path / "class" / learner / LESSON / f"{LESSON}.ipynb"
        target.parent.mkdir(parents=True)
        nbformat.write(notebook, target)
    rows = _rows(tmp_path / "class", tmp_path / "inbox")
    assert rows[("ada", LESSON)].gradable
    eve = rows[("eve", LESSON)]
    if eve.gradable:  # its lesson is still recognised: then preparing it for nbgrader must not fail either
        eve.sanitize()
        eve.scan_for_tampering()
    else:
        assert "could not be read" in eve.problem, eve.problem


def test_a_device_or_a_huge_file_named_like_a_notebook_is_never_read(tmp_path):
    folder = tmp_path / "class"
    (folder / "ada" / LESSON).mkdir(parents=True)
    (folder / "ada" / LESSON / f"{LESSON}.ipynb").write_bytes(SOLUTION)
    (folder / f"zero__{LESSON}.ipynb").symlink_to("/dev/zero")  # reading it never ends
    with open(folder / f"huge__{LESSON}.ipynb", "wb") as handle:
        handle.truncate(submissions.MAX_NOTEBOOK_BYTES + 1)  # sparse: no disk used
    rows = _rows(folder, tmp_path / "inbox")
    assert rows[("ada", LESSON)].gradable
    assert "not a regular file" in rows[("zero", LESSON)].problem, rows[("zero", LESSON)].problem
    huge = rows[("huge", LESSON)].problem
    assert "the cap is 16 MiB" in huge and "clear its outputs" in huge, huge


# -- 3. identity collisions ------------------------------------------------------------------------------


def test_a_flat_file_in_someone_elses_name_voids_nothing(tmp_path):
    folder = tmp_path / "class"
    (folder / "ada" / LESSON).mkdir(parents=True)
    (folder / "ada" / LESSON / "mine.ipynb").write_bytes(SOLUTION)
    (folder / f"ada__{LESSON}.ipynb").write_bytes(lesson_path(LESSON).read_bytes())
    rows = submissions.gather(folder, tmp_path / "inbox")
    assert [(s.learner, s.lesson, s.gradable) for s in rows] == [("ada", LESSON, True)] * 2
    assert len({s.student for s in rows}) == 2 and all(s.student.startswith("ada~") for s in rows)
    for sub in rows:
        [note] = [n for n in sub.notes if "2 notebooks were submitted as ada" in n]
        assert f"ada/{LESSON}/mine.ipynb" in note and f"ada__{LESSON}.ipynb" in note, note
        assert "Decide which one counts" in note


def test_a_collided_learner_counts_once_in_mastery_by_the_best_copy():
    full = {k: float(v) for k, v in FULL.items()}
    good = Outcome("ada", LESSON, scores=full, max_scores=full, notes=["collided"])
    blank = Outcome("ada", LESSON, scores=dict.fromkeys(full, 0.0), max_scores=full, notes=["collided"])
    assert set(reports.mastery([blank, good])["ada"].values()) == {1.0}


# -- 4. CSV injection ------------------------------------------------------------------------------------


def test_no_cell_of_the_reports_can_become_a_spreadsheet_formula(tmp_path):
    full = {k: float(v) for k, v in FULL.items()}
    zero = {k: -0.0 for k in FULL}  # a negative zero is still written as the number 0
    outcomes = [
        Outcome("=1+2", "?", problem='=HYPERLINK("http://evil")'),
        Outcome("+cmd", LESSON, problem="-2+3"),
        Outcome("@SUM(A1)", LESSON, problem="\tx"),
        Outcome("\rcr", LESSON, problem="fine"),
        Outcome("ada", LESSON, scores=zero, max_scores=full, notes=["=notes"]),
    ]
    write_grades_csv(outcomes, tmp_path / "grades.csv")
    write_standards_csv(reports.mastery(outcomes), tmp_path / "standards.csv")
    for name in ("grades.csv", "standards.csv"):
        with (tmp_path / name).open(newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    with (tmp_path / "grades.csv").open(newline="") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    assert set(rows) == {"'=1+2", "'+cmd", "'@SUM(A1)", "'\rcr", "ada"}
    assert rows["'+cmd"]["notes"] == "'-2+3" and rows["'=1+2"]["notes"].startswith("'=HYPERLINK")
    assert rows["ada"]["score"] == "0" and rows["ada"]["max_score"] == "8" and rows["ada"]["notes"] == "'=notes"
    assert {rows["ada"][k] for k in FULL} == {"0"}


def test_a_learner_folder_named_like_a_formula_is_an_escaped_row(tmp_path):
    folder = tmp_path / "class"
    (folder / "=1+2" / LESSON).mkdir(parents=True)
    (folder / "=1+2" / LESSON / "x.ipynb").write_bytes(SOLUTION)
    outcomes = grade_class(folder, tmp_path / "out", progress=False)
    write_reports(outcomes, tmp_path / "out")
    with (tmp_path / "out" / "grades.csv").open(newline="") as handle:
        [row] = csv.DictReader(handle)
    assert row["learner"] == "'=1+2" and row["status"] == "error"
    with (tmp_path / "out" / "standards.csv").open(newline="") as handle:
        [row] = csv.DictReader(handle)
    assert row["learner"] == "'=1+2"


def test_learner_names_are_escaped_in_the_mastery_page_and_plain_in_the_heat_map(tmp_path):
    name = "<script>alert(1)</script>$\\notacommand$"
    write_reports([Outcome(name, LESSON, problem="boom")], tmp_path)
    page = (tmp_path / "mastery.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (tmp_path / "mastery.png").stat().st_size > 0  # the name is drawn as text, not parsed as TeX


# -- 5. learner HTML in feedback ------------------------------------------------------------------------


def test_the_feedback_exporter_renders_learner_html_inert_and_the_report_card_as_designed():
    """nbgrader's feedback template and exporter as GenerateFeedback sets them up, on a hand-made notebook."""
    from nbgrader.converters import GenerateFeedback
    from traitlets.config import Config

    from autograder.course.nbgrader import configure
    from autograder.learner.report_card import report_html

    converter = GenerateFeedback(coursedir=None, config=configure(Config()))
    exporter = converter.exporter_class(parent=converter, config=converter.config)
    card = report_html(exercise_id="l01-settings-key", title="A settings key", standards=["key-namespace"],
                       findings=[], passed=True)  # fmt: skip
    code = nbformat.v4.new_code_cell("print('hi')")
    code.outputs = [
        nbformat.v4.new_output("display_data", {"text/html": f"<script>pwned(1)</script><b>bold</b>{card}"}),
        nbformat.v4.new_output("display_data", {"application/javascript": "pwned(2)"}),
        nbformat.v4.new_output("display_data", {"text/markdown": "*em* <img src=x onerror=pwned(3)>"}),
    ]
    markdown = nbformat.v4.new_markdown_cell(
        "# Title\n\nkeys like `user:<id>:x`, **strong**\n\n<script>pwned(4)</script>"
    )
    notebook = nbformat.v4.new_notebook(cells=[markdown, code])
    resources = {"nbgrader": {"notebook": LESSON, "score": 1, "max_score": 1, "late_penalty": 0}}
    page, _ = exporter.from_notebook_node(notebook, resources=resources)
    assert "pwned" not in page and "onerror" not in page
    for shown in ("<b>bold</b>", "<em>em</em>", "<code>user:&lt;id&gt;:x</code>", "<strong>strong</strong>", "<h1"):
        assert shown in page, shown
    assert re.search(r'<section [^>]*class="kata-report kata-pass"', page) and "<style>.kata-report{" in page
    assert "&lt;section" not in page and "&lt;style" not in page


# -- 6. reports are never stale or half-written ---------------------------------------------------------

REPORTS = ("grades.csv", "standards.csv", "mastery.png", "mastery.md", "mastery.html")


def test_a_run_that_dies_midway_leaves_no_previous_report_looking_current(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    for name in REPORTS:
        (out / name).write_text("the previous run's\n")
    (tmp_path / "class" / "ada" / LESSON).mkdir(parents=True)
    (tmp_path / "class" / "ada" / LESSON / "x.ipynb").write_bytes(SOLUTION)

    def dies(*args, **kwargs):
        raise KeyboardInterrupt  # the instructor's Ctrl-C, or a crash, midway through grading

    monkeypatch.setattr(grading, "_autograde", dies)
    with pytest.raises(KeyboardInterrupt):
        grade_class(tmp_path / "class", out, progress=False)
    assert not [name for name in REPORTS if (out / name).exists()]


def test_a_report_this_run_does_not_write_is_not_left_from_the_previous_run(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "mastery.png").write_bytes(b"the previous run's heat map")
    (tmp_path / "class").mkdir()
    (tmp_path / "class" / "loose.ipynb").write_bytes(SOLUTION)  # nothing to draw a heat map of
    write_reports(grade_class(tmp_path / "class", out, progress=False), out)
    assert not (out / "mastery.png").exists() and (out / "grades.csv").exists()
    assert not list(out.glob(".*.tmp")), "no temp report file is left behind"


def test_a_report_is_replaced_whole_or_not_at_all(tmp_path):
    (tmp_path / "grades.csv").write_text("learner,lesson\nold,row\n")

    class Unprintable:
        def __str__(self):
            raise RuntimeError("died while writing")

    outcomes = [Outcome("ada", LESSON, problem="first row is fine"), Outcome("bob", LESSON, problem=Unprintable())]
    with pytest.raises(RuntimeError, match="died while writing"):
        write_grades_csv(outcomes, tmp_path / "grades.csv")
    assert (tmp_path / "grades.csv").read_text() == "learner,lesson\nold,row\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grades.csv"], "no temp file is left behind"


# -- 7. every per-submission failure is that submission's row ----------------------------------------------


def test_an_unexpected_error_in_one_submission_is_its_row_and_the_others_are_graded(tmp_path, monkeypatch):
    for learner in ("ada", "bob", "eve"):
        (tmp_path / "class" / learner / LESSON).mkdir(parents=True)
        (tmp_path / "class" / learner / LESSON / "x.ipynb").write_bytes(SOLUTION)
    full = {k: float(v) for k, v in FULL.items()}
    sent = []

    def sanitize(sub):
        if sub.learner == "eve":
            raise RuntimeError("nbformat choked")

    def scores_and_max(root, lesson, student):
        if student == "bob":
            raise LookupError("no such submission")
        return full, full

    monkeypatch.setattr(submissions.Submission, "sanitize", sanitize)
    monkeypatch.setattr(grading, "_autograde", lambda root, gradable, *args: sent.extend(gradable) or {})
    monkeypatch.setattr(grading.nbgrader, "scores_and_max", scores_and_max)
    outcomes = {o.learner: o for o in grade_class(tmp_path / "class", tmp_path / "out", progress=False)}
    assert [s.learner for s in sent] == ["ada", "bob"]
    assert outcomes["ada"].scores == full
    assert "could not be prepared for grading (RuntimeError: nbformat choked)" in outcomes["eve"].problem
    assert "its scores could not be read from nbgrader's gradebook (LookupError" in outcomes["bob"].problem


# -- 5, 7 and 3 through the real pipeline ----------------------------------------------------------------

# Kills the grading worker: the nearest ancestor that is a multiprocessing process (today the kernel's parent;
# found by walking up, so a wrapper process between them changes nothing).
KILL_WORKER = """\
import os
pid = os.getpid()
while pid > 1:
    with open(f"/proc/{pid}/stat") as stat:
        pid = int(stat.read().rsplit(")", 1)[1].split()[1])
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        if b"multiprocessing" in cmdline.read():
            os.kill(pid, 9)
            break
"""
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
HOSTILE_HTML = f"""\
import base64
from IPython.display import HTML, Image, Javascript, Markdown, display
display(HTML("<script>window.pwned = 'html'</script><b>bold survives</b>"))
display(HTML("<img src=x onerror=\\"window.pwned = 'img'\\">"))
display(Javascript("window.pwned = 'js'"))
display(Markdown("<script>window.pwned = 'md'</script>*markdown survives*"))
display(HTML('<a href="javascript:window.pwned=1">a link</a>'))
display(HTML("<table><tr><th>head</th></tr><tr><td>cell survives</td></tr></table>"))
display(Image(data=base64.b64decode("{PNG}")))
display({{"image/png": "{PNG}"}}, raw=True, metadata={{"image/png": {{"width": "1 onerror=window.pwned=3"}}}})
display(Markdown("[a markdown link](javascript:window.pwned=4)"))
print("plain text survives")
"""
HOSTILE_MARKDOWN = (
    "<script>window.pwned = 'cell'</script><iframe src='javascript:window.pwned=2'></iframe>**kept**\n\n"
    "[a cell link](javascript:window.pwned=5)"
)


def _with_cells(*cells, at_start=False):
    nb = read(solution_path(LESSON))
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    where = first_code if at_start else first_code + 1
    for n, cell in enumerate(cells):
        cell.id = f"hostile-{n}"
        nb.cells.insert(where + n, cell)
    return nb


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    notebooks = {
        f"ada/{LESSON}/{LESSON}.ipynb": read(solution_path(LESSON)),  # the real ada
        f"ada__{LESSON}.ipynb": read(lesson_path(LESSON)),  # someone else's untouched lesson, in ada's name
        f"bob/{LESSON}/{LESSON}.ipynb": read(solution_path(LESSON)),
        f"h-kill-worker/{LESSON}/{LESSON}.ipynb": _with_cells(nbformat.v4.new_code_cell(KILL_WORKER), at_start=True),
        f"h-script/{LESSON}/{LESSON}.ipynb": _with_cells(
            nbformat.v4.new_code_cell(HOSTILE_HTML), nbformat.v4.new_markdown_cell(HOSTILE_MARKDOWN)
        ),
    }
    for relative, nb in notebooks.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / relative)
    out = tmp_path_factory.mktemp("graded")
    # Unsandboxed, as `grade --unsandboxed` runs: only there can a learner's kernel reach and kill its grading
    # worker (sandboxed it cannot: tests/test_sandbox.py), which is what the retry path must survive.
    outcomes = grade_class(folder, out, jobs=2, progress=False, cell_timeout=15, sandboxed=False)
    write_reports(outcomes, out)
    return outcomes, out


def _one(outcomes, learner):
    [outcome] = [o for o in outcomes if o.learner == learner]
    return outcome


@graded
def test_a_learner_who_kills_the_grading_process_costs_only_their_own_row(graded_class):
    outcomes, out = graded_class
    assert sorted(o.learner for o in outcomes) == ["ada", "ada", "bob", "h-kill-worker", "h-script"]
    killer = _one(outcomes, "h-kill-worker")
    assert not killer.graded and "SIGKILL" in killer.problem and "twice" in killer.problem, killer.problem
    assert "alone" in killer.problem and "Remove that code" in killer.problem
    for learner in ("bob", "h-script"):
        assert _one(outcomes, learner).scores == {k: float(v) for k, v in FULL.items()}, learner
    with (out / "grades.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["learner"] for r in rows) == ["ada", "ada", "bob", "h-kill-worker", "h-script"]


@graded
def test_both_colliding_copies_are_graded_and_noted(graded_class):
    outcomes, out = graded_class
    ada = sorted((o for o in outcomes if o.learner == "ada"), key=lambda o: sum(o.scores.values()))
    assert [sum(o.scores.values()) for o in ada] == [0.0, float(sum(FULL.values()))]
    for outcome in ada:
        [note] = [n for n in outcome.notes if "2 notebooks were submitted as ada" in n]
        assert f"ada/{LESSON}/{LESSON}.ipynb" in note and f"ada__{LESSON}.ipynb" in note, note
    assert sorted(p.name for p in (out / "course" / "feedback").iterdir() if p.name.startswith("ada")) == [
        "ada~1",
        "ada~2",
    ]
    with (out / "standards.csv").open(newline="") as handle:
        ada_mastery = [row for row in csv.DictReader(handle) if row["learner"] == "ada"]
    assert len(ada_mastery) == 1 and {v for k, v in ada_mastery[0].items() if k != "learner" and v} == {"1.00"}


def _assert_runs_no_learner_markup(markup):
    assert not re.search(r"<script[^>]*>[^<]*pwned", markup), "a learner's <script> is in the page"
    assert not re.search(r"<[a-z][^>]*\sonerror\s*=", markup, re.I), "an event handler attribute is in the page"
    assert not re.search(r"<[a-z]+\b[^>]*\b(href|src)\s*=\s*[\"']?\s*javascript:", markup, re.I), "a javascript: link"
    assert "<iframe" not in markup


@graded
def test_feedback_never_runs_learner_html_and_still_shows_every_normal_output(graded_class):
    _, out = graded_class
    [page] = (out / "course" / "feedback" / "h-script" / LESSON).glob("*.html")
    markup = page.read_text()
    _assert_runs_no_learner_markup(markup)
    text = html_text(page)
    for shown in ("bold survives", "markdown survives", "cell survives", "plain text survives", "kept"):
        assert squash(shown) in text, shown
    assert "<th>head</th>" in markup and re.search(r'<img [^>]*src="data:image/png;base64,', markup)
    # The lesson's own report cards and their stylesheet render as markup, not as escaped text.
    assert re.search(r'<section [^>]*class="kata-report kata-pass"', markup) and "&lt;section" not in markup
    assert "<style>.kata-report{" in markup
    assert squash("✅ Passed · A settings key") in text and "&lt;style" not in markup
    [honest] = (out / "course" / "feedback" / "bob" / LESSON).glob("*.html")
    assert squash("🎉 Nicely done: your code keeps key-namespace, key-readable.") in html_text(honest)


@graded
def test_the_formgrader_shows_the_graded_notebook_with_no_learner_markup_that_runs(graded_class):
    """The autograded notebook as nbgrader's formgrader renders it: its own plain HTMLExporter (configured as
    FormgradeExtension configures it) and the resources SubmissionHandler passes."""
    from nbconvert.exporters import HTMLExporter
    from nbgrader.server_extensions.formgrader import handlers
    from traitlets.config import Config

    _, out = graded_class
    config = Config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    relative = f"autograded/h-script/{LESSON}/{LESSON}.ipynb"
    resources = {
        "assignment_id": LESSON, "notebook_id": LESSON, "submission_id": "abc123", "index": 0, "total": 1,
        "base_url": "", "student": "h-script", "last_name": None, "first_name": None,
        "notebook_path": f"course/{relative}",
    }  # fmt: skip
    markup, _ = HTMLExporter(config=config).from_filename(str(out / "course" / relative), resources=resources)
    assert "formgrade_keyboardmanager.js" in markup, "not the formgrader's page"
    _assert_runs_no_learner_markup(markup)
    assert "<b>bold survives</b>" in markup and "<td>cell survives</td>" in markup and "**kept**" in markup
    assert re.search(r"<pre>\s*plain text survives", markup) and "<a>a markdown link</a>" in markup
    assert re.search(r'<section [^>]*class="kata-report kata-pass"', markup), "the lesson's report cards"
    assert "widgets" not in read(out / "course" / relative).metadata, "nbconvert's HTML renders saved widget state"
