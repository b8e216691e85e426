"""Each periodic job's task, run as the worker runs it (jobs/schedule.py): against the simulated national
portal for the reconciliation and the catalog's sync, with real signatures for the history's anchors,
real history for its weekly check, and real rows for the retention of the exchange log, the task queue
and the jobs' runs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dossiers.models import DossierEvent, HistoryAnchor
from integrations.models import Exchange, ReconciliationRun
from integrations.services import exchange_log_prune
from jobs.models import JobRun
from jobs.retention import task_results_prune
from jobs.schedule import BY_NAME, PORTAL_NEEDED
from jobs.services import job_execute, run_job, slot_claim
from testing.dossiers import counter_body, vn
from testing.history import triggers_off
from testing.tasks import run_ready_tasks
from testing.web import english, html_of

pytestmark = pytest.mark.django_db

NIGHT = vn(2026, 3, 3, 3, 45)  # every daily slot of 3 March is past


def run_slot(name: str, clock) -> JobRun:
    """Claim ``name``'s latest slot at ``NIGHT`` (queued as its task) and let the worker run it."""
    clock(NIGHT)
    job = BY_NAME[name]
    run = slot_claim(job=job, slot=job.latest_slot(NIGHT), at=NIGHT)
    assert run is not None
    assert run_ready_tasks() == 1
    run.refresh_from_db()
    return run


@pytest.fixture
def filed(api, officer_a, clock) -> str:
    """A counter dossier received on Monday 2 March 2026 (its sync to the portal still queued)."""
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    return str(body["code"])


def test_the_nightly_reconciliation_looks_up_the_previous_day_on_the_portal(
    portal, filed, clock, monitor
) -> None:
    run = run_slot("reconcile_portal", clock)
    reconciliation = ReconciliationRun.objects.get()
    assert (reconciliation.kind, reconciliation.day, reconciliation.checked) == ("daily", date(2026, 3, 2), 1)
    assert [(m.dossier_code, m.kind, m.waiting) for m in reconciliation.mismatches.all()] == [
        (filed, "unknown", True)  # not sent yet: the portal does not know it
    ]
    assert run.status == "succeeded"
    assert run.summary == (
        f"Ngày 02/03/2026: đã tra cứu 1 hồ sơ, 1 hồ sơ lệch với Cổng (lượt đối chiếu số {reconciliation.pk})."
    )
    assert Exchange.objects.filter(operation="TraCuuHoSo", outcome="accepted").exists()
    # The monitor sees when it ran, what it found, and when it runs next.
    client = Client()
    client.force_login(monitor)
    page = client.get("/can-bo/dong-bo/doi-chieu/").content.decode()
    nightly = page.split('id="nightly"')[1].split("</p>")[0]
    assert "Đối chiếu tự động: hằng ngày, 02:00." in nightly
    assert f'<a href="?run={reconciliation.pk}">03:45 03/03/2026</a>' in nightly
    assert "hồ sơ ngày 02/03/2026: 1 hồ sơ, 1 lệch" in nightly
    assert "Lượt tới: 02:00 04/03/2026." in nightly


def test_a_portal_that_does_not_answer_fails_the_reconciliation_with_the_reason(portal, filed, clock) -> None:
    portal.fault("dvcqg", down_seconds=600)
    run = run_slot("reconcile_portal", clock)
    assert run.status == "failed" and "Cổng DVCQG không trả lời" in run.error
    assert run.summary.startswith("Ngày 02/03/2026: đã tra cứu 0 hồ sơ")


def test_without_the_portals_settings_the_reconciliation_is_skipped_and_says_why(
    settings, filed, clock, monitor
) -> None:
    settings.MOTCUA_DVCQG_USERNAME = ""
    run = run_slot("reconcile_portal", clock)
    assert run.status == "skipped" and "MOTCUA_DVCQG_USERNAME" in run.summary
    assert not ReconciliationRun.objects.exists()
    client = Client()
    client.force_login(monitor)
    page = client.get("/can-bo/dong-bo/doi-chieu/").content.decode()
    assert "Chưa có lượt đối chiếu tự động nào." in page
    assert "Lượt 02:00 03/03/2026 bị bỏ qua: Đồng bộ Cổng Dịch vụ công quốc gia chưa bật" in page


def test_a_skips_reason_is_stored_as_its_msgid_and_shown_in_the_pages_language(
    settings, filed, clock, monitor, superuser
) -> None:
    settings.MOTCUA_DVCQG_USERNAME = ""
    run = run_slot("reconcile_portal", clock)
    assert run.summary == PORTAL_NEEDED  # Vietnamese, the msgid
    english_reason = "Sync with the national public service portal is off: set MOTCUA_DVCQG_AUTH_URL"
    listing = html_of(english(superuser), "/quan-tri/jobs/jobrun/")
    assert english_reason in listing and "Đồng bộ Cổng" not in listing
    detail = html_of(english(superuser), f"/quan-tri/jobs/jobrun/{run.pk}/change/")
    assert english_reason in detail and "Đồng bộ Cổng" not in detail
    page = html_of(english(monitor), "/can-bo/dong-bo/doi-chieu/")
    assert f"The run of 02:00 03/03/2026 was skipped: {english_reason}" in page
    vietnamese = Client()
    vietnamese.force_login(superuser)
    assert "Đồng bộ Cổng Dịch vụ công quốc gia chưa bật" in html_of(vietnamese, "/quan-tri/jobs/jobrun/")


def test_the_catalog_sync_brings_every_national_procedure(portal, clock) -> None:
    portal.fault("dvcqg", change_procedure="1.000080")
    run = run_slot("sync_catalog", clock)
    assert (run.status, run.summary) == (
        "succeeded",
        "Đồng bộ 6 thủ tục từ CSDL quốc gia: tạo phiên bản dự thảo 3, không đổi 3, không đồng bộ được 0.",
    )


def test_a_catalog_sync_the_portal_does_not_answer_fails(portal, clock) -> None:
    portal.fault("dvcqg", down_seconds=600)
    run = run_slot("sync_catalog", clock)
    assert run.status == "failed" and run.error.startswith("Không lấy được danh sách TTHC quốc gia")


def test_the_history_is_anchored_for_each_closed_day(filed, clock) -> None:
    run = run_slot("anchor_history", clock)
    anchor = HistoryAnchor.objects.get()
    assert anchor.day == date(2026, 3, 2)
    assert (run.status, run.summary) == (
        "succeeded",
        f"Đã lập 1 mốc (02/03/2026), {anchor.event_count} sự kiện.",
    )


def test_the_weekly_check_fails_on_a_changed_event(filed, clock) -> None:
    event = DossierEvent.objects.filter(dossier__code=filed).order_by("seq").last()
    table = DossierEvent._meta.db_table
    with triggers_off(table), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["Đã sửa", event.pk])
    run = run_slot("verify_history", clock)
    assert run.status == "failed"
    assert "1 bị sửa, 0 bị xóa, 0 bị chèn, 0 mốc không khớp" in run.summary
    assert f"BỊ SỬA   hồ sơ {filed}: nội dung sự kiện #{event.seq}" in run.error


def test_the_exchange_log_keeps_its_days_and_no_more(settings, clock) -> None:
    settings.MOTCUA_EXCHANGE_LOG_DAYS = 400
    for days in (500, 401, 399, 1):
        Exchange.objects.create(
            partner="dvcqg", operation=f"{days}", at=NIGHT - timedelta(days=days), outcome="accepted"
        )
    run = run_slot("prune_exchange_log", clock)
    assert sorted(Exchange.objects.values_list("operation", flat=True)) == ["1", "399"]
    assert (run.status, run.summary) == (
        "succeeded",
        "Đã xóa 2 dòng nhật ký trao đổi ghi trước 03:45 27/01/2025.",
    )


def test_the_retention_deletes_in_batches() -> None:
    now = timezone.now()
    Exchange.objects.bulk_create(
        Exchange(partner="emc", operation="TrackingMCDT", at=now - timedelta(days=500), outcome="accepted")
        for _ in range(5)
    )
    assert exchange_log_prune(before=now - timedelta(days=400), batch=2) == 5
    assert not Exchange.objects.exists()


def test_the_task_queue_and_the_jobs_runs_keep_their_days_and_no_more(settings, clock) -> None:
    settings.MOTCUA_TASK_RESULT_DAYS = 30
    settings.MOTCUA_JOB_RUN_DAYS = 400
    tasks = {}
    # Each task queued, taken and ended as the worker does it, at its time.
    for name, days, outcome in [
        ("succeeded long ago", 31, "successful"),
        ("failed long ago", 31, "failed"),
        ("succeeded lately", 29, "successful"),
        ("left running by a dead worker", 31, "running"),
        ("running now", 0, "running"),
        ("waiting for a worker", 40, "ready"),
    ]:
        clock(NIGHT - timedelta(days=days, minutes=1))
        result = DBTaskResult.objects.get(id=run_job.enqueue(0).id)
        if outcome != "ready":
            result.claim("a worker")
        if outcome == "successful":
            result.set_successful("succeeded")
        elif outcome == "failed":
            result.set_failed(RuntimeError("a failure"))
        tasks[result.pk] = name
    prune = BY_NAME["prune_exchange_log"]
    # The 401-day-old slot abandoned once, then succeeded; the 399-day-old one failed.
    for days, attempt, status in [(401, 1, "abandoned"), (401, 2, "succeeded"), (399, 1, "failed")]:
        JobRun.objects.create(
            job=prune.name,
            slot=prune.latest_slot(NIGHT - timedelta(days=days)),
            attempt=attempt,
            claimed_at=NIGHT,
            status=status,
        )
    anchor = BY_NAME["anchor_history"]  # its latest run is old: kept all the same
    JobRun.objects.create(
        job=anchor.name, slot=anchor.latest_slot(NIGHT - timedelta(days=500)), claimed_at=NIGHT
    )
    JobRun.objects.filter(job=anchor.name).update(status="succeeded")

    # Run as cron runs it (here, not queued: the waiting task above is left waiting).
    clock(NIGHT)
    job = BY_NAME["prune_task_results"]
    claimed = slot_claim(job=job, slot=job.latest_slot(NIGHT), at=NIGHT, queue=False)
    assert claimed is not None
    run = job_execute(claimed)

    kept = sorted(tasks[pk] for pk in DBTaskResult.objects.values_list("id", flat=True) if pk in tasks)
    assert kept == ["running now", "succeeded lately", "waiting for a worker"]
    assert sorted(
        (r.job, timezone.localtime(r.slot).date().isoformat(), r.status)
        for r in JobRun.objects.exclude(pk=run.pk)
    ) == [
        ("anchor_history", "2024-10-19", "succeeded"),
        ("prune_exchange_log", "2025-01-28", "failed"),
    ]
    assert (run.status, run.summary) == (
        "succeeded",
        "Đã xóa 3 tác vụ nền xong trước 03:45 01/02/2026 và 2 lượt chạy việc định kỳ trước 03:45 27/01/2025.",
    )


def test_the_retention_of_the_task_queue_deletes_in_batches(clock) -> None:
    clock(NIGHT - timedelta(days=40))
    for _ in range(5):
        result = DBTaskResult.objects.get(id=run_job.enqueue(0).id)
        result.claim("a worker")
        result.set_successful("succeeded")
    clock(NIGHT)
    assert task_results_prune(before=NIGHT - timedelta(days=30), batch=2) == 5
    assert not DBTaskResult.objects.exists()
