"""``manage.py run_tasks [--once] [--interval SECONDS]``: the background worker (docs/adr/0022). It runs
the queued tasks (django_tasks_db's worker: the periodic jobs, the monitor's check of the overdue
dossiers) and keeps the schedule of the periodic jobs from a thread of its own (jobs/scheduler.py),
until SIGTERM or SIGINT (a task in hand is finished first; a second signal stops it at once).

Any number may run at once, on any number of machines: each task is claimed by one worker, each slot of
the schedule by one process. ``--once`` looks at the schedule once, runs every task that is ready, and
exits.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker

from jobs.scheduler import Scheduler, process_name


class Command(BaseCommand):
    help = "Run background tasks and keep the schedule of the periodic jobs, until SIGTERM or SIGINT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="Look at the schedule once, run the ready tasks, then exit."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds to wait when no task is ready (default 1)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = process_name()
        worker = Worker(
            queue_names=[DEFAULT_TASK_QUEUE_NAME],
            interval=options["interval"],
            batch=options["once"],
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=not options["once"],
            max_tasks=None,
            worker_id=name,
            excluded_queue_names=[],
        )
        scheduler = Scheduler(by=name)
        if options["once"]:
            claimed = scheduler.check()
            self.stdout.write(f"worker {name}: {len(claimed)} slot(s) claimed")
            worker.run()
            return
        self.stdout.write(f"worker {name}: running tasks, keeping the schedule")
        scheduler.start()
        worker.configure_signals()
        try:
            worker.run()
        finally:
            scheduler.stop()
            worker.reset_signals()
