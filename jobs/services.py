"""Every write of the periodic jobs' runs, and the background task that runs a queued one
(docs/adr/0022).

- ``slot_claim``: a job's slot becomes a ``JobRun`` row — with, when asked, the task that will run it,
  in the same transaction. The row is unique per (job, slot): a second claim of the slot, from this
  process or any other, at the same moment or later, writes nothing and queues nothing.
- ``job_execute``: run a claimed slot's job and record how it ended (``run_job``, the task, does it in a
  worker; ``manage.py run_scheduled`` does it in its own process).
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from jobs.models import JobRun
from jobs.schedule import BY_NAME, Failed, Job

logger = logging.getLogger("motcua.jobs")

TEXT_LIMIT = 10_000


def _slot(run: JobRun) -> str:
    return timezone.localtime(run.slot).isoformat()


def slot_claim(*, job: Job, slot: datetime, at: datetime, by: str = "", queue: bool = True) -> JobRun | None:
    """Claim ``job``'s ``slot`` (its row and, with ``queue``, the task that runs it: one transaction).
    None when the slot is claimed already — by whom does not matter."""
    try:
        with transaction.atomic():
            run = JobRun.objects.create(job=job.name, slot=slot, claimed_at=at, claimed_by=by[:100])
            if queue:
                run.task_id = str(run_job.enqueue(run.pk).id)
                run.save(update_fields=["task_id"])
    except IntegrityError:
        return None
    return run


def run_start(*, run: JobRun, at: datetime) -> bool:
    """Mark a queued run running (one conditional UPDATE); False when it is not queued any more."""
    started = JobRun.objects.filter(pk=run.pk, status=JobRun.Status.QUEUED).update(
        status=JobRun.Status.RUNNING, started_at=at
    )
    if started:
        run.status, run.started_at = JobRun.Status.RUNNING, at
    return bool(started)


def run_finish(*, run: JobRun, status: str, at: datetime, summary: str = "", error: str = "") -> JobRun:
    run.status, run.finished_at = status, at
    run.summary, run.error = summary[:TEXT_LIMIT], error[:TEXT_LIMIT]
    run.save(update_fields=["status", "finished_at", "summary", "error"])
    return run


def job_execute(run: JobRun) -> JobRun:
    """Run the job of a claimed slot and record the outcome: succeeded, failed (``Failed``, or anything
    else the job raised, with its traceback), or skipped when something it needs is not configured.
    A run that is not queued (another process started it) is left alone. Never raises for the job."""
    job = BY_NAME.get(run.job)
    if not run_start(run=run, at=timezone.now()):
        return run
    if job is None:
        return run_finish(
            run=run, status=JobRun.Status.FAILED, at=timezone.now(), error="Việc không còn trong lịch."
        )
    if reason := job.needs():
        logger.warning("job %s, slot %s: skipped: %s", job.name, _slot(run), reason)
        return run_finish(run=run, status=JobRun.Status.SKIPPED, at=timezone.now(), summary=reason)
    try:
        summary = job.work(run.slot)
    except Failed as exc:
        logger.error("job %s, slot %s: failed: %s", job.name, _slot(run), exc.error)
        return run_finish(
            run=run, status=JobRun.Status.FAILED, at=timezone.now(), summary=exc.summary, error=exc.error
        )
    except Exception:  # a bug or a database error in the job: recorded, and the worker goes on
        logger.exception("job %s, slot %s: failed", job.name, _slot(run))
        return run_finish(
            run=run, status=JobRun.Status.FAILED, at=timezone.now(), error=traceback.format_exc()
        )
    logger.info("job %s, slot %s: %s", job.name, _slot(run), summary)
    return run_finish(run=run, status=JobRun.Status.SUCCEEDED, at=timezone.now(), summary=summary)


@task()
def run_job(run_id: int) -> str:
    """The background task of a claimed slot (queued by ``slot_claim``): its outcome."""
    return job_execute(JobRun.objects.get(pk=run_id)).status
