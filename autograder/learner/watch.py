"""``check NOTEBOOK --watch``: re-run the check each time the notebook is saved (polls its mtime; no dependency).

Ctrl-C stops watching without a traceback. ``max_runs`` and ``timeout`` bound a watch for tests and scripts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path


def _stamp(path: Path) -> tuple[float, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def watch(
    path: Path,
    run_check: Callable[[], int],
    *,
    interval: float = 1.0,
    max_runs: int | None = None,
    timeout: float | None = None,
    say: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run ``run_check`` now and after every change to ``path``; return the last run's exit code."""
    started, runs, code = clock(), 0, 0
    try:
        while True:
            seen = _stamp(path)
            code = run_check()
            runs += 1
            if max_runs is not None and runs >= max_runs:
                return code
            say(f"\nWatching {path} for changes (save the notebook to re-check; Ctrl-C to stop)…")
            while True:
                if timeout is not None and clock() - started >= timeout:
                    say(f"Stopped watching after {timeout:g} s.")
                    return code
                sleep(interval)
                now = _stamp(path)
                if now != seen and now is not None:
                    sleep(min(interval, 0.2))  # let a save finish writing
                    say(f"\n{time.strftime('%H:%M:%S')} · {path.name} changed; checking again.")
                    break
    except KeyboardInterrupt:
        say("\nStopped watching.")
        return code
