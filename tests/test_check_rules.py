"""Each check rule on its own, at the boundaries its docstring states (the unit layer `make mutation` scores)."""

import re
import time

import pytest
from support.commands import cmd, scanned

from autograder import checks
from autograder.checks import commands as command_checks
from autograder.checks.findings import CORRECTNESS, Finding, Severity, group_of, ranked, rule_of
from autograder.checks.key_design import cryptic
from autograder.checks.log import script_bodies, script_keys
from autograder.labkit import CommandSpy, backend_from_env
from autograder.labkit.spy import Command


@pytest.fixture
def spy():
    return CommandSpy(backend_from_env({}))


def ttl_findings(*commands):
    return checks.writes_have_ttl(list(commands))


# -- ttl-always in the command log ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "write",
    [
        ("SET", "k:1", "v", "EX", "60"),
        ("SET", "k:1", "v", "px", "60000"),
        ("SET", "k:1", "v", "EXAT", "99999999999"),
        ("SET", "k:1", "v", "PXAT", "99999999999999"),
        ("SET", "k:1", "v", "NX", "EX", "60"),
        ("SETEX", "k:1", "60", "v"),
        ("PSETEX", "k:1", "60000", "v"),
        ("APPEND", "k:1", "v"),  # keeps the key's TTL: judged on the keyspace
        ("SETRANGE", "k:1", "0", "v"),
    ],
)
def test_a_write_that_carries_or_keeps_its_ttl_passes(write):
    assert ttl_findings(cmd(*write)) == []


@pytest.mark.parametrize(
    "write",
    [("SET", "k:1", "v"), ("SET", "k:1", "v", "NX"), ("SETNX", "k:1", "v"), ("GETSET", "k:1", "v")],
)
def test_a_string_write_without_a_ttl_is_a_finding(write):
    [finding] = ttl_findings(cmd(*write))
    assert finding.standard_id == "ttl-always" and "no TTL at all" in finding.got and "k:1" in finding.expected


def test_the_ttl_option_must_follow_the_value_not_be_the_value():
    assert ttl_findings(cmd("SET", "k:1", "EX")) != []  # the value "EX", no option


def test_an_expire_after_the_write_in_the_same_transaction_is_atomic():
    tx = [cmd("MULTI", via="transaction", batch=1), cmd("SET", "k:1", "v", via="transaction", batch=1),
          cmd("EXPIRE", "k:1", "60", via="transaction", batch=1), cmd("EXEC", via="transaction", batch=1)]  # fmt: skip
    assert ttl_findings(*tx) == []


@pytest.mark.parametrize(
    "expire",
    [
        cmd("EXPIRE", "k:1", "60"),  # a separate round trip
        cmd("EXPIRE", "k:1", "60", via="transaction", batch=2),  # another transaction
        cmd("EXPIRE", "k:2", "60", via="transaction", batch=1),  # another key
        cmd("EXPIRE", "k:1", "60", via="pipeline", batch=1),  # a plain pipeline
    ],
)
def test_an_expire_elsewhere_is_not_atomic(expire):
    write = cmd("SET", "k:1", "v", via="transaction", batch=1)
    [finding] = ttl_findings(write, expire)
    assert "not atomic" in finding.got or "no TTL at all" in finding.got


def test_an_expire_queued_before_the_write_does_not_count():
    tx = [
        cmd("EXPIRE", "h:1", "60", via="transaction", batch=1),
        cmd("HSET", "h:1", "f", "v", via="transaction", batch=1),
    ]
    [finding] = ttl_findings(*tx)
    assert "no EXPIRE after it" in finding.got


@pytest.mark.parametrize("via,how", [("pipeline", "plain pipeline"), ("command", "on its own")])
def test_a_collection_write_needs_its_expire_in_the_same_transaction(via, how):
    [finding] = ttl_findings(
        cmd("HSET", "h:1", "f", "v", via=via, batch=1), cmd("EXPIRE", "h:1", "60", via=via, batch=1)
    )
    assert how in finding.got


@pytest.mark.parametrize("name", ["HSET", "HSETNX", "HMSET", "RPUSH", "LPUSH", "SADD", "ZADD", "XADD"])
def test_every_collection_write_is_judged(name):
    assert ttl_findings(cmd(name, "c:1", "a", "b")) != []


def test_mset_can_never_carry_a_ttl():
    [finding] = ttl_findings(cmd("MSET", "a:1", "1", "a:2", "2"))
    assert "MSET cannot set a TTL" in finding.got


@pytest.mark.parametrize("strip", [("PERSIST", "k:1"), ("GETEX", "k:1", "PERSIST"), ("GETEX", "k:1", "persist")])
def test_removing_a_ttl_is_a_finding(strip):
    [finding] = ttl_findings(cmd(*strip))
    assert "removed it" in finding.got


def test_getex_with_a_new_ttl_is_fine():
    assert ttl_findings(cmd("GETEX", "k:1", "EX", "60")) == []


def test_keepttl_is_left_to_the_keyspace_unless_a_separate_expire_follows():
    keep = cmd("SET", "k:1", "v", "KEEPTTL")
    assert ttl_findings(keep) == []
    [finding] = ttl_findings(keep, cmd("EXPIRE", "k:1", "60"))
    assert "not atomic" in finding.got
    tx = [
        cmd("SET", "k:1", "v", "KEEPTTL", via="transaction", batch=3),
        cmd("EXPIRE", "k:1", "9", via="transaction", batch=3),
    ]
    assert ttl_findings(*tx) == []


# -- ttl-always on the keyspace ------------------------------------------------------------------------------


def test_keys_left_without_ttl_names_only_the_immortal_ones(spy):
    r = spy.client()
    r.set("k:1", "v", ex=60)
    r.set("k:2", "v")
    assert checks.keys_left_without_ttl(r, []) == []
    assert checks.keys_left_without_ttl(r, ["k:1", "k:missing"]) == []
    [finding] = checks.keys_left_without_ttl(r, ["k:1", "k:2", "k:2"], what="the loader")
    assert "1 key(s)" in finding.got and "`k:2`" in finding.got and "k:1" not in finding.got
    assert "the loader" in finding.expected


def test_keys_left_without_ttl_shows_five_and_counts_the_rest(spy):
    r = spy.client()
    keys = [f"k:{i}" for i in range(7)]
    for key in keys:
        r.set(key, "v")
    [finding] = checks.keys_left_without_ttl(r, keys)
    assert "7 key(s)" in finding.got and "and 2 more" in finding.got and finding.got.count("`") == 10


def test_keys_without_ttl_scans_only_the_pattern(spy):
    r = spy.client()
    r.set("a:1", "v")
    r.set("b:1", "v")
    assert checks.keys_without_ttl(r, match="c:*") == []
    [finding] = checks.keys_without_ttl(r, match="a:*")
    assert "a:1" in finding.got and "b:1" not in finding.got and "`a:*`" in finding.expected


@pytest.mark.parametrize(
    "ttl_ms,ok",
    [(3_600_000, True), (3_599_000, True), (3_598_000, True), (3_597_500, False), (3_600_500, False), (3_600, False)],
)
def test_ttl_close_accepts_only_the_asked_ttl_within_the_slack(spy, ttl_ms, ok):
    r = spy.client()
    r.set("k:1", "v", px=ttl_ms)
    assert (checks.ttl_close(r, "k:1", 3600, slack=2) == []) is ok


def test_ttl_close_says_what_is_wrong(spy):
    r = spy.client()
    r.set("k:ms", "v", px=3600)
    r.set("k:forever", "v")
    [ms] = checks.ttl_close(r, "k:ms", 3600)
    assert "milliseconds" in ms.got and re.search(r"expires in 3\.[56]\d\d s", ms.got)
    [forever] = checks.ttl_close(r, "k:forever", 60)
    assert "TTL -1" in forever.got
    [missing] = checks.ttl_close(r, "k:none", 60, standard_id="pattern-cache-aside")
    assert "TTL -2" in missing.got and missing.standard_id == "pattern-cache-aside"
    r.set("k:long", "v", ex=7200)
    [long] = checks.ttl_close(r, "k:long", 3600)
    assert "milliseconds" not in long.got and "7,200" in long.got


# -- the command log's vocabulary ----------------------------------------------------------------------------


def test_written_and_touched_keys():
    log = [cmd("SET", "a:1", "v"), cmd("MSET", "b:1", "1", "b:2", "2"), cmd("HSET", "a:1", "f", "v"),
           cmd("GET", "c:1"), cmd("EXPIRE", "d:1", "5"), cmd("RENAME", "e:1", "e:2"),
           cmd("EVAL", "return 1", "2", "f:1", "f:2", "arg")]  # fmt: skip
    assert checks.written_keys(log) == ["a:1", "b:1", "b:2"]
    assert checks.touched_keys(log) == ["a:1", "b:1", "b:2", "d:1", "e:1", "e:2", "f:1", "f:2"]
    assert checks.touched_keys(log, script_keys_too=False) == ["a:1", "b:1", "b:2", "d:1", "e:1", "e:2"]


def test_script_keys_and_bodies():
    assert script_keys(cmd("EVALSHA", "abc", "1", "k:1", "x")) == ["k:1"]
    assert script_keys(cmd("EVAL", "return 1", "zero")) == []
    assert script_keys(cmd("EVAL")) == []
    log = [cmd("EVAL", "return 1", "0"), cmd("SCRIPT", "LOAD", "return 2"), cmd("FUNCTION", "LOAD", "lib body"),
           cmd("EVAL_RO", "return 3", "0"), cmd("GET", "k")]  # fmt: skip
    assert script_bodies(log) == ["return 1", "return 2", "lib body", "return 3"]


# -- cmd-scan-not-keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,walk",
    [
        ("return redis.call('KEYS', ARGV[1])", "KEYS"),
        ('local r = redis.pcall( "scan", 0) return r', "SCAN"),
        ("return redis.call('GET', KEYS[1])", None),
    ],
)
def test_a_walk_inside_lua_is_found(body, walk):
    found = checks.no_keyspace_walk_in_scripts([cmd("EVAL", body, "0")])
    assert (found[0].got.count(walk) == 1) if walk else not found


def test_keys_is_found_and_its_routes_named():
    [finding] = checks.no_keys_command([cmd("KEYS", "*"), cmd("KEYS", "a*", via="pipeline")])
    assert "2 KEYS command(s)" in finding.got and "command, pipeline" in finding.got
    assert checks.no_keys_command([cmd("SCAN", "0")]) == []


def test_scan_walk_passes_a_whole_filtered_walk_in_small_pages():
    walk = [
        scanned("0", "17", "MATCH", "user:*", "COUNT", "500"),
        scanned("17", "0", "MATCH", "user:*", "COUNT", "500"),
    ]
    assert checks.scan_walk(walk, match="user:*") == []


def test_scan_walk_rules():
    assert "no SCAN sent" in checks.scan_walk([])[0].got
    [big] = checks.scan_walk([scanned("0", "0", "COUNT", "5000")])
    assert "5,000" in big.got
    assert checks.scan_walk([scanned("0", "0", "COUNT", "1000")]) == []
    [unfiltered] = checks.scan_walk([scanned("0", "0")], match="user:*")
    assert "filtered there" in unfiltered.got
    [other] = checks.scan_walk([scanned("0", "0", "MATCH", "u*")], match="user:*")
    assert "filtered there" not in other.got
    [early] = checks.scan_walk([scanned("0", "17")])
    assert "cursor 17" in early.got
    assert checks.scan_walk([scanned("0", "17")], whole=False) == []


def test_removed_by_counts_what_each_command_removes():
    assert command_checks.removed_by(cmd("DEL", "a", "b")) == 2
    assert command_checks.removed_by(cmd("UNLINK", "a")) == 1
    assert command_checks.removed_by(cmd("GETDEL", "a")) == 1
    assert command_checks.removed_by(cmd("EXPIRE", "a", "0")) == 1
    assert command_checks.removed_by(cmd("PEXPIRE", "a", "-5")) == 1
    assert command_checks.removed_by(cmd("EXPIRE", "a", "1")) == 0
    assert command_checks.removed_by(cmd("EXPIRE", "a", "soon")) == 0
    assert command_checks.removed_by(cmd("EXPIRE", "a")) == 0
    assert command_checks.removed_by(cmd("EXPIREAT", "a", "1")) == 1
    # An absolute time a moment ago deletes at once; one ahead does not (PEXPIREAT counts milliseconds).
    assert command_checks.removed_by(cmd("EXPIREAT", "a", int(time.time()) - 5)) == 1
    assert command_checks.removed_by(cmd("EXPIREAT", "a", int(time.time()) + 60)) == 0
    assert command_checks.removed_by(cmd("PEXPIREAT", "a", int(time.time() * 1000) - 5000)) == 1
    assert command_checks.removed_by(cmd("PEXPIREAT", "a", int(time.time() * 1000) + 60_000)) == 0
    assert command_checks.removed_by(cmd("PEXPIREAT", "a", int(time.time()) - 5)) == 1
    assert command_checks.removed_by(cmd("GET", "a")) == 0
    log = [cmd("GET", "a"), cmd("FLUSHDB"), cmd("EXPIRE", "a", "0"), cmd("EXPIRE", "b", "60"), cmd("DEL", "c")]
    assert [c.name for c in checks.deleting_commands(log)] == ["FLUSHDB", "EXPIRE", "DEL"]


# -- key design -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "part,is_cryptic",
    [
        ("user", False), ("product-page", False), ("oauth2", False), ("s3", False), ("v2", False), ("api", False),
        ("ttl", False), ("cart", False), ("tag", False), ("u", True), ("us", True), ("usr", False), ("prd", True),
        ("p1", False), ("x", True), ("42", True), ("9a", True), ("_u", True), ("u_", True), ("a-b", True),
        ("sess", False), ("abc", False), ("bcd", True),
    ],
)  # fmt: skip
def test_cryptic_object_types(part, is_cryptic):
    assert cryptic(part) is is_cryptic


@pytest.mark.parametrize(
    "key,problem",
    [
        ("user:1:settings", None),
        ("{cart:42}:items", None),
        ("user:1 settings", "without spaces"),
        ("user:1\nx", "without spaces"),
        ("user:" + "x" * 123, None),
        ("user:" + "x" * 124, "at most 128"),
        ("prd:1", "descriptive object type"),
    ],
)
def test_keys_readable_rules(key, problem):
    found = checks.keys_readable([key])
    assert [f.expected for f in found if problem and problem in f.expected] == [f.expected for f in found]
    assert bool(found) is bool(problem)


def test_an_unreadable_type_fails_the_exercise_and_a_long_key_is_named_by_its_length():
    [cryptic_type] = checks.keys_readable(["u:1"])
    assert cryptic_type.severity is Severity.ESSENTIAL and "`u`" in cryptic_type.got
    [long] = checks.keys_readable(["user:" + "x" * 200])
    assert "205 characters" in long.got


def test_keys_namespaced_shows_five_and_counts_the_rest():
    [finding] = checks.keys_namespaced([f"flat{i}" for i in range(8)] + ["user:1"])
    assert "and 3 more" in finding.got and "user:1" not in finding.got
    assert checks.keys_namespaced([]) == []


def test_select_zero_is_fine_and_any_other_database_is_not(spy):
    assert checks.no_numbered_db([cmd("SELECT", "0")]) == []
    [finding] = checks.no_numbered_db([cmd("SELECT", "2")])
    assert "SELECT 2" in finding.got
    assert checks.no_numbered_db([], spy.client()) == []
    assert "db=7" in checks.no_numbered_db([], spy.client(db=7))[0].got


@pytest.mark.parametrize(
    "write,where",
    [
        (("SET", "k:1", "x" * 1025), "k:1"),
        (("SETNX", "k:1", "x" * 1025), "k:1"),
        (("GETSET", "k:1", "x" * 1025), "k:1"),
        (("APPEND", "k:1", "x" * 1025), "k:1"),
        (("SETEX", "k:1", "60", "x" * 1025), "k:1"),
        (("PSETEX", "k:1", "60", "x" * 1025), "k:1"),
        (("HSET", "h:1", "small", "1", "big", "x" * 1025), "h:1 field big"),
        (("HMSET", "h:1", "big", "x" * 1025), "h:1 field big"),
        (("MSET", "a:1", "1", "a:2", "x" * 1025), "a:2"),
    ],
)
def test_each_write_is_measured_against_the_limit(write, where):
    [finding] = checks.values_under_limit([cmd(*write)], limit=1024)
    assert f"`{where}`" in finding.got and "1,025 bytes" in finding.got and write[0] in finding.got
    assert checks.values_under_limit([cmd(*write[:-1], "x" * 1024)], limit=1024) == []


def test_value_sizes_count_utf8_bytes_and_raw_bytes():
    assert checks.values_under_limit([cmd("SET", "k:1", "é" * 513)], limit=1025) != []  # 1,026 bytes
    raw = Command("SET", ("k:1", b"x" * 11), "command")
    assert checks.values_under_limit([raw], limit=10) != []
    assert checks.values_under_limit([cmd("SET", "k:1")], limit=0) == []
    assert checks.values_under_limit([cmd("SETEX", "k:1", "60")], limit=0) == []


# -- findings -------------------------------------------------------------------------------------------------


def test_findings_rank_essential_first_and_only_essential_fails():
    info = Finding("ttl-always", "a", "b", severity=Severity.INFORMATIVE)
    act = Finding("ttl-always", "a", "b", severity=Severity.ACTIONABLE)
    ess = Finding("ttl-always", "a", "b")
    assert ranked([info, act, ess]) == [ess, act, info]
    assert ess.fails and not act.fails and not info.fails


def test_a_hidden_finding_shows_its_group_only_and_correctness_is_no_standard():
    hidden = Finding("ttl-always", "a", "b", hidden=True)
    assert "ttl-always" not in " ".join(hidden.lines()) and f"[? · {group_of('ttl-always')}]" in hidden.lines()[0]
    plain = Finding(CORRECTNESS, "the sum", "the product", hint="")
    assert plain.lines()[0] == f"essential · [correctness] {rule_of(CORRECTNESS)}" and len(plain.lines()) == 3
    assert group_of(CORRECTNESS) == CORRECTNESS


# -- boundaries the mutation run found untested -----------------------------------------------------------------


@pytest.mark.parametrize(("count", "more"), [(5, ""), (6, " and 1 more")])
def test_five_keys_are_shown_and_the_rest_counted(spy, count, more):
    [flat] = checks.keys_namespaced([f"flat{i}" for i in range(count)])
    assert flat.got.endswith("`flat4`" + more)
    r = spy.client()
    for i in range(count):
        r.set(f"k:{i}", "v")
    [left] = checks.keys_left_without_ttl(r, [f"k:{i}" for i in range(count)])
    assert left.got.endswith("`k:4`" + more)


def test_scan_without_count_examines_ten_keys_a_call():
    assert checks.scan_walk([scanned("0", "0")], max_count=10) == []
    assert checks.scan_walk([scanned("0", "0", "COUNT", "11")], max_count=10) != []


def test_ttl_close_allows_two_seconds_by_default(spy):
    r = spy.client()
    r.set("k:1", "v", px=3_597_500)
    assert checks.ttl_close(r, "k:1", 3600) != []


@pytest.mark.parametrize("part,is_cryptic", [("html", False), ("x_vz", True), ("ab_cd", False)])
def test_cryptic_counts_letters_not_separators(part, is_cryptic):
    assert cryptic(part) is is_cryptic


def test_each_hash_field_and_mset_key_is_paired_with_its_own_value():
    big = "f" * 2000
    assert checks.values_under_limit([cmd("HSET", "h:1", "a", "1", big, "2")], limit=1024) == []
    assert checks.values_under_limit([cmd("MSET", "a:1", "1", big, "2")], limit=1024) == []


def test_a_numbered_database_is_judged_against_the_labs_own(spy):
    assert checks.no_numbered_db([], spy.client(db=1)) != []  # the fakeredis lab is on database 0
    plain = backend_from_env({}).client(db=2)  # not made by a spy: the lesson's backend is the reference
    assert checks.no_numbered_db([], plain) != []
    assert checks.no_numbered_db([], backend_from_env({}).client()) == []


def test_a_standards_group_is_its_own_and_correctness_has_none():
    from autograder.catalog.standards import standard

    assert group_of("ttl-always") == standard("ttl-always").group != CORRECTNESS


def test_edge_inputs_a_learner_can_send_never_crash_a_check():
    assert command_checks.removed_by(cmd("PEXPIRE", "a", "1")) == 0  # relative, in the future: not a delete
    assert checks.touched_keys([cmd("RENAME", "a:1")]) == ["a:1"]  # malformed, sent through execute_command
    refused = cmd("SCAN", "0")
    refused.reply[:] = [ValueError("ERR invalid cursor")]
    assert checks.scan_walk([refused, scanned("0", "0")]) == []
