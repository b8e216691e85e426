"""A run whose worker was killed mid-job (jobs/services.py ``runs_abandon``, docs/adr/0022 addendum): left
running (or queued with its task taken) past its job's ``max_duration``, it is recorded as abandoned with
the reason by the next look at the schedule, and the slot's next attempt — a row of its own — is claimed
and run if the slot is still the job's latest. A run still within its time is left alone.

The state a killed worker leaves is made with the worker's own steps: the slot claimed with its task,
the task claimed as django-tasks-db's worker claims it, the run started — then nothing more."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from jobs.models import JobRun
from jobs.schedule import BY_NAME, DEFAULT_MAX_DURATION
from jobs.scheduler import tick
from jobs.services import ABANDONED, MAX_ATTEMPTS, run_finish, run_start, runs_abandon, slot_claim
from testing.dossiers import vn
from testing.tasks import run_ready_tasks

JOB = BY_NAME["prune_exchange_log"]  # daily at 03:30, nothing it needs, one hour at most
SLOT = vn(2026, 3, 3, 3, 30)


@pytest.fixture(autouse=True)
def one_job(monkeypatch) -> None:
    """The schedule of this one job: the others' slots would be claimed (and run) beside it."""
    monkeypatch.setattr("jobs.scheduler.JOBS", (JOB,))


def killed_mid_job(*, started: datetime, slot: datetime = SLOT, attempt: int = 1) -> JobRun:
    """The run a worker killed mid-job leaves: claimed, its task taken, started, never finished."""
    run = slot_claim(job=JOB, slot=slot, at=started, by="worker killed", attempt=attempt)
    assert run is not None
    DBTaskResult.objects.get(id=run.task_id).claim("worker killed")
    assert run_start(run=run, at=started)
    return run


@pytest.mark.django_db
def test_a_run_left_running_past_its_limit_is_abandoned_and_its_slot_runs_again(clock) -> None:
    killed = killed_mid_job(started=vn(2026, 3, 3, 3, 31))
    now = vn(2026, 3, 3, 3, 31) + DEFAULT_MAX_DURATION + timedelta(minutes=1)
    clock(now)
    claimed = tick(now=now, by="worker B")
    killed.refresh_from_db()
    assert (killed.status, killed.finished_at, killed.error) == ("abandoned", now, ABANDONED)
    assert killed.summary == ""
    # The same look claims the slot again: attempt 2, with its own task, which a worker then runs.
    assert [(run.job, run.slot, run.attempt, run.claimed_by) for run in claimed] == [
        (JOB.name, SLOT, 2, "worker B")
    ]
    assert run_ready_tasks() == 1
    retried = JobRun.objects.get(job=JOB.name, slot=SLOT, attempt=2)
    assert retried.status == "succeeded" and retried.summary.startswith("Đã xóa 0 dòng")
    assert tick(now=now + timedelta(minutes=1)) == []  # done: nothing more for the slot
    # Shown translated on an English page (the reason is stored as its msgid).
    with translation.override("en"):
        assert killed.error_text.startswith("Abandoned: the job's maximum running time passed")
    with translation.override("vi"):
        assert killed.error_text == ABANDONED


@pytest.mark.django_db
def test_a_run_within_its_limit_is_left_alone(clock) -> None:
    live = killed_mid_job(started=vn(2026, 3, 3, 3, 31))
    now = vn(2026, 3, 3, 3, 31) + DEFAULT_MAX_DURATION - timedelta(minutes=1)
    clock(now)
    assert runs_abandon(now=now) == []
    assert tick(now=now) == []
    live.refresh_from_db()
    assert (live.status, live.finished_at, live.error) == ("running", None, "")
    assert not JobRun.objects.filter(job=JOB.name, attempt=2).exists()


@pytest.mark.django_db
def test_each_job_has_its_own_limit(clock) -> None:
    """The catalog's sync may run four hours: at two it is alive, at four and a bit it is not."""
    sync = BY_NAME["sync_catalog"]
    run = slot_claim(job=sync, slot=vn(2026, 3, 3, 2, 15), at=vn(2026, 3, 3, 2, 15))
    assert run is not None and run_start(run=run, at=vn(2026, 3, 3, 2, 16))
    assert sync.max_duration == timedelta(hours=4)
    assert runs_abandon(now=vn(2026, 3, 3, 4, 16)) == []
    assert [r.pk for r in runs_abandon(now=vn(2026, 3, 3, 6, 17))] == [run.pk]


@pytest.mark.django_db
def test_a_queued_run_is_abandoned_only_when_nothing_is_left_to_start_it() -> None:
    now = SLOT + DEFAULT_MAX_DURATION + timedelta(minutes=5)
    # Waiting for a worker (none running for an hour): a worker will run it — left alone.
    waiting = slot_claim(job=JOB, slot=SLOT, at=SLOT)
    assert waiting is not None
    assert runs_abandon(now=now) == []
    # Its task taken by a worker that died before starting the run: abandoned.
    DBTaskResult.objects.get(id=waiting.task_id).claim("worker killed")
    # Claimed by cron's run_scheduled (no task), which died before starting it: abandoned.
    anchor = BY_NAME["anchor_history"]
    by_cron = slot_claim(job=anchor, slot=vn(2026, 3, 3, 1, 30), at=SLOT, queue=False)
    assert by_cron is not None
    assert sorted(run.pk for run in runs_abandon(now=now)) == sorted([waiting.pk, by_cron.pk])
    assert set(JobRun.objects.values_list("status", flat=True)) == {"abandoned"}


@pytest.mark.django_db
def test_a_slot_that_is_not_the_latest_any_more_is_not_tried_again(clock) -> None:
    killed_mid_job(started=vn(2026, 3, 3, 3, 31))
    now = vn(2026, 3, 4, 3, 40)  # the next night's slot is due
    claimed = tick(now=now)
    assert JobRun.objects.get(job=JOB.name, slot=SLOT).status == "abandoned"
    assert [(run.slot, run.attempt) for run in claimed] == [(vn(2026, 3, 4, 3, 30), 1)]
    assert not JobRun.objects.filter(job=JOB.name, slot=SLOT, attempt=2).exists()


@pytest.mark.django_db
def test_a_slot_is_tried_at_most_max_attempts_times() -> None:
    started = vn(2026, 3, 3, 3, 31)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        killed_mid_job(started=started, attempt=attempt)
        started += DEFAULT_MAX_DURATION + timedelta(minutes=1)
    assert tick(now=started) == []
    assert list(JobRun.objects.filter(job=JOB.name).order_by("attempt").values_list("attempt", "status")) == [
        (1, "abandoned"),
        (2, "abandoned"),
        (3, "abandoned"),
    ]


@pytest.mark.django_db
def test_a_run_that_finishes_after_it_was_declared_abandoned_records_its_outcome(caplog) -> None:
    slow = killed_mid_job(started=vn(2026, 3, 3, 3, 31))
    late = vn(2026, 3, 3, 4, 40)
    assert runs_abandon(now=late) != []
    run_finish(run=slow, status=JobRun.Status.SUCCEEDED, at=late, summary="Đã xóa 0 dòng.")
    slow.refresh_from_db()
    assert (slow.status, slow.summary, slow.error) == ("succeeded", "Đã xóa 0 dòng.", "")
    assert "finished after it was declared abandoned" in caplog.text


WORKERS = 4


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_workers_looking_at_once_abandon_the_run_once_and_claim_its_slot_once() -> None:
    """Several schedulers at the same moment, each with its own connection and real commits
    (PostgreSQL: conditional UPDATEs on one row, inserts on one unique key; SQLite: the database lock)."""
    killed = killed_mid_job(started=vn(2026, 3, 3, 3, 31))
    now = vn(2026, 3, 3, 3, 31) + DEFAULT_MAX_DURATION + timedelta(minutes=1)
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []
    abandoned: list[int] = []
    claimed: list[tuple[str, int]] = []
    lock = threading.Lock()

    def look(name: str) -> None:
        try:
            barrier.wait()
            gone = runs_abandon(now=now)
            runs = tick(now=now, by=name)
            with lock:
                abandoned.extend(run.pk for run in gone)
                claimed.extend((run.job, run.attempt) for run in runs)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=look, args=(f"worker {n}",)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert abandoned == [killed.pk]
    assert claimed == [(JOB.name, 2)]
    assert JobRun.objects.filter(job=JOB.name, slot=SLOT).count() == 2
