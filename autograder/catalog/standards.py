"""The standards catalog: the 16 caching rules, loaded once from ``catalog/standards.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Standard:
    id: str
    group: str
    rule: str
    why: str
    check_by: str


@cache
def catalog() -> dict[str, Standard]:
    """Every standard by id, in the order the catalog lists them."""
    text = resources.files(__package__).joinpath("standards.toml").read_text(encoding="utf-8")
    entries = tomllib.loads(text)["standard"]
    standards = {}
    for entry in entries:
        if entry["id"] in standards:
            raise ValueError(f"standards.toml lists {entry['id']!r} twice; ids must be unique")
        standards[entry["id"]] = Standard(**entry)
    return standards


def standard(standard_id: str) -> Standard:
    """One standard by id; an unknown id names the known ones."""
    try:
        return catalog()[standard_id]
    except KeyError:
        known = ", ".join(catalog())
        raise KeyError(f"unknown standard id {standard_id!r}; known ids: {known}") from None
