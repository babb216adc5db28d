"""The behaviour checks find what they should, cite the right standard, and stay quiet on good code."""

import pytest

from autograder import checks
from autograder.checks.findings import Severity
from autograder.labkit import CommandSpy, backend_from_env


@pytest.fixture
def spy():
    return CommandSpy(backend_from_env({}))


def ids(findings):
    return sorted(f.standard_id for f in findings)


def test_good_cache_writes_pass_every_log_check(spy):
    r = spy.client()
    r.set("user:1:profile", "{}", ex=60)
    r.execute_command("SETEX", "user:2:profile", 60, "{}")  # redis-py 8 deprecates r.setex()
    with r.pipeline() as tx:
        tx.hset("user:3:settings", mapping={"theme": "dark"}).expire("user:3:settings", 60).execute()
    assert checks.command_log_findings(spy.commands) == []


@pytest.mark.parametrize("route", ["keys", "execute_command", "pipeline"])
def test_keys_is_caught_on_every_route(spy, route):
    r = spy.client()
    if route == "keys":
        r.keys("*")
    elif route == "execute_command":
        r.execute_command("KEYS", "user:*")
    else:
        with r.pipeline(transaction=False) as pipe:
            pipe.keys("*").execute()
    [finding] = checks.no_keys_command(spy.commands)
    assert finding.standard_id == "cmd-scan-not-keys" and finding.severity is Severity.ESSENTIAL


def test_set_without_ttl_and_set_then_expire_are_both_findings(spy):
    r = spy.client()
    r.set("user:1:profile", "{}")
    r.set("user:2:profile", "{}")
    r.expire("user:2:profile", 60)
    findings = checks.writes_have_ttl(spy.commands)
    assert ids(findings) == ["ttl-always", "ttl-always"]
    assert "no TTL at all" in findings[0].got and "not atomic" in findings[1].got


def test_mset_and_hash_without_expire_in_transaction_are_findings(spy):
    r = spy.client()
    r.mset({"a:1": 1, "a:2": 2})
    r.hset("user:1:settings", "theme", "dark")
    r.expire("user:1:settings", 60)  # separately: not atomic
    assert ids(checks.writes_have_ttl(spy.commands)) == ["ttl-always", "ttl-always"]


@pytest.mark.parametrize(
    "key,ok",
    [
        ("user:1001:settings", True),
        ("product:7", True),
        ("user_1001_settings", False),
        ("user::settings", False),
        (":user:1", False),
        ("user:1 settings", False),
    ],
)
def test_namespace_rule(key, ok):
    assert (checks.keys_namespaced([key]) == []) is ok


@pytest.mark.parametrize(
    "key,ok",
    [
        ("user:1001:settings", True),
        ("u:1001:s", False),
        ("user:1001:my settings", False),
        ("x" * 200, False),
    ],
)
def test_readable_rule(key, ok):
    assert (checks.keys_readable([key]) == []) is ok


def test_select_is_a_finding_whether_sent_or_configured(spy):
    spy.client(db=4).ping()
    r = spy.client()
    r.execute_command("SELECT", 3)
    found = checks.no_numbered_db(spy.commands, spy.client(db=5))
    assert ids(found) == ["key-no-numbered-db"] * 3


def test_values_over_the_limit_are_findings(spy):
    r = spy.client()
    r.set("blob:1", b"x" * (checks.ONE_MB + 1), ex=60)
    r.set("blob:2", b"x" * 10, ex=60)
    r.hset("doc:1", mapping={"body": "y" * (checks.ONE_MB + 5)})
    found = checks.values_under_limit(spy.commands)
    assert ids(found) == ["key-size-limit", "key-size-limit"]
    assert "blob:1" in found[0].got and "doc:1 field body" in found[1].got


def test_keyspace_audit_finds_keys_without_ttl(spy):
    r = spy.client()
    r.set("session:1", "a", ex=60)
    r.set("session:2", "b")
    [finding] = checks.keys_without_ttl(r, match="session:*")
    assert finding.standard_id == "ttl-always" and "session:2" in finding.got and "session:1" not in finding.got


def test_findings_render_for_a_learner():
    [finding] = checks.keys_namespaced(["flat"])
    text = "\n".join(finding.lines())
    assert "[key-namespace]" in text and "expected:" in text and "got:" in text and "hint:" in text


def test_unknown_standard_in_a_finding_is_a_bug_caught_at_once():
    from autograder.checks.findings import Finding

    with pytest.raises(KeyError, match="unknown standard id"):
        Finding("no-such-rule", "x", "y")
