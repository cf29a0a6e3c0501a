"""A real redis-server for the tests: started once per session on a free port.

Import the fixture into a test module: ``from tests.redis_server import redis_url``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

START_SECONDS = 10.0


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _start(executable: str, folder: Path, port: int) -> subprocess.Popen[bytes]:
    """redis-server in the foreground, without persistence, logging to a file."""
    args = [executable, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    args += ["--appendonly", "no", "--daemonize", "no", "--dir", str(folder)]
    args += ["--logfile", str(folder / "redis.log")]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def _ready(process: subprocess.Popen[bytes], url: str) -> bool:
    """Poll PING until the server answers (True), exits or takes too long (False)."""
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)
    deadline = time.monotonic() + START_SECONDS
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if client.ping():
                    return True
            except (redis.ConnectionError, redis.TimeoutError):
                time.sleep(0.01)
    finally:
        client.close()
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate the server we started (by its pid), killing it if it lingers."""
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of database 0 of a redis-server of our own (skipped when not installed)."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (make system-packages installs it)")
    folder = tmp_path_factory.mktemp("redis")
    for _ in range(3):  # another program may take the free port before the server does
        port = free_port()
        url = f"redis://127.0.0.1:{port}/0"
        process = _start(executable, folder, port)
        if _ready(process, url):
            try:
                yield url
            finally:
                _stop(process)
            return
        _stop(process)
    log = folder / "redis.log"
    detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    pytest.fail(f"redis-server did not start:\n{detail}")
