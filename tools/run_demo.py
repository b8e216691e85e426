"""What ``make run`` serves: the web server, the simulators of the national partners, the outbox worker
and the background worker (tasks and the periodic jobs' schedule), as four processes of one command, so
that the demo shows the sync and the nightly jobs working.

    .venv/bin/python tools/run_demo.py [--host 127.0.0.1:8000] [--simulators-port 8765]

Every process gets motcua's partner settings pointing at the simulators
(``integrations.simulators.settings.environment``), on top of the environment it was started with. The
simulators start first (the others wait until they answer), then the outbox worker (one process: enough
for the demo, and the only way with SQLite), the background worker (``run_tasks``: at its first look at
the schedule it runs each job's latest slot — the demo's history gets its anchors, yesterday is reconciled
with the simulated portal) and ``runserver``. Ctrl-C (SIGINT) or SIGTERM stops them all: the web server
and the simulators are interrupted, the workers are told to stop after the message or task in hand;
whatever has not stopped 10 s later is killed. When one of them exits on its own, the others are stopped
too and the command exits with its status (tools/processes.py).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from integrations.simulators.settings import environment  # noqa: E402 — plain module, no Django
from tools.processes import Child, manage, start, stop_all, wait_for_port, watch  # noqa: E402

FILE_MAIL = "django.core.mail.backends.filebased.EmailBackend"


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
    children.append(start("tasks", manage("run_tasks"), env, signal.SIGTERM))
    children.append(start("web", manage("runserver", options.host), env, signal.SIGINT))
    print(
        f"run_demo: web http://{options.host}/, simulators {simulators_url} (state: "
        f"{simulators_url}/_state/dvcqg), outbox worker, background worker; Ctrl-C stops all four",
        flush=True,
    )

    status = watch(children, lambda: stopping)
    stop_all(children)
    return status


if __name__ == "__main__":
    sys.exit(main())
