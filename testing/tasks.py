"""Running the background tasks a test queued (docs/adr/0022), in the test's own process and
transaction, as a worker (``manage.py run_tasks``) would: each ready task claimed and run by
django_tasks_db's own ``Worker.run_task``. Not the worker's loop: it calls ``close_old_connections()``,
which would end a test's transaction (``manage.py run_tasks --once`` is tested with real commits)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

WORKER_ID = "test-worker"


def run_ready_tasks() -> int:
    """Run every ready task, oldest first, until none is left: how many ran."""
    worker = Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id=WORKER_ID,
        excluded_queue_names=[],
    )
    ran = 0
    while True:
        with transaction.atomic():
            result = DBTaskResult.objects.ready().get_locked()
            if result is None:
                return ran
            result.claim(WORKER_ID)
        worker.run_task(result)
        ran += 1
