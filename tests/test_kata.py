"""Review katas: the form check in the released cell, the key applied by the hidden block, and the build that
puts the key there (and nowhere the package or the lesson would ship it)."""

import pytest

from autograder.authoring.kata_key import WIDTH, key_block, with_kata_keys
from autograder.authoring.lesson_text import LessonSourceError, SourceCell
from autograder.harness.exercise import Exercise
from autograder.notebooks import hidden_block

KEY = ["client-pool-reuse", "key-namespace", "key-no-numbered-db", "key-readable"]
NUDGES = {"client-pool-reuse": "How often is a new client made?", "ttl-always": "The SET passes ex=3600."}


def _graded(spotted, key=KEY):
    ex = Exercise("l01-kata")
    ex.kata(spotted)
    if key is not None:
        ex.kata_key(key, nudges=NUDGES)
    return ex


@pytest.mark.parametrize("spotted", [set(KEY), list(KEY), tuple(reversed(KEY)), iter(KEY)], ids=type)
def test_exactly_the_violated_ids_pass_in_any_collection(spotted):
    ex = _graded(spotted)
    assert ex.passed and not ex.findings


def test_an_extra_id_is_named_with_its_nudge_and_a_missed_one_is_only_counted():
    extra = _graded({*KEY, "ttl-always"})
    assert not extra.passed and [f.standard_id for f in extra.findings] == ["ttl-always"]
    assert extra.findings[0].hint == NUDGES["ttl-always"]
    missed = _graded(set(KEY) - {"client-pool-reuse"})
    (finding,) = missed.findings
    assert not missed.passed and finding.hidden and "3 of 4 spotted so far" in finding.got
    assert finding.hint == NUDGES["client-pool-reuse"]


@pytest.mark.parametrize("spotted", ["key-readable", None, {1, 2}, [b"key-readable"]], ids=repr)
def test_an_answer_of_the_wrong_form_is_one_finding_and_the_key_adds_nothing(spotted):
    ex = _graded(spotted)
    assert not ex.passed and len(ex.findings) == 1 and "a set of standard ids" in ex.findings[0].expected


def test_an_id_outside_the_candidates_is_reported_even_when_the_rest_is_right():
    ex = _graded({*KEY, "not-a-standard"})
    assert not ex.passed and "not among them: not-a-standard" in ex.findings[0].got


def test_a_str_subclass_that_equals_everything_earns_nothing():
    class Everything(str):
        __hash__ = str.__hash__

        def __eq__(self, other):
            return True

    assert not _graded([Everything("key-readable")]).passed


def test_without_the_key_a_right_form_is_pending_not_passed():
    ex = _graded(set(KEY), key=None)
    ex.run_hidden_cases()  # outside a notebook: solutions/ cannot run here, as on a workshop install
    assert ex.passed and not ex.complete and ex.kata_pending
    assert "compared with the answer key when your work is graded" in ex.report()


def _cells(check: str, exercise="l99-kata"):
    return [SourceCell(1, "code", "check", exercise, check, exercise)]


def test_the_build_puts_the_key_right_before_the_verdict_as_the_only_hidden_block():
    (cell,) = with_kata_keys(
        _cells("spotted = ex.call(kata_violations)\nex.kata(spotted)\nex.verdict()"),
        [{"id": "l99-kata", "answer": KEY, "nudges": {**NUDGES, "key-readable": "x " * 200}}],
        "content/99",
    )
    assert cell.source.endswith("### END HIDDEN TESTS\nex.verdict()")
    block = hidden_block(cell.source)
    namespace = {}
    exec(compile(block, "<block>", "exec"), {"ex": _Recorder(namespace)})  # noqa: S102 - our own generated code
    assert namespace == {"violated": KEY, "nudges": {**NUDGES, "key-readable": "x " * 200}}
    assert max(map(len, block.splitlines())) <= WIDTH, "solutions/ notebooks are linted at the project's width"


class _Recorder:
    def __init__(self, into):
        self.into = into

    def kata_key(self, violated, nudges):
        self.into.update(violated=violated, nudges=nudges)


@pytest.mark.parametrize(
    ("check", "entry", "message"),
    [
        ("ex.kata(ex.call(f))\nex.verdict()", {"id": "l99-kata"}, "needs `answer` and `nudges`"),
        ("ex.expect(True, 'ttl-always')\nex.verdict()", {"id": "l99-kata", "answer": KEY}, "needs `answer`"),
        (
            "ex.kata(ex.call(f))\n### BEGIN HIDDEN TESTS\nex.expect(True, 'x')\n### END HIDDEN TESTS\nex.verdict()",
            {"id": "l99-kata", "answer": KEY},
            "no hidden block of its own",
        ),
        ("ex.kata(ex.call(f))", {"id": "l99-kata", "answer": KEY}, "then `ex.verdict()`"),
    ],
)
def test_a_kata_check_the_build_cannot_key_gets_an_error_with_the_fix(check, entry, message):
    with pytest.raises(LessonSourceError, match="content/99: \\[l99-kata\\]") as error:
        with_kata_keys(_cells(check), [entry], "content/99")
    assert message in str(error.value)


def test_the_key_block_is_one_statement_so_a_learner_is_told_one_case_runs_at_grading():
    import ast

    assert len(ast.parse(hidden_block(key_block(KEY, NUDGES))).body) == 1
