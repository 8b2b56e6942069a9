"""Servers run as separate processes, as in the office: started from this checkout, read until they say
they listen, stopped with SIGTERM as systemd or Ctrl-C stops them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: the child imports this code, not an installed one


def env(**extra: str) -> dict[str, str]:
    """The environment of a child process: this one's, with the checkout first on the import path."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **extra}


def spawn(command: list[str], **extra_env: str) -> subprocess.Popen[str]:
    """Run ``command`` in the checkout, its output and errors read by the test."""
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env(**extra_env),
    )


def start(
    command: list[str], ready: str = "listening ", **extra_env: str
) -> tuple[subprocess.Popen[str], str]:
    """Run a server; its first line must start with ``ready`` (else it is killed and the test fails with
    what it wrote). Returns the process and that line (``listening PORT`` names the port)."""
    process = spawn(command, **extra_env)
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith(ready):
        process.kill()
        raise AssertionError(f"the server did not start: {line!r} {process.communicate(timeout=10)[1]}")
    return process, line


def stop(process: subprocess.Popen[str], timeout: float = 30.0) -> tuple[str, str]:
    """SIGTERM, then what the server wrote (output, errors). One that has not stopped after ``timeout``
    seconds is killed and the test fails."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
        raise AssertionError(f"the server did not stop within {timeout} s: {err}") from None


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
