"""Keeping the schedule (jobs/scheduler.py, jobs/services.py, docs/adr/0022): each job's latest slot is
claimed once, with its task in the same transaction; after a downtime only the latest missed slot runs;
cron's ``run_scheduled`` runs what is due in its own process and lists the schedule; a run records how
it ended — succeeded, failed with the error (or the traceback), or skipped with the reason."""

from __future__ import annotations

import dataclasses
import io
import logging

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import JobRun
from jobs.schedule import BY_NAME
from jobs.scheduler import tick
from jobs.services import job_execute
from testing.dossiers import counter_body, vn
from testing.tasks import run_ready_tasks

pytestmark = pytest.mark.django_db

TUESDAY = vn(2026, 3, 3, 9, 0)


def slots(runs) -> dict[str, object]:
    return {run.job: timezone.localtime(run.slot) for run in runs}


def run_scheduled(*args: str) -> str:
    out = io.StringIO()
    call_command("run_scheduled", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_each_jobs_latest_slot_is_claimed_once_with_its_task() -> None:
    runs = tick(now=TUESDAY, by="worker A")
    assert slots(runs) == {
        "anchor_history": vn(2026, 3, 3, 1, 30),
        "reconcile_portal": vn(2026, 3, 3, 2, 0),
        "sync_catalog": vn(2026, 3, 3, 2, 15),
        "verify_history": vn(2026, 3, 1, 3, 0),  # Sundays
        "prune_exchange_log": vn(2026, 3, 3, 3, 30),
        "rank_procedures": vn(2026, 3, 3, 3, 45),
        "prune_task_results": vn(2026, 3, 3, 4, 0),
    }
    tasks = {str(task.id): task for task in DBTaskResult.objects.all()}
    assert {run.task_id for run in runs} == tasks.keys()
    for run in runs:
        assert (run.status, run.claimed_by) == ("queued", "worker A")
        task = tasks[run.task_id]
        assert (task.task_path, task.args_kwargs) == (
            "jobs.services.run_job",
            {"args": [run.pk], "kwargs": {}},
        )
    # Any later look before the next slots claims nothing, whoever looks.
    assert tick(now=TUESDAY, by="worker B") == []
    assert tick(now=vn(2026, 3, 4, 1, 29), by="worker B") == []
    assert slots(tick(now=vn(2026, 3, 4, 1, 30), by="worker B")) == {"anchor_history": vn(2026, 3, 4, 1, 30)}
    assert DBTaskResult.objects.count() == JobRun.objects.count() == 8


def test_after_a_downtime_the_latest_missed_slot_runs_once() -> None:
    tick(now=TUESDAY)
    # Nothing looked from Tuesday morning to Monday morning: five nights and a Sunday missed.
    runs = tick(now=vn(2026, 3, 9, 8, 0))
    assert slots(runs) == {
        "anchor_history": vn(2026, 3, 9, 1, 30),
        "reconcile_portal": vn(2026, 3, 9, 2, 0),
        "sync_catalog": vn(2026, 3, 9, 2, 15),
        "verify_history": vn(2026, 3, 8, 3, 0),
        "prune_exchange_log": vn(2026, 3, 9, 3, 30),
        "rank_procedures": vn(2026, 3, 9, 3, 45),
        "prune_task_results": vn(2026, 3, 9, 4, 0),
    }
    assert JobRun.objects.count() == 14
    assert tick(now=vn(2026, 3, 9, 8, 1)) == []


def test_the_worker_runs_the_queued_jobs_and_records_each_outcome(settings, clock, caplog) -> None:
    settings.MOTCUA_DVCQG_API_URL = ""  # the national portal not configured
    clock(TUESDAY)
    tick(now=TUESDAY)
    with caplog.at_level(logging.WARNING, logger="motcua.jobs"):
        assert run_ready_tasks() == 7
    runs = {run.job: run for run in JobRun.objects.all()}
    assert {name: run.status for name, run in runs.items()} == {
        "anchor_history": "succeeded",
        "reconcile_portal": "skipped",
        "sync_catalog": "skipped",
        "verify_history": "succeeded",
        "prune_exchange_log": "succeeded",
        "rank_procedures": "succeeded",
        "prune_task_results": "succeeded",
    }
    skipped = runs["reconcile_portal"]
    assert "Đồng bộ Cổng Dịch vụ công quốc gia chưa bật" in skipped.summary
    assert skipped.started_at == skipped.finished_at == TUESDAY
    assert "job reconcile_portal, slot 2026-03-03T02:00:00+07:00: skipped: Đồng bộ Cổng" in caplog.text
    assert runs["verify_history"].summary.startswith("Đã kiểm tra 0 sự kiện")
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # A run is executed once: a second execution of the same run leaves it as it was.
    again = job_execute(runs["verify_history"])
    assert (again.status, again.finished_at) == ("succeeded", TUESDAY)


def test_a_job_that_raises_is_recorded_as_failed_with_its_traceback(monkeypatch, clock) -> None:
    def broken(slot):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setitem(
        BY_NAME, "prune_exchange_log", dataclasses.replace(BY_NAME["prune_exchange_log"], work=broken)
    )
    clock(TUESDAY)
    tick(now=TUESDAY)
    run_ready_tasks()
    run = JobRun.objects.get(job="prune_exchange_log")
    assert run.status == "failed" and run.finished_at == TUESDAY
    assert "Traceback" in run.error and "ZeroDivisionError: division by zero" in run.error
    assert not JobRun.objects.filter(status__in=["queued", "running"]).exists()  # the others ran too


def test_cron_runs_what_is_due_in_its_own_process_and_lists_the_schedule(settings, clock) -> None:
    settings.MOTCUA_DVCQG_API_URL = ""
    clock(TUESDAY)
    out = run_scheduled()
    assert "reconcile_portal (02:00 03/03/2026): bỏ qua. Đồng bộ Cổng Dịch vụ công quốc gia chưa bật" in out
    assert "verify_history (03:00 01/03/2026): xong. Đã kiểm tra 0 sự kiện" in out
    assert not DBTaskResult.objects.exists()  # run here, not queued
    assert {run.claimed_by.split(" ")[0] for run in JobRun.objects.all()} == {"run_scheduled"}
    assert run_scheduled() == ""  # nothing due any more
    listing = run_scheduled("--list")
    assert "reconcile_portal: Đối chiếu hồ sơ ngày hôm trước với Cổng DVCQG — hằng ngày, 02:00" in listing
    assert "lượt tới 02:00 04/03/2026" in listing
    assert (
        "verify_history: Kiểm tra toàn vẹn nhật ký hồ sơ — Chủ nhật hằng tuần, 03:00; lượt tới 03:00 08/03/2026"
        in listing
    )
    assert "  lượt 03:00 01/03/2026: xong." in listing


def test_cron_exits_non_zero_when_a_job_failed(settings, clock, api, officer_a) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    assert api(officer_a).post("dossiers", counter_body())[0] == 201  # a day to anchor
    settings.MOTCUA_HISTORY_SIGNER = "000.00.99.H99"  # no such agency: the anchors cannot be signed
    clock(TUESDAY)
    with pytest.raises(CommandError, match="1 việc định kỳ bị lỗi"):
        run_scheduled()
    run = JobRun.objects.get(job="anchor_history")
    assert (run.status, run.error) == ("failed", "MOTCUA_HISTORY_SIGNER: không có cơ quan mã 000.00.99.H99.")


def test_a_list_before_any_run() -> None:
    assert "  chưa chạy lần nào" in run_scheduled("--list")
