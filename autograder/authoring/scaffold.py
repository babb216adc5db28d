"""``python -m autograder new-exercise LESSON ID``: a new exercise's cells, catalog entry and answer templates.

The id is typed once, on the command line. The new cells go before the lesson's review kata (or its recap);
the reference answer raises until the author writes it, so ``prove`` and the tests flag the exercise as
unfinished rather than letting an empty exercise pass.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import layout
from ..catalog.standards import catalog
from .build import read_lesson
from .lesson_text import LessonSourceError

_ANCHORS = ('# %% [markdown] id="kata-task"', '# %% [markdown] id="recap"')


def function_name(exercise_id: str) -> str:
    """``l01-tenant-keys`` → ``tenant_keys``: the stub's function name."""
    return re.sub(r"^l\d\d-", "", exercise_id).replace("-", "_")


def _cells(exercise_id: str, title: str, standard: str) -> str:
    fn = function_name(exercise_id)
    return f'''# %% [markdown] id="{exercise_id}-task"
# ## Exercise · {title}
#
# **Goal:** (one line: what the learner builds, and which standard it practises).
#
# Write `{fn}(r)`. (What it receives, what it does to Redis, what it returns.)
#
# ```python
# >>> {fn}(r)
# ```

# %% answer="{exercise_id}"
def {fn}(r):
    ### BEGIN SOLUTION
    raise NotImplementedError("write the reference solution here")
    ### END SOLUTION

# %% check
spy = grading_spy("{fn.split("_")[0]}:*")
client = spy.client()
result = ex.call({fn}, client)
ex.expect(result is not None, "{standard}", expected="(what the task promises)", got=repr(result),
          hint="(a hint for this finding)")
ex.check(checks.command_log_findings(spy.commands))
### BEGIN HIDDEN TESTS
### END HIDDEN TESTS
ex.verdict()

# %% hints

'''


def _catalog_entry(exercise_id: str, title: str, standard: str) -> str:
    return f'''
[{exercise_id}]
title = "{title}"
standards = ["{standard}"]
points = 1
hints = [
    "(a nudge)",
    "(closer)",
    "(a near-answer)",
]
'''


def _answers_template(exercise_id: str, standard: str) -> str:
    fn = function_name(exercise_id)
    return f'''

# {exercise_id}: add plausible wrong answers and at least two valid alternatives, for example:
# # %% wrong="{standard}"
# # what this wrong answer gets wrong
# def {fn}(r): ...
# # %% valid=true
# # another correct way to write it
# def {fn}(r): ...
'''


def _exercise_after(text: str, exercise_id: str) -> str | None:
    """The id of the first exercise whose answer cell comes after ``exercise_id``'s in the lesson text."""
    ids = re.findall(r'^# %% answer="([^"]+)"', text, re.M)
    position = ids.index(exercise_id)
    return ids[position + 1] if position + 1 < len(ids) else None


def new_exercise(
    lesson: str, exercise_id: str, *, title: str = "", standard: str = "", root: Path = layout.REPO_ROOT
) -> list[Path]:
    """Add the exercise to ``content/<lesson>/``; return the files changed. Raises ValueError with the fix."""
    folder = root / layout.CONTENT / lesson
    if not (folder / layout.LESSON_FILE).is_file():
        known = ", ".join(sorted(p.name for p in (root / layout.CONTENT).iterdir() if p.is_dir()))
        raise ValueError(f"no lesson {lesson!r} in {layout.CONTENT}/; lessons are {known}")
    prefix = f"l{lesson[:2]}-"
    if not re.fullmatch(re.escape(prefix) + r"[a-z][a-z0-9-]*", exercise_id):
        raise ValueError(f"ids in lesson {lesson} look like {prefix}short-name (lower case and -), not {exercise_id!r}")
    existing = [e["id"] for e in read_lesson(lesson, root).exercises]
    if exercise_id in existing:
        raise ValueError(f"{exercise_id} already exists in {folder / layout.EXERCISES_FILE}")
    standard = standard or "ttl-always"
    if standard not in catalog():
        raise ValueError(f"unknown standard {standard!r}; known: {', '.join(catalog())}")
    title = title or exercise_id.removeprefix(prefix).replace("-", " ").capitalize()

    lesson_file = folder / layout.LESSON_FILE
    text = lesson_file.read_text(encoding="utf-8")
    anchor = next((a for a in _ANCHORS if a in text), None)
    cells = _cells(exercise_id, title, standard)
    text = text.replace(anchor, cells + anchor, 1) if anchor else text.rstrip() + "\n\n" + cells
    lesson_file.write_text(text, encoding="utf-8")
    # The catalog lists exercises in notebook order: the new one goes where its cells went.
    exercises_file = folder / layout.EXERCISES_FILE
    toml = exercises_file.read_text(encoding="utf-8")
    entry = _catalog_entry(exercise_id, title, standard)
    following = _exercise_after(text, exercise_id)
    header = f"\n[{following}]\n" if following else None
    toml = toml.replace(header, entry + header, 1) if header and header in toml else toml.rstrip("\n") + "\n" + entry
    exercises_file.write_text(toml, encoding="utf-8")
    with (folder / layout.ANSWERS_FILE).open("a", encoding="utf-8") as handle:
        handle.write(_answers_template(exercise_id, standard))
    try:
        read_lesson(lesson, root)  # the new text must build: a bad anchor or order is caught here
    except LessonSourceError as error:
        raise ValueError(f"the scaffold does not build ({error}); please report this") from error
    return [lesson_file, folder / layout.EXERCISES_FILE, folder / layout.ANSWERS_FILE]
