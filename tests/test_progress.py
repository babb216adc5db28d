"""Instant feedback in the notebook: report card, hint ladder, progress that survives a restart, solution reveal.

Live kernels run lesson 01 from a temporary learner workspace (``.../my-work/01-key-design/``), the way
``make lab`` opens it.
"""

import json
import re
import shutil

import pytest
from support.kernel import LiveKernel
from support.notebooks import cell_by_id, lesson_ids, lesson_path, read, solution_path

from autograder.catalog.exercises import exercise_catalog, exercise_info
from autograder.checks.findings import Finding
from autograder.harness.exercise import Exercise, ExerciseFailed
from autograder.learner import progress
from autograder.learner.report_card import report_html

LESSON = "01-key-design"
PASSING = ("l01-settings-key", "l01-cart-keys")  # answered with the reference solution; the rest stay stubs


@pytest.fixture(autouse=True)
def fresh_session(monkeypatch):
    """In-process tests start with no results in memory and no workspace from the environment."""
    monkeypatch.delenv(progress.WORKSPACE_ENV, raising=False)
    monkeypatch.setattr(progress, "_session", {})
    monkeypatch.setattr(progress, "_session_ever_passed", set())
    monkeypatch.setattr(progress, "_listeners", [])


def make_workspace(tmp_path, lesson=LESSON):
    folder = tmp_path / "my-work" / lesson
    folder.mkdir(parents=True)
    shutil.copy(lesson_path(lesson), folder / f"{lesson}.ipynb")
    return tmp_path / "my-work"


def run_lesson(kernel, passing=PASSING, lesson=LESSON):
    """Run the learner's copy top to bottom with some answers written; return {cell id: CellRun}."""
    answers = read(solution_path(lesson))
    runs = {}
    for cell in read(lesson_path(lesson)).cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if grade_id.removesuffix("-answer") in passing and grade_id.endswith("-answer"):
            source = cell_by_id(answers, grade_id).source
        runs[cell.id] = kernel.run(source)
    return runs


def html_outputs(run):
    return [o["data"]["text/html"] for o in run.outputs if "text/html" in o.get("data", {})]


@pytest.fixture(scope="module")
def first_session(tmp_path_factory, no_redis_url_module):
    """Lesson 01 run once in a learner workspace (two exercises answered), kernel then shut down."""
    workspace = make_workspace(tmp_path_factory.mktemp("learner"))
    kernel = LiveKernel(cwd=str(workspace / LESSON))
    try:
        runs = run_lesson(kernel)
        refused = kernel.run("from autograder.hints import solution\nsolution('l01-tenant-store')")
        revealed = kernel.run('solution("l01-settings-key")')
    finally:
        kernel.close()
    return workspace, runs, refused, revealed


@pytest.fixture(scope="module")
def no_redis_url_module():
    mp = pytest.MonkeyPatch()
    mp.delenv("REDIS_URL", raising=False)
    yield
    mp.undo()


# -- the report card --------------------------------------------------------------------------------------


def test_check_cells_keep_plain_stdout_and_add_an_html_card(first_session):
    _, runs, _, _ = first_session
    passed, failed = runs["l01-settings-key"], runs["l01-tenant-store"]
    assert passed.stdout.startswith("✅ PASS · A settings key  [key-namespace, key-readable]\n🎉 Nicely done")
    assert failed.stdout.startswith("❌ NOT YET · Tenants without SELECT")
    assert "Stuck? Reveal a hint: hints('l01-tenant-store')" in failed.stdout
    assert failed.error[0] == "ExerciseFailed" and not failed.stderr and not passed.stderr
    [error] = [o for o in failed.outputs if "traceback" in o]  # the report is the feedback: no check-cell frames
    assert error["traceback"] == [f"ExerciseFailed: {failed.error[1]}"]
    for run in (passed, failed):
        [card] = [o for o in run.outputs if "text/html" in o.get("data", {})]
        # stdout already carries the text: an empty text/plain keeps `check` and nbgrader's text unchanged
        assert card["data"]["text/plain"] == ""
    [card] = html_outputs(failed)
    assert "❌ Not yet" in card and "Tenants without SELECT" in card and "NotImplementedError" in card
    assert "<code>key-no-numbered-db</code>" in card  # the exercise's standards, each with its rule
    assert "expected" in card and "hint" in card


def test_card_names_each_standard_with_its_rule_and_cheers_on_a_pass(first_session):
    _, runs, _, _ = first_session
    [card] = html_outputs(runs["l01-settings-key"])
    from autograder.catalog.standards import standard

    for sid in exercise_info("l01-settings-key").standards:
        assert f"<code>{sid}</code>" in card
        assert standard(sid).rule.split("`")[0][:30] in card.replace("&#x27;", "'")
    assert "🎉 Nicely done" in card and "✅ Passed" in card
    assert "1 of 5 exercises done" in card  # the first exercise of the lesson to pass


def test_report_html_uses_theme_variables_not_hard_coded_colours():
    findings = [Finding("key-namespace", "`user:1:x`", "`u1x`", "use colons")]
    for passed in (True, False):
        card = report_html(exercise_id="l01-settings-key", title="A settings key", standards=["key-namespace"],
                           findings=[] if passed else findings, passed=passed)  # fmt: skip
        assert "var(--jp-ui-font-color1)" in card and "var(--jp-layout-color2)" in card
        hard_coded = r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(|(?<![-\w])(white|black|red|green|gr[ae]y)(?![-\w])"
        assert not re.search(hard_coded, card), card
        assert ("✅ Passed" if passed else "❌ Not yet") in card  # the verdict is in words, not just colour


def test_report_escapes_learner_values():
    card = report_html(exercise_id="x", title="t", standards=["key-namespace"], passed=False,
                       findings=[Finding("key-namespace", "a key", "<script>alert(1)</script>")])  # fmt: skip
    assert "<script>" not in card and "&lt;script&gt;" in card


def test_verdict_outside_a_kernel_prints_the_same_report_and_records_in_memory(capsys):
    ex = Exercise("l01-settings-key")
    ex.expect(False, "key-namespace", expected="'user:1001:settings'", got="'u1001'")
    with pytest.raises(ExerciseFailed):
        ex.verdict()
    assert capsys.readouterr().out == ex.report() + "\n"
    assert progress._session == {"l01-settings-key": False}


# -- progress -------------------------------------------------------------------------------------------


def test_progress_file_is_keyed_by_lesson_and_exercise(first_session):
    workspace, _, _, _ = first_session
    data = json.loads((workspace / progress.PROGRESS_FILE).read_text())
    results = data["lessons"][LESSON]
    assert {k for k, v in results.items() if v["passed"]} == set(PASSING)
    assert set(results) == {e.id for e in exercise_catalog().values() if e.lesson == LESSON}


def test_progress_is_correct_after_a_kernel_restart(first_session):
    workspace, runs, _, _ = first_session
    before = [o["data"]["text/plain"] for o in runs["progress"].outputs if o.get("data", {}).get("text/plain")]
    assert before and "2/5" in before[0]
    kernel = LiveKernel(cwd=str(workspace / LESSON))  # a new kernel: nothing in memory
    try:
        run = kernel.run('from autograder.feedback_widgets import show_progress\nshow_progress("01-key-design")')
        panel = kernel.run("from autograder.feedback_widgets import shown_last\n"
                           "print(shown_last['progress'].header.value)")  # fmt: skip
    finally:
        kernel.close()
    assert not run.stderr and run.error is None
    [text] = [o["data"]["text/plain"] for o in run.outputs if o.get("data", {}).get("text/plain")]
    assert "01 · Key design" in text and "2/5" in text
    assert re.search(r"✔ done\s+l01-settings-key", text) and re.search(r"○ to do.*l01-tenant-store.*← next", text)
    assert "2 of 5 exercises done" in panel.stdout
    widget_views = [o for o in run.outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widget_views) == 1


def test_progress_widget_moves_when_a_check_passes(tmp_path, no_redis_url):
    workspace = make_workspace(tmp_path)
    kernel = LiveKernel(cwd=str(workspace / LESSON))
    try:
        run_lesson(kernel, passing=())
        header = "print(shown_last['progress'].header.value, shown_last['progress'].bars['01-key-design'][0].value)"
        before = kernel.run("from autograder.feedback_widgets import shown_last\n" + header).stdout
        answer = cell_by_id(read(solution_path(LESSON)), "l01-settings-key-answer").source
        kernel.run(answer)
        check = kernel.run(cell_by_id(read(lesson_path(LESSON)), "l01-settings-key").source)
        after = kernel.run(header).stdout
    finally:
        kernel.close()
    assert check.error is None, check.text
    assert "0 of 5 exercises done" in before and before.strip().endswith(" 0")
    assert "1 of 5 exercises done" in after and after.strip().endswith(" 1")


def test_lesson_00_shows_progress_across_all_lessons(tmp_path, no_redis_url):
    workspace = make_workspace(tmp_path, "00-welcome")
    (workspace / progress.PROGRESS_FILE).write_text(json.dumps({"version": 1, "lessons": {
        LESSON: {"l01-settings-key": {"passed": True, "first_passed": "t"}}}}))  # fmt: skip
    kernel = LiveKernel(cwd=str(workspace / "00-welcome"))
    lesson = read(lesson_path("00-welcome"))
    try:
        setup = kernel.run(cell_by_id(lesson, "setup").source)
        assert setup.error is None, setup.text
        run = kernel.run(lesson.cells[-1].source)
    finally:
        kernel.close()
    [text] = [o["data"]["text/plain"] for o in run.outputs if o.get("data", {}).get("text/plain")]
    for lesson in progress.lessons():
        assert progress.lesson_title(lesson)[:20] in text
    assert f"1/{len(exercise_catalog())} exercises done" in text and "Next: l00-remember-greeting" in text


def test_no_progress_file_outside_a_workspace(tmp_path, no_redis_url):
    folder = tmp_path / "solutions" / LESSON  # like `check` on solutions/ or nbgrader's autograded/ folders
    folder.mkdir(parents=True)
    kernel = LiveKernel(cwd=str(folder))
    try:
        run_lesson(kernel)
    finally:
        kernel.close()
    assert not list(tmp_path.rglob(progress.PROGRESS_FILE))


def test_progress_cli_lists_done_and_to_do_and_points_to_the_next(first_session):
    import subprocess
    import sys

    workspace, _, _, _ = first_session
    out = subprocess.run([sys.executable, "-m", "autograder", "progress", "--workspace", str(workspace)],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert re.search(r"✔ done\s+l01-settings-key", out) and re.search(r"✔ done\s+l01-cart-keys", out)
    assert re.search(r"○ to do \(last check failed\)\s+l01-tenant-store", out)
    assert re.search(r"○ to do\s+l00-remember-greeting.*← next", out)
    assert "Next: l00-remember-greeting · Remember a greeting" in out
    assert f"2/{len(exercise_catalog())} exercises done." in out
    for lesson in progress.lessons():
        assert progress.lesson_title(lesson)[:20] in out
    data = json.loads(subprocess.run([sys.executable, "-m", "autograder", "progress", "--workspace", str(workspace),
                                      "--json"], capture_output=True, text=True, check=True).stdout)  # fmt: skip
    assert data["next"] == "l00-remember-greeting"
    [l01] = [entry for entry in data["lessons"] if entry["lesson"] == LESSON]
    assert (l01["done"], l01["total"]) == (2, 5)


@pytest.mark.parametrize(
    "corrupt",
    [
        "{not json",  # half-written
        "[1, 2]",  # valid JSON, wrong shape
        '{"lessons": {"01-key-design": [1, 2]}}',  # a lesson mapped to a list
        '{"lessons": {"01-key-design": {"l01-cart-keys": true}}}',  # an entry that is not an object
        "",  # emptied
    ],
)
def test_a_corrupt_progress_file_is_kept_reported_and_rebuilt_never_a_crash(tmp_path, capsys, corrupt):
    path = tmp_path / progress.PROGRESS_FILE
    path.write_text(corrupt)
    assert not any(r.done for rows in progress.statuses(tmp_path).values() for r in rows)
    progress.record(exercise_info("l01-settings-key"), True, tmp_path)
    assert json.loads(path.read_text())["lessons"][LESSON]["l01-settings-key"]["passed"]
    [copy] = tmp_path.glob("*.unreadable-*.json")
    assert copy.read_text() == corrupt, "what the learner had is kept"
    assert f"kept as {copy.name}" in capsys.readouterr().out
    progress.record(exercise_info("l01-cart-keys"), True, tmp_path)  # the rebuilt file is read in full
    assert len(list(tmp_path.glob("*unreadable*"))) == 1


@pytest.mark.parametrize("lesson", lesson_ids())
def test_lesson_ends_with_its_progress_cell(lesson):
    cells = read(solution_path(lesson)).cells
    last = cells[-1]
    assert last.cell_type == "code" and last.id == "progress", f"{lesson}: the last cell must be the progress cell"
    wanted = "show_progress()" if lesson == "00-welcome" else f'show_progress("{lesson}")'
    assert wanted in last.source


# -- hints and the reference solution ---------------------------------------------------------------------


def test_hint_ladder_button_reveals_hints_in_catalog_order():
    from autograder.learner import widgets as feedback_widgets

    feedback_widgets._clicks.clear()
    info = exercise_info("l01-tenant-store")
    ladder = feedback_widgets.HintLadder(info.id)
    assert ladder.body.value == "" and ladder.button.description == f"Show hint 1 of {len(info.hints)}"
    for number, hint in enumerate(info.hints, start=1):
        assert not ladder.button.disabled
        ladder.button.click()
        shown = re.findall(r"<li>(.*?)</li>", ladder.body.value)
        assert len(shown) == number
        assert re.sub(r"</?code>", "`", shown[-1]).replace("&quot;", '"') == hint.replace("`", "`")
        assert f"{number} of {len(info.hints)} shown" in ladder.header.value
    assert ladder.button.disabled and ladder.button.description == f"All {len(info.hints)} hints shown"
    again = feedback_widgets.HintLadder(info.id)  # re-running the hint cell keeps what was revealed
    assert len(re.findall(r"<li>", again.body.value)) == len(info.hints)


def test_hints_outside_a_notebook_print_the_next_rung_each_call(capsys):
    from autograder.hints import hints
    from autograder.learner import widgets as feedback_widgets

    feedback_widgets._text_calls.clear()
    info = exercise_info("l01-cart-keys")
    for number in range(1, len(info.hints) + 2):
        hints(info.id)
        out = capsys.readouterr().out
        shown = min(number, len(info.hints))
        assert f"({shown} of {len(info.hints)})" in out
        assert info.hints[shown - 1] in out and (shown == len(info.hints) or info.hints[shown] not in out)


def test_hint_cell_in_a_kernel_shows_a_widget_with_a_text_fallback(first_session):
    _, runs, _, _ = first_session
    run = runs["hint-l01-tenant-store"]
    assert not run.stderr and run.error is None
    fallback, view = run.outputs
    assert exercise_info("l01-tenant-store").hints[0] in fallback["data"]["text/plain"]
    assert "kata-fallback" in fallback["data"]["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in view["data"] and view["data"]["text/plain"] == ""


def test_solution_is_refused_before_the_check_passes_and_shown_after(first_session):
    _, runs, refused, revealed = first_session
    assert refused.stdout.startswith("🔒") and "unlocks once your check passes" in refused.stdout
    assert "tenant:" not in refused.stdout
    assert 'return f"user:{user_id}:settings"' in revealed.stdout and "BEGIN SOLUTION" not in revealed.stdout
    # the card offers the solution only on a pass
    [failed_card] = html_outputs(runs["l01-tenant-store"])
    assert "kata-solution" not in failed_card and "ex=3600" not in failed_card
    [passed_card] = html_outputs(runs["l01-settings-key"])
    assert "Compare with the reference solution" in passed_card and "user:{user_id}:settings" in passed_card


def test_reference_solution_api_refuses_until_passed(tmp_path, monkeypatch):
    from autograder.learner.reveal import NotPassedYet, reference_solution

    monkeypatch.chdir(tmp_path)
    with pytest.raises(NotPassedYet):
        reference_solution("l01-cart-keys")
    progress.record(exercise_info("l01-cart-keys"), False)
    with pytest.raises(NotPassedYet):
        reference_solution("l01-cart-keys")
    progress.record(exercise_info("l01-cart-keys"), True)
    assert "cart:{{{user_id}}}:items" in reference_solution("l01-cart-keys")
    progress.record(exercise_info("l01-cart-keys"), False)  # breaking it later does not hide it again
    assert reference_solution("l01-cart-keys")
