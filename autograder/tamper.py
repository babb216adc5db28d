"""Tamper detection: learner code must not earn points by changing the grader instead of answering.

Two independent layers, because nothing inside one Python process is tamper-proof on its own:
- at run time, :func:`changed_grader_code` compares the grader's and redis-py's functions with a snapshot
  taken when the lesson's setup cell imported the grader (a monkeypatched check, spy or client method shows up);
- before grading, :func:`tampering_in_source` reads the learner's cells and finds code that rebinds or
  patches the grader's names and modules (``Exercise = ...``, ``checks.no_keys_command = ...``,
  ``setattr(redis.Redis, ...)``, ``sys.modules[...] = ...``).
"""

from __future__ import annotations

import ast
import sys
from types import ModuleType

WATCHED_PREFIXES = ("autograder", "redis", "fakeredis")
# Names the setup cells import; rebinding one redirects the locked check cells.
GRADER_NAMES = frozenset({
    "Exercise", "ExerciseFailed", "checks", "grading_spy", "CommandSpy", "count_connections", "connect",
    "lesson_backend", "hints", "FaultInjector", "LessonDB",
})  # fmt: skip
GUARDED_ROOTS = frozenset({"autograder", "redis", "fakeredis", "sys", "builtins", "importlib"}) | GRADER_NAMES


def _watched_modules() -> list[tuple[str, ModuleType]]:
    return [(n, m) for n, m in list(sys.modules.items()) if m and n.split(".")[0] in WATCHED_PREFIXES]


def _snapshot() -> dict[str, int]:
    seen: dict[str, int] = {}
    for name, module in _watched_modules():
        for attr, value in list(vars(module).items()):
            if callable(value):
                seen[f"{name}.{attr}"] = id(value)
            if isinstance(value, type) and value.__module__ == name:
                members = [m for m, inner in list(vars(value).items())
                           if callable(inner) or isinstance(inner, (staticmethod, classmethod, property))]  # fmt: skip
                for member in members:
                    seen[f"{name}.{attr}.{member}"] = id(vars(value)[member])
                # A method added to a class (e.g. Redis.get, normally inherited) changes this fingerprint.
                seen[f"{name}.{attr} (its methods)"] = hash(frozenset(members))
    return seen


_BASELINE: dict[str, int] = {}


def take_snapshot() -> None:
    """Record the grader's functions as they are now (the setup cell, before any learner code)."""
    _BASELINE.clear()
    _BASELINE.update(_snapshot())


def changed_grader_code() -> list[str]:
    """Functions of the grader or redis-py replaced since the snapshot (names, sorted)."""
    if not _BASELINE:
        return []
    now = _snapshot()
    return sorted(name for name, ident in _BASELINE.items() if now.get(name, ident) != ident)


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


def _guarded_aliases(tree: ast.AST) -> set[str]:
    """Guarded roots plus names bound to them by imports (``import autograder.checks as c`` guards ``c``)."""
    guarded = set(GUARDED_ROOTS)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            guarded.update(
                a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] in GUARDED_ROOTS
            )
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in GUARDED_ROOTS:
            guarded.update(a.asname or a.name for a in node.names if a.name != "*")
    return guarded


def _module_level_bindings(tree: ast.Module) -> list[str]:
    """Names a cell binds at module level (function and class bodies have their own scope)."""
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            from_grader = isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograder")
            names += [] if from_grader else [a.asname or a.name.split(".")[0] for a in node.names]
        else:
            for inner in ast.walk(node):
                if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                    continue
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, (ast.Store, ast.Del)):
                    names.append(inner.id)
    return names


def tampering_in_source(source: str) -> list[str]:
    """What in this cell's code rebinds or patches the grader (one sentence each); [] when nothing does."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # a syntax error fails by itself; it cannot patch anything
    guarded = _guarded_aliases(tree)
    problems = [f"rebinds `{name}`, a name the check cells use" for name in _module_level_bindings(tree)
                if name in GRADER_NAMES]  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            if node.args and _root(node.args[0]) in guarded:
                problems.append(f"calls {node.func.id}() on `{ast.unparse(node.args[0])}`")
        elif (
            isinstance(node, (ast.Attribute, ast.Subscript))
            and isinstance(node.ctx, (ast.Store, ast.Del))
            and _root(node) in guarded
        ):
            problems.append(f"patches `{ast.unparse(node)}`")
    return sorted(set(problems))
