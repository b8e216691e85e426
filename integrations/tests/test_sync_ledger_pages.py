"""The sync ledger and the reconciliations as the staff see them (web/workspace_sync.py, the dossier
page): what became of each message to the simulated portal — accepted, refused with the portal's
message, tried and waiting — on the officer's dossier page, and for the monitor as a filtered,
paginated list and a check of the overdue dossiers against the portal."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from integrations.models import Exchange, ReconciliationRun
from testing.dossiers import COMMUNE_B, counter_body, vn
from testing.tasks import run_ready_tasks

pytestmark = pytest.mark.django_db


def _deliver() -> None:
    call_command("deliver_outbox", "--until-empty", stdout=io.StringIO())


def _file(api, officer) -> str:
    status, body = api(officer).post("dossiers", counter_body())
    assert status == 201, body
    return str(body["code"])


def _page(user, url: str, **headers) -> tuple[int, str]:
    client = Client()
    client.force_login(user)
    response = client.get(url, headers=headers)
    return response.status_code, response.content.decode()


@pytest.fixture
def synced(portal, api, officer_a, officer_b, clock):
    """Four dossiers filed on 2 March 2026: commune A's accepted, refused, and waiting (portal down),
    and commune B's accepted."""
    clock(vn(2026, 3, 2, 9, 0))
    accepted, other = _file(api, officer_a), _file(api, officer_b)
    _deliver()
    clock(vn(2026, 3, 2, 10, 0))
    refused = _file(api, officer_a)
    portal.fault("dvcqg", refuse_calls=1, refuse_code="7", refuse_message="Mã TTHC không có trên Cổng")
    _deliver()
    clock(vn(2026, 3, 2, 11, 0))
    waiting = _file(api, officer_a)
    portal.fault("dvcqg", down_seconds=60)
    _deliver()
    portal.fault("dvcqg", up=True)
    return {"accepted": accepted, "refused": refused, "waiting": waiting, "other": other}


def test_the_officers_dossier_page_shows_its_ledger(synced, officer_a) -> None:
    status, page = _page(officer_a, f"/can-bo/ho-so/{synced['accepted']}/")
    assert status == 200
    assert "Đồng bộ Cổng Dịch vụ công quốc gia" in page and "được Cổng chấp nhận" in page
    status, page = _page(officer_a, f"/can-bo/ho-so/{synced['refused']}/")
    assert "bị Cổng từ chối" in page and "mã 7: Mã TTHC không có trên Cổng" in page
    status, page = _page(officer_a, f"/can-bo/ho-so/{synced['waiting']}/")
    assert "đã gửi, chưa được Cổng xác nhận" in page and "Không kết nối được" in page


def test_the_monitor_lists_and_filters_every_dossiers_messages(synced, monitor) -> None:
    status, page = _page(monitor, "/can-bo/dong-bo/")
    assert status == 200
    assert all(code in page for code in synced.values())
    assert "4 bản tin đồng bộ" in page  # one per counter dossier (filed and received at once)

    status, page = _page(monitor, "/can-bo/dong-bo/?state=refused")
    assert synced["refused"] in page and "Mã TTHC không có trên Cổng" in page
    assert synced["accepted"] not in page and synced["waiting"] not in page
    status, page = _page(monitor, f"/can-bo/dong-bo/?agency={COMMUNE_B}")
    assert synced["other"] in page and synced["accepted"] not in page
    status, page = _page(monitor, f"/can-bo/dong-bo/?code={synced['waiting']}&state=sent")
    assert "1 bản tin đồng bộ" in page
    status, page = _page(monitor, "/can-bo/dong-bo/?date_from=2026-03-03")
    assert "0 bản tin đồng bộ" in page
    status, page = _page(monitor, "/can-bo/dong-bo/?date_from=2026-03-02&date_to=2026-03-02")
    assert "4 bản tin đồng bộ" in page
    # htmx asks for the results only.
    status, page = _page(monitor, "/can-bo/dong-bo/?state=accepted", **{"HX-Request": "true"})
    assert status == 200 and "<html" not in page and "2 bản tin đồng bộ" in page


def test_bad_filters_are_answered_in_words(synced, monitor) -> None:
    for query in (
        "date_from=2026-02-31",
        "date_from=2026-03-05&date_to=2026-03-01",
        "state=nothing",
        "agency=không-có",
        "page=abc",
        "code=" + "x" * 500,
    ):
        status, page = _page(monitor, f"/can-bo/dong-bo/?{query}")
        assert status == 200, query
    status, page = _page(monitor, "/can-bo/dong-bo/?date_from=2026-03-05&date_to=2026-03-01")
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in page


def test_the_monitor_checks_the_overdue_dossiers_against_the_portal(synced, monitor, clock) -> None:
    """The button queues the check and answers at once; the page says it is in progress and polls the
    run (htmx) until the background worker has done it; then the run's result is there."""
    clock(vn(2026, 3, 9, 9, 0))  # one working day each: all four overdue now
    status, page = _page(monitor, "/bao-cao/qua-han/")
    assert status == 200 and "Đối chiếu với Cổng DVCQG" in page
    client = Client()
    client.force_login(monitor)
    response = client.post("/can-bo/dong-bo/doi-chieu/")
    run = ReconciliationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/can-bo/dong-bo/doi-chieu/?run={run.pk}"
    assert (run.kind, run.started_by, run.finished_at, run.checked) == ("overdue", monitor, None, 0)
    assert not Exchange.objects.filter(operation="TraCuuHoSo").exists()  # nothing asked in the request
    page = client.get(response["Location"]).content.decode()
    assert "Đang kiểm tra…" in page and 'hx-trigger="every 2s"' in page
    assert "đang kiểm tra…" in page.split("Các lượt đối chiếu gần đây")[1]
    # What the page polls while it runs: the run's section alone, still polling.
    part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<section class="card" id="run"') and "Đang kiểm tra…" in part

    assert run_ready_tasks() == 1  # the background worker
    run.refresh_from_db()
    assert run.checked == 4 and run.finished_at is not None
    part = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in part and "Đang kiểm tra" not in part  # done: the polling stops
    assert synced["refused"] in part and synced["waiting"] in part and "Cổng chưa có hồ sơ" in part
    assert synced["accepted"] not in part
    assert "Còn bản tin đồng bộ chưa gửi được" in part  # the waiting one
    page = client.get(response["Location"]).content.decode()
    assert synced["refused"] in page and "Đã tra cứu 4 hồ sơ, 2 hồ sơ lệch." in page


def test_a_second_click_while_a_check_runs_starts_no_other(synced, monitor, superuser, clock) -> None:
    clock(vn(2026, 3, 9, 9, 0))
    client = Client()
    client.force_login(monitor)
    first = client.post("/can-bo/dong-bo/doi-chieu/")
    clock(vn(2026, 3, 9, 9, 1))
    second = client.post("/can-bo/dong-bo/doi-chieu/", follow=True)
    run = ReconciliationRun.objects.get()
    assert second.redirect_chain == [(first["Location"], 302)]
    assert "Lượt đối chiếu bạn yêu cầu lúc 09:00 09/03/2026 chưa xong: chưa bắt đầu lượt mới." in (
        second.content.decode()
    )
    assert DBTaskResult.objects.count() == 1
    # Another monitor's check is theirs: it is queued beside it.
    other = Client()
    other.force_login(superuser)
    other.post("/can-bo/dong-bo/doi-chieu/")
    assert ReconciliationRun.objects.count() == DBTaskResult.objects.count() == 2
    # Once it is done, the monitor may check again.
    assert run_ready_tasks() == 2
    client.post("/can-bo/dong-bo/doi-chieu/")
    assert ReconciliationRun.objects.filter(started_by=monitor).count() == 2
    assert ReconciliationRun.objects.get(pk=run.pk).checked == 4


def test_a_check_that_never_finished_is_closed_when_asked_again(synced, monitor, clock) -> None:
    """No worker ran it (or its worker died): after half an hour a new click closes it and queues anew;
    the old task, should a worker reach it later, leaves the closed run alone."""
    clock(vn(2026, 3, 9, 9, 0))
    client = Client()
    client.force_login(monitor)
    client.post("/can-bo/dong-bo/doi-chieu/")
    clock(vn(2026, 3, 9, 9, 31))
    client.post("/can-bo/dong-bo/doi-chieu/")
    old, new = ReconciliationRun.objects.order_by("pk")
    assert old.finished_at == vn(2026, 3, 9, 9, 31) and "không xong sau 30 phút" in old.error
    assert new.finished_at is None
    assert run_ready_tasks() == 2
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.checked, new.checked) == (0, 4)


def test_other_staff_cannot_open_the_monitors_pages(synced, officer_a, province_admin, clock) -> None:
    for user in (officer_a, province_admin):
        for url in ("/can-bo/dong-bo/", "/can-bo/dong-bo/doi-chieu/"):
            assert _page(user, url)[0] == 403
    status, page = _page(officer_a, "/bao-cao/qua-han/")
    assert status == 200 and "Đối chiếu với Cổng DVCQG" not in page


def test_an_unknown_run_is_not_found(portal, monitor) -> None:
    assert _page(monitor, "/can-bo/dong-bo/doi-chieu/?run=99999")[0] == 404
    assert _page(monitor, "/can-bo/dong-bo/doi-chieu/?run=abc")[0] == 404
    status, page = _page(monitor, "/can-bo/dong-bo/doi-chieu/")
    assert status == 200 and "Chưa có lượt đối chiếu nào." in page


def test_dead_and_cancelled_messages_read_as_such(portal, api, officer_a, superuser, clock, settings) -> None:
    from dossiers.models import Dossier
    from integrations.selectors import dossier_sync_ledger
    from outbox.models import OutboxMessage
    from outbox.services import message_cancel

    settings.MOTCUA_OUTBOX_MAX_ATTEMPTS = 1
    clock(vn(2026, 3, 2, 9, 0))
    dead, cancelled = _file(api, officer_a), _file(api, officer_a)
    message_cancel(
        message=OutboxMessage.objects.get(dossier_code=cancelled, topic="portal.sync"), actor=superuser
    )
    portal.fault("dvcqg", down_seconds=60)
    _deliver()
    [entry] = dossier_sync_ledger(dossier=Dossier.objects.get(code=dead))
    assert (entry.state, entry.state_label) == ("dead", "gửi không được, chờ xử lý")
    assert "Không kết nối được" in entry.answer
    [entry] = dossier_sync_ledger(dossier=Dossier.objects.get(code=cancelled))
    assert (entry.state, entry.message.attempts) == ("cancelled", 0)
