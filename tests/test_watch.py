"""``check NOTEBOOK --watch``: re-checks on save, stops on max runs, timeout or Ctrl-C without a traceback."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from support.notebooks import lesson_path

from autograder.learner.watch import watch


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def sleep(self, seconds):
        self.now += seconds

    def __call__(self):
        return self.now


def test_rechecks_each_time_the_file_changes(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text("{}")
    clock, runs, said = FakeClock(), [], []
    saves = iter([3, 3, 4])  # the learner saves during the 3rd sleep after run 1, and the 4th after run 2
    pending = {"countdown": next(saves)}

    def run():
        runs.append(clock.now)
        return 1 if len(runs) < 3 else 0

    def sleep(seconds):
        clock.sleep(seconds)
        pending["countdown"] -= 1
        if pending["countdown"] == 0:
            stamp = time.time_ns() + len(runs) * 10**9
            os.utime(path, ns=(stamp, stamp))
            pending["countdown"] = next(saves, 10**9)

    code = watch(path, run, interval=1.0, max_runs=3, timeout=60, say=said.append, sleep=sleep, clock=clock)
    assert code == 0 and len(runs) == 3
    assert sum("changed; checking again" in line for line in said) == 2


def test_stops_after_the_timeout_with_the_last_result(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text("{}")
    clock, said = FakeClock(), []
    code = watch(path, lambda: 1, interval=0.5, timeout=5, say=said.append, sleep=clock.sleep, clock=clock)
    assert code == 1 and said[-1] == "Stopped watching after 5 s."


def test_ctrl_c_stops_cleanly(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text("{}")
    said = []

    def interrupted(_):
        raise KeyboardInterrupt

    assert watch(path, lambda: 0, say=said.append, sleep=interrupted) == 0
    assert said[-1] == "\nStopped watching."


def test_a_missing_file_is_waited_for_not_a_crash(tmp_path):
    path = tmp_path / "nb.ipynb"
    clock, runs = FakeClock(), []
    watch(path, lambda: runs.append(1) or 2, timeout=3, say=lambda _: None, sleep=clock.sleep, clock=clock)
    assert runs == [1]


def test_cli_watch_rechecks_on_save_and_ctrl_c_exits_cleanly(tmp_path, no_redis_url):
    notebook = tmp_path / "00-welcome.ipynb"
    shutil.copy(lesson_path("00-welcome"), notebook)
    proc = subprocess.Popen(
        [sys.executable, "-m", "autograder", "check", str(notebook), "--watch", "--interval", "0.2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()

    def wait_for(text, count=1, timeout=60):
        deadline = time.monotonic() + timeout
        while sum(text in line for line in list(lines)) < count:
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines) + proc.stderr.read()
            time.sleep(0.05)

    try:
        wait_for("Watching ")
        notebook.write_text(notebook.read_text())  # the learner saves
        wait_for("changed; checking again")
        wait_for("Watching ", count=2)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    reader.join(timeout=5)
    out, err = "".join(lines), proc.stderr.read()
    assert out.count("FAIL  l00-remember-greeting") == 2
    assert "Stopped watching." in out and "Traceback" not in err and "Traceback" not in out
    assert proc.returncode == 1  # the last check's result: the untouched lesson does not pass


def test_cli_watch_max_runs_returns_the_check_result(tmp_path, no_redis_url):
    notebook = tmp_path / "00-welcome.ipynb"
    shutil.copy(lesson_path("00-welcome"), notebook)
    result = subprocess.run([sys.executable, "-m", "autograder", "check", str(notebook), "--watch", "--max-runs", "1"],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 1 and "FAIL  l00-remember-greeting" in result.stdout and not result.stderr
