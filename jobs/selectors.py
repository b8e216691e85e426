"""What the periodic jobs did and will do (``manage.py run_scheduled --list``, the monitor's page of
reconciliations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jobs.models import JobRun
from jobs.schedule import BY_NAME, JOBS, Job


@dataclass(frozen=True)
class JobState:
    job: Job
    last: JobRun | None  # the last attempt at its latest claimed slot
    next_slot: datetime


def job_state(name: str, *, now: datetime) -> JobState:
    job = BY_NAME[name]
    last = JobRun.objects.filter(job=name).order_by("-slot", "-attempt").first()
    return JobState(job, last, job.next_slot(now))


def job_states(*, now: datetime) -> list[JobState]:
    return [job_state(job.name, now=now) for job in JOBS]
