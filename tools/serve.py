"""What ``make serve`` becomes: gunicorn (motcua/gunicorn_conf.py), the outbox worker(s) that deliver the
messages to the partners (``manage.py run_worker``, docs/adr/0016) and the background worker(s) that run
the queued tasks and keep the schedule of the periodic jobs (``manage.py run_tasks``, docs/adr/0022), as
one command for the service manager.

    .venv-prod/bin/python tools/serve.py --bind 127.0.0.1:8000 [--outbox-workers 1] [--task-workers 1]

TERM or INT stops them all: gunicorn stops gracefully (its ``graceful_timeout``), each outbox worker
finishes the message in hand and each background worker the task in hand; whatever still runs after
``GRACE_SECONDS`` is killed. HUP is passed to gunicorn (it reloads its workers). When one of them exits on
its own, the others are stopped and the command exits with that status, so that the service manager
restarts the whole. ``--outbox-workers`` (default ``OUTBOX_WORKERS``, else 1) and ``--task-workers``
(default ``TASK_WORKERS``, else 1) workers on this machine; more machines may run their own: a message is
delivered by one worker at a time (its lease), a task run by one worker and a slot of the schedule
claimed by one process whatever their number. ``--outbox-workers 0`` when the outbox is delivered
elsewhere (its own service, another machine); more than one only on PostgreSQL (ADR 0016: on SQLite one
worker).
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

# gunicorn's graceful_timeout is 30 s; a partner call ends within its time-out, well within this; a task
# (the catalog's sync) may take longer: past this it is killed, and its run is recorded as abandoned after
# its job's max_duration and its slot tried again (jobs/services.py).
GRACE_SECONDS = 60.0
LABEL = "serve"


def commands(bind: str, *, outbox_workers: int, task_workers: int) -> list[tuple[str, list[str], int]]:
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
    children += [(f"outbox-{n}", manage("run_worker"), signal.SIGTERM) for n in range(1, outbox_workers + 1)]
    children += [(f"tasks-{n}", manage("run_tasks"), signal.SIGTERM) for n in range(1, task_workers + 1)]
    return children


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """The command's options: its arguments, the environment's worker counts by default."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--bind", default="127.0.0.1:8000", help="Address gunicorn serves.")
    parser.add_argument(
        "--outbox-workers",
        type=int,
        default=int(os.environ.get("OUTBOX_WORKERS") or 1),
        help="Outbox workers (manage.py run_worker) on this machine (default OUTBOX_WORKERS, else 1; "
        "0 when the outbox is delivered elsewhere).",
    )
    parser.add_argument(
        "--task-workers",
        type=int,
        default=int(os.environ.get("TASK_WORKERS") or 1),
        help="Background workers (manage.py run_tasks) on this machine (default TASK_WORKERS, else 1).",
    )
    options = parser.parse_args(argv)
    if options.outbox_workers < 0:
        parser.error("--outbox-workers must be 0 or more")
    if options.task_workers < 0:
        parser.error("--task-workers must be 0 or more")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
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
    workers = {"outbox_workers": options.outbox_workers, "task_workers": options.task_workers}
    for name, command, stop_signal in commands(options.bind, **workers):
        children.append(start(name, command, env, stop_signal))
    signal.signal(signal.SIGHUP, on_hup)
    print(
        f"{LABEL}: gunicorn on {options.bind}, {options.outbox_workers} outbox worker(s), "
        f"{options.task_workers} background worker(s)",
        flush=True,
    )
    status = watch(children, lambda: stopping, label=LABEL)
    stop_all(children, grace=GRACE_SECONDS, label=LABEL)
    return status


if __name__ == "__main__":
    sys.exit(main())
