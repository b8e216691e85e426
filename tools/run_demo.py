"""What ``make run`` serves: the web server, the simulators of the national partners and the outbox
worker, as three processes of one command, so that the demo shows the sync working.

    .venv/bin/python tools/run_demo.py [--host 127.0.0.1:8000] [--simulators-port 8765]

Every process gets motcua's partner settings pointing at the simulators
(``integrations.simulators.settings.environment``), on top of the environment it was started with. The
simulators start first (the others wait until they answer), then the worker (one process: enough for the
demo, and the only way with SQLite) and ``runserver``. Ctrl-C (SIGINT) or SIGTERM stops them all: the web
server and the simulators are interrupted, the worker is told to stop after the message in hand; whatever
has not stopped 10 s later is killed. When one of them exits on its own, the others are stopped too and the
command exits with its status. Each runs in a process group of its own, so that the web server's
auto-reloader child goes with it.
"""

from __future__ import annotations

import argparse
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
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from integrations.simulators.settings import environment  # noqa: E402 — plain module, no Django

FILE_MAIL = "django.core.mail.backends.filebased.EmailBackend"

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


def stop_all(children: list[Child], grace: float = GRACE_SECONDS) -> None:
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
            print(f"run_demo: {child.name} did not stop, killed", flush=True)
            child.signal(signal.SIGKILL)
            child.process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1:8000", help="Address of the web server.")
    parser.add_argument("--simulators-port", type=int, default=8765, help="Port of the simulators.")
    parser.add_argument("--idle", default="1", help="Seconds the worker waits when nothing is due.")
    options = parser.parse_args(argv)

    simulators_url = f"http://127.0.0.1:{options.simulators_port}"
    env = {
        **os.environ,
        **environment(simulators_url),
        "MOTCUA_SITE_URL": os.environ.get("MOTCUA_SITE_URL") or f"http://{options.host}",
        # The applicants' e-mails as files under var/mail/ (no mail server in the demo), unless told otherwise.
        "EMAIL_BACKEND": os.environ.get("EMAIL_BACKEND") or FILE_MAIL,
        "PYTHONUNBUFFERED": "1",
    }
    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    children: list[Child] = []
    simulators = start(
        "simulators", manage("run_simulators", "--port", str(options.simulators_port)), env, signal.SIGINT
    )
    children.append(simulators)
    if not wait_for_port(options.simulators_port, simulators):
        print(f"run_demo: the simulators did not start on port {options.simulators_port}", flush=True)
        stop_all(children)
        return 1
    children.append(start("worker", manage("run_worker", "--idle", options.idle), env, signal.SIGTERM))
    children.append(start("web", manage("runserver", options.host), env, signal.SIGINT))
    print(
        f"run_demo: web http://{options.host}/, simulators {simulators_url} (state: "
        f"{simulators_url}/_state/dvcqg), outbox worker; Ctrl-C stops all three",
        flush=True,
    )

    status = watch(children, lambda: stopping)
    stop_all(children)
    return status


def watch(children: list[Child], stopping: Callable[[], bool]) -> int:
    """Wait until told to stop (0) or until a child exits on its own (its status)."""
    while not stopping():
        for child in children:
            status = child.process.poll()
            if status is not None:
                print(f"run_demo: {child.name} exited ({status}); stopping the others", flush=True)
                return status
        time.sleep(0.3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
