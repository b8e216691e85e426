"""Keeping the schedule (docs/adr/0022): look at every job's latest slot and claim those not claimed yet.

``tick(now)`` is the whole of it. Each worker process (``manage.py run_tasks``) calls it from a thread of
its own (``Scheduler``) at start and then every 36 to 45 seconds; ``manage.py run_scheduled`` calls it
once (cron). Any number of them may look at once: the unique (job, slot) row lets one claim a slot.
Only each job's *latest* slot is looked at, so after a downtime the slot missed last is run once and the
ones before it are not; a job never run before runs its latest slot at the first look.

A run whose process died mid-job is recorded as abandoned at the first look after its job's
``max_duration`` (``runs_abandon``); if its slot is still the job's latest, the same look claims the
slot's next attempt — a row of its own, unique per (job, slot, attempt), so that again one process
claims it — up to ``MAX_ATTEMPTS`` attempts. A slot that is no longer the latest is not tried again:
the job's newer slot runs instead, as after a downtime.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from datetime import datetime

from django.db import connection
from django.utils import timezone

from jobs.models import JobRun
from jobs.schedule import JOBS
from jobs.services import MAX_ATTEMPTS, runs_abandon, slot_claim

logger = logging.getLogger("motcua.jobs")

CHECK_SECONDS = 45.0


def process_name() -> str:
    """Who claims (kept on the run): host, process and a random part; at most 64 characters."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def tick(*, now: datetime, by: str = "", queue: bool = True) -> list[JobRun]:
    """Claim each job's latest slot at or before ``now`` that nobody claimed (queued as a task with
    ``queue``, else left for the caller to run), and the next attempt at a latest slot whose last
    attempt was abandoned: the runs claimed here. Two reads when nothing is due (the runs of the latest
    slots; the unfinished runs, to find those abandoned)."""
    runs_abandon(now=now)
    slots = {job.name: job.latest_slot(now) for job in JOBS}
    last_attempt: dict[tuple[str, datetime], tuple[int, str]] = {}
    for job_name, slot, attempt, status in JobRun.objects.filter(
        job__in=slots, slot__in=set(slots.values())
    ).values_list("job", "slot", "attempt", "status"):
        if attempt > last_attempt.get((job_name, slot), (0, ""))[0]:
            last_attempt[(job_name, slot)] = (attempt, status)
    runs = []
    for job in JOBS:
        slot = slots[job.name]
        attempt, status = last_attempt.get((job.name, slot), (0, ""))
        if attempt and (status != JobRun.Status.ABANDONED or attempt >= MAX_ATTEMPTS):
            continue  # claimed; or abandoned as often as a slot may be
        run = slot_claim(job=job, slot=slot, at=now, by=by, queue=queue, attempt=attempt + 1)
        if run is not None:
            logger.info(
                "job %s, slot %s, attempt %d: claimed by %s", job.name, slot.isoformat(), attempt + 1, by
            )
            runs.append(run)
    return runs


class Scheduler(threading.Thread):
    """The schedule kept from a thread of a worker process, with its own database connection (closed
    after each look: one look every ~40 s does not need it kept)."""

    def __init__(self, *, by: str, every: float = CHECK_SECONDS) -> None:
        super().__init__(name="motcua-scheduler", daemon=True)
        self.by, self.every = by, every
        self._told_to_stop = threading.Event()

    def stop(self) -> None:
        self._told_to_stop.set()

    def run(self) -> None:
        while True:
            try:
                self.check()
            finally:
                connection.close()  # this thread's own
            # Jittered, so that workers started together do not look together.
            if self._told_to_stop.wait(self.every * random.uniform(0.8, 1.0)):
                return

    def check(self) -> list[JobRun]:
        try:
            return tick(now=timezone.now(), by=self.by)
        except Exception:
            # The database gone for a moment (or a bug): logged, and the thread goes on — the next look
            # claims what this one could not.
            logger.exception("scheduler %s: the look at the schedule failed, looking again later", self.by)
            return []
