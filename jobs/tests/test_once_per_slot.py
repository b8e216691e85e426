"""Once per slot whatever the number of processes (docs/adr/0022): several schedulers looking at the same
moment — threads, each with its own database connection, real commits — claim each slot once and queue
its task once; and the worker command, as a process runs it, claims and runs the jobs due.

On PostgreSQL the second insert of a (job, slot) waits for the first to commit and then fails on the
unique constraint; on SQLite the writers queue on the database lock and the later one finds the row. The
same test runs on both."""

from __future__ import annotations

import io
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.models import DBTaskResult

from jobs.models import JobRun
from jobs.schedule import JOBS
from jobs.scheduler import Scheduler, tick
from testing.dossiers import vn

SCHEDULERS = 4
ROUNDS = 3  # three nights, looked at by every scheduler at once


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_schedulers_looking_at_once_claim_each_slot_once() -> None:
    barrier = threading.Barrier(SCHEDULERS)
    errors: list[BaseException] = []
    claimed: list[tuple[str, int, str]] = []
    lock = threading.Lock()

    def look(name: str) -> None:
        try:
            for night in range(ROUNDS):
                now = vn(2026, 3, 3, 4, 0) + timedelta(days=night)
                barrier.wait()
                runs = tick(now=now, by=name)
                with lock:
                    claimed.extend((run.job, night, name) for run in runs)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
            barrier.abort()
        finally:
            connection.close()

    threads = [threading.Thread(target=look, args=(f"scheduler {n}",)) for n in range(SCHEDULERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    # Every daily job each night, the weekly one once (its Sunday slot stays the latest): each once.
    per_slot = Counter((job, night) for job, night, _ in claimed)
    assert set(per_slot.values()) == {1}
    assert len(per_slot) == (len(JOBS) - 1) * ROUNDS + 1
    runs = list(JobRun.objects.all())
    assert len(runs) == len(per_slot)
    tasks = list(DBTaskResult.objects.values_list("id", flat=True))
    assert sorted(str(t) for t in tasks) == sorted(run.task_id for run in runs)  # one task per slot


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_the_worker_command_claims_the_due_slots_and_runs_their_tasks(settings) -> None:
    settings.MOTCUA_DVCQG_API_URL = ""
    out = io.StringIO()
    call_command("run_tasks", "--once", stdout=out)
    assert f"{len(JOBS)} slot(s) claimed" in out.getvalue()
    statuses = dict(JobRun.objects.values_list("job", "status"))
    assert statuses == {
        "anchor_history": "succeeded",
        "reconcile_portal": "skipped",
        "sync_catalog": "skipped",
        "verify_history": "succeeded",
        "prune_exchange_log": "succeeded",
        "rank_procedures": "succeeded",
        "prune_task_results": "succeeded",
    }
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    out = io.StringIO()
    call_command("run_tasks", "--once", stdout=out)
    assert "0 slot(s) claimed" in out.getvalue()


@pytest.mark.usefixtures("reference_data_kept")
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_thread_looks_when_it_starts_and_stops_when_told() -> None:
    """What ``run_tasks`` starts beside its worker: a look at once, then one every ``every`` seconds."""
    scheduler = Scheduler(by="thread of a worker", every=3600)
    scheduler.start()
    try:
        deadline = time.monotonic() + 60
        while JobRun.objects.count() < len(JOBS) and time.monotonic() < deadline:
            time.sleep(0.05)  # waits for the thread's first look, not a timing assertion
    finally:
        scheduler.stop()
        scheduler.join(timeout=60)
    assert not scheduler.is_alive()
    assert set(JobRun.objects.values_list("claimed_by", flat=True)) == {"thread of a worker"}
    assert DBTaskResult.objects.count() == len(JOBS)
