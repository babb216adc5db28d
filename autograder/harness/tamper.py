"""Tamper detection: learner code must not earn points by changing the grader instead of answering.

Two independent layers, because nothing inside one Python process is tamper-proof on its own:
- at run time, :func:`changed_grader_code` compares the grader's and redis-py's functions with a snapshot
  taken when the lesson's setup cell imported the grader (a monkeypatched check, spy or client method shows up);
- before grading, :func:`tampering_in_source` reads the learner's cells (as IPython runs them, magics turned into
  calls) and finds code that rebinds or patches the grader's names and modules (``Exercise = ...``,
  ``checks.no_keys_command = ...``, ``setattr(redis.Redis, ...)``, ``sys.modules[...] = ...``), or reads or
  rewrites the running check (``reflection``: frames, input history, the shell, built code, built names).

The source layer runs in the grading worker, outside the learner's kernel, so learner code cannot switch it off;
the run-time layer is what a learner working locally sees, and a second net when grading.
"""

from __future__ import annotations

import ast
import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from .. import messages
from ..catalog.course_cells import is_course_cell
from ..notebooks import nbgrader_meta
from .reflection import reference, reflection

WATCHED_PREFIXES = ("autograder", "redis", "fakeredis")
_GUARDED_MODULES = frozenset({"autograder", "redis", "fakeredis", "sys", "builtins", "importlib"})


def grader_names() -> frozenset[str]:
    """Names the setup cells import (``autograder.lesson.__all__``); rebinding one redirects the check cells."""
    from .. import lesson  # late: the facade imports this package

    return frozenset(lesson.__all__)


def guarded_roots() -> frozenset[str]:
    return _GUARDED_MODULES | grader_names()


def _watched_modules() -> list[tuple[str, ModuleType]]:
    return [(n, m) for n, m in list(sys.modules.items()) if m and n.split(".")[0] in WATCHED_PREFIXES]


def _library_roots() -> tuple[str, ...]:
    """The folders the watched packages live in: code from there is the library's own, never a learner's."""
    roots = []
    for prefix in WATCHED_PREFIXES:
        module = sys.modules.get(prefix)
        if module is not None and getattr(module, "__file__", None):
            roots.append(str(Path(module.__file__).resolve().parent))
    return tuple(roots)


def _code_of(value: Any):
    value = value.__func__ if isinstance(value, staticmethod | classmethod) else value
    value = value.fget if isinstance(value, property) else value
    return getattr(value, "__code__", None)


def _from_library(value: Any, roots: tuple[str, ...]) -> bool:
    """Whether a member added since the snapshot is the library's own doing (an object it set up lazily, such as
    the Lua scripts redis-py's ``Lock`` registers on first use), not code a notebook cell wrote."""
    code = _code_of(value)
    if code is not None:
        return str(Path(code.co_filename).resolve()).startswith(roots)
    module = value.__module__ if isinstance(value, type) else type(value).__module__
    return (module or "").split(".")[0] in WATCHED_PREFIXES


def _members(cls: type) -> dict[str, Any]:
    return {m: inner for m, inner in list(vars(cls).items())
            if callable(inner) or isinstance(inner, staticmethod | classmethod | property)}  # fmt: skip


def _module_snapshot(name: str, module: ModuleType) -> dict[str, tuple[int, Any]]:
    """One watched module's part of the snapshot (see ``_snapshot``)."""
    seen: dict[str, tuple[int, Any]] = {}
    for attr, value in list(vars(module).items()):
        if callable(value):
            seen[f"{name}.{attr}"] = (id(value), value)
            code = _code_of(value)
            if code is not None:
                seen[f"{name}.{attr}.__code__"] = (id(code), value)
        if isinstance(value, type) and value.__module__ == name:
            for member, inner in _members(value).items():
                seen[f"{name}.{attr}.{member}"] = (id(inner), inner)
                code = _code_of(inner)
                if code is not None:
                    seen[f"{name}.{attr}.{member}.__code__"] = (id(code), inner)
    return seen


_WRAPPERS = (staticmethod, classmethod, property)


def _ids(values: list[Any], anchors: list[Any]) -> tuple:
    """What ``_module_snapshot`` reads of these values: identity, callability and code identity. The values and
    their code objects go into ``anchors``, which the cache keeps: no id here can be reused by a new object."""
    codes = [_code_of(v) if isinstance(v, _WRAPPERS) else getattr(v, "__code__", None) for v in values]
    anchors += (values, codes)
    return tuple(map(id, values)), tuple(map(callable, values)), tuple(map(id, codes))


def _fingerprint(name: str, module: ModuleType, anchors: list[Any]) -> tuple:
    """Everything ``_module_snapshot(name, module)`` depends on, cheap to compare: equal fingerprints, equal parts."""
    namespace = dict(vars(module))  # the classes are among its values: their identities are in the first _ids
    classes = [v for v in namespace.values() if isinstance(v, type) and v.__module__ == name]
    return (tuple(namespace), _ids(list(namespace.values()), anchors),
            tuple((tuple(vars(c)), _ids(list(vars(c).values()), anchors)) for c in classes))  # fmt: skip


# module name -> (fingerprint, part, anchors): a verdict re-reads only the modules changed since the last one (~180
# modules, 12,000 members: reading them all cost ~75 ms at every verdict).
_PARTS: dict[str, tuple[tuple, dict[str, tuple[int, Any]], list[Any]]] = {}


def _snapshot() -> dict[str, tuple[int, Any]]:
    """name → (identity, value) of every function and class member of the watched modules, and of each
    function's code object (``f.__code__ = ...`` keeps the function's identity)."""
    seen: dict[str, tuple[int, Any]] = {}
    for name, module in _watched_modules():
        anchors: list[Any] = []
        fingerprint = _fingerprint(name, module, anchors)
        cached = _PARTS.get(name)
        if cached is None or cached[0] != fingerprint:
            cached = _PARTS[name] = (fingerprint, _module_snapshot(name, module), anchors)
        seen.update(cached[1])
    return seen


_BASELINE: dict[str, tuple[int, Any]] = {}


def take_snapshot() -> None:
    """Record the grader's functions as they are now (the setup cell, before any learner code)."""
    _BASELINE.clear()
    _BASELINE.update(_snapshot())


def changed_grader_code() -> list[str]:
    """Grader or redis-py code that a notebook cell replaced, added or rebound since the snapshot (sorted).

    Only real patching counts: a function or method replaced (or its ``__code__`` swapped) is always reported; a
    member added since the snapshot is reported unless the library added it itself (redis-py registers its
    ``Lock`` scripts on the class on first use). The notebook's own bindings of the names the setup cell
    imported (``Exercise = ...``, even through ``global``) are checked too.
    """
    if not _BASELINE:
        return []
    roots = _library_roots()
    now = _snapshot()
    # replaced, or its code swapped: always a patch
    changed = {name.removesuffix(".__code__") for name, (ident, _) in _BASELINE.items()
               if name in now and now[name][0] != ident}  # fmt: skip
    # added by a notebook cell (the library adds its own lazily: those are fine)
    changed |= {name for name in now.keys() - _BASELINE.keys()
                if not name.endswith(".__code__") and not _from_library(now[name][1], roots)}  # fmt: skip
    changed |= {f"`{n}` in the notebook" for n in _rebound_notebook_names()}
    return sorted(changed)


def _shell():
    """The IPython shell this code runs in, or None (plain Python, or IPython not installed)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _rebound_notebook_names() -> list[str]:
    """Facade names the notebook's namespace now binds to something other than what the setup cell imported."""
    shell = _shell()
    if shell is None:
        return []
    from .. import lesson

    namespace = shell.user_ns
    return [n for n in lesson.__all__ if n in namespace and namespace[n] is not getattr(lesson, n)]


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.value if not isinstance(node, ast.Call) else node.func
    return node.id if isinstance(node, ast.Name) else None


@dataclass(frozen=True)
class _AliasFacts:
    """What one cell's code contributes to aliasing, read from its tree once (the history scan runs at every
    verdict, over every cell the kernel has run): the names its imports of guarded modules bind, and each
    assignment as (the reference it assigns, the plain names it binds)."""

    imported: frozenset[str]
    assigned: tuple[tuple[str | None, tuple[str, ...]], ...]


@functools.lru_cache(maxsize=1024)  # keyed by the tree itself (cached by _parse): each cell is read once
def _alias_facts(tree: ast.AST) -> _AliasFacts:
    roots = guarded_roots()
    imported: set[str] = set()
    assigned = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.asname or a.name.split(".")[0] for a in node.names if a.name.split(".")[0] in roots)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in roots:
            imported.update(a.asname or a.name for a in node.names if a.name != "*")
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.NamedExpr):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = tuple(t.id for t in targets if isinstance(t, ast.Name))
            if names:
                assigned.append((reference(node.value), names))
    return _AliasFacts(frozenset(imported), tuple(assigned))


def _guarded_aliases(tree: ast.AST, known: frozenset[str] = frozenset()) -> set[str]:
    """Guarded roots plus names bound to them: by imports (``import autograder.checks as c`` guards ``c``) and by
    assignment (``t = sys.modules``), followed until nothing new is bound. ``known``: aliases other cells made."""
    facts = _alias_facts(tree)
    guarded = set(guarded_roots()) | set(known) | facts.imported
    while True:
        before = len(guarded)
        for value, names in facts.assigned:
            if value in guarded:
                guarded.update(names)
        if len(guarded) == before:
            return guarded


def guarded_aliases(sources: list[str]) -> frozenset[str]:
    """The aliases of the grader's names and modules that a notebook's cells bind, all cells together (a cell
    can use an alias that an earlier one made)."""
    trees = [tree for tree in map(_parse, sources) if tree is not None]
    known: frozenset[str] = frozenset()
    while True:
        found = frozenset().union(*(_guarded_aliases(tree, known) for tree in trees)) if trees else known
        if found == known:
            return known
        known = found


def _as_python(source: str) -> str:
    """The cell as the kernel runs it: IPython's own syntax (``%magic``, ``!cmd``) turned into Python calls."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - what IPython cannot transform, the kernel cannot run either
        return source


@functools.lru_cache(maxsize=1024)
def _parse(source: str) -> ast.Module | None:
    """The cell's tree, parsed once: alias finding and the scan both read it (at every verdict, in a kernel)."""
    try:
        return ast.parse(_as_python(source))
    except SyntaxError:
        return None  # a syntax error fails by itself; it cannot patch anything


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


# IPython's hooks: a cell using them can rewrite or skip the check cells that run after it.
_KERNEL_HOOKS = frozenset({
    "input_transformers_cleanup", "input_transformers_post", "ast_transformers", "set_custom_exc",
    "run_cell", "run_cell_async", "showtraceback", "_showtraceback", "register_magic_function",
})  # fmt: skip


def tampering_in_source(source: str, aliases: frozenset[str] = frozenset()) -> list[str]:
    """What in this cell's code rebinds or patches the grader, or reads the running check (one sentence each);
    [] when nothing does. ``aliases``: names the notebook's other cells bound to the grader (``guarded_aliases``)."""
    tree = _parse(source)
    if tree is None:
        return []
    guarded = _guarded_aliases(tree, aliases)
    names = grader_names()
    problems = [f"rebinds `{name}`, a name the check cells use" for name in _module_level_bindings(tree)
                if name in names]  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            problems += [
                f"rebinds `{n}` through `global`, a name the check cells use" for n in node.names if n in names
            ]
        elif isinstance(node, ast.Attribute) and (
            node.attr in _KERNEL_HOOKS
            or (node.attr == "register" and isinstance(node.value, ast.Attribute) and node.value.attr == "events")
        ):
            problems.append(f"changes how the notebook runs cells (`{ast.unparse(node)}`)")
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id in ("globals", "vars")
            and isinstance(node.ctx, (ast.Store, ast.Del))
        ):
            problems.append(f"rebinds a name through `{ast.unparse(node)}`")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            if node.args and _root(node.args[0]) in guarded:
                problems.append(f"calls {node.func.id}() on `{ast.unparse(node.args[0])}`")
        elif (
            isinstance(node, (ast.Attribute, ast.Subscript))
            and isinstance(node.ctx, (ast.Store, ast.Del))
            and _root(node) in guarded
        ):
            problems.append(f"patches `{ast.unparse(node)}`")
    problems += reflection(tree, guarded)
    return sorted(set(problems))


_SCANNED: dict[tuple[str, frozenset[str]], list[str]] = {}  # (cell source, aliases) -> problems


def tampering_in_history(lesson: str) -> list[str]:
    """The grading scan's verdict on the learner cells this kernel has run (not the lesson's own), so that a local
    verdict says what grading will: code the scan reports scores 0 on every check after it."""
    shell = _shell()
    if shell is None:
        return []
    learner = [s for s in shell.history_manager.input_hist_raw[1:] if s.strip() and not is_course_cell(lesson, s)]
    aliases = guarded_aliases(learner)
    problems: list[str] = []
    for source in learner:
        key = (source, aliases)
        if key not in _SCANNED:
            _SCANNED[key] = tampering_in_source(source, aliases)
        problems += _SCANNED[key]
    return sorted(set(problems))


def tainted_checks(cells: list, learner_cell: Callable[[Any], bool]) -> dict[str, list[str]]:
    """grade_id → what the learner cells above it do to the grader, for every graded cell after the first learner
    cell the scan reports (patching the grader taints every check that runs after it). ``cells``: a notebook's
    cells in order; ``learner_cell``: which of them are the learner's code (not the course's)."""
    learners = [c for c in cells if learner_cell(c)]
    aliases = guarded_aliases([c.source for c in learners])
    problems: list[str] = []
    tainted: dict[str, list[str]] = {}
    for cell in cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            if problems:
                tainted[str(meta.get("grade_id", ""))] = list(problems)
        elif any(cell is c for c in learners):
            problems += tampering_in_source(cell.source, aliases)
    return tainted


def taint_note(tainted: dict[str, list[str]]) -> str:
    """One sentence for the instructor (and the learner's ``check``): the first tainting cell and what it costs."""
    first = next(iter(tainted.values()))
    return f"a cell {messages.what_a_cell_does(first, 3)}; every check after it scores 0 ({', '.join(tainted)})"
