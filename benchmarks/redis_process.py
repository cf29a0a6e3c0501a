"""A redis-server of our own on 127.0.0.1 that can be stopped and started again on the
same port, for the load test and the restart test.

Durable by default: ``appendonly yes`` with ``appendfsync always``, so every write
Redis acknowledged is on disk before the client hears of it and survives a stop
(SIGTERM) and a restart. (Without persistence a restart empties the database; with
``appendfsync everysec``, Redis's default for AOF, a crash can lose the last second
of acknowledged writes, though a SIGTERM still flushes them.)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

START_SECONDS = 30.0
STOP_SECONDS = 30.0
NO_RETRY = Retry(NoBackoff(), 0)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process at a time, on one port, its files in ``folder``."""

    def __init__(self, folder: Path, *, durable: bool = True) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            raise FileNotFoundError("redis-server is not installed (make system-packages)")
        self.executable = executable
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.durable = durable
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._started = False

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server and wait until it answers, its data loaded. A first start
        moves to another free port if another program took this one meanwhile; a
        restart keeps its port."""
        for _ in range(3):
            self.process = subprocess.Popen(
                self._args(), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
            )
            if self._answers():
                self._started = True
                return
            self.stop()
            if self._started:
                break
            self.port = free_port()
        log = self.folder / "redis.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"redis-server did not start on port {self.port}:\n{detail}")

    def _args(self) -> list[str]:
        args = [self.executable, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--daemonize", "no", "--dir", str(self.folder)]
        args += ["--logfile", str(self.folder / "redis.log")]
        if self.durable:
            return [*args, "--appendonly", "yes", "--appendfsync", "always"]
        return [*args, "--appendonly", "no"]

    def _answers(self) -> bool:
        """Poll PING until the server answers with its data loaded (True), exits or
        takes too long (False)."""
        assert self.process is not None
        deadline = time.monotonic() + START_SECONDS
        with redis.Redis.from_url(self.url, socket_timeout=0.5, retry=NO_RETRY) as client:
            while time.monotonic() < deadline and self.process.poll() is None:
                try:
                    if client.ping():
                        return True
                except (redis.ConnectionError, redis.TimeoutError):
                    time.sleep(0.02)
        return False

    def stop(self) -> None:
        """SIGTERM to the server we started (by its pid): it flushes its append-only
        file and exits; killed only if it lingers."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
