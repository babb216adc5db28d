"""The fault kit raises each fault as the matching redis-py error, recovers, and leaks nothing, on both backends."""

import time

import pytest
import redis
from redis.backoff import NoBackoff
from redis.exceptions import OutOfMemoryError
from redis.retry import Retry

from autograder.labkit import CommandSpy, FaultInjector, backend_from_env, count_connections, is_write_command
from autograder.labkit import faults as faults_module
from autograder.labkit.faults import AUTH_MESSAGE, OOM_MESSAGE

CONNECTION_FAULTS = [
    ("outage", redis.ConnectionError),
    ("timeouts", redis.TimeoutError),
    ("auth_failure", redis.AuthenticationError),
]


@pytest.mark.parametrize("fault, error", CONNECTION_FAULTS)
def test_connection_faults_raise_the_redis_error_then_recover(backend, fault, error):
    inj = FaultInjector(backend)
    r = inj.client()
    r.set("fault:probe", "ok", ex=60)
    with getattr(inj, fault)():
        with pytest.raises(error):
            r.get("fault:probe")
        with pytest.raises(error):  # and again, on the reconnect
            r.get("fault:probe")
        with pytest.raises(error):  # pipelines meet it too
            r.pipeline().get("fault:probe").set("fault:other", 1, ex=5).execute()
        with pytest.raises(error):  # so does a client made while the fault is on
            inj.client().ping()
    assert inj.injected >= 4
    assert r.get("fault:probe") == "ok"
    assert inj.active == []


def test_outage_looks_like_a_refused_connection_when_connecting(backend):
    inj = FaultInjector(backend)
    r = inj.client()
    with inj.outage(), pytest.raises(redis.ConnectionError, match="Connection refused"):
        r.ping()
    assert inj.events[0].command == "(connect)"


@pytest.mark.real_redis
def test_auth_failure_reads_like_the_server_message(real_redis):
    from autograder.labkit import running_redis_server

    with running_redis_server(password="right-password") as server, pytest.raises(redis.AuthenticationError) as real:
        redis.Redis.from_url(server.url.replace("right-password", "wrong"), retry=Retry(NoBackoff(), 0)).ping()
    assert str(real.value) == AUTH_MESSAGE


def test_out_of_memory_rejects_writes_but_not_reads(backend):
    inj = FaultInjector(backend)
    r = inj.client()
    r.set("fault:probe", "ok", ex=60)
    with inj.out_of_memory():
        assert r.get("fault:probe") == "ok"
        assert r.ttl("fault:probe") > 0
        with pytest.raises(OutOfMemoryError) as caught:
            r.set("fault:probe", "new", ex=60)
        assert isinstance(caught.value, redis.ResponseError)
        assert str(caught.value) == OOM_MESSAGE
        with pytest.raises(OutOfMemoryError):
            r.hset("fault:hash", "a", 1)
        with pytest.raises(OutOfMemoryError):
            r.pipeline(transaction=False).get("fault:probe").set("fault:x", 1, ex=5).execute()
        assert r.delete("fault:missing") == 0  # DEL frees memory, Redis allows it
        assert r.get("fault:probe") == "ok"  # the rejected write changed nothing
    r.set("fault:probe", "new", ex=60)
    assert r.get("fault:probe") == "new"


@pytest.mark.real_redis
def test_injected_oom_matches_a_real_full_server(clean_real_redis):
    r = clean_real_redis.client()
    try:
        r.config_set("maxmemory", "1")
        r.config_set("maxmemory-policy", "noeviction")
        with pytest.raises(OutOfMemoryError) as real:
            r.set("fault:real", "x" * 100, ex=60)
    finally:
        r.config_set("maxmemory", "0")
    assert str(real.value) == OOM_MESSAGE


def test_write_command_classification():
    assert all(is_write_command(n) for n in ["SET", "set", "SETEX", "HSET", "INCR", "LPUSH", "EVAL"])
    assert not any(is_write_command(n) for n in ["GET", "DEL", "UNLINK", "EXPIRE", "TTL", "SCAN", "PING"])


def test_slow_delays_each_command_and_honours_socket_timeout(backend, monkeypatch):
    inj = FaultInjector(backend)
    r = inj.client()
    r.ping()
    with inj.slow(0.03):
        start = time.perf_counter()
        r.get("fault:a")
        r.pipeline().get("fault:a").get("fault:b").execute()  # one round trip, one delay
        assert time.perf_counter() - start >= 0.06  # the delays are real sleeps (a lower bound: never flaky)
        assert inj.injected == 0
        # What the kit asks the clock for, not wall time: deterministic on a loaded machine.
        sleeps: list[float] = []
        monkeypatch.setattr(faults_module.time, "sleep", sleeps.append)
        impatient = inj.client(socket_timeout=0.01)
        with pytest.raises(redis.TimeoutError):
            impatient.get("fault:a")
        assert sleeps == [0.01], "a client with a shorter socket_timeout gives up after socket_timeout"
    r.get("fault:a")
    assert sleeps == [0.01], "no delay once the slow block has ended"
    assert inj.injected == 1


def test_fail_next_counts_down_then_recovers(backend):
    inj = FaultInjector(backend)
    r = inj.client()
    with inj.fail_next(2) as plan:
        with pytest.raises(redis.ConnectionError):
            r.ping()
        assert plan.remaining == 1
        with pytest.raises(redis.ConnectionError):
            r.ping()
        assert plan.remaining == 0
        assert r.ping() is True
    assert inj.injected == 2


def test_fail_next_is_retried_by_a_retry_policy_and_not_past_it(backend):
    inj = FaultInjector(backend)
    patient = inj.client(retry=Retry(NoBackoff(), 3))
    inj.fail_next(3)
    assert patient.set("fault:k", "v", ex=60) is True  # 3 failures, 4th attempt works
    assert inj.injected == 3
    with inj.fail_next(4), pytest.raises(redis.ConnectionError):
        patient.get("fault:k")
    assert inj.injected == 7
    with inj.fail_next(1, redis.TimeoutError):
        assert patient.get("fault:k") == "v"


def test_response_errors_are_not_retried(backend):
    inj = FaultInjector(backend)
    patient = inj.client(retry=Retry(NoBackoff(), 5))
    with inj.fail_next(3, redis.ResponseError) as plan:
        with pytest.raises(redis.ResponseError):
            patient.get("fault:k")
        assert plan.remaining == 2
    assert patient.get("fault:k") is None  # leaving the block disarmed the rest


def test_clients_fail_at_once_by_default(backend):
    inj = FaultInjector(backend)
    r = inj.client()
    with inj.outage():
        start = time.perf_counter()
        with pytest.raises(redis.ConnectionError):
            r.get("fault:a")
        assert time.perf_counter() - start < 0.2
    assert inj.injected == 1


def test_spy_records_through_the_injector(backend):
    spy = CommandSpy(backend)
    inj = FaultInjector(spy=spy)
    r = inj.client()
    r.set("fault:a", 1, ex=60)
    with inj.outage(), pytest.raises(redis.ConnectionError):
        r.get("fault:a")
    with inj.out_of_memory(), pytest.raises(OutOfMemoryError):
        r.set("fault:a", 2, ex=60)
    r.get("fault:a")
    # the outage GET never reached the server; the OOM SET did (and was refused)
    assert [str(c) for c in spy] == ["SET fault:a 1 EX 60", "SET fault:a 2 EX 60", "GET fault:a"]
    assert spy.connections_opened == 2  # the outage dropped the first connection


def test_pool_connections_are_counted(backend):
    inj = FaultInjector(backend)
    pool = inj.pool(max_connections=4)
    with count_connections(backend) as counted:
        for i in range(20):
            redis.Redis(connection_pool=pool).get(f"fault:{i}")
    assert counted.opened == 1
    blocking = inj.pool(pool_class=redis.BlockingConnectionPool, max_connections=2, timeout=0.1)
    assert redis.Redis(connection_pool=blocking).ping() is True


def test_no_state_leaks_between_injectors(backend):
    first, second = FaultInjector(backend), FaultInjector(backend)
    r1, r2 = first.client(), second.client()
    plain = backend.client()
    with first.outage():
        with pytest.raises(redis.ConnectionError):
            r1.ping()
        assert r2.ping() is True
        assert plain.ping() is True
    second.fail_next(1)
    assert r1.ping() is True
    assert first.injected == 1 and second.injected == 0
    assert first.connection_class is not second.connection_class


def test_a_spy_and_another_backend_do_not_mix():
    spy = CommandSpy(backend_from_env({}))
    with pytest.raises(ValueError):
        FaultInjector(backend_from_env({}), spy=spy)
    with pytest.raises(ValueError):
        FaultInjector(backend_from_env({})).fail_next(-1)


def test_events_show_the_error_the_code_received(backend):
    inj = FaultInjector(backend)
    r = inj.client()
    for fault, error in CONNECTION_FAULTS[:2]:
        with getattr(inj, fault)(), pytest.raises(error) as caught:
            r.ping()  # a fresh client: the fault meets it while connecting
        assert inj.events[-1].error == f"{type(caught.value).__name__}: {caught.value}"
        r = inj.client()
