"""Helpers the lessons' demos share: a movable clock, timing, concurrent callers, a second server to compare."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from .backend import Backend, backend_from_env, lesson_backend
from .cluster import ThrowawayCluster, running_redis_cluster
from .server import redis_server_path, running_redis_server

T = TypeVar("T")
GRADING_ENV = "KATA_GRADING"  # "1" in the kernel of a notebook being graded (check, grade); unset in JupyterLab


def being_graded(environ: dict[str, str] | None = None) -> bool:
    """True while a grader runs this notebook (``check``, ``grade``), false when a learner runs it."""
    return (os.environ if environ is None else environ).get(GRADING_ENV) == "1"


def demo_size(full: T, *, graded: T) -> T:
    """A demo's size: ``full`` for the learner, ``graded`` while the notebook is graded (and says so).

    Only for demos no grade depends on: grading then runs the same code on less data, and the numbers it
    prints are still measured, at that size. Grades are the same either way (tests/test_graded_demos.py).
    """
    if not being_graded():
        return full
    print(f"(graded run: this demo runs at {graded!r} instead of {full!r}; no grade depends on it)")
    return graded


class DemoClock:
    """Simulated time for the demos (not for graded cells). Use as ``with DemoClock() as clock:``.

    On fakeredis, Redis reads Python's clock, so time-machine moves it: a simulated hour passes at once and keys
    really expire. On a real server the clock cannot be moved, so time is scaled down instead: a simulated
    second lasts ``real_ms_per_second`` real milliseconds, TTLs are set in milliseconds (``PX``) and ``advance``
    waits a brief, bounded real time.
    """

    def __init__(self, real_ms_per_second: float = 1.0, *, real: bool | None = None):
        self.real = lesson_backend().is_real if real is None else real
        self.real_ms_per_second = real_ms_per_second
        self.now = 0.0  # simulated seconds since the start

    def __enter__(self) -> DemoClock:
        if self.real:
            self._start = time.perf_counter()
        else:
            import time_machine

            self._travel = time_machine.travel(time.time(), tick=False)  # freeze Python's clock...
            self._traveller = self._travel.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.real:
            self._travel.__exit__(*exc)

    def px(self, seconds: float) -> int:
        """A TTL of ``seconds`` simulated seconds, in milliseconds for SET ... PX."""
        return max(1, round(seconds * (self.real_ms_per_second if self.real else 1000)))

    def seconds(self, pttl_ms: int) -> float:
        """A PTTL answer back in simulated seconds (-1 and -2 pass through)."""
        return pttl_ms if pttl_ms < 0 else pttl_ms / (self.real_ms_per_second if self.real else 1000)

    def advance(self, seconds: float) -> None:
        self.now += seconds
        if self.real:  # wait until the scaled deadline: a brief, bounded real wait
            deadline = self._start + self.now * self.real_ms_per_second / 1000
            time.sleep(max(0.0, deadline - time.perf_counter()))
        else:
            self._traveller.shift(seconds)  # ...and move it forward: keys expire at once


def median_ms(fn: Callable[..., Any], *args: Any, repeat: int = 5, **kwargs: Any) -> float:
    """Call ``fn(*args, **kwargs)`` ``repeat`` times; return the median wall time in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def run_in_threads(fn: Callable[[], Any], n: int, timeout: float = 5.0) -> tuple[list, list, int, float]:
    """Start ``fn()`` in ``n`` threads at the same moment; wait at most ``timeout`` seconds for all of them.

    Returns (results, errors, still_running, seconds). Errors are collected, never printed.
    """
    start = threading.Barrier(n + 1)
    results: list = []
    errors: list = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait(timeout)
            value = fn()
            with lock:
                results.append(value)
        except Exception as error:  # noqa: BLE001 - reported by the caller
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=worker, daemon=True, name=f"request-{i}") for i in range(n)]
    for thread in threads:
        thread.start()
    start.wait(timeout)
    began = time.perf_counter()
    deadline = began + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.perf_counter()))
    still_running = sum(thread.is_alive() for thread in threads)
    return results, errors, still_running, time.perf_counter() - began


@contextmanager
def backends_to_measure() -> Iterator[dict[str, Backend]]:
    """{label: Backend}: the lesson's Redis, plus a throwaway real redis-server for comparison when the lesson
    runs on fakeredis and a redis-server binary is found (:func:`find_redis_server`; stopped when the block ends).
    The throwaway's label names its version, e.g. ``redis-server 7.0.15 (throwaway)``."""
    here = lesson_backend()
    backends = {here.name: here}
    if here.is_real or redis_server_path() is None:
        yield backends
        return
    with running_redis_server() as server:
        backends[f"{server.label} (throwaway)"] = backend_from_env({"REDIS_URL": server.url})
        yield backends


@contextmanager
def servers_to_measure() -> Iterator[dict[str, Any]]:
    """{label: bytes client} for the same servers as :func:`backends_to_measure`."""
    with backends_to_measure() as backends:
        yield {label: backend.client(decode_responses=False) for label, backend in backends.items()}


@dataclass
class RealServer:
    """A real redis-server a demo may use: a label naming it and its version, a client, and its URL."""

    label: str
    client: Any
    url: str


@contextmanager
def real_server(*, decode_responses: bool = True) -> Iterator[RealServer | None]:
    """A real redis-server for a demo whose point only a real server shows: the lesson's own Redis when
    ``REDIS_URL`` names one, else a throwaway one (stopped when the block ends); None when no redis-server binary
    is found (:func:`find_redis_server`)."""
    here = lesson_backend()
    if here.is_real:
        client = here.client(decode_responses=decode_responses)
        try:
            version = client.info("server").get("redis_version", "?")
            yield RealServer(f"redis-server {version} (this lesson's, at {here.display_url})", client, here.url)
        finally:
            client.close()
        return
    if redis_server_path() is None:
        yield None
        return
    with running_redis_server() as server:
        client = backend_from_env({"REDIS_URL": server.url}).client(decode_responses=decode_responses)
        try:
            yield RealServer(f"{server.label} (throwaway)", client, server.url)
        finally:
            client.close()


# The victim runs in a process of its own: a thread of this kernel would also wait for the GIL while the demo's
# client decodes a big reply, and charge that wait to the server.
_VICTIM = """
import json, select, sys, time
import redis
client = redis.Redis.from_url(sys.argv[1], socket_timeout=30)
client.ping()
print("ready", flush=True)
samples = []
while not select.select([sys.stdin], [], [], 0)[0]:
    sent = time.monotonic()
    client.ping()
    samples.append((sent, (time.monotonic() - sent) * 1000))
    time.sleep(0.0005)
print(json.dumps(samples), flush=True)
"""


@dataclass
class VictimRun:
    """Another client's PINGs around one action: ``samples`` are (seconds since the first PING, round trip in ms);
    the action ran from ``began`` to ``ended``, in the same seconds."""

    samples: list[tuple[float, float]]
    began: float
    ended: float

    def _overlaps(self, sent: float, ms: float) -> bool:
        return sent <= self.ended and sent + ms / 1000 >= self.began

    @property
    def during(self) -> list[float]:
        """Round trips (ms) of the PINGs that were in flight at some moment of the action."""
        return [ms for sent, ms in self.samples if self._overlaps(sent, ms)]

    @property
    def worst(self) -> float:
        """The longest wait of a PING in flight during the action (0.0 when none was)."""
        return max(self.during, default=0.0)

    @property
    def idle(self) -> float:
        """The median round trip of the PINGs outside the action: the server's normal answer time here."""
        outside = [ms for sent, ms in self.samples if not self._overlaps(sent, ms)]
        return statistics.median(outside) if outside else 0.0


def victim_pings(url: str, action: Callable[[], Any], *, lead: float = 0.05, tail: float = 0.05) -> VictimRun:
    """What another client of the server at ``url`` lives through while ``action()`` runs.

    Another process sends PING after PING on a connection of its own, from ``lead`` seconds before the action
    until ``tail`` seconds after it.
    """
    victim = subprocess.Popen(
        [sys.executable, "-c", _VICTIM, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        if victim.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the victim client could not reach {url}")
        time.sleep(lead)
        began = time.monotonic()
        try:
            action()
        finally:
            ended = time.monotonic()
            time.sleep(tail)
        out, _ = victim.communicate("stop\n", timeout=30)
    finally:
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    samples = json.loads(out)
    origin = samples[0][0]
    return VictimRun([(sent - origin, ms) for sent, ms in samples], began - origin, ended - origin)


def plot_victims(victims: dict[str, VictimRun], title: str, colors: list[str] | None = None):
    """One panel per action: the other client's PING round trips (log scale) over time, the action's span shaded,
    the slowest in-flight PING and the idle median in the panel's title. Returns the figure (shown by the caller)."""
    import matplotlib.pyplot as plt

    colors = colors or ["tab:red"] * len(victims)
    fig, axes = plt.subplots(1, len(victims), figsize=(4.6 * len(victims), 3.6), sharey=True, squeeze=False)
    for ax, (name, run), color in zip(axes[0], victims.items(), colors, strict=True):
        ax.axvspan(run.began * 1000, run.ended * 1000, color=color, alpha=0.15, label="the command running")
        ax.plot(
            [t * 1000 for t, _ in run.samples],
            [ms for _, ms in run.samples],
            ".",
            color="black",
            markersize=3,
            label="the other client's PINGs (at the time each was sent)",
        )
        meanwhile = f"slowest PING meanwhile {run.worst:.1f} ms" if run.during else "no PING in flight meanwhile"
        ax.set_title(f"{name}\n{meanwhile} (otherwise {run.idle:.2f} ms)", fontsize=10)
        ax.set_xlabel("time (ms)")
        ax.set_yscale("log")
    axes[0][0].set_ylabel("one PING's round trip (ms, log)")
    # One legend under the panels: inside them it would cover the slow PINGs, which sit at the top.
    fig.legend(*axes[0][0].get_legend_handles_labels(), loc="lower center", ncols=2, fontsize=8, frameon=False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


@contextmanager
def throwaway_cluster(nodes: int = 3) -> Iterator[ThrowawayCluster | None]:
    """A throwaway Redis Cluster for a demo (about 2 s to start; stopped when the block ends); None when no
    redis-server binary is found, or while the notebook is graded (no grade depends on it)."""
    if being_graded() or redis_server_path() is None:
        yield None
        return
    with running_redis_cluster(nodes) as cluster:
        yield cluster
