"""Start a throwaway real ``redis-server`` on a free loopback port (for tests and real-server demos)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import redis

from .backend import no_retry

INSTALL_HINT = "install it with `apt-get install redis-server` (Debian/Ubuntu) or `brew install redis` (macOS)"


class RedisServerError(RuntimeError):
    """redis-server is missing or would not start; the message says why."""


def redis_server_path() -> str | None:
    """Where ``redis-server`` is, or None when it is not installed."""
    return shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RedisServer:
    port: int
    password: str | None
    workdir: Path
    process: subprocess.Popen

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
) -> Iterator[RedisServer]:
    """A fresh redis-server on 127.0.0.1, no persistence, stopped and cleaned up on exit.

    ``config_text`` is written to a redis.conf that the server loads first; ``extra_args`` follow it.
    """
    binary = redis_server_path()
    if binary is None:
        raise RedisServerError(f"redis-server is not installed: {INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="kata-redis-") as tmp:
        workdir = Path(tmp)
        port = free_port()
        argv = [binary]
        if config_text is not None:
            conf = workdir / "redis.conf"
            conf.write_text(config_text)
            argv.append(str(conf))
        argv += [
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
            "--logfile",
            str(workdir / "redis.log"),
            "--daemonize",
            "no",
        ]
        if password:
            argv += ["--requirepass", password]
        argv += list(extra_args)
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = RedisServer(port, password, workdir, process)
        try:
            _wait_until_ready(server, start_timeout)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(server: RedisServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = server.client(socket_connect_timeout=0.5)
    while True:
        if server.process.poll() is not None:
            raise RedisServerError(
                f"redis-server exited with code {server.process.returncode} before it was ready. "
                f"Its log says:\n{server.log[-2000:]}"
            )
        try:
            probe.ping()
            probe.close()
            return
        except redis.AuthenticationError:
            return  # it is up; it just wants the password
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise RedisServerError(f"redis-server did not answer PING within {timeout:.0f} s") from None
            time.sleep(0.05)
