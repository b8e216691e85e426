"""Several processes run as one command (``make run``: tools/run_demo.py; ``make serve``: tools/serve.py):
each child in a process group of its own, stopped together.

``watch`` waits until the command is told to stop or a child exits on its own; ``stop_all`` then sends
each running child its stop signal and kills the process group of any still running after the grace.
A process group per child, so that a child's own children (runserver's auto-reloader) go with it, and so
that a Ctrl-C typed at the terminal reaches the supervisor only, which stops each child its own way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GRACE_SECONDS = 10.0


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    stop_signal: int

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)


def wait_for_port(port: int, child: Child, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def start(name: str, command: list[str], env: dict[str, str], stop_signal: int) -> Child:
    """Start ``command`` in a process group of its own."""
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    return Child(name, process, stop_signal)


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def stop_all(children: list[Child], grace: float = GRACE_SECONDS, label: str = "run_demo") -> None:
    """Send each running child its stop signal, then kill the process group of any still running
    ``grace`` seconds later."""
    for child in children:
        if child.process.poll() is None:
            child.signal(child.stop_signal)
    deadline = time.monotonic() + grace
    for child in children:
        try:
            child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            print(f"{label}: {child.name} did not stop, killed", flush=True)
            child.signal(signal.SIGKILL)
            child.process.wait()


def watch(children: list[Child], stopping: Callable[[], bool], label: str = "run_demo") -> int:
    """Wait until told to stop (0) or until a child exits on its own (its status)."""
    while not stopping():
        for child in children:
            status = child.process.poll()
            if status is not None:
                print(f"{label}: {child.name} exited ({status}); stopping the others", flush=True)
                return status
        time.sleep(0.3)
    return 0
