"""Choosing the backend from REDIS_URL, sharing one server per kernel, and clear errors for bad URLs."""

import pytest

from autograder.labkit import backend as backend_module
from autograder.labkit.backend import BackendError, backend_from_env, redact_url


def test_default_is_the_embedded_fakeredis():
    backend = backend_from_env({})
    assert backend.name == "fakeredis" and not backend.is_real
    assert "fakeredis" in backend.describe() and "REDIS_URL" in backend.describe()


def test_redis_url_selects_a_real_server_and_hides_its_password():
    backend = backend_from_env({"REDIS_URL": "redis://:pa55word@cache.example:6380/0"})
    assert backend.is_real
    assert backend.describe() == "real redis-server at redis://:***@cache.example:6380/0"
    assert backend.connection_kwargs()["password"] == "pa55word"


@pytest.mark.parametrize("url", ["http://localhost:6379", "localhost:6379"])
def test_a_url_that_is_not_redis_gets_a_clear_error(url):
    with pytest.raises(BackendError, match="is not a Redis URL. Use redis://"):
        backend_from_env({"REDIS_URL": url})


def test_redact_url_keeps_urls_without_passwords():
    assert redact_url("redis://localhost:6379/0") == "redis://localhost:6379/0"
    assert redact_url("redis://alice:pw@h:1/0") == "redis://alice:***@h:1/0"


def test_clients_made_for_a_lesson_share_one_server(monkeypatch):
    monkeypatch.delenv("REDIS_URL", raising=False)
    backend_module.lesson_backend.cache_clear()
    backend_module._shared_pool.cache_clear()
    from autograder.labkit import CommandSpy, connect, lesson_backend

    connect().set("shared:1", "yes", ex=60)
    assert lesson_backend().client().get("shared:1") == "yes"
    assert CommandSpy().client().get("shared:1") == "yes"
    assert connect().connection_pool is connect().connection_pool


@pytest.mark.real_redis
def test_real_backend_round_trip(clean_real_redis):
    backend = backend_from_env({"REDIS_URL": clean_real_redis.url})
    client = backend.client()
    client.set("probe:1", "ok", ex=5)
    assert client.get("probe:1") == "ok"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@h:6379/0", "redis://:***@h:6379/0"),
        ("redis://alice:pw@h:6379/3", "redis://alice:***@h:6379/3"),
        ("redis://alice:p%40ss@[::1]:6380/2", "redis://alice:***@[::1]:6380/2"),
        ("rediss://default:pw@cache.example:6380/0?ssl_cert_reqs=none", "rediss://default:***@cache.example:6380/0?ssl_cert_reqs=none"),
        ("unix://:pw@/run/redis/redis.sock?db=1", "unix://:***@/run/redis/redis.sock?db=1"),
        ("redis://[::1]:6379", "redis://[::1]:6379"),
    ],
)  # fmt: skip
def test_only_the_password_is_redacted_whatever_the_url_holds(url, shown):
    assert redact_url(url) == shown
    assert "pw" not in backend_from_env({"REDIS_URL": url}).describe().replace("p%40ss", "")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://:pw@h:6379/3", {"password": "pw", "db": 3, "host": "h", "port": 6379}),
        ("redis://alice:pw@[::1]:6380", {"username": "alice", "password": "pw", "host": "::1", "port": 6380}),
        ("rediss://h:6380/0", {"host": "h", "port": 6380, "db": 0}),
        ("unix:///run/redis.sock?db=2", {"path": "/run/redis.sock", "db": 2}),
    ],
)
def test_redis_url_parts_reach_the_connection(url, expected):
    backend = backend_from_env({"REDIS_URL": url})
    kwargs = backend.connection_kwargs()
    assert {k: kwargs.get(k) for k in expected} == expected
    assert backend.db == expected.get("db", 0)
    if url.startswith("rediss"):
        assert backend.connection_class.__name__ == "SSLConnection"


def test_a_database_number_in_redis_url_is_the_labs_choice_not_a_select_violation(real_redis, monkeypatch):
    """``REDIS_URL=.../3``: the connection's handshake SELECT 3 is not the learner's; a client of its own on
    another database still is."""
    from autograder.checks.key_design import no_numbered_db
    from autograder.labkit import CommandSpy

    backend = backend_from_env({"REDIS_URL": real_redis.url.rsplit("/", 1)[0] + "/3"})
    spy = CommandSpy(backend)
    spy.client().set("lab:db3", "x", ex=60)
    assert [c.name for c in spy.commands] == ["SET"], spy.commands
    assert not no_numbered_db(spy.commands, spy.client())
    other = spy.client(db=5)
    other.get("lab:x")
    assert "SELECT" in [c.name for c in spy.commands]
    assert no_numbered_db(spy.commands) and no_numbered_db([], other)
    backend.client().flushdb()


def test_a_port_taken_by_another_server_is_never_mistaken_for_ours(real_redis, monkeypatch):
    """Parallel test workers race for free ports: when another server already answers on the port picked, the
    new server moves to another port instead of handing out a client to someone else's server."""
    from autograder.labkit import server as server_module

    ports = iter([real_redis.port, server_module.free_port()])
    monkeypatch.setattr(server_module, "free_port", lambda: next(ports))
    with server_module.running_redis_server() as mine:
        assert mine.port != real_redis.port
        assert int(mine.client().info("server")["process_id"]) == mine.process.pid
