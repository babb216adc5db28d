"""What every check tells a learner, pinned: each finding of each check, in every branch, word for word.

The messages are the product (a learner reads expected / got / hint and acts on it), so a change to one must be
deliberate: this test renders every scenario below and compares it with `tests/golden/check_findings.json`.
After a deliberate change, rewrite the file with `UPDATE_GOLDEN=1 .venv/bin/python -m pytest
tests/test_check_messages.py` and review its diff like code.
"""

import dataclasses
import json
import os
from pathlib import Path

import pytest
import time_machine
from support.commands import cmd as c
from support.commands import in_transaction as tx
from support.commands import scanned

from autograder import checks
from autograder.checks import commands as command_checks
from autograder.labkit import CommandSpy, backend_from_env

GOLDEN = Path(__file__).parent / "golden" / "check_findings.json"
T0 = 1_800_000_000.0  # a fixed clock, so TTLs read the same on every run


LOGS = {
    "set without ttl": [c("SET", "user:1", "v")],
    "set nx without ttl": [c("SET", "user:1", "v", "NX")],
    "setnx": [c("SETNX", "user:1", "v")],
    "getset": [c("GETSET", "user:1", "v")],
    "set then expire": [c("SET", "user:1", "v"), c("EXPIRE", "user:1", "60")],
    "expire then set": [c("EXPIRE", "user:1", "60"), c("SET", "user:1", "v")],
    "expire of another key": [c("SET", "user:1", "v"), c("EXPIRE", "user:2", "60")],
    "keepttl then bad set": [c("SET", "user:1", "v", "KEEPTTL"), c("SET", "user:2", "v")],
    "keepttl then separate expire": [c("SET", "user:1", "v", "KEEPTTL"), c("EXPIRE", "user:1", "60")],
    "good transaction then bad set": [
        *tx(1, c("MULTI"), c("SET", "user:1", "v"), c("EXPIRE", "user:1", "60"), c("EXEC")),
        c("SET", "user:2", "v"),
    ],
    "expire in another transaction": [*tx(1, c("SET", "user:1", "v")), *tx(2, c("EXPIRE", "user:1", "60"))],
    "mset": [c("MSET", "a:1", "1", "a:2", "2")],
    "hset alone": [c("HSET", "cart:1", "f", "v")],
    "hset in a plain pipeline": [
        c("HSET", "cart:1", "f", "v", via="pipeline", batch=1),
        c("EXPIRE", "cart:1", "60", via="pipeline", batch=1),
    ],
    "expire queued before hset": tx(1, c("EXPIRE", "cart:1", "60"), c("HSET", "cart:1", "f", "v")),
    "rpush then good set": [c("RPUSH", "queue:1", "a"), c("SET", "user:1", "v", "EX", "60")],
    "persist": [c("PERSIST", "user:1")],
    "getex persist": [c("GETEX", "user:1", "PERSIST")],
    "getex with ttl": [c("GETEX", "user:1", "EX", "60")],
    "keys": [c("KEYS", "*"), c("KEYS", "user:*", via="pipeline")],
    "keys in lua": [c("EVAL", "return redis.call('KEYS', ARGV[1])", "0", "*")],
    "scan in lua": [c("EVALSHA", "abc", "0"), c("SCRIPT", "LOAD", "redis.pcall('scan', '0')")],
    "keys and scan in lua": [c("EVAL", "redis.call('keys', '*') redis.call('SCAN', 0)", "0")],
    "select": [c("SELECT", "3"), c("SELECT", "0")],
    "flat and spaced keys": [c("SET", f"flat{i}", "v", "EX", "1") for i in range(7)] + [c("SET", "user:1 x", "v")],
    "cryptic and long keys": [c("SET", "u:1", "v", "EX", "1"), c("SET", "user:" + "x" * 130, "v", "EX", "1")],
    "big values": [
        c("SET", "blob:1", "x" * 2000, "EX", "9"),
        c("SETEX", "blob:2", "9", "x" * 2000),
        c("HSET", "doc:1", "small", "1", "body", "y" * 3000),
        c("MSET", "a:1", "1", "a:2", "z" * 1500),
    ],
}


def keyspace_findings():
    """Checks that read a live keyspace, on fakeredis at a fixed time."""
    spy = CommandSpy(backend_from_env({}))
    r = spy.client()
    with time_machine.travel(T0, tick=False):
        for i in range(7):
            r.set(f"session:{i}", "v")
        r.set("session:ttl", "v", ex=60)
        r.set("price:ms", "v", px=3600)
        r.set("price:day", "v", ex=86_400)
        r.set("price:ok", "v", ex=3600)
        return {
            "keys left without ttl (default)": checks.keys_left_without_ttl(r, ["session:0", "session:ttl"]),
            "keys left without ttl (many)": checks.keys_left_without_ttl(
                r, [f"session:{i}" for i in range(7)], what="the warm-up"
            ),
            "keys without ttl": checks.keys_without_ttl(r, match="session:*"),
            "keys without ttl (all)": checks.keys_without_ttl(r),
            "ttl in milliseconds": checks.ttl_close(r, "price:ms", 3600),
            "ttl a day": checks.ttl_close(r, "price:day", 3600),
            "ttl missing": checks.ttl_close(r, "price:none", 3600, standard_id="pattern-cache-aside"),
            "ttl none": checks.ttl_close(r, "session:0", 30.5),
            "ttl right": checks.ttl_close(r, "price:ok", 3600),
            "client on db 4": checks.no_numbered_db([], spy.client(db=4)),
        }


def scan_findings():
    return {
        "no scan": checks.scan_walk([]),
        "count too big": checks.scan_walk([scanned("0", "0", "COUNT", "5000"), scanned("0", "0", "COUNT", "20")]),
        "unfiltered": checks.scan_walk([scanned("0", "0", "COUNT", "100")], match="user:*"),
        "other match": checks.scan_walk([scanned("0", "0", "MATCH", "u*")], match="user:*"),
        "stopped early": checks.scan_walk([scanned("0", "12"), scanned("12", "40")]),
        "limit 50": checks.scan_walk([scanned("0", "0", "COUNT", "60")], max_count=50),
    }


def rendered(findings):
    return [{**dataclasses.asdict(f), "severity": f.severity.name, "lines": f.lines()} for f in findings]


def current():
    found = {f"log · {name}": checks.command_log_findings(log) for name, log in LOGS.items()}
    found |= {f"keyspace · {name}": f for name, f in keyspace_findings().items()}
    found |= {f"scan · {name}": f for name, f in scan_findings().items()}
    found["limit · values over 1 KB"] = checks.values_under_limit(LOGS["big values"], limit=1024)
    out = {name: rendered(f) for name, f in found.items()}
    log = [*LOGS["keys"], *LOGS["big values"], c("EVAL", "return 1", "2", "k:1", "k:2"), c("RENAMENX", "r:1", "r:2"),
           c("COPY", "b:1", "b:2"), c("SMOVE", "s:1", "s:2", "m"), c("LMOVE", "l:1", "l:2", "LEFT", "RIGHT"),
           c("GETDEL", "g:1"), c("EXPIRE", "e:1", "0"), c("FLUSHALL"), c("HINCRBY", "h:1", "f", "1")]  # fmt: skip
    out["vocabulary"] = {
        "written": checks.written_keys(log),
        "touched": checks.touched_keys(log),
        "touched, scripts left out": checks.touched_keys(log, script_keys_too=False),
        "deleting": [str(cmd) for cmd in checks.deleting_commands(log)],
        "removed": [command_checks.removed_by(cmd) for cmd in log],
        "scripts": checks.script_bodies(
            [c("EVAL_RO", "return 2", "0"), c("FUNCTION", "LOAD", "REPLACE", "#!lua name=x")]
        ),
    }
    return out


def test_every_checks_messages_are_the_ones_reviewed():
    found = json.loads(json.dumps(current(), ensure_ascii=False))
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n")
    golden = json.loads(GOLDEN.read_text())
    changed = sorted(k for k in found.keys() | golden.keys() if found.get(k) != golden.get(k))
    assert not changed, f"check messages changed for {changed}; if deliberate, rerun with UPDATE_GOLDEN=1 and review"


@pytest.mark.parametrize("name", sorted(LOGS))
def test_each_scenario_is_one_the_golden_file_holds(name):
    assert f"log · {name}" in json.loads(GOLDEN.read_text())
