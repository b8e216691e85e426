"""Every write of the periodic jobs' runs, and the background task that runs a queued one
(docs/adr/0022).

- ``slot_claim``: a job's slot becomes a ``JobRun`` row — with, when asked, the task that will run it,
  in the same transaction. The row is unique per (job, slot, attempt): a second claim of the same
  attempt, from this process or any other, at the same moment or later, writes nothing and queues
  nothing.
- ``job_execute``: run a claimed slot's job and record how it ended (``run_job``, the task, does it in a
  worker; ``manage.py run_scheduled`` does it in its own process).
- ``runs_abandon``: the runs whose process died mid-job — running, or queued with nobody left to run
  them, for longer than their job's ``max_duration`` — recorded as abandoned, by whichever process looks
  first (one conditional UPDATE each). The scheduler then claims the slot's next attempt if the slot is
  still the job's latest (jobs/scheduler.py).

The retention of the task queue's rows and of the runs is in jobs/retention.py (the job that runs it is in
the schedule, which this module imports).
"""

from __future__ import annotations

import logging
import traceback
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from jobs.models import UNFINISHED, JobRun
from jobs.schedule import BY_NAME, DEFAULT_MAX_DURATION, Failed, Job

logger = logging.getLogger("motcua.jobs")

TEXT_LIMIT = 10_000


def _slot(run: JobRun) -> str:
    return timezone.localtime(run.slot).isoformat()


# Stored on an abandoned run as its error (a msgid: translated when shown, ``JobRun.error_text``).
ABANDONED = gettext_noop(
    "Bị bỏ dở: quá thời gian chạy tối đa của việc mà chưa xong — tiến trình chạy nó đã dừng giữa chừng "
    "(bị tắt, khởi động lại hoặc hết bộ nhớ)."
)
# Attempts at one slot: a job that brings its worker down every time is not tried forever.
MAX_ATTEMPTS = 3


def slot_claim(
    *, job: Job, slot: datetime, at: datetime, by: str = "", queue: bool = True, attempt: int = 1
) -> JobRun | None:
    """Claim ``attempt`` at ``job``'s ``slot`` (its row and, with ``queue``, the task that runs it: one
    transaction). None when that attempt is claimed already — by whom does not matter."""
    try:
        with transaction.atomic():
            run = JobRun.objects.create(
                job=job.name, slot=slot, attempt=attempt, claimed_at=at, claimed_by=by[:100]
            )
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
    """Record how the run ended. A run declared abandoned meanwhile (it outlived its job's
    ``max_duration``; jobs/schedule.py) gets its real outcome all the same — the row says what happened —
    and the late finish is logged: its slot's next attempt may have run the job again."""
    summary, error = summary[:TEXT_LIMIT], error[:TEXT_LIMIT]
    fields = {"status": status, "finished_at": at, "summary": summary, "error": error}
    mine = JobRun.objects.filter(pk=run.pk)
    if not mine.filter(status=JobRun.Status.RUNNING).update(**fields) and mine.filter(
        status=JobRun.Status.ABANDONED
    ).update(**fields):
        logger.warning(
            "job %s, slot %s, attempt %d: finished after it was declared abandoned",
            run.job,
            _slot(run),
            run.attempt,
        )
    run.status, run.finished_at, run.summary, run.error = status, at, summary, error
    return run


def _max_duration(run: JobRun) -> timedelta:
    job = BY_NAME.get(run.job)
    return job.max_duration if job is not None else DEFAULT_MAX_DURATION


def _abandoned(run: JobRun, now: datetime) -> bool:
    """Whether ``run`` (queued or running) was left by a process that died.

    Running: started longer ago than its job's ``max_duration``. Queued: claimed longer ago than that
    and nothing left to start it — no task (``run_scheduled`` died between its claim and the start), or
    a task that is not waiting any more (the worker that took it died before the start). A queued run
    whose task still waits for a worker is not abandoned: a worker will run it.
    """
    limit = now - _max_duration(run)
    if run.status == JobRun.Status.RUNNING:
        return run.started_at is not None and run.started_at < limit
    if run.claimed_at >= limit:
        return False
    return not (
        run.task_id and DBTaskResult.objects.filter(id=run.task_id, status=TaskResultStatus.READY).exists()
    )


def runs_abandon(*, now: datetime) -> list[JobRun]:
    """Record as abandoned every run left queued or running by a process that died (``_abandoned``): the
    runs abandoned here. One conditional UPDATE each (still in the state read, with the same start), so
    that of several processes looking at once one records it; another finding it done skips it."""
    abandoned = []
    for run in JobRun.objects.filter(status__in=UNFINISHED):
        if not _abandoned(run, now):
            continue
        recorded = JobRun.objects.filter(pk=run.pk, status=run.status, started_at=run.started_at).update(
            status=JobRun.Status.ABANDONED, finished_at=now, error=ABANDONED
        )
        if recorded:
            logger.error(
                "job %s, slot %s, attempt %d: abandoned (%s since %s, unfinished)",
                run.job,
                _slot(run),
                run.attempt,
                run.status,
                (run.started_at or run.claimed_at).isoformat(),
            )
            run.status, run.finished_at, run.error = JobRun.Status.ABANDONED, now, ABANDONED
            abandoned.append(run)
    return abandoned


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
