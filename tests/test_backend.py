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
