"""What ``make serve`` becomes: gunicorn (motcua/gunicorn_conf.py) and the background worker(s) that run
the queued tasks and keep the schedule of the periodic jobs (``manage.py run_tasks``, docs/adr/0022), as
one command for the service manager.

    .venv-prod/bin/python tools/serve.py --bind 127.0.0.1:8000 [--task-workers 1]

TERM or INT stops them all: gunicorn stops gracefully (its ``graceful_timeout``), each worker finishes
the task in hand; whatever still runs after ``GRACE_SECONDS`` is killed. HUP is passed to gunicorn (it
reloads its workers). When one of them exits on its own, the others are stopped and the command exits
with that status, so that the service manager restarts the whole. ``--task-workers`` (default
``TASK_WORKERS``, else 1) workers on this machine; more machines may run their own: a task is run by one
worker and a slot of the schedule claimed by one process whatever their number.
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

from tools.processes import Child, manage, start, stop_all, watch  # noqa: E402

# gunicorn's graceful_timeout is 30 s; a task (the catalog's sync) may take longer: past this it is
# killed, its run stays "running" and its job runs again at its next slot.
GRACE_SECONDS = 60.0
LABEL = "serve"


def commands(bind: str, task_workers: int) -> list[tuple[str, list[str], int]]:
    """(name, command, stop signal) of each child."""
    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:motcua.gunicorn_conf",
        "--bind",
        bind,
        "motcua.wsgi",
    ]
    children: list[tuple[str, list[str], int]] = [("web", web, signal.SIGTERM)]
    children += [(f"tasks-{n}", manage("run_tasks"), signal.SIGTERM) for n in range(1, task_workers + 1)]
    return children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bind", default="127.0.0.1:8000", help="Address gunicorn serves.")
    parser.add_argument(
        "--task-workers",
        type=int,
        default=int(os.environ.get("TASK_WORKERS") or 1),
        help="Background workers (manage.py run_tasks) on this machine (default TASK_WORKERS, else 1).",
    )
    options = parser.parse_args(argv)
    if options.task_workers < 0:
        parser.error("--task-workers must be 0 or more")
    stopping = False
    children: list[Child] = []

    def on_stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    def on_hup(signum: int, frame: FrameType | None) -> None:
        children[0].process.send_signal(signal.SIGHUP)  # gunicorn's master: reload the workers

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name, command, stop_signal in commands(options.bind, options.task_workers):
        children.append(start(name, command, env, stop_signal))
    signal.signal(signal.SIGHUP, on_hup)
    print(f"{LABEL}: gunicorn on {options.bind}, {options.task_workers} background worker(s)", flush=True)
    status = watch(children, lambda: stopping, label=LABEL)
    stop_all(children, grace=GRACE_SECONDS, label=LABEL)
    return status


if __name__ == "__main__":
    sys.exit(main())
