"""Both tamper layers on their own: the run-time snapshot and the source scan, rule by rule."""

import pytest
from support.kernel import LiveKernel
from support.notebooks import cell_by_id, lesson_path, read, solution_path

import autograder.lesson  # noqa: F401 - the facade and everything it imports, as a setup cell has them
from autograder.checks import ttl as ttl_module
from autograder.harness import tamper
from autograder.labkit import backend_from_env


@pytest.fixture
def snapshot():
    tamper._PARTS.clear()  # every part read afresh, by the code under test (not cached by an earlier test)
    tamper.take_snapshot()
    yield
    tamper._BASELINE.clear()


def test_nothing_changed_means_nothing_reported(snapshot):
    assert tamper.changed_grader_code() == []


def test_redis_pys_own_lock_sets_up_its_scripts_without_counting_as_tampering(snapshot):
    client = backend_from_env({}).client()
    with client.lock("lock:tamper-test", timeout=5):  # registers Lock.lua_release & co on first use
        pass
    assert tamper.changed_grader_code() == []


def test_a_replaced_check_is_reported(snapshot, monkeypatch):
    monkeypatch.setattr(ttl_module, "writes_have_ttl", lambda commands: [])
    assert "autograder.checks.ttl.writes_have_ttl" in tamper.changed_grader_code()


def test_a_swapped_code_object_is_reported_though_the_function_is_the_same(snapshot, monkeypatch):
    # Any other code object will do; `replace` keeps the free variables a wrapped (e.g. mutmut's) function has.
    swapped = ttl_module.writes_have_ttl.__code__.replace(co_name="swapped")
    monkeypatch.setattr(ttl_module.writes_have_ttl, "__code__", swapped)
    assert "autograder.checks.ttl.writes_have_ttl" in tamper.changed_grader_code()


def test_a_method_added_to_a_client_class_by_notebook_code_is_reported(snapshot, monkeypatch):
    import redis

    monkeypatch.setattr(redis.Redis, "get", lambda self, key: "patched", raising=False)
    assert any(name.endswith("Redis.get") for name in tamper.changed_grader_code())


@pytest.fixture
def probe_module(monkeypatch):
    """A watched module of the grader's own, made for the test: ``last`` is its last member."""
    import sys
    import types

    module = types.ModuleType("autograder._tamper_probe")
    module.first, module.last = (lambda: 1), (lambda: 2)
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_a_member_moved_to_a_new_name_is_reported_though_every_value_is_the_same(probe_module):
    tamper._PARTS.clear()
    tamper.take_snapshot()
    try:
        moved = probe_module.last
        del probe_module.last
        probe_module.renamed = moved
        assert tamper.changed_grader_code() == ["autograder._tamper_probe.renamed"]
    finally:
        tamper._BASELINE.clear()


def test_each_verdict_sees_a_change_made_after_the_one_before(probe_module):
    """A verdict re-reads only the modules changed since the last one: a later change still shows."""
    tamper._PARTS.clear()
    tamper.take_snapshot()
    try:
        assert tamper.changed_grader_code() == []
        probe_module.first.__code__ = probe_module.last.__code__
        assert tamper.changed_grader_code() == ["autograder._tamper_probe.first"]
        probe_module.first = probe_module.last
        assert tamper.changed_grader_code() == ["autograder._tamper_probe.first"]
    finally:
        tamper._BASELINE.clear()


def test_a_class_member_patched_after_a_verdict_is_reported(probe_module):
    class Client:
        def get(self):
            return 1

    Client.__module__ = probe_module.__name__
    probe_module.Client = Client
    tamper._PARTS.clear()
    tamper.take_snapshot()
    try:
        assert tamper.changed_grader_code() == []
        Client.get = lambda self: 2
        assert tamper.changed_grader_code() == ["autograder._tamper_probe.Client.get"]
    finally:
        tamper._BASELINE.clear()


def test_without_a_snapshot_nothing_is_judged():
    tamper._BASELINE.clear()
    assert tamper.changed_grader_code() == []


@pytest.mark.parametrize(
    ("source", "phrase"),
    [
        ("Exercise = object", "rebinds `Exercise`"),
        ("def f():\n    global Exercise\n    Exercise = object\nf()", "through `global`"),
        ("from autograder import checks\nchecks.no_keys_command = lambda c: []", "patches `checks.no_keys_command`"),
        ("import autograder.checks as c\nc.writes_have_ttl = print", "patches `c.writes_have_ttl`"),
        ("import redis\nsetattr(redis.Redis, 'get', None)", "calls setattr()"),
        ("import sys\nsys.modules['autograder.checks'] = None", "patches `sys.modules"),
        ("get_ipython().input_transformers_post.append(lambda lines: [])", "changes how the notebook runs cells"),
        ("get_ipython().events.register('pre_run_cell', print)", "changes how the notebook runs cells"),
        ("globals()['checks'] = None", "rebinds a name through `globals()"),
        ("checks.writes_have_ttl.__code__ = (lambda c: []).__code__", "patches `checks.writes_have_ttl.__code__`"),
    ],
)
def test_the_source_scan_names_each_way_of_patching_the_grader(source, phrase):
    problems = tamper.tampering_in_source(source)
    assert any(phrase in p for p in problems), problems


@pytest.mark.parametrize(
    "source",
    [
        "def remember_greeting(r, name):\n    return r.set(f'greeting:{name}', 'x', ex=60)",
        "events = []\nself_events = events",  # an ordinary variable called events
        "import redis\nclient = redis.Redis()",  # using redis is not patching it
        "checks_passed = True",
        "syntax error (",
    ],
)
def test_the_source_scan_leaves_ordinary_learner_code_alone(source):
    assert tamper.tampering_in_source(source) == []


def test_rebinding_a_setup_name_in_the_notebook_is_caught_at_run_time(no_redis_url):
    """A rebinding hidden from the source scan (built by exec) still fails every check after it."""
    nb, solved = read(lesson_path("01-key-design")), read(solution_path("01-key-design"))
    kernel = LiveKernel(cwd=str(lesson_path("01-key-design").parent))
    try:
        assert kernel.run(cell_by_id(nb, "setup").source).error is None
        assert kernel.run(cell_by_id(solved, "l01-settings-key-answer").source).error is None
        assert kernel.run("exec('hints = print')").error is None
        run = kernel.run(cell_by_id(nb, "l01-settings-key").source)
    finally:
        kernel.close()
    assert run.error and run.error[0] == "ExerciseFailed"
    assert "`hints` in the notebook" in run.stdout


def test_a_learner_cell_the_grading_scan_reports_fails_the_local_verdict_too(no_redis_url):
    """What grading will score 0 never passes locally: the verdict scans the cells this kernel ran (the lesson's own
    cells excepted, though setup imports inspect in some lessons) with the grading scan."""
    nb, solved = read(lesson_path("03-scan")), read(solution_path("03-scan"))
    first = next(c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade"))
    kernel = LiveKernel(cwd=str(lesson_path("03-scan").parent))
    try:
        assert kernel.run(cell_by_id(nb, "setup").source).error is None
        assert kernel.run(cell_by_id(solved, f"{first.id}-answer").source).error is None
        clean = kernel.run(first.source)
        assert kernel.run("import inspect\nprint(inspect.stack()[0].function)").error is None
        after = kernel.run(first.source)
    finally:
        kernel.close()
    assert clean.error is None and "✅ PASS" in clean.stdout, clean.stdout
    assert after.error and after.error[0] == "ExerciseFailed"
    assert "a cell this kernel ran imports `inspect`" in after.stdout and "Grading scores every check" in after.stdout


# -- the run-time layer, rule by rule ------------------------------------------------------------------------


def test_a_function_replaced_by_a_callable_without_code_is_reported(snapshot, monkeypatch):
    import functools

    monkeypatch.setattr(ttl_module, "writes_have_ttl", functools.partial(lambda commands: []))
    assert tamper.changed_grader_code() == ["autograder.checks.ttl.writes_have_ttl"]


def test_a_method_replaced_by_a_callable_without_code_is_reported_under_its_own_class(snapshot, monkeypatch):
    import functools

    from autograder.labkit.spy import CommandSpy

    monkeypatch.setattr(CommandSpy, "client", functools.partial(lambda self: None))
    assert "autograder.labkit.spy.CommandSpy.client" in tamper.changed_grader_code()


def test_a_methods_swapped_code_is_reported(snapshot, monkeypatch):
    from autograder.labkit.spy import CommandSpy

    monkeypatch.setattr(CommandSpy.client, "__code__", CommandSpy.client.__code__.replace(co_name="swapped"))
    assert tamper.changed_grader_code() == ["autograder.labkit.spy.CommandSpy.client"]


def test_a_classmethods_and_a_propertys_swapped_code_are_reported(snapshot, monkeypatch):
    import redis

    from autograder.labkit.backend import Backend

    from_url = vars(redis.Redis)["from_url"].__func__
    monkeypatch.setattr(from_url, "__code__", from_url.__code__.replace(co_name="swapped"))
    is_real = vars(Backend)["is_real"].fget
    monkeypatch.setattr(is_real, "__code__", is_real.__code__.replace(co_name="swapped"))
    changed = tamper.changed_grader_code()
    assert "redis.client.Redis.from_url" in changed and "autograder.labkit.backend.Backend.is_real" in changed


def test_a_method_added_by_a_notebook_is_named_once_and_the_librarys_own_additions_are_not(snapshot, monkeypatch):
    import redis
    from redis import utils

    monkeypatch.setattr(redis.Redis, "brand_new", lambda self: None, raising=False)
    monkeypatch.setattr(redis.Redis, "from_the_library", utils.str_if_bytes, raising=False)  # defined in redis/
    monkeypatch.setattr(redis.Redis, "a_library_class", redis.exceptions.RedisError, raising=False)
    monkeypatch.setattr(redis.Redis, "a_notebook_class", type("Mine", (), {}), raising=False)
    # redis.client.StrictRedis is the same class under a second name: reported under both.
    assert tamper.changed_grader_code() == [
        "redis.client.Redis.a_notebook_class",
        "redis.client.Redis.brand_new",
        "redis.client.StrictRedis.a_notebook_class",
        "redis.client.StrictRedis.brand_new",
    ]


def test_the_notebooks_own_bindings_of_setup_names_are_compared_with_the_facade(snapshot):
    from IPython.core.interactiveshell import InteractiveShell

    from autograder import lesson

    shell = InteractiveShell.instance()
    try:
        shell.user_ns.update({"Exercise": lesson.Exercise, "hints": print, "unrelated": 1})
        assert tamper.changed_grader_code() == ["`hints` in the notebook"]
        shell.user_ns["hints"] = lesson.hints
        assert tamper.changed_grader_code() == []
    finally:
        InteractiveShell.clear_instance()


# -- the source layer: more ways to bind or patch ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "problem"),
    [
        ("def Exercise():\n    pass", "rebinds `Exercise`, a name the check cells use"),
        ("class hints:\n    pass", "rebinds `hints`, a name the check cells use"),
        ("import json as Exercise", "rebinds `Exercise`, a name the check cells use"),
        ("for checks in range(3):\n    pass", "rebinds `checks`, a name the check cells use"),
        ("del Exercise", "rebinds `Exercise`, a name the check cells use"),
        ("Exercise = 1\nimport json", "rebinds `Exercise`, a name the check cells use"),
        ("x = [lambda: 0, (Exercise := 1)]", "rebinds `Exercise`, a name the check cells use"),
        ("hints = 1\ndef f():\n    global Exercise", "rebinds `hints`, a name the check cells use"),
        ("import redis.client as rc\nrc.Redis.get = None", "patches `rc.Redis.get`"),
        ("from redis.client import Redis\nRedis.get = None", "patches `Redis.get`"),
        ("from autograder.checks import ttl\nttl.writes_have_ttl = None", "patches `ttl.writes_have_ttl`"),
        ("import autograder.checks.ttl\nautograder.checks.ttl.x = 1", "patches `autograder.checks.ttl.x`"),
        ("checks.writes_have_ttl = None", "patches `checks.writes_have_ttl`"),
        ("delattr(checks, 'writes_have_ttl')", "calls delattr() on `checks`"),
        ("vars()['Exercise'] = 1", "rebinds a name through `vars()['Exercise']`"),
        (
            "get_ipython().set_custom_exc((Exception,), print)",
            "changes how the notebook runs cells (`get_ipython().set_custom_exc`)",
        ),
    ],
)
def test_the_source_scan_says_exactly_what_each_cell_does(source, problem):
    assert problem in tamper.tampering_in_source(source)


@pytest.mark.parametrize(
    "source",
    [
        "from autograder.lesson import Exercise, hints",  # what a setup cell does
        "def helper():\n    Exercise = 1\n    return Exercise",  # a local variable
        "f = lambda checks: checks",
        "from collections import *\nx = 1",
        "import json\njson.x = 1",  # patching what is not the grader's
        "class C:\n    hints = 1",
        "obj = type('o', (), {})()\nsetattr(obj, 'get', None)",
        "data = {}\ndata['checks'] = 1",
        "app = type('a', (), {'register': print})\napp.register('view')",  # only `events.register` is a hook
        "'text'.upper = None",  # fails by itself at run time; nothing of the grader's
    ],
)
def test_the_source_scan_leaves_these_alone(source):
    assert tamper.tampering_in_source(source) == []


# -- the source layer: reflection (reading or rewriting the running check) --------------------------------------


@pytest.mark.parametrize(
    ("source", "phrase"),
    [
        # an input transformer reached indirectly (issue 14): the shell by name, the hook by a built string
        ("ip = get_ipython()\ngetattr(ip, 'input_' + 'transformers_post').append(lambda l: ['pass\\n'])",
         "reads the notebook's shell"),
        ("getattr(get_ipython(), 'input_' + 'transformers_post').append(lambda l: [])", "through getattr()"),
        ("sh = globals()['get_' + 'ipython']()", "reaches a name through `globals()"),
        ("import sys\nsh = sys.modules['IPython'].get_ipython()", "the notebook's shell or loaded modules"),
        ("from IPython import get_ipython", "imports `get_ipython` from IPython"),
        ("from IPython.core.getipython import get_ipython as g", "imports `IPython.core.getipython`"),
        ("import IPython", "imports `IPython`"),
        # a code object swapped (issue 14), directly or by a built name
        ("def f():\n    pass\nf.__code__ = (lambda: 0).__code__", "interpreter's internals (`f.__code__`)"),
        ("setattr(Exercise.verdict, '__co' + 'de__', None)", "reaches `__code__` through setattr()"),
        # the tamper baseline cleared (issue 14), directly, through an alias, vars() or sys.modules
        ("from autograder.harness import tamper\ntamper._BASELINE.clear()", "private state (`tamper._BASELINE`)"),
        ("import autograder.harness.tamper as t\nu = t\nu._BASELINE.clear()", "private state (`u._BASELINE`)"),
        ("from autograder.harness import tamper\nvars(tamper)['_BASELINE'].clear()", "reaches a name through `vars("),
        ("import sys\nsys.modules['autograder.harness.tamper']._BASELINE.clear()", "loaded modules"),
        # the running check read while it calls the learner: frames, history, linecache
        ("def kata_violations():\n    return eval(In[-1].split('kata_key(')[1].split(',')[0])", "(`In`)"),
        ("import sys\ndef f():\n    return sys._getframe(1).f_code.co_consts", "(`sys._getframe`)"),
        ("import traceback\ndef f():\n    return traceback.extract_stack()", "(`traceback.extract_stack`)"),
        ("import linecache\nlinecache.getlines('<cell>')", "imports `linecache`"),
        ("import inspect\ninspect.stack()", "imports `inspect`"),
        ("def f():\n    try:\n        1 / 0\n    except Exception as e:\n        return e.__traceback__.tb_frame",
         "interpreter's internals"),
        ("x = _i3", "input history (`_i3`)"),
        # code the scan cannot read: built and run, or IPython syntax that used to hide the rest of the cell
        ("exec('Exer' + 'cise = None')", "runs code built at run time (`exec`)"),
        ("eval(\"__import__('os')\")", "runs code built at run time"),
        ("import base64\neval(base64.b64decode('X19pbXBvcnRfXw=='))", "runs code built at run time"),
        ("%time 1\nExercise = object", "rebinds `Exercise`"),
        ("import pathlib\npathlib.Path('helper.py').write_text(code)\nimport helper", "names a Python file"),
        ("open('site' + 'customize.py', 'w')", "names a Python file ('sitecustomize.py')"),
        ("!python evil.py", "runs a shell command"),
        ("%run evil.py", "runs the `%run` magic"),
        ("%%writefile evil.py\nprint(1)", "runs the `%writefile"),
    ],
)  # fmt: skip
def test_the_source_scan_catches_reflection_on_the_running_check(source, phrase):
    problems = tamper.tampering_in_source(source)
    assert any(phrase in p for p in problems), problems


@pytest.mark.parametrize(
    "source",
    [
        "def to_dict(user, fields):\n    return {f: getattr(user, f) for f in fields}",  # a variable attribute name
        "import json\ndef encode(user):\n    return json.dumps(vars(user))",
        "def encode(user):\n    return user.__dict__",
        "def name(e):\n    return type(e).__name__",
        "class Store:\n    def __init__(self, r):\n        super().__init__()\n        self._r = r",
        "import redis\npool = redis.ConnectionPool()\nprint(pool._created_connections)",  # a new object, not redis
        "%timeit -n 10 r.get('x')",
        "%matplotlib inline",
        "def decode(raw):\n    return eval(raw)",  # a serialization mistake the checks name, not tampering
        "import ast\nast.literal_eval('[1]')",
        "import re\nPATTERN = re.compile(r'user:\\d+')",
        "def run(r, script):\n    return r.eval(script, 1, 'k')",
        "from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))",
        "import traceback\ntry:\n    pass\nexcept Exception:\n    traceback.print_exc()",
        "import logging\nlog = logging.getLogger(__name__)",
        "import sys\nprint(sys.getsizeof(b'x'), sys.version)",
        "print('In stock')\nrow = {'In': 1}\nrow['In']",
    ],
)
def test_the_source_scan_leaves_ordinary_introspection_alone(source):
    assert tamper.tampering_in_source(source) == []


def test_an_alias_made_in_one_cell_is_guarded_in_the_next():
    cells = ["import autograder.harness.tamper as t", "t._BASELINE.clear()"]
    assert tamper.tampering_in_source(cells[1]) == []  # alone, `t` could be anything
    aliases = tamper.guarded_aliases(cells)
    assert "t" in aliases
    assert any("private state (`t._BASELINE`)" in p for p in tamper.tampering_in_source(cells[1], aliases))


def test_every_answer_cell_and_valid_alternative_of_the_course_passes_the_scan():
    """No valid learner code is ever called tampering: the reference answers and every valid alternative."""
    from pathlib import Path

    from support.notebooks import ROOT, read

    from autograder.authoring.answers import read_answers
    from autograder.authoring.build import content_lessons, read_lesson

    flagged = []
    for lesson in content_lessons():
        nb = read(ROOT / "solutions" / lesson / f"{lesson}.ipynb")
        answers = [c.source for c in nb.cells if c.get("id", "").endswith("-answer")]
        answers += [a.source for a in read_answers(Path(ROOT / "content" / lesson / "answers.py"),
                                                    read_lesson(lesson).cells) if a.valid]  # fmt: skip
        flagged += [(lesson, s[:60], p) for s in answers if (p := tamper.tampering_in_source(s))]
    assert not flagged, flagged


# -- the reflection rules, exactly: what each form reports and what it leaves alone ----------------------------

EXACT = [
    (
        "getattr(obj, 'f_' + 'back')",
        ["names the interpreter's internals in a string ('f_back')", "reaches `f_back` through getattr()"],
    ),
    (
        "getattr(obj, f'{\"__co\"}de__')",
        ["names the interpreter's internals in a string ('__code__')", "reaches `__code__` through getattr()"],
    ),
    ("getattr(obj, ''.join(['__co', 'de__']))", ["reaches `__code__` through getattr()"]),
    ("getattr(obj, '-'.join(('a', 'b')))", []),
    ("getattr(obj, name.lower())", ["reaches an attribute by a name built at run time (`getattr(obj, name.lower())`)"]),
    ("getattr(obj)", []),
    (
        "import operator\noperator.attrgetter('f_' + x)",
        ["reaches an attribute by a name built at run time (`operator.attrgetter('f_' + x)`)"],
    ),
    (
        "import operator\noperator.methodcaller('__code__')",
        ["names the interpreter's internals in a string ('__code__')", "reaches `__code__` through methodcaller()"],
    ),
    (
        "hasattr(f, '__globals__')",
        ["names the interpreter's internals in a string ('__globals__')", "reaches `__globals__` through hasattr()"],
    ),
    ("from autograder import checks\ngetattr(checks, '_private')", ["reaches `_private` through getattr()"]),
    ("getattr(row, '_private')", []),
    (
        "from autograder import checks\ngetattr(checks, field)",
        ["reaches an attribute by a name built at run time (`getattr(checks, field)`)"],
    ),
    ("x = 'a' * 3", []),
    ("x = 'f_' - 'back'", []),
    ("get_ipython().system('ls')", ["runs a shell command (`!`)"]),
    ("get_ipython().getoutput('ls')", ["runs a shell command (`!`)"]),
    ("shell.system('ls')", []),
    ("get_ipython().run_line_magic('timeit', 'x')", []),
    (
        "get_ipython().run_cell_magic('writefile', 'a', 'b')",
        ["reads the notebook's shell or input history (`get_ipython`)", "runs the `%writefile` magic"],
    ),
    ("other().run_line_magic('run', 'x')", []),
    ("eval = print", ["rebinds `eval`"]),
    ("eval('1 + 1')", ["runs code built at run time (`eval('1 + 1')`)"]),
    ("eval(b'1')", ["runs code built at run time (`eval(b'1')`)"]),
    ("import zlib\neval(zlib.decompress(data))", ["runs code built at run time (`eval(zlib.decompress(data))`)"]),
    ("eval(raw)", []),
    ("g = globals()['Exercise']", ["reaches a name through `globals()['Exercise']`"]),
    ("v = vars()[name]", ["reaches a name through `vars()[name]`"]),
    ("v = vars()['data']", []),
    ("import sys\nv = vars(sys)['x']", ["reaches a name through `vars(sys)['x']`"]),
    ("locals()['In']", ["reaches a name through `locals()['In']`"]),
    ("'input_transformers_cleanup'", ["names the interpreter's internals in a string ('input_transformers_cleanup')"]),
    ("'get_ipython'", ["names the interpreter's internals in a string ('get_ipython')"]),
    ("'_ih'", ["names the interpreter's internals in a string ('_ih')"]),
    ("from IPython import display, core", ["imports `core` from IPython"]),
    ("from IPython import *", ["imports `*` from IPython"]),
    ("import IPython.display", []),
    (
        "import IPython.terminal.interactiveshell",
        ["imports `IPython.terminal.interactiveshell`, which reaches the running interpreter"],
    ),
    ("from IPython.core import getipython", ["imports `IPython.core`, which reaches the running interpreter"]),
    ("import gc, json", ["imports `gc`, which reaches the running interpreter"]),
    ("from importlib import reload", ["imports `importlib`, which reaches the running interpreter"]),
    ("import sys\nsys.modules", ["reaches the notebook's shell or loaded modules (`sys.modules`)"]),
    ("import sys\nsys.meta_path.append(x)", ["reaches the notebook's shell or loaded modules (`sys.meta_path`)"]),
    ("import redis\nredis.__version__", []),
    ("import redis\nredis._private", ["reaches the grader's private state (`redis._private`)"]),
    ("x._private", []),
    ("_i", ["reads the notebook's shell or input history (`_i`)"]),
    ("_i12", ["reads the notebook's input history (`_i12`)"]),
    ("_ix", []),
    ("breakpoint()", ["runs code built at run time (`breakpoint`)"]),
    ("compile('x', 'f', 'exec')", ["runs code built at run time (`compile`)"]),
    ("e.__traceback__", ["reaches the interpreter's internals (`e.__traceback__`)"]),
    ("'notes.py'", ["names a Python file ('notes.py'): code written there and imported is not scanned"]),
    ("'a.pyc'", ["names a Python file ('a.pyc'): code written there and imported is not scanned"]),
    ("'x.pth'", ["names a Python file ('x.pth'): code written there and imported is not scanned"]),
    ("'python'", []),
    ("for _i in range(3):\n    print(_i)", []),
    ("x = In[-1]\nIn = 0", ["reads the notebook's shell or input history (`In`)"]),
    ("In = 3\nprint(In)", []),
]


@pytest.mark.parametrize(("source", "problems"), EXACT, ids=[s[:40] for s, _ in EXACT])
def test_each_reflection_rule_reports_exactly_this(source, problems):
    assert tamper.tampering_in_source(source) == problems


@pytest.mark.parametrize(
    ("source", "value"),
    [
        ("'a'", "a"), ("'a' + 'b'", "ab"), ("'a' + x", None), ("x + 'b'", None), ("'a' * 2", None),
        ("f'{\"a\"}b'", "ab"), ("f'{x}b'", None), ("'-'.join(['a', 'b'])", "a-b"), ("'-'.join(('a', 'b'))", "a-b"),
        ("'-'.join(['a', x])", None), ("g.join(['a'])", None), ("'-'.join(['a'], 1)", None), ("'-'.split('a')", None),
        ("'-'.join(x)", None), ("b'a'", None), ("1", None),
    ],
)  # fmt: skip
def test_folded_strings_are_those_built_from_literals_only(source, value):
    import ast

    from autograder.harness.reflection import folded

    assert folded(ast.parse(source, mode="eval").body) == value


def _cells(*specs):
    """Notebook cells from (kind, source): kind 'learner', 'course' or a grade_id for a graded cell."""
    import nbformat

    cells = []
    for kind, source in specs:
        cell = nbformat.v4.new_code_cell(source)
        if kind not in ("learner", "course"):
            cell.metadata["nbgrader"] = {"grade": True, "grade_id": kind}
        cell.metadata["who"] = kind
        cells.append(cell)
    return cells


def test_tainted_checks_are_every_graded_cell_after_the_first_reported_learner_cell():
    cells = _cells(
        ("learner", "x = 1"),
        ("g1", "ex.verdict()"),
        ("course", "import inspect"),
        ("g2", "ex.verdict()"),
        ("learner", "import gc"),
        ("g3", "ex.verdict()"),
        ("learner", "exec('')"),
        ("g4", "ex.verdict()"),
    )
    tainted = tamper.tainted_checks(cells, lambda c: c.metadata["who"] == "learner")
    gc = ["imports `gc`, which reaches the running interpreter"]
    assert tainted == {"g3": gc, "g4": [*gc, "runs code built at run time (`exec`)"]}
    assert tamper.tainted_checks(cells, lambda c: False) == {}


def test_an_alias_from_an_earlier_learner_cell_taints_the_checks_after_its_use():
    cells = _cells(
        ("learner", "import autograder.harness.tamper as t"),
        ("g1", "ex.verdict()"),
        ("learner", "t._BASELINE.clear()"),
        ("g2", "ex.verdict()"),
    )
    tainted = tamper.tainted_checks(cells, lambda c: c.metadata["who"] == "learner")
    assert tainted == {"g2": ["reaches the grader's private state (`t._BASELINE`)"]}


def test_a_cell_with_odd_metadata_is_not_graded():
    import nbformat

    cell = nbformat.v4.new_code_cell("x = 1")
    cell["metadata"] = {"nbgrader": "grade"}
    assert tamper.tainted_checks([cell], lambda c: True) == {}


def test_the_taint_note_names_the_first_three_problems_and_every_check():
    assert (
        tamper.taint_note({"g2": ["does a"], "g3": ["does a"]})
        == "a cell does a; every check after it scores 0 (g2, g3)"
    )
    three = {"g9": ["does a", "does b", "does c"]}
    assert tamper.taint_note(three) == "a cell does a; it does b; it does c; every check after it scores 0 (g9)"
    many = {"g9": ["does a", "does b", "does c", "does d", "does e"]}
    assert (
        tamper.taint_note(many)
        == "a cell does a; it does b; it does c (and 2 more); every check after it scores 0 (g9)"
    )


class _Shell:
    def __init__(self, inputs):
        self.history_manager = type("H", (), {"input_hist_raw": ["", *inputs]})()


def test_the_history_scan_reads_the_learner_cells_the_kernel_ran_not_the_lessons(monkeypatch):
    import IPython

    course = "import inspect  # the lesson's own setup"
    shell = _Shell([course, "import gc", "   ", "import autograder.harness.tamper as t", "t._BASELINE.clear()"])
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(tamper, "is_course_cell", lambda lesson, source: lesson == "03-scan" and source == course)
    monkeypatch.setattr(tamper, "_SCANNED", {})
    expected = ["imports `gc`, which reaches the running interpreter",
                "reaches the grader's private state (`t._BASELINE`)"]  # fmt: skip
    assert tamper.tampering_in_history("03-scan") == expected
    assert tamper.tampering_in_history("03-scan") == expected  # the second time from the cache, the same
    assert "imports `inspect`, which reaches the running interpreter" in tamper.tampering_in_history("01-key-design")
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert tamper.tampering_in_history("03-scan") == []
