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
    def nothing(commands):
        return []

    monkeypatch.setattr(ttl_module.writes_have_ttl, "__code__", nothing.__code__)
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
