"""The capstone's workload: Zipf-distributed reads, price updates and invalidations, with Redis faults."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

CATEGORIES = ("audio", "books", "games", "garden", "kitchen", "office", "sport", "toys")
_COMPARED = ("id", "sku", "name", "category", "price", "stock")  # updated_at may lag a write-through by design


@dataclass(frozen=True)
class Op:
    """One request of the workload: read a product, change a price, or invalidate a category."""

    index: int
    kind: str  # "get" | "update" | "invalidate"
    product_id: int = 0
    price: float = 0.0
    category: str = ""
    fault: str = ""  # "", "outage", "timeouts" or "slow": what Redis does while this request runs

    def __str__(self) -> str:
        what = {
            "get": f"get_product({self.product_id})",
            "update": f"update_price({self.product_id}, {self.price})",
            "invalidate": f"invalidate_category({self.category!r})",
        }[self.kind]
        during = {"outage": "a Redis outage", "timeouts": "Redis timeouts", "slow": "a slow Redis"}
        return what + (f" during {during.get(self.fault, self.fault)}" if self.fault else "")


def workload(
    seed: int = 10,
    n: int = 300,
    products: int = 500,
    *,
    writes: float = 0.12,
    invalidations: float = 0.03,
    faults: tuple[tuple[str, int, int], ...] | None = None,
) -> list[Op]:
    """``n`` requests: Zipf-distributed product reads, some price updates and category invalidations, with Redis
    failing during the ``faults`` windows (kind, first request, request after the last). By default Redis is down
    for the tenth of the requests starting at 40%, times out for a fifteenth starting at two thirds, and is slow
    (every command stalls, so only a client with a short socket timeout gives up in time) for a few requests
    starting at five sixths."""
    if faults is None:
        slow = 5 * n // 6
        faults = (("outage", 2 * n // 5, n // 2), ("timeouts", 2 * n // 3, 2 * n // 3 + n // 15),
                  ("slow", slow, slow + max(2, n // 150)))  # fmt: skip
    rng = random.Random(seed)
    ranked = list(range(1, products + 1))
    rng.shuffle(ranked)
    ids = rng.choices(ranked, weights=[1 / k for k in range(1, products + 1)], k=n)
    ops = []
    for i, product_id in enumerate(ids):
        fault = next((kind for kind, start, stop in faults if start <= i < stop), "")
        roll = rng.random()
        if roll < invalidations:
            ops.append(Op(i, "invalidate", category=rng.choice(CATEGORIES), fault=fault))
        elif roll < invalidations + writes:
            ops.append(Op(i, "update", product_id, round(rng.randrange(199, 50000) / 100, 2), fault=fault))
        else:
            ops.append(Op(i, "get", product_id, fault=fault))
    return ops


@dataclass
class OpResult:
    op: Op
    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0
    product_reads: int = 0  # database reads of the products table during the request
    row: dict | None = None  # what the database held for the product right after the request
    skipped: bool = False  # not sent: an earlier request already blew the fault budget (see ServiceCheck)


def same_product(got: Any, row: dict | None) -> bool:
    """Whether a returned (or cached) product is the database's row (``updated_at`` aside)."""
    if row is None or not isinstance(got, dict):
        return got is None and row is None
    return all(got.get(k) == row.get(k) for k in _COMPARED)
