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
