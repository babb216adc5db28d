"""A throwaway Redis Cluster on loopback, for the lessons and tests that show what only a cluster does.

Three (or more) ``redis-server --cluster-enabled yes`` nodes from :func:`server.running_redis_server` (the same
binary search as the single throwaway server), joined with ``CLUSTER MEET``, the 16,384 slots split evenly with
``CLUSTER ADDSLOTS``, no replicas; stopped and cleaned up when the block ends. No ``redis-cli`` needed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import redis
from redis.cluster import RedisCluster

from .server import RedisServer, RedisServerError, free_cluster_port, running_redis_server

SLOTS = 16384
CLUSTER_ARGS = ("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000")


@dataclass(frozen=True)
class ThrowawayCluster:
    """The nodes of a running throwaway cluster; ``seconds`` is how long it took to start and agree."""

    nodes: list[RedisServer]
    seconds: float

    @property
    def label(self) -> str:
        """``a 3-node Redis Cluster of redis-server 7.0.15``: which cluster measured a number."""
        return f"a {len(self.nodes)}-node Redis Cluster of {self.nodes[0].label}"

    @property
    def url(self) -> str:
        """A seed node's URL: a cluster client finds the other nodes from it."""
        return self.nodes[0].url

    def client(self, **kwargs) -> RedisCluster:
        """A cluster client (it routes each key to its slot's node and follows MOVED redirections)."""
        kwargs.setdefault("decode_responses", True)
        return RedisCluster(host="127.0.0.1", port=self.nodes[0].port, **kwargs)

    def node_of(self, key: str) -> RedisServer:
        """The node that serves ``key``'s slot."""
        slot = redis.crc.key_slot(key.encode())
        return next(node for node, slots in zip(self.nodes, slot_ranges(len(self.nodes)), strict=True) if slot in slots)


def slot_ranges(nodes: int) -> list[range]:
    """The slots of each node: 16,384 split evenly, the last node taking the remainder."""
    per = SLOTS // nodes
    return [range(i * per, SLOTS if i == nodes - 1 else (i + 1) * per) for i in range(nodes)]


@contextmanager
def running_redis_cluster(nodes: int = 3, start_timeout: float = 20.0) -> Iterator[ThrowawayCluster]:
    """A fresh ``nodes``-node cluster on 127.0.0.1 (masters only), ready when the block starts."""
    if nodes < 3:
        raise ValueError("a Redis Cluster needs at least 3 master nodes")
    started = time.monotonic()
    with ExitStack() as stack:
        node = running_redis_server  # each node on a port whose cluster bus port (+10,000) is free too
        servers = [stack.enter_context(node(CLUSTER_ARGS, pick_port=free_cluster_port)) for _ in range(nodes)]
        clients = [stack.enter_context(server.client()) for server in servers]
        for server in servers[1:]:
            clients[0].execute_command("CLUSTER", "MEET", "127.0.0.1", server.port)
        for client, slots in zip(clients, slot_ranges(nodes), strict=True):
            client.execute_command("CLUSTER", "ADDSLOTS", *slots)
        _wait_until_agreed(clients, nodes, started + start_timeout, servers)
        yield ThrowawayCluster(servers, time.monotonic() - started)


def _wait_until_agreed(clients, nodes: int, deadline: float, servers) -> None:
    """Until every node knows every other one and reports ``cluster_state:ok``."""
    while True:
        infos = [client.cluster("info") for client in clients]
        if all(i.get("cluster_state") == "ok" and int(i.get("cluster_known_nodes", 0)) == nodes for i in infos):
            return
        if time.monotonic() > deadline:
            states = ", ".join(f"{s.port}: {i.get('cluster_state')}" for s, i in zip(servers, infos, strict=True))
            raise RedisServerError(f"the throwaway cluster did not come up in time ({states}); see its nodes' logs")
        time.sleep(0.05)
