"""Every submitted notebook in a folder or zip, parsed once, and plainly why the ones we cannot grade cannot be.

Accepted layouts (mixed freely):
- nbgrader's: ``<learner>/<lesson>/<notebook>.ipynb``
- flat: ``<learner>__<lesson>.ipynb``
- a ``.zip`` holding either of the above.

Every file is untrusted: whatever one holds (a zip bomb, a name the file system refuses, a notebook nbformat
chokes on, a copy in someone else's name) costs only its own row, never the batch.

A ``Submission`` is the one value that moves through grading: collected (read and parsed here, once), then
repaired where nbgrader would trip (:meth:`Submission.sanitize`), scanned for tampering, placed where nbgrader
looks, graded, and turned into an ``Outcome``.
"""

from __future__ import annotations

import errno
import functools
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import layout
from ..catalog.course_cells import is_course_cell
from ..catalog.exercises import exercise_catalog
from ..harness.tamper import taint_note, tainted_checks
from ..layout import lesson_ids
from ..notebooks import NotebookError, nbgrader_meta, read_notebook
from .outcome import Outcome, printable

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")  # always fullmatch: `$` also matches before a "\n"
MiB = 2**20
# A lesson notebook, outputs and all, is well under 1 MiB; past this cap a file is not read or unpacked.
MAX_NOTEBOOK_BYTES = 16 * MiB
# A zip is unpacked only up to all three caps, counted on the bytes actually read (a zip's declared sizes lie):
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_BYTES = 2**30
MAX_ZIP_RATIO, ZIP_RATIO_FLOOR = 100, 64 * MiB  # at most 100 x the zip's own size, but always 64 MiB
CHUNK = 256 * 1024


@dataclass
class Submission:
    learner: str
    lesson: str
    path: Path | None  # None when nothing gradable was found
    problem: str = ""  # empty when the notebook can go to nbgrader
    notebook: nbformat.NotebookNode | None = field(default=None, repr=False)
    notes: list[str] = field(default_factory=list)  # repairs and tampering, for the instructor
    tainted: dict[str, list[str]] = field(default_factory=dict)  # exercise → what patched the grader before it
    student: str = ""  # its nbgrader student id: the learner's name, unless two files claim the same lesson

    def __post_init__(self) -> None:
        self.student = self.student or self.learner

    @property
    def gradable(self) -> bool:
        return not self.problem

    def sanitize(self) -> None:
        """Repair what nbgrader itself trips on, in place; a note per repair.

        A copied graded cell (nbgrader #1083) keeps its grade_id: only the first copy counts, later copies go.
        """
        seen, kept = set(), []
        for cell in self.notebook.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if not isinstance(grade_id, str):
                grade_id = None
            if meta is not None and not grade_id:
                del cell.metadata["nbgrader"]  # half-stripped nbgrader metadata: treat as an ordinary cell
            elif grade_id and grade_id not in _release_meta(self.lesson):
                # nbgrader metadata for a cell the lesson does not have (nbgrader's autograde fails on one): the
                # learner's own cell, run and scanned as such, whatever it claims to be.
                del cell.metadata["nbgrader"]
                self.notes.append(f"a cell claimed to be nbgrader cell {printable(grade_id)!r}, which the lesson "
                                  "does not have: graded as the learner's own code")  # fmt: skip
                grade_id = None
            if grade_id and grade_id in seen:
                self.notes.append(f"removed a duplicate of graded cell {grade_id} (only the first copy counts)")
                continue
            if grade_id:
                seen.add(grade_id)
            kept.append(cell)
        self.notebook.cells = kept

    def scan_for_tampering(self) -> None:
        """Exercises checked after a learner cell that patches the grader, with what that cell does."""
        self.tainted = tainted_checks(self.notebook.cells, self._learner_cell)
        if self.tainted:
            self.notes.append(taint_note(self.tainted))

    def _learner_cell(self, cell) -> bool:
        """Code the learner wrote: not a graded cell, not one nbgrader restores, not a course cell left as is."""
        meta = nbgrader_meta(cell)
        return (
            cell.cell_type == "code"
            and not meta.get("grade")
            and not _restored_by_nbgrader(self.lesson, meta)
            and not is_course_cell(self.lesson, cell.source)
        )

    def place(self, root: Path) -> None:
        """Write the (sanitized) notebook where nbgrader's autograde looks for it."""
        target = root / "submitted" / self.student / self.lesson / f"{self.lesson}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(self.notebook, target)

    def outcome(self, problem: str = "", scores=None, max_scores=None) -> Outcome:
        """What the reports show for this submission: nbgrader's scores, tainted checks at 0, or the problem.

        Every text is made printable here (control characters and undecodable bytes escaped): names and messages
        come from learners, and end in a terminal, a spreadsheet and HTML.
        """
        outcome = Outcome(printable(self.learner), printable(self.lesson), problem=printable(self.problem or problem))
        outcome.notes = [printable(note) for note in self.notes]
        if outcome.graded:
            outcome.scores, outcome.max_scores = dict(scores or {}), dict(max_scores or {})
            for exercise in self.tainted:
                outcome.scores[exercise] = 0.0
        return outcome


def gather(source: Path, inbox: Path) -> list[Submission]:
    """Every submission in ``source`` (a folder, or a zip unpacked into ``inbox``), refused zip entries included."""
    folder, refused = unpack(source, inbox)
    return sorted(collect(folder) + refused, key=_order)


def _restored_by_nbgrader(lesson: str, meta: dict) -> bool:
    """Whether nbgrader replaces this cell's source with the instructor's: a locked cell *of the release*.

    A learner can mark any cell ``locked``; nbgrader keeps one whose grade_id is not in the gradebook, and runs it.
    """
    return bool(meta.get("locked")) and bool(_release_meta(lesson).get(meta.get("grade_id"), {}).get("locked"))


@functools.cache
def _release_meta(lesson: str) -> dict[str, dict]:
    """grade_id → nbgrader metadata of every nbgrader cell in the lesson's release."""
    nb = read_notebook(layout.notebook_path(layout.RELEASE, lesson))
    return {nbgrader_meta(c)["grade_id"]: dict(nbgrader_meta(c)) for c in nb.cells if nbgrader_meta(c).get("grade_id")}


def unpack(source: Path, inbox: Path) -> tuple[Path, list[Submission]]:
    """A folder to read submissions from (``source`` itself, or ``inbox`` holding a zip's notebooks), and a row
    for each zip entry that was refused. Raises NotebookError when the zip as a whole is past a cap."""
    if source.is_dir():
        return source, []
    if not zipfile.is_zipfile(source):
        raise NotebookError(f"{source}: is neither a folder nor a zip of notebooks")
    if inbox.exists():
        shutil.rmtree(inbox)
    inbox.mkdir(parents=True)
    try:
        return inbox, _unpack_zip(source, inbox.resolve())
    except BaseException:
        shutil.rmtree(inbox, ignore_errors=True)  # a zip past a cap (or a killed run) leaves nothing half-unpacked
        raise


class _Refused(Exception):
    """One zip entry is not unpacked; the message says why and what to do. ``read``: the bytes it unpacked."""

    def __init__(self, why: str, read: int = 0):
        super().__init__(why)
        self.read = read


class _ZipTooBig(Exception):
    pass


def _unpack_zip(source: Path, root: Path) -> list[Submission]:
    """Stream each ``.ipynb`` entry to disk in chunks, counting the bytes read; other entries are not unpacked,
    as ``collect`` ignores them in a folder too."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise NotebookError(f"{source}: is not a readable zip ({error}); zip the class again") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise NotebookError(
                f"{source}: holds {len(members):,} entries (the cap on a zip is {MAX_ZIP_MEMBERS:,}); nothing was "
                "unpacked or graded. Split the class into several zips, or unzip it and grade the folder."
            )
        budget = min(MAX_ZIP_BYTES, max(ZIP_RATIO_FLOOR, MAX_ZIP_RATIO * source.stat().st_size))
        refused, written, total = [], set(), 0
        for member in members:
            name = member.filename
            if member.is_dir() or not name.endswith(".ipynb"):
                continue
            try:
                target = _target(root, name)
                if target in written:
                    raise _Refused("a second zip entry of this name (the first one is graded); rename one, zip again")
                written.add(target)
                total += _extract(archive, member, target, budget - total)
            except _Refused as why:
                refused.append(_refused_row(name, f"zip entry not unpacked: {why}"))
                total += why.read  # unpacking a refused entry's first bytes was work too: many bombs are one bomb
            except _ZipTooBig:
                total = budget + 1
            if total > budget:
                raise NotebookError(
                    f"{source}: unpacks to more than {_mib(budget)} (the cap on a whole zip: {MAX_ZIP_RATIO} x its "
                    f"own size, at least {_mib(ZIP_RATIO_FLOOR)}, at most {_mib(MAX_ZIP_BYTES)}, counted while "
                    "unpacking); stopped there and nothing was graded. If the class really is this big, unzip it "
                    "yourself, look at what it holds, and grade the folder."
                )
        return refused


def _target(root: Path, name: str) -> Path:
    try:
        target = (root / name).resolve()
    except (OSError, RuntimeError, ValueError) as error:
        raise _Refused(f"its path cannot be used here ({error})") from None
    if not target.is_relative_to(root) or target == root:  # on resolved paths: "inbox2/x" is not in "inbox"
        raise _Refused("its path leaves the zip's folder (an absolute path or '..')")
    return target


def _extract(archive: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Copy one entry to ``target`` a chunk at a time, never writing past a cap; the bytes written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = target.open("xb")  # "x": a file or folder already there (a clash of names) is never overwritten
    except OSError as error:
        raise _Refused(_os_problem(error)) from None
    size = 0
    try:
        with out, archive.open(member) as entry:
            while chunk := entry.read(CHUNK):
                size += len(chunk)
                if size > MAX_NOTEBOOK_BYTES:
                    raise _Refused(
                        f"it unpacks to more than {_mib(MAX_NOTEBOOK_BYTES)} (the cap on one notebook, counted while "
                        f"unpacking); a lesson notebook is far smaller. {CLEAR_OUTPUTS}",
                        read=size,
                    )
                if size > budget:
                    raise _ZipTooBig
                out.write(chunk)
        return size
    except BaseException as error:
        target.unlink(missing_ok=True)  # ours (created above): nothing partial stays
        if isinstance(error, OSError):
            raise _Refused(_os_problem(error)) from None
        if isinstance(error, zipfile.BadZipFile | zlib.error | EOFError | NotImplementedError | RuntimeError):
            raise _Refused(f"the entry is corrupt or cannot be read ({error}); zip it again") from None
        raise


CLEAR_OUTPUTS = "Ask the learner to clear its outputs (Kernel → Restart Kernel and Clear Outputs), save, submit again."


def _os_problem(error: OSError) -> str:
    if error.errno == errno.ENAMETOOLONG:
        return "its name is too long for this file system (a name over 255 bytes); rename it shorter, zip again"
    if error.errno in (errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
        return "a file and a folder in the zip share a name on its path; rename one of them and zip again"
    return f"it cannot be written here ({error.strerror or error})"


def _mib(size: int) -> str:
    return f"{size / MiB:g} MiB"


def _refused_row(name: str, problem: str) -> Submission:
    """A refused entry's row: on its learner × lesson when its path names a valid pair, else on its path."""
    learner, lesson = _identity(tuple(name.split("/"))) or (name, "?")
    if not SAFE_NAME.fullmatch(learner) or lesson not in lesson_ids():
        learner, lesson = name, "?"
    return Submission(learner, lesson, None, problem)


def _order(sub: Submission) -> tuple[str, str, str]:
    return sub.learner, sub.lesson, sub.student


def _lesson_of(nb) -> str | None:
    """The lesson a notebook's graded cells belong to (by grade_id), or None."""
    ids = [nbgrader_meta(cell).get("grade_id") for cell in nb.cells]
    lessons = {exercise_catalog()[i].lesson for i in ids if isinstance(i, str) and i in exercise_catalog()}
    return lessons.pop() if len(lessons) == 1 else None


def _assess(learner: str, lesson: str, path: Path) -> Submission:
    known = lesson_ids()
    if not SAFE_NAME.fullmatch(learner):
        shown = printable(learner)
        return Submission(shown, lesson, path, f"learner name {shown!r} must be letters, digits, '.', '_' or '-'")
    if lesson not in known:
        shown = printable(lesson)
        return Submission(learner, shown, path, f"unknown lesson {shown!r}; lessons are {', '.join(known)}")
    if not path.is_file():  # a folder, or a link to a device or pipe: reading it could never end
        return Submission(learner, lesson, path, "is not a regular file (a folder, device or pipe named .ipynb)")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return Submission(learner, lesson, path, f"is {_mib(size)}, the cap is {_mib(MAX_NOTEBOOK_BYTES)} (a lesson "
                          f"notebook is far smaller); not read. {CLEAR_OUTPUTS}")  # fmt: skip
    try:
        nb = read_notebook(path)
    except NotebookError as error:
        return Submission(learner, lesson, path, str(error).replace(f"{path}: ", ""))
    actual = _lesson_of(nb)
    if actual is None:
        return Submission(learner, lesson, path, "holds none of the lesson's graded cells (not a workbook lesson?)")
    if actual != lesson:
        return Submission(learner, lesson, path, f"is lesson {actual}, submitted as {lesson}")
    return Submission(learner, lesson, path, notebook=nb)


def _identity(parts: tuple[str, ...]) -> tuple[str, str] | None:
    """(learner, lesson) from a notebook's path in one of the accepted layouts, or None."""
    if len(parts) == 1 and parts[0].endswith(".ipynb") and "__" in parts[0][: -len(".ipynb")]:
        learner, lesson = parts[0][: -len(".ipynb")].split("__", 1)
        return learner, lesson
    if len(parts) == 3:
        return parts[0], parts[1]
    return None


def collect(folder: Path) -> list[Submission]:
    """Every notebook under ``folder`` as a Submission, sorted by learner then lesson.

    Two or more files for one learner × lesson (say ``ada/<lesson>/x.ipynb`` and someone's ``ada__<lesson>.ipynb``)
    are each graded, as distinct nbgrader students (``ada~1``, ``ada~2``), each row noting the other files: which
    one counts is the instructor's call, never a silent pick.
    """
    rows: list[Submission] = []
    claims: dict[tuple[str, str], list[Path]] = {}
    for path in sorted(folder.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        parts = path.relative_to(folder).parts
        identity = _identity(parts)
        if identity is None:
            rows.append(Submission(printable("/".join(parts)), "?", path, "not in a known layout: use "
                                   "<learner>/<lesson>/x.ipynb or <learner>__<lesson>.ipynb"))  # fmt: skip
        else:
            claims.setdefault(identity, []).append(path)
    for (learner, lesson), paths in claims.items():
        subs = [_assess_safely(learner, lesson, path) for path in paths]
        if len(subs) > 1:
            _note_collision(subs, [printable(str(p.relative_to(folder))) for p in paths])
        rows += subs
    return sorted(rows, key=_order)


def _assess_safely(learner: str, lesson: str, path: Path) -> Submission:
    try:
        return _assess(learner, lesson, path)
    except Exception as error:  # noqa: BLE001 - whatever a file makes the reader raise costs that file's row only
        return Submission(printable(learner), printable(lesson), path, f"could not be read ({type(error).__name__}: "
                          f"{error}); look at the file, or ask the learner to submit it again")  # fmt: skip


def _note_collision(subs: list[Submission], names: list[str]) -> None:
    for n, (sub, name) in enumerate(zip(subs, names, strict=True), start=1):
        sub.student = f"{sub.learner}~{n}"  # "~" is in no valid learner name: no clash with a real student
        others = [other for other in names if other != name]
        sub.notes.append(
            f"{len(subs)} notebooks were submitted as {sub.learner} / {sub.lesson}: this row is {name} (nbgrader "
            f"student {sub.student}); {', '.join(others)} {'is' if len(others) == 1 else 'are'} graded on "
            f"{'its' if len(others) == 1 else 'their'} own row. Decide which one counts."
        )
