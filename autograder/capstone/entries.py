"""Reading what a learner's service cached, whatever it named its keys and however it encoded them."""

from __future__ import annotations

import ast
import contextlib
import json
from typing import Any

from ..labkit.spy import Command


def mentions(key: str, product_id: int) -> bool:
    return str(product_id) in key.replace("-", ":").replace("_", ":").replace(".", ":").split(":")


def product_key(sent: list[Command], row: dict | None) -> str | None:
    """The key a product was cached under: the last value written that carries the product's SKU."""
    if row is None:
        return None
    for cmd in reversed(sent):
        if cmd.name in ("SET", "SETEX", "PSETEX", "SETNX") and cmd.key:
            value = cmd.args[2] if cmd.name in ("SETEX", "PSETEX") else (cmd.args[1] if len(cmd.args) > 1 else "")
            if row["sku"] in (value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)):
                return cmd.key
    return None


def decode(value: Any) -> Any:
    """What a cached entry holds, for the grader's own bookkeeping: JSON, or failing that a Python literal (so
    an entry in the wrong encoding is judged once, by the serialization checks, and not by every probe)."""
    decoded = plain_json(value)
    if decoded == "(not JSON)":
        with contextlib.suppress(ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            decoded = ast.literal_eval(value)
    return decoded


def plain_json(value: Any) -> Any:
    """What a plain JSON reader in any language gets from a cached entry: the object, None, or "(not JSON)"."""
    if value is None:
        return None
    try:
        return json.loads(value)
    except (TypeError, ValueError):
        return "(not JSON)"


def price_of(product: Any) -> Any:
    return product.get("price") if isinstance(product, dict) else product
