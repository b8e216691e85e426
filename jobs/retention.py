"""The retention of the background work's records (the job ``prune_task_results``, jobs/schedule.py;
docs/adr/0022): the task queue's rows and the periodic jobs' runs past their days, deleted a batch at a
time, each batch its own statement (no long lock on a table the workers use)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Max, Q, QuerySet
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import UNFINISHED, JobRun

PRUNE_BATCH = 5_000


def _prune(queryset: QuerySet[Any], batch: int) -> int:
    """Delete the rows of ``queryset``, ``batch`` at a time, each its own statement: no long lock."""
    deleted = 0
    while True:
        pks = list(queryset.values_list("pk", flat=True)[:batch])
        if not pks:
            return deleted
        deleted += queryset.model.objects.filter(pk__in=pks).delete()[0]


def task_results_prune(*, before: datetime, batch: int = PRUNE_BATCH) -> int:
    """The task queue's rows (``DBTaskResult``) finished before ``before``, deleted — and those left
    running since before it by a worker that died (django-tasks-db has no lease: they would stay
    forever; what the job did is on its ``JobRun``). Waiting tasks are kept, however old. How many."""
    old = DBTaskResult.objects.filter(
        Q(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED], finished_at__lt=before)
        | Q(status=TaskResultStatus.RUNNING, started_at__lt=before)
    )
    return _prune(old, batch)


def job_runs_prune(*, before: datetime, batch: int = PRUNE_BATCH) -> int:
    """The periodic jobs' runs of slots before ``before`` that ended, deleted — but never the runs of a
    job's latest slot, which the monitor's page and ``run_scheduled --list`` show: how many."""
    old = JobRun.objects.filter(slot__lt=before).exclude(status__in=UNFINISHED)
    for latest in JobRun.objects.values("job").annotate(slot=Max("slot")).filter(slot__lt=before):
        old = old.exclude(job=latest["job"], slot=latest["slot"])
    return _prune(old, batch)
