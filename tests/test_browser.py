"""End to end in a real browser: JupyterLab in headless Chromium, lesson 01 as a learner meets it.

Runs all cells, sees the failing check report of a stubbed exercise, types the answer, re-runs, sees it pass
and the progress widget move, reveals a hint, then switches to the dark theme. Screenshots go to
``artifacts/`` (set ``UPDATE_DOCS_SCREENSHOT=1`` to refresh ``docs/learner-check.png`` for the README).

Needs Debian's ``chromium`` (``/usr/bin/chromium``) and Playwright from PyPI; it never downloads a browser.
Skips with the reason where either is missing. CI installs both.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from support.notebooks import ROOT, cell_by_id, lesson_path, read, solution_path
from support.required import missing

from autograder.catalog.exercises import exercise_info

CHROMIUM = Path("/usr/bin/chromium")
LESSON, EXERCISE = "01-key-design", "l01-settings-key"
ARTIFACTS = ROOT / "artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "learner-check.png"
TOKEN = "kata-browser-test"

if not CHROMIUM.exists():
    missing("Chromium is not installed at /usr/bin/chromium (apt-get install -y chromium)", module_level=True)
try:
    import playwright.sync_api as playwright_api
except ImportError:
    missing("Playwright is not installed (pip install -e '.[test]' installs it)", module_level=True)

SETTINGS = {
    # No news or update toasts over the notebook, and no autosave writing outputs into the test's lesson copy.
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def lab(tmp_path, no_redis_url):
    """JupyterLab on a free port, fully isolated, serving a learner workspace with lesson 01 in it."""
    workspace = tmp_path / "my-work"
    (workspace / LESSON).mkdir(parents=True)
    shutil.copy(lesson_path(LESSON), workspace / LESSON / f"{LESSON}.ipynb")
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR",
                 "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):  # fmt: skip
        env[name] = str(tmp_path / "jupyter" / name.lower())
        Path(env[name]).mkdir(parents=True)
    for rel, values in SETTINGS.items():
        target = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    port = _free_port()
    log = (tmp_path / "lab.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={TOKEN}", "--LabApp.expose_app_in_browser=True",
         f"--ServerApp.root_dir={workspace}", "--LabApp.news_url=None"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=workspace,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not start:\n" + (tmp_path / "lab.log").read_text()[-3000:])
                time.sleep(0.2)
        yield base, workspace, tmp_path
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_js(page, expression: str, timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.1)


def _run_cell(page, cell_id: str) -> None:
    """Run one cell in place (by its id) and wait until the kernel has finished it."""
    page.evaluate(
        """id => {
        const panel = window.jupyterapp.shell.currentWidget, nb = panel.content;
        nb.activeCellIndex = nb.widgets.findIndex(w => w.model.id === id);
        window.__done = false;
        window.jupyterapp.commands.execute('notebook:run-cell').then(() => { window.__done = true; },
                                                                     () => { window.__done = true; });
        }""",
        cell_id,
    )
    _wait_js(page, "window.__done === true && window.jupyterapp.shell.currentWidget"
                   ".sessionContext.session.kernel.status === 'idle'")  # fmt: skip


def _cell(page, cell_id: str):
    """The cell's DOM node, scrolled into view (off-screen cells are not laid out, so they have no text)."""
    index = page.evaluate(
        "id => window.jupyterapp.shell.currentWidget.content.widgets.findIndex(w => w.model.id === id)", cell_id
    )
    cell = page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").nth(index)
    cell.evaluate("node => node.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(100)
    return cell


def _shoot(page, cell, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    cell.evaluate("node => node.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(150)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def test_learner_fixes_an_exercise_in_jupyterlab(lab):
    base, workspace, tmp_path = lab
    answer = cell_by_id(read(solution_path(LESSON)), f"{EXERCISE}-answer").source
    answer = "\n".join(line for line in answer.splitlines() if "SOLUTION" not in line)
    first_hint = exercise_info(EXERCISE).hints[0]
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            viewport={"width": 1280, "height": 1100},
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        try:
            page = browser.pages[0] if browser.pages else browser.new_page()
            page.goto(f"{base}/lab/tree/{LESSON}/{LESSON}.ipynb?reset&token={TOKEN}")
            _wait_js(page, "window.jupyterapp && window.jupyterapp.shell.currentWidget && "
                           "window.jupyterapp.shell.currentWidget.sessionContext && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.isReady && "
                           "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                     timeout=40)  # fmt: skip

            # Run all: the unsolved checks report "not yet" and Run All goes on past them to the end.
            page.evaluate("""() => { window.__all = null;
                window.jupyterapp.commands.execute('notebook:run-all-cells')
                    .then(r => { window.__all = String(r); }, e => { window.__all = 'error'; }); }""")
            _wait_js(page, "window.__all !== null")
            check = _cell(page, EXERCISE)
            card = check.locator(".kata-report")
            card.wait_for(timeout=20_000)
            card.scroll_into_view_if_needed()
            assert "❌ Not yet" in card.inner_text() and "NotImplementedError" in card.inner_text()
            # In JupyterLab the card replaces the plain-text copy of the report (stdout keeps it for nbgrader).
            assert not check.locator("[data-mime-type='application/vnd.jupyter.stdout']").is_visible()

            # The lesson's progress panel, the last cell, ran too: nothing done yet.
            panel = _cell(page, "progress").locator(".kata-progress")
            panel.wait_for(timeout=10_000)
            assert "0 of 5 exercises done" in panel.inner_text()
            assert not _cell(page, "progress").locator(".kata-fallback").is_visible()

            # Type the answer, run it and the check again.
            answer_cell = _cell(page, f"{EXERCISE}-answer")
            answer_cell.locator(".cm-content").fill(answer)
            _run_cell(page, f"{EXERCISE}-answer")
            _run_cell(page, EXERCISE)
            page.wait_for_function("() => document.body.textContent.includes('✅ Passed')", timeout=10_000)
            check = _cell(page, EXERCISE)
            assert "🎉 Nicely done" in check.locator(".kata-report").inner_text()
            # The panel at the end of the lesson moved without re-running it.
            moved = "() => [...document.querySelectorAll('.kata-progress')].some(n => n.textContent.includes('1 of 5'))"
            page.wait_for_function(moved, timeout=10_000)
            assert "✔ A settings key" in _cell(page, "progress").locator(".kata-progress").inner_text()
            check = _cell(page, EXERCISE)

            # The reference solution, offered now that the check passes.
            check.locator(".kata-solution summary").click()
            assert "user:{user_id}:settings" in check.locator(".kata-solution pre").inner_text()

            # The hint ladder below the exercise: one click, one hint.
            _run_cell(page, f"hint-{EXERCISE}")
            ladder = _cell(page, f"hint-{EXERCISE}").locator(".kata-hint-ladder")
            ladder.wait_for(timeout=10_000)
            assert first_hint not in ladder.inner_text()
            ladder.get_by_role("button", name="Show hint 1 of 3").click()
            page.wait_for_function("t => document.body.textContent.includes(t)", arg=first_hint, timeout=10_000)
            # The hint and the ladder's counter are separate widget updates: the counter may arrive a moment later.
            playwright_api.expect(ladder).to_contain_text("1 of 3 shown", timeout=10_000)

            shot = _shoot(page, answer_cell, "learner-check-light.png")
            if os.environ.get("UPDATE_DOCS_SCREENSHOT"):
                DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
                shutil.copy(shot, DOCS_SCREENSHOT)

            # Dark theme: the card takes its colours from the theme, so they change and stay readable.
            def colours():
                return check.locator(".kata-report").evaluate(
                    "n => [getComputedStyle(n).color, getComputedStyle(n).backgroundColor]"
                )

            light = colours()
            page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', "
                          "{theme: 'JupyterLab Dark'})")  # fmt: skip
            page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'", timeout=10_000)
            page.wait_for_timeout(300)
            dark = colours()
            assert dark != light and dark[0] != dark[1], (light, dark)
            _shoot(page, answer_cell, "learner-check-dark.png")
        finally:
            browser.close()

    recorded = json.loads((workspace / ".kata-progress.json").read_text())
    assert recorded["lessons"][LESSON][EXERCISE]["passed"] is True
