"""gunicorn for a benchmark: a free local port, waiting until it answers, stopping it."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
import urllib.request


def free_port() -> int:
    """A local TCP port nothing listens on (for the server's BIND)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_within(url: str, *, seconds: float, pause: float) -> bool:
    """Whether ``url`` answered 200 within ``seconds``; asked again ``pause`` seconds
    after each failed connection (the server is still starting)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return True
        except OSError:
            time.sleep(pause)
    return False


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """Stop gunicorn's master as a service manager does (SIGTERM: the workers finish
    their requests); SIGKILL if it has not gone within 30 seconds."""
    if process is None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
