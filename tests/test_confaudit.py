"""The redis.conf auditor: real redis.conf syntax, one finding per broken standard, the live view and the CLI."""

import dataclasses
from pathlib import Path

import pytest
import redis
from hypothesis import given
from hypothesis import strategies as st
from support.required import missing

from autograder.checks.findings import Severity
from autograder.cli import main
from autograder.confaudit import (
    MUST_DENY,
    AclUser,
    ConfigError,
    Directive,
    LiveConfigUnavailable,
    audit_config,
    audit_live,
    live_config,
    load_config,
    parse_config,
    parse_memory,
    split_args,
)
from autograder.labkit import no_retry, redis_server_path, running_redis_server


def main_audit(argv):
    """The `audit-config` verb of the one CLI."""
    return main(["audit-config", *argv])


CONFIGS = Path(__file__).parent / "configs"
GOOD_CACHE = (CONFIGS / "good-cache.conf").read_text()
GOOD_STORE = (CONFIGS / "good-store.conf").read_text()
ESSENTIAL, ACTIONABLE, INFORMATIVE = Severity.ESSENTIAL, Severity.ACTIONABLE, Severity.INFORMATIVE
APP_CACHE_PW = "Vq3-app-cache-password-7f2c"  # as in good-cache.conf
# Every command an application user must not run, renamed away (DEBUG and MODULE are off by default on Redis 7).
RENAME_DANGEROUS = tuple(
    f'rename-command {c} ""' for c in sorted({c.split("|")[0] for c in MUST_DENY} - {"debug", "module"})
)


def variant(base: str = GOOD_CACHE, *, drop: tuple[str, ...] = (), add: tuple[str, ...] = ()) -> str:
    """``base`` without the lines starting with any of ``drop``, with ``add`` appended (later lines win)."""
    lines = [line for line in base.splitlines() if not line.lower().startswith(drop)]
    return "\n".join([*lines, *add]) + "\n"


def audit(text: str, **kwargs):
    return audit_config(parse_config(text, source="test.conf", base_dir=CONFIGS), **kwargs)


def ids(findings, worst: Severity = ACTIONABLE) -> set[str]:
    """Standard ids of the findings at ``worst`` severity or more severe."""
    return {f.standard_id for f in findings if f.severity <= worst}


# ---------------------------------------------------------------- good configurations pass


def test_good_cache_config_has_no_essential_or_actionable_findings():
    findings = audit_config(load_config(CONFIGS / "good-cache.conf"))
    assert ids(findings) == set(), "\n".join(line for f in findings for line in f.lines())
    # the admin user may still FLUSHALL: worth knowing, not a failure
    assert [f.standard_id for f in findings] == ["security-dangerous-commands"]
    assert findings[0].severity is INFORMATIVE and "`admin`" in findings[0].got


def test_good_store_config_with_an_include_has_no_essential_or_actionable_findings():
    config = load_config(CONFIGS / "good-store.conf")
    assert config.files[-1].endswith("store-users.conf")
    assert ids(audit_config(config, purpose="store")) == set()


def test_volatile_policy_is_fine_when_every_key_has_a_ttl():
    assert ids(audit(variant(add=("maxmemory-policy volatile-lru",)), keys_have_ttls=True)) == set()


# ---------------------------------------------------------------- each broken standard, one at a time

BAD = [
    # (case, config text, audit kwargs, expected standard ids at that severity, severity)
    ("no maxmemory", variant(drop=("maxmemory ",)), {}, {"config-maxmemory"}, ESSENTIAL),
    ("maxmemory 0", variant(add=("maxmemory 0",)), {}, {"config-maxmemory"}, ESSENTIAL),
    ("no policy: noeviction by default", variant(drop=("maxmemory-policy",)), {}, {"config-maxmemory"}, ESSENTIAL),
    ("noeviction on a cache", variant(add=("maxmemory-policy noeviction",)), {}, {"config-maxmemory"}, ESSENTIAL),
    ("volatile-lru, keys without TTLs", variant(add=("maxmemory-policy volatile-lru",)),
     {"keys_have_ttls": False}, {"config-maxmemory"}, ESSENTIAL),
    ("store that evicts", variant(GOOD_STORE, add=("maxmemory-policy allkeys-lru",)),
     {"purpose": "store"}, {"config-maxmemory"}, ESSENTIAL),
    ("store without maxmemory", variant(GOOD_STORE, drop=("maxmemory ",)),
     {"purpose": "store"}, {"config-maxmemory"}, ACTIONABLE),
    ("RDB rules on a cache", variant(add=("save 900 1",)), {}, {"config-persistence"}, ACTIONABLE),
    ("default RDB rules on a cache", variant(drop=("save",)), {}, {"config-persistence"}, ACTIONABLE),
    ("AOF on a cache", variant(add=("appendonly yes",)), {}, {"config-persistence"}, ACTIONABLE),
    ("appendfsync always on a cache", variant(add=("appendonly yes", "appendfsync always")),
     {}, {"config-persistence"}, ACTIONABLE),
    ("store without persistence", variant(GOOD_STORE, add=('save ""', "appendonly no")),
     {"purpose": "store"}, {"config-persistence"}, ESSENTIAL),
    ("no requirepass and no users", variant(drop=("user",), add=RENAME_DANGEROUS),
     {}, {"security-auth"}, ESSENTIAL),
    ("weak requirepass", variant(add=("requirepass foobared",)), {}, {"security-auth"}, ESSENTIAL),
    ("long but well-known requirepass", variant(add=("requirepass your_strong_password",)),
     {}, {"security-auth"}, ESSENTIAL),
    ("short ACL password", variant(add=("user app >short-pw",)), {}, {"security-auth"}, ESSENTIAL),
    ("user default on nopass", variant(add=("user default on nopass ~* &* +@all -@dangerous",)),
     {}, {"security-auth"}, ESSENTIAL),
    ("default user left as it was", variant(drop=("user default",)),
     {}, {"security-auth", "security-dangerous-commands"}, ESSENTIAL),
    ("app user allowed everything", variant(add=("user app +@all",)),
     {}, {"security-dangerous-commands"}, ESSENTIAL),
    ("only FLUSHALL denied", variant(drop=("user app",), add=(f"user app on >{APP_CACHE_PW} +@all -flushall",)),
     {}, {"security-dangerous-commands"}, ESSENTIAL),
    ("rename-command on Redis 7", variant(add=('rename-command KEYS ""',)),
     {}, {"security-dangerous-commands"}, ACTIONABLE),
    ("protected-mode no", variant(add=("protected-mode no",)), {}, {"security-network"}, ESSENTIAL),
    ("bind 0.0.0.0 without protected mode", variant(add=("bind 0.0.0.0", "protected-mode no")),
     {}, {"security-network"}, ESSENTIAL),
    ("no bind without protected mode", variant(drop=("bind",), add=("protected-mode no",)),
     {}, {"security-network"}, ESSENTIAL),
    ("bind * with protected mode", variant(add=("bind * -::*",)), {}, {"security-network"}, ACTIONABLE),
    ("bind ::", variant(add=("bind ::",)), {}, {"security-network"}, ACTIONABLE),
    ("bind a public address", variant(add=("bind 52.10.20.30",)), {}, {"security-network"}, ACTIONABLE),
    ("no bind at all", variant(drop=("bind",)), {}, {"security-network"}, ACTIONABLE),
    # getaddrinfo (what redis-server binds with) reads `0` as 0.0.0.0 and `010.0.0.5` as octal, 8.0.0.5
    ("bind 0: every interface", variant(add=("bind 0",)), {}, {"security-network"}, ACTIONABLE),
    ("bind 0x0: every interface", variant(add=("bind 127.0.0.1 0x0",)), {}, {"security-network"}, ACTIONABLE),
    ("bind an octal public address", variant(add=("bind 127.0.0.1 010.0.0.5",)),
     {}, {"security-network"}, ACTIONABLE),
    ("bind a mapped wildcard", variant(add=("bind ::ffff:0.0.0.0",)), {}, {"security-network"}, ACTIONABLE),
    ("bind a host name the file cannot resolve", variant(add=("bind 127.0.0.1 cache.example.com",)),
     {}, {"security-network"}, ACTIONABLE),
    ("bind 0 with protected mode off", variant(add=("bind 0", "protected-mode no")),
     {}, {"security-network"}, ESSENTIAL),
    # naming the standard's five commands leaves ACL SETUSER (the user can give itself FLUSHALL back), SHUTDOWN...
    ("only the five named commands denied", variant(drop=("user app",), add=(
        f"user app on >{APP_CACHE_PW} ~* +@all -flushall -flushdb -keys -config -debug",)),
     {}, {"security-dangerous-commands"}, ESSENTIAL),
    ("-@admin leaves MIGRATE, SWAPDB, FLUSHALL", variant(drop=("user app",), add=(
        f"user app on >{APP_CACHE_PW} ~* +@all -@admin -keys",)), {}, {"security-dangerous-commands"}, ESSENTIAL),
    ("-@dangerous then +@admin", variant(drop=("user app",), add=(
        f"user app on >{APP_CACHE_PW} ~* +@all -@dangerous +@admin",)), {}, {"security-dangerous-commands"}, ESSENTIAL),
    ("store with appendfsync no", variant(GOOD_STORE, add=("appendfsync no",)),
     {"purpose": "store"}, {"config-persistence"}, ESSENTIAL),
]  # fmt: skip

FINE = [
    # (case, config text): no essential or actionable finding
    ("bind localhost", variant(add=("bind localhost -::1",))),
    ("bind 127.1 (inet_aton's short form of 127.0.0.1)", variant(add=("bind 127.1",))),
    ("bind a private address with a scope", variant(add=("bind 127.0.0.1 fe80::1%eth0",))),
    ("-@dangerous, then read-only server state given back", variant(drop=("user app",), add=(
        f"user app on >{APP_CACHE_PW} ~cache:* &* +@all -@dangerous +info +role +client|list +slowlog|get",))),
    ("-@all, then the data categories", variant(drop=("user app",), add=(
        f"user app on >{APP_CACHE_PW} ~cache:* -@all +@read +@write +@connection -@dangerous",))),
    ("MODULE left to the operator: enable-module-command is off by default", variant(drop=("user app",), add=(
        f"user app on >{APP_CACHE_PW} ~cache:* +@all -@dangerous +module",))),
]  # fmt: skip


@pytest.mark.parametrize("text", [f[1] for f in FINE], ids=[f[0] for f in FINE])
def test_fine_variants_have_no_essential_or_actionable_findings(text):
    findings = audit(text)
    assert ids(findings) == set(), "\n".join(line for f in findings for line in f.lines())


@pytest.mark.parametrize(("text", "kwargs", "expected", "severity"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_each_bad_variant_yields_exactly_the_expected_standard(text, kwargs, expected, severity):
    findings = audit(text, **kwargs)
    assert ids(findings, severity) == expected, "\n".join(line for f in findings for line in f.lines())
    hits = [f for f in findings if f.standard_id in expected and f.severity is severity]
    assert hits and all(f.expected and f.got and f.hint for f in hits)


def test_store_with_snapshots_only_or_fsync_always_gets_informative_notes():
    rdb_only = audit(variant(GOOD_STORE, add=("appendonly no",)), purpose="store")
    fsync_always = audit(variant(GOOD_STORE, add=("appendfsync always",)), purpose="store")
    for findings, word in ((rdb_only, "since the last snapshot"), (fsync_always, "every write")):
        notes = [f for f in findings if f.standard_id == "config-persistence"]
        assert [f.severity for f in notes] == [INFORMATIVE] and word in notes[0].got


def test_weak_password_findings_never_repeat_the_password():
    findings = audit(variant(add=("requirepass foobared", "user app >short-pw")))
    weak = [f for f in findings if "weak password" in f.got]
    assert len(weak) == 2
    assert not any("foobared" in line or "short-pw" in line for f in weak for line in f.lines())


def test_no_auth_and_open_default_user_are_reported_in_plain_words():
    (no_auth,) = [f for f in audit(variant(drop=("user",))) if f.standard_id == "security-auth"]
    assert "no `requirepass` and no ACL users" in no_auth.got
    (open_default,) = [f for f in audit(variant(drop=("user default",))) if f.standard_id == "security-auth"]
    assert "`default` is `on nopass`" in open_default.got.replace("user `default`", "`default`")


def test_debug_counts_only_when_enable_debug_command_allows_it():
    app = f"user app on >{APP_CACHE_PW} +@all -@dangerous +debug"  # DEBUG given back: it counts only if enabled
    denied_by_name = variant(drop=("user app",), add=(app,))
    assert ids(audit(denied_by_name)) == set()
    findings = audit(variant(denied_by_name, add=("enable-debug-command yes",)))
    (dangerous,) = [f for f in findings if f.severity is ESSENTIAL]
    assert (
        dangerous.standard_id == "security-dangerous-commands"
        and dangerous.got == "still runnable: DEBUG by `admin`, `app`"
    )


def test_rename_command_is_not_deprecated_before_redis_7():
    config = parse_config(variant(add=('rename-command KEYS ""',)))
    assert ids(audit_config(dataclasses.replace(config, redis_version=(6, 2, 14)))) == set()
    assert ids(audit_config(config)) == {"security-dangerous-commands"}


def test_unix_socket_only_server_has_no_network_findings():
    assert "security-network" not in ids(audit(variant(drop=("bind",), add=("port 0", "protected-mode no"))))


def test_acl_rules_are_applied_in_order_with_selectors_and_hashed_passwords():
    user = AclUser("app")
    user.apply(["on", "#" + "a" * 64, "~*", "-@all", "+get", "(~tmp:*", "+flushdb)"])
    assert user.enabled and not user.open and user.passwords == 1
    assert user.can_run("flushdb") and not user.can_run("flushall")
    user.apply(["+@all", "-@dangerous", "+keys"])
    assert user.can_run("keys") and not user.can_run("config")
    user.apply(["nopass"])
    assert user.open and user.passwords == 0


def test_purpose_must_be_cache_or_store():
    with pytest.raises(ValueError, match="purpose"):
        audit_config(parse_config(GOOD_CACHE), purpose="database")


# ---------------------------------------------------------------- parsing real redis.conf syntax


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("maxmemory   100mb  ", ["maxmemory", "100mb"]),
        ('requirepass "two words"', ["requirepass", "two words"]),
        (r'requirepass "say \"hi\"\n\ttab\\"', ["requirepass", 'say "hi"\n\ttab\\']),
        (r'requirepass "\x41\x42c\x4"', ["requirepass", "ABcx4"]),
        (r"requirepass 'it\'s'", ["requirepass", "it's"]),
        (r"requirepass 'no \n escapes here'", ["requirepass", r"no \n escapes here"]),
        ('save ""', ["save", ""]),
        ('rename-command CONFIG cfg"x y"', ["rename-command", "CONFIG", "cfgx y"]),
        ("requirepass abc#def", ["requirepass", "abc#def"]),
    ],
)
def test_quoting_follows_redis(line, words):
    assert split_args(line) == words


@given(st.lists(st.text(alphabet=st.characters(codec="latin-1", exclude_characters="\x00")), max_size=4))
def test_directives_print_back_as_lines_redis_would_split_the_same_way(args):
    assert split_args(str(Directive("requirepass", tuple(args), "x.conf"))) == ["requirepass", *args]


@pytest.mark.parametrize(
    ("value", "size"),
    [("100", 100), ("512b", 512), ("1k", 1000), ("1kb", 1024), ("512K", 512_000), ("2KB", 2048),
     ("1m", 1_000_000), ("100mb", 100 * 1024**2), ("100MB", 100 * 1024**2), ("1g", 1_000_000_000),
     ("1gb", 1024**3), ("1Gb", 1024**3), ("0", 0)],
)  # fmt: skip
def test_memory_units_follow_redis(value, size):
    assert parse_memory(value) == size
    assert parse_config(f"maxmemory {value}").memory("maxmemory") == size


def test_repeated_directives_last_wins_or_accumulate():
    config = parse_config(
        'MAXMEMORY 1GB\nmaxmemory 2gb\nsave 900 1\nsave 300 10 60 10000\nrename-command KEYS ""\n'
        "rename-command DEBUG dbg\n# a comment\n\n   # an indented comment\nappendonly yes\nappendonly no\n"
    )
    assert config.memory("maxmemory") == 2 * 1024**3
    assert config.get("appendonly") == "no"
    assert config.save_rules() == ((900, 1), (300, 10), (60, 10000))
    assert config.renamed_commands() == {"keys": "", "debug": "dbg"}
    assert config.last("appendonly").line == 11
    with pytest.raises(ValueError, match="every"):
        config.get("save")


def test_save_empty_string_clears_earlier_rules_and_no_save_means_defaults():
    assert parse_config('save 900 1\nsave ""\n').save_rules() == ()
    assert parse_config('save ""\nsave 60 5\n').save_rules() == ((60, 5),)
    assert parse_config("").save_rules() == ((3600, 1), (300, 100), (60, 10000))


MALFORMED = [
    ("unterminated double quote", 'maxmemory 1gb\nrequirepass "abc\n', 2, "unterminated double quote"),
    ("unterminated single quote", "\n\nrequirepass 'abc", 3, "unterminated single quote"),
    ("text after a closing quote", 'requirepass "abc"def', 1, "followed by a space"),
    ("unknown unit", "maxmemory 1tb", 1, "unknown memory unit"),
    ("fractional size", "# limit\nmaxmemory 1.5gb", 2, "unknown memory unit"),
    ("missing argument", "bind 127.0.0.1\nmaxmemory\n", 2, "needs an argument"),
    ("rename-command with one name", "rename-command CONFIG", 1, "needs 2 arguments, and has 1"),
    ("inline comment", "maxmemory 100mb # the limit", 1, "comments must be on a line of their own"),
    ("not yes or no", "appendonly maybe", 1, "use one of: yes, no"),
    ("unknown policy", "maxmemory-policy lru", 1, "allkeys-lru"),
    ("odd save rule", "save 900", 1, "<seconds> <changes> pairs"),
    ("include without a path", "include", 1, "needs an argument"),
]


@pytest.mark.parametrize(("text", "line", "words"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_input_names_file_line_and_fix(text, line, words):
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source="/etc/redis/redis.conf")
    message = str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert message.startswith(f"/etc/redis/redis.conf, line {line}: ")
    assert words in message and "Fix: " in message and "\n" not in message
    assert caught.value.line == line


def test_errors_do_not_echo_secrets():
    for text in ('requirepass "s3cret-value', "requirepass s3cret-value extra"):
        with pytest.raises(ConfigError) as caught:
            parse_config(text)
        assert "s3cret" not in str(caught.value) and "`requirepass`" in str(caught.value)


def test_include_resolves_relative_to_the_including_file(tmp_path):
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "redis.conf").write_text("maxmemory 1mb\ninclude conf.d/limits.conf\nappendonly no\n")
    (tmp_path / "conf.d" / "limits.conf").write_text("include more.conf\nmaxmemory 2mb\n")
    (tmp_path / "conf.d" / "more.conf").write_text("maxmemory-policy allkeys-lfu\n")
    config = load_config(tmp_path / "redis.conf")
    assert [(d.name, Path(d.source).name, d.line) for d in config.directives] == [
        ("maxmemory", "redis.conf", 1),
        ("include", "redis.conf", 2),
        ("include", "limits.conf", 1),
        ("maxmemory-policy", "more.conf", 1),
        ("maxmemory", "limits.conf", 2),
        ("appendonly", "redis.conf", 3),
    ]
    assert config.memory("maxmemory") == 2 * 1024**2
    assert [Path(f).name for f in config.files] == ["redis.conf", "limits.conf", "more.conf"]


def test_include_from_text_uses_base_dir_and_globs(tmp_path):
    (tmp_path / "a.conf").write_text("maxmemory 1m\n")
    (tmp_path / "b.conf").write_text("maxmemory 2m\n")
    config = parse_config("include *.conf\n", base_dir=tmp_path)
    assert config.memory("maxmemory") == 2_000_000 and len(config.files) == 3


@pytest.mark.parametrize(
    ("files", "chain"),
    [({"a.conf": "include b.conf", "b.conf": "\ninclude a.conf"}, "a.conf → b.conf → a.conf"),
     ({"a.conf": "maxmemory 1mb\ninclude ./a.conf"}, "a.conf → a.conf")],
)  # fmt: skip
def test_include_cycles_are_an_error(tmp_path, files, chain):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ConfigError, match="include cycle") as caught:
        load_config(tmp_path / "a.conf")
    assert chain in str(caught.value) and ", line 2:" in str(caught.value)


def test_missing_include_and_missing_file_are_errors(tmp_path):
    (tmp_path / "redis.conf").write_text("# settings\ninclude local.conf\n")
    with pytest.raises(ConfigError, match=r"redis\.conf, line 2: include file `local\.conf` not found"):
        load_config(tmp_path / "redis.conf")
    with pytest.raises(ConfigError, match="nowhere.conf` not found. Fix: check the path"):
        load_config(tmp_path / "nowhere.conf")


def test_aclfile_users_are_audited_and_a_missing_aclfile_is_said_plainly(tmp_path):
    base = variant(drop=("user",), add=("aclfile users.acl",))
    (tmp_path / "users.acl").write_text("user default off\nuser app on >short ~* +@all\n")
    findings = audit_config(parse_config(base, base_dir=tmp_path))
    assert ids(findings, ESSENTIAL) == {"security-auth", "security-dangerous-commands"}
    assert any("users.acl:2" in f.got for f in findings)
    missing = audit_config(parse_config(base, base_dir=tmp_path / "elsewhere"))
    assert ids(missing, ESSENTIAL) == set()
    assert {f.standard_id for f in missing if "not audited" in f.got} == {
        "security-auth",
        "security-dangerous-commands",
    }


# ---------------------------------------------------------------- the command line


def test_main_audit_exit_codes(capsys, tmp_path):
    assert main_audit([str(CONFIGS / "good-cache.conf")]) == 0
    assert "0 essential, 0 actionable, 1 informative" in capsys.readouterr().out
    assert main_audit([str(CONFIGS / "good-store.conf"), "--purpose", "store"]) == 0
    capsys.readouterr()
    assert main_audit([str(CONFIGS / "good-store.conf")]) == 1  # noeviction is wrong for a cache
    assert main_audit([str(CONFIGS / "open.conf")]) == 1
    out = capsys.readouterr().out
    assert "essential · [security-network]" in out and "essential · [security-auth]" in out


@pytest.mark.parametrize("text", ['requirepass "unclosed\n', None], ids=["malformed", "missing"])
def test_main_audit_bad_files_exit_2_with_one_line(capsys, tmp_path, text):
    path = tmp_path / "redis.conf"
    if text is not None:
        path.write_text(text)
    assert main_audit([str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and captured.err.count("\n") == 1


# ---------------------------------------------------------------- a live redis-server


@pytest.fixture
def _redis_server_installed():
    if redis_server_path() is None:
        missing("redis-server is not installed (apt-get install redis-server): the live audit needs a real "
                "server, since fakeredis has no real CONFIG GET")  # fmt: skip


needs_redis_server = pytest.mark.usefixtures("_redis_server_installed")
APP_PW, ADMIN_PW = "Rw8-default-app-password-3c1d", "Mx5-live-admin-password-8e2b"
LIVE_GOOD = f"""maxmemory 64mb
maxmemory-policy allkeys-lru
user default on >{APP_PW} ~* &* +@all -@dangerous
user admin on >{ADMIN_PW} ~* &* +@all
"""
# running_redis_server adds these after the config file; a file audit of the same server needs them too.
HARNESS_ARGS = 'bind 127.0.0.1\nsave ""\nappendonly no\n'


def connect(server, username=None, password=None, **kwargs) -> redis.Redis:
    kwargs.setdefault("decode_responses", True)
    return redis.Redis(
        host="127.0.0.1", port=server.port, username=username, password=password, retry=no_retry(), **kwargs
    )


@pytest.mark.real_redis
@needs_redis_server
def test_live_audit_of_a_good_server_matches_the_file_audit():
    with running_redis_server(config_text=LIVE_GOOD) as server:
        admin = connect(server, "admin", ADMIN_PW)
        live = audit_live(admin)
        app = connect(server, password=APP_PW)
        with pytest.raises(LiveConfigUnavailable, match="may not run `CONFIG GET`.*audit-config"):
            audit_live(app)
        admin.close(), app.close()
    assert ids(live) == set(), "\n".join(line for f in live for line in f.lines())
    from_file = audit(LIVE_GOOD + HARNESS_ARGS)
    assert [(f.standard_id, f.severity) for f in live] == [(f.standard_id, f.severity) for f in from_file]


ACL_RULE_SETS = [
    "+@all -flushall -flushdb -keys -config -debug",
    "+@all -@dangerous",
    "+@all -@dangerous +info +role +acl|whoami +client|list",
    "-@all +@read +@write +@connection",
    "+@all -@admin",
    "+@all -@dangerous +@admin",
    "allcommands -acl +acl|log -config +config|get",
    "+@all -@keyspace -@dangerous +flushdb",
]


def _dry_run_args(client: redis.Redis, command: str) -> list[str]:
    """``command`` (``parent|sub``) with filler arguments up to its arity, as ACL DRYRUN needs them."""
    parent, _, sub = command.partition("|")
    info = client.execute_command("COMMAND INFO", parent)[0]  # one word: no redis-py reply parsing
    arity = info[1]
    if sub:
        arity = next(s[1] for s in info[9] if s[0] == command)
    words = [parent, *([sub] if sub else [])]
    return words + ["x"] * (abs(arity) - len(words))


@pytest.mark.real_redis
@needs_redis_server
def test_the_acl_model_agrees_with_redis_on_every_dangerous_command():
    """For each rule set, what the auditor thinks a user may run is what ACL DRYRUN on redis-server says."""
    users = "".join(f"user u{i} on >Qw8-acl-model-password-{i:02d} ~* &* {rules}\n" for i, rules in
                    enumerate(ACL_RULE_SETS))  # fmt: skip
    config = parse_config(users)
    modelled = {u.name: u for u in config.users()}
    with running_redis_server(config_text=users) as server:
        client = server.client(decode_responses=True, protocol=2)
        # `config` stands for all of its subcommands: the model counts it runnable when any of them is
        subcommands = {c: [f"config|{s}" for s in ("get", "set", "rewrite", "resetstat")] if c == "config" else [c]
                       for c in MUST_DENY}  # fmt: skip
        disagree = []
        for i, rules in enumerate(ACL_RULE_SETS):
            for command, forms in subcommands.items():
                real = any(client.execute_command("ACL", "DRYRUN", f"u{i}", *_dry_run_args(client, form)) == "OK"
                           for form in forms)  # fmt: skip
                if modelled[f"u{i}"].can_run(command) != real:
                    disagree.append(f"`{rules}` → {command}: redis says {'allowed' if real else 'denied'}")
        client.close()
    assert not disagree, "\n".join(disagree)


@pytest.mark.real_redis
@needs_redis_server
def test_live_audit_of_an_open_server():
    with running_redis_server() as server:
        client = server.client()
        as_cache = audit_live(client)
        as_store = audit_live(client, purpose="store")
        client.close()
    assert ids(as_cache, ESSENTIAL) == {"config-maxmemory", "security-auth", "security-dangerous-commands"}
    assert ids(as_store, ESSENTIAL) == {"config-persistence", "security-auth", "security-dangerous-commands"}
    (no_auth,) = [f for f in as_cache if f.standard_id == "security-auth"]
    assert "no `requirepass` and no ACL users" in no_auth.got


@pytest.mark.real_redis
@needs_redis_server
def test_live_audit_with_config_removed_says_so_and_points_to_the_file():
    with running_redis_server(config_text='rename-command CONFIG ""\n') as server:
        client = server.client()
        with pytest.raises(LiveConfigUnavailable) as caught:
            audit_live(client)
        client.close()
    message = str(caught.value)
    assert "`CONFIG` is renamed or disabled" in message
    assert 'config_command="THE-ALIAS"' in message and "python -m autograder audit-config" in message
    assert isinstance(caught.value.__cause__, redis.ResponseError)


@pytest.mark.real_redis
@needs_redis_server
def test_live_audit_through_a_renamed_config_command():
    text = 'maxmemory 32mb\nmaxmemory-policy allkeys-lfu\nrename-command CONFIG SECRETCFG\nrename-command FLUSHDB ""\n'
    with running_redis_server(config_text=text, password="Pq4-requirepass-long-enough-77") as server:
        # RESP2 and bytes: CONFIG GET through an alias comes back as a flat list with no redis-py parsing
        client = connect(server, password="Pq4-requirepass-long-enough-77", protocol=2, decode_responses=False)
        config = live_config(client, config_command="SECRETCFG")
        findings = audit_live(client, config_command="SECRETCFG")
        client.close()
    assert config.memory("maxmemory") == 32 * 1024**2 and config.get("maxmemory-policy") == "allkeys-lfu"
    assert config.redis_version is not None and config.renamed_commands() == {"config": "SECRETCFG", "flushdb": ""}
    assert "config-maxmemory" not in ids(findings, INFORMATIVE)
    (deprecated,) = [f for f in findings if f.standard_id == "security-dangerous-commands" and f.severity is ACTIONABLE]
    assert "SECRETCFG" in deprecated.got and "flushdb" in deprecated.got
    (still_open,) = [f for f in findings if f.standard_id == "security-dangerous-commands" and f.fails]
    assert "FLUSHALL by `default`" in still_open.got and "CONFIG" not in still_open.got


def test_protected_mode_off_says_what_is_left_when_a_password_guards_the_default_user():
    """Protected mode refuses remote clients only while the default user needs no password (issue 13)."""

    def network(text):
        [finding] = [f for f in audit(text) if f.standard_id == "security-network"]
        return finding

    exposed = ("bind 0.0.0.0", "protected-mode no")
    guarded = network(variant(add=exposed))
    assert guarded.severity is ESSENTIAL and "the passwords are the only lock left" in guarded.got
    assert "let in" not in guarded.got
    unguarded = network(variant(drop=("user ",), add=(*exposed, "user default on nopass ~* &* +@all")))
    assert "any host that reaches the port is let in" in unguarded.got
