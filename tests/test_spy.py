"""The command spy sees every route a command can take, on both backends, without handshake or passwords."""

import pytest
import redis

from autograder.labkit import CommandSpy, backend_from_env, count_connections


def test_plain_commands_are_recorded_in_order(backend):
    spy = CommandSpy(backend)
    r = spy.client()
    r.set("user:1:name", "Ada", ex=60)
    r.get("user:1:name")
    assert [str(c) for c in spy] == ["SET user:1:name Ada EX 60", "GET user:1:name"]
    assert {c.via for c in spy} == {"command"}


def test_pipelines_and_transactions_are_recorded_with_their_route(backend):
    spy = CommandSpy(backend)
    r = spy.client()
    with r.pipeline(transaction=False) as pipe:
        pipe.set("a:1", 1, ex=5).get("a:1").execute()
    with r.pipeline(transaction=True) as tx:
        tx.incr("counter:1").expire("counter:1", 10).execute()
    assert [(c.via, c.name) for c in spy] == [
        ("pipeline", "SET"),
        ("pipeline", "GET"),
        ("transaction", "MULTI"),
        ("transaction", "INCRBY"),
        ("transaction", "EXPIRE"),
        ("transaction", "EXEC"),
    ]


def test_scan_iter_raw_commands_and_scripts_are_recorded(backend):
    spy = CommandSpy(backend)
    r = spy.client()
    for i in range(25):
        r.set(f"item:{i}", i, ex=60)
    spy.clear()
    assert len(list(r.scan_iter(match="item:*", count=10))) == 25
    r.execute_command("KEYS", "item:*")
    r.eval("return redis.call('GET', KEYS[1])", 1, "item:1")
    r.script_load("return 1")
    names = spy.names()
    assert names.count("SCAN") >= 2
    assert names[-3:] == ["KEYS", "EVAL", "SCRIPT LOAD"]


def test_handshake_is_filtered_but_select_in_it_is_kept(backend):
    spy = CommandSpy(backend)
    r = spy.client(client_name="kata", db=2)
    r.ping()
    assert [(c.via, str(c)) for c in spy] == [("handshake", "SELECT 2"), ("command", "PING")]
    assert spy.connections_opened == 1


def test_passwords_never_reach_the_log():
    spy = CommandSpy(backend_from_env({}))
    r = spy.client()
    with pytest.raises(redis.AuthenticationError):
        r.execute_command("AUTH", "alice", "hunter2-secret")
    r.config_set("requirepass", "another-secret")
    logged = " ".join(str(c) for c in spy)
    assert "hunter2-secret" not in logged and "another-secret" not in logged
    assert "AUTH *** ***" in logged and "CONFIG SET requirepass ***" in logged


@pytest.mark.real_redis
def test_password_in_the_url_authenticates_and_is_redacted(real_redis):
    from autograder.labkit import running_redis_server

    with running_redis_server(password="s3cret-pass") as server:
        backend = backend_from_env({"REDIS_URL": server.url})
        assert "s3cret-pass" not in backend.describe() and "***" in backend.describe()
        spy = CommandSpy(backend)
        r = spy.client()
        assert r.ping() is True
        assert "s3cret-pass" not in " ".join(str(c) for c in spy)
        assert spy.names() == ["PING"]


def test_spies_do_not_see_each_other(backend):
    first, second = CommandSpy(backend), CommandSpy(backend)
    first.client().set("a:1", 1, ex=5)
    assert second.commands == [] and len(first) == 1


def test_connections_opened_are_counted(backend):
    with count_connections(backend) as per_request:
        for _ in range(5):
            client = backend.client()
            client.ping()
            client.close()
    shared = backend.client()
    shared.ping()  # its one connection opens here, before the measured block
    with count_connections(backend) as pooled:
        for _ in range(5):
            shared.ping()
    assert per_request.opened == 5
    assert pooled.opened == 0
