"""Reflection in a learner's cell: code that reads or rewrites the running check instead of answering it.

A check cell calls the learner's function while its own code (hidden cases and kata keys included) is on the
stack, in IPython's input history and in linecache; and a notebook's shell can rewrite the cells that run after.
None of that is needed to answer a caching exercise, so the source scan reports every way in (one sentence each):
frames and code objects, the input history, the shell, code built at run time, and names built from strings.
It reads the cell only (after IPython's own syntax is turned into Python): nothing here runs learner code.
"""

from __future__ import annotations

import ast

# Interpreter internals a frame walk or a code swap needs (attributes, or getattr's constant names).
INTERNALS = frozenset({
    "f_back", "f_code", "f_locals", "f_globals", "f_builtins", "f_trace", "tb_frame", "tb_next", "gi_frame",
    "cr_frame", "ag_frame", "co_consts", "co_code", "co_names", "__code__", "__globals__", "__closure__",
    "__builtins__", "__subclasses__", "__traceback__", "__defaults__", "__kwdefaults__", "__base__", "__bases__",
    "__mro__", "_getframe", "_current_frames", "settrace", "setprofile", "currentframe", "extract_stack",
    "walk_stack", "format_stack", "print_stack", "history_manager", "input_transformer_manager", "user_ns",
    "user_global_ns", "getlines", "checkcache",
})  # fmt: skip
# The notebook's input history and shell, as names a cell can read.
HISTORY = frozenset({"In", "Out", "_ih", "_oh", "_i", "_ii", "_iii", "_dh", "get_ipython", "__builtins__"})
RUNS_BUILT_CODE = frozenset({"exec", "compile", "__import__", "breakpoint"})
# ``eval(raw)`` on cached data is a serialization mistake the checks report under its standard, not tampering;
# ``eval`` of code written in the cell (a literal or a string built from literals) hides that code from this scan.
EVAL = "eval"
MODULES = frozenset({
    "inspect", "gc", "ctypes", "linecache", "ipykernel", "traitlets", "builtins", "importlib", "marshal", "dis",
    "code", "codeop", "runpy", "pdb", "bdb", "trace", "_testcapi", "cffi",
})  # fmt: skip
CODE_FILES = (".py", ".pth", ".pyc")  # a module the cell writes, then imports, would run code this scan never read
SHELL_MODULES = ("IPython.core", "IPython.terminal", "IPython.kernel")
SAFE_MAGICS = frozenset({"time", "timeit", "matplotlib", "pprint", "precision", "who", "whos", "pinfo"})
LOADED_MODULES = frozenset({"modules", "meta_path", "path_hooks", "path_importer_cache"})  # of sys
ATTRIBUTE_BY_NAME = frozenset({"getattr", "setattr", "delattr", "hasattr", "attrgetter", "methodcaller"})


def folded(node: ast.AST) -> str | None:
    """A string expression's value when it is built from literals only (``"f_" + "back"``, f-strings of
    literals, ``"".join([...])``), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = folded(node.left), folded(node.right)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = [folded(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values]
        return None if None in parts else "".join(parts)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and len(node.args) == 1
        and isinstance(node.args[0], ast.List | ast.Tuple)
    ):
        glue, parts = folded(node.func.value), [folded(e) for e in node.args[0].elts]
        return None if glue is None or None in parts else glue.join(parts)
    return None


def _magic_call(node: ast.Call) -> str | None:
    """``get_ipython().run_line_magic("timeit", ...)`` (what ``%timeit`` becomes): the magic's name, else None."""
    func = node.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in ("run_line_magic", "run_cell_magic")
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "get_ipython"
        and node.args
    ):
        return folded(node.args[0])
    return None


def reflection(tree: ast.AST, guarded: set[str]) -> list[str]:
    """What in this tree reads or rewrites the running check (one sentence each); ``guarded``: names bound to the
    grader, redis-py, sys and the other modules whose internals a learner never needs."""
    problems: list[str] = []
    allowed_shell: set[int] = set()  # the get_ipython() calls of allowed magics
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (magic := _magic_call(node)) is not None:
            if magic.split()[0] in SAFE_MAGICS:
                allowed_shell.add(id(node.func.value.func))
            else:
                problems.append(f"runs the `%{magic}` magic")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("system", "getoutput")
            and isinstance(node.func.value, ast.Call)
            and getattr(node.func.value.func, "id", "") == "get_ipython"
        ):
            allowed_shell.add(id(node.func.value.func))
            problems.append("runs a shell command (`!`)")
    # A cell's own variable called `_i` (a loop counter) is not IPython's history: a name first met being bound.
    first: dict[str, ast.Name] = {}
    for name in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Name)), key=lambda n: (n.lineno, n.col_offset)):
        first.setdefault(name.id, name)
    bound = {n for n, node in first.items() if isinstance(node.ctx, ast.Store)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in allowed_shell:
            if node.id in HISTORY and node.id not in bound:
                problems.append(f"reads the notebook's shell or input history (`{node.id}`)")
            elif node.id in RUNS_BUILT_CODE:
                problems.append(f"runs code built at run time (`{node.id}`)")
            elif node.id == EVAL and isinstance(node.ctx, ast.Store | ast.Del):
                problems.append("rebinds `eval`")
            elif node.id.startswith("_i") and node.id[2:].isdigit() and node.id not in bound:
                problems.append(f"reads the notebook's input history (`{node.id}`)")
        elif isinstance(node, ast.Attribute):
            if node.attr in INTERNALS:
                problems.append(f"reaches the interpreter's internals (`{ast.unparse(node)}`)")
            elif node.attr == "get_ipython" or (reference(node) in guarded and node.attr in LOADED_MODULES):
                problems.append(f"reaches the notebook's shell or loaded modules (`{ast.unparse(node)}`)")
            elif reference(node) in guarded and node.attr.startswith("_") and not node.attr.endswith("__"):
                problems.append(f"reaches the grader's private state (`{ast.unparse(node)}`)")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            problems += _imports(node)
        elif isinstance(node, ast.Call):
            problems += _by_name(node, guarded)
            if getattr(node.func, "id", None) == EVAL and node.args and _code_in_cell(node.args[0]):
                problems.append(f"runs code built at run time (`{ast.unparse(node)[:60]}`)")
        elif isinstance(node, ast.Subscript) and _namespace_call(node.value):
            key, of = folded(node.slice), node.value.args[0] if node.value.args else None
            if key is None or key in HISTORY or key in guarded or (of is not None and reference(of) in guarded):
                problems.append(f"reaches a name through `{ast.unparse(node)}`")
        elif isinstance(node, ast.Constant | ast.BinOp | ast.JoinedStr) and _internal_name(folded(node)):
            problems.append(f"names the interpreter's internals in a string ({folded(node)!r})")
        elif isinstance(node, ast.Constant | ast.BinOp | ast.JoinedStr) and (folded(node) or "").endswith(CODE_FILES):
            problems.append(f"names a Python file ({folded(node)!r}): code written there and imported is not scanned")
    return problems


def _imports(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
    else:
        modules = [node.module or ""]
        if modules[0] == "IPython":  # IPython.display is fine; its shell is not
            return [f"imports `{a.name}` from IPython" for a in node.names if a.name in HISTORY | {"*", "core"}]
    found = [m for m in modules if m.split(".")[0] in MODULES or m == "IPython" or m.startswith(SHELL_MODULES)]
    return [f"imports `{m}`, which reaches the running interpreter" for m in found]


def _by_name(node: ast.Call, guarded: set[str]) -> list[str]:
    """``getattr(x, name)`` and friends: a constant name is judged as the attribute itself; a built one is only
    allowed on a plain variable (``getattr(row, field)``), never on the grader."""
    name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
    if name not in ATTRIBUTE_BY_NAME:
        return []
    if name in ("attrgetter", "methodcaller"):
        target, attr = None, node.args[0] if node.args else None
    else:
        target, attr = (node.args[0], node.args[1]) if len(node.args) >= 2 else (None, None)
    if attr is None:
        return []
    text = folded(attr)
    if text is not None:
        if _internal_name(text) or (target is not None and reference(target) in guarded and text.startswith("_")):
            return [f"reaches `{text}` through {name}()"]
        return []
    if isinstance(attr, ast.Name | ast.Attribute) and (target is None or reference(target) not in guarded):
        return []
    return [f"reaches an attribute by a name built at run time (`{ast.unparse(node)}`)"]


def _code_in_cell(node: ast.AST) -> bool:
    """Code the cell itself writes: a string literal, one built from literals, or bytes turned into text."""
    if folded(node) is not None:
        return True
    return any(isinstance(n, ast.Constant) and isinstance(n.value, bytes) for n in ast.walk(node)) or any(
        isinstance(n, ast.Attribute) and n.attr in ("b64decode", "fromhex", "decompress", "a85decode", "b32decode")
        for n in ast.walk(node)
    )


def _namespace_call(node: ast.AST) -> bool:
    """``globals()``, ``vars()`` or ``locals()``: the notebook's namespace as a dict."""
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("globals", "vars", "locals")


def _internal_name(text: str | None) -> bool:
    """A string naming an internal (``"f_back"``, ``"input_transformers_post"``); ``"In"`` is ordinary text."""
    return text is not None and (text in INTERNALS or text in HISTORY - {"In", "Out"} or text.startswith("input_tr"))


def reference(node: ast.AST | None) -> str | None:
    """The root name of a plain reference (``a.b``, ``sys.modules["x"]``); None for a call's result, which is a new
    object (``redis.Redis()`` is a client, not the module)."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
