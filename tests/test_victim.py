"""The real-server demo helpers: which server a demo measures, and what a second client lives through."""

from __future__ import annotations

import pytest

from autograder.labkit import backend as backend_module
from autograder.labkit import real_server, victim_pings
from autograder.labkit.demo import VictimRun

BUSY_MS = 200  # a server-side busy loop: every command sent meanwhile must wait for it
BUSY_LOOP = "local t = redis.call('TIME'); local start = t[1] * 1e6 + t[2]; repeat t = redis.call('TIME') until t[1] * 1e6 + t[2] - start >= tonumber(ARGV[1]); return 1"  # noqa: E501 - one Lua line


@pytest.fixture
def fresh_lesson_backend():
    """The kernel's backend is chosen once per process; these tests change REDIS_URL, so choose again."""
    backend_module.lesson_backend.cache_clear()
    yield
    backend_module.lesson_backend.cache_clear()


def test_a_victim_run_counts_the_pings_in_flight_during_the_action():
    run = VictimRun(samples=[(0.00, 0.2), (0.01, 0.3), (0.019, 50.0), (0.08, 0.2), (0.09, 0.4)], began=0.02, ended=0.06)
    assert run.during == [50.0]  # sent before the action began, answered after it: in flight meanwhile
    assert run.worst == 50.0
    assert run.idle == 0.25  # the median of the others
    assert VictimRun(samples=[(0.0, 0.2), (0.5, 0.2)], began=0.2, ended=0.21).worst == 0.0  # none in flight


@pytest.mark.real_redis
def test_another_client_waits_for_a_command_that_holds_the_server(real_redis, no_redis_url, fresh_lesson_backend):
    with real_server() as server:
        assert server.label.startswith("redis-server ") and server.label.endswith("(throwaway)")
        run = victim_pings(server.url, lambda: server.client.eval(BUSY_LOOP, 0, BUSY_MS * 1000))
    assert run.ended - run.began >= BUSY_MS / 1000
    assert run.worst >= BUSY_MS * 0.8, run  # the PING in flight could not be answered before the loop ended
    assert len(run.samples) > len(run.during)  # it pinged before and after, too


@pytest.mark.real_redis
def test_with_redis_url_a_demo_measures_the_lessons_own_server(clean_real_redis, monkeypatch, fresh_lesson_backend):
    monkeypatch.setenv("REDIS_URL", clean_real_redis.url)
    with real_server() as server:
        assert "this lesson's" in server.label and server.url == clean_real_redis.url
        assert server.client.ping()


def test_plot_victims_draws_one_panel_per_action_with_its_worst_and_idle_ping():
    import matplotlib

    matplotlib.use("Agg")
    from autograder.labkit import plot_victims

    slow = VictimRun(samples=[(0.0, 0.2), (0.019, 50.0), (0.08, 0.3)], began=0.02, ended=0.06)
    quick = VictimRun(samples=[(0.0, 0.2), (0.5, 0.2)], began=0.2, ended=0.21)
    fig = plot_victims({"KEYS": slow, "SCAN": quick}, "the victim")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["KEYS\nslowest PING meanwhile 50.0 ms (otherwise 0.25 ms)",
                      "SCAN\nno PING in flight meanwhile (otherwise 0.20 ms)"]  # fmt: skip
    assert fig.axes[0].get_yscale() == "log" and fig._suptitle.get_text() == "the victim"
    assert len(plot_victims({"GET": slow}, "one").axes) == 1
