"""Reconciliation with the national portal (integrations/dvcqg/reconcile.py, ``manage.py
reconcile_portal``): ``TraCuuHoSo`` over real HTTP against the simulated portal; the dossiers it does not
know or shows in another status are recorded, a dossier whose sync is still queued is marked as such,
and a portal off, down or refusing stops the run with the reason."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dossiers.models import Dossier
from integrations.dvcqg.reconcile import Ours, compare, reconcile_dossiers
from integrations.models import Exchange, Mismatch, ReconciliationRun
from testing.dossiers import counter_body, vn

pytestmark = pytest.mark.django_db


def _deliver() -> None:
    call_command("deliver_outbox", "--until-empty", stdout=io.StringIO())


def _reconcile(*args: str) -> str:
    out = io.StringIO()
    call_command("reconcile_portal", *args, stdout=out)
    return out.getvalue()


def _file(api, officer) -> str:
    status, body = api(officer).post("dossiers", counter_body())
    assert status == 201, body
    return str(body["code"])


@pytest.fixture
def day_of_dossiers(portal, api, officer_a, clock):
    """Three counter dossiers of commune A filed on Monday 2 March 2026: the first two synced to the
    portal, the third filed after the worker ran (still queued)."""
    clock(vn(2026, 3, 2, 9, 0))
    synced = [_file(api, officer_a), _file(api, officer_a)]
    _deliver()
    clock(vn(2026, 3, 2, 10, 0))
    queued = _file(api, officer_a)
    return synced, queued


def test_the_nightly_run_records_what_the_portal_does_not_know_or_shows_otherwise(
    portal, day_of_dossiers, clock
) -> None:
    (agrees, differs), queued = day_of_dossiers
    # Something changed the portal's copy of the second (a status rewritten there by hand).
    portal.simulator("dvcqg").dossiers[differs]["status"] = 9
    clock(vn(2026, 3, 3, 1, 0))
    out = _reconcile()  # yesterday: 2 March

    run = ReconciliationRun.objects.get()
    assert (run.kind, run.day.isoformat(), run.checked, run.mismatched, run.error) == (
        "daily",
        "2026-03-02",
        3,
        2,
        "",
    )
    found = {m.dossier_code: (m.kind, m.ours, m.theirs, m.waiting) for m in run.mismatches.all()}
    assert found == {
        differs: ("status", 2, 9, False),  # received here, "resolved" there
        queued: ("unknown", 2, None, True),  # not sent yet: the portal lags behind the queue
    }
    assert agrees not in found
    assert (
        f"{differs}: ở đây 2, trên Cổng 9" in out
        and f"{queued}: ở đây 2, Cổng chưa có (còn tin chưa gửi)" in out
    )
    # The look-up went over the wire, logged like every call to the portal.
    assert Exchange.objects.filter(operation="TraCuuHoSo", outcome="accepted").exists()

    # The worker catches up: the queued one reaches the portal; the next run finds only the real one.
    _deliver()
    _reconcile("--date", "2026-03-02")
    latest = ReconciliationRun.objects.order_by("-pk").first()
    assert {m.dossier_code for m in latest.mismatches.all()} == {differs}


def test_another_days_dossiers_are_not_looked_up(portal, day_of_dossiers) -> None:
    _reconcile("--date", "2026-03-01")
    run = ReconciliationRun.objects.get()
    assert (run.checked, run.mismatched) == (0, 0)


def test_a_portal_that_does_not_answer_stops_the_run_with_the_reason(portal, day_of_dossiers, clock) -> None:
    portal.fault("dvcqg", down_seconds=60)
    with pytest.raises(CommandError, match="Cổng DVCQG không trả lời"):
        _reconcile("--date", "2026-03-02")
    run = ReconciliationRun.objects.get()
    assert run.checked == 0 and run.mismatched == 0 and run.finished_at is not None


def test_a_refused_look_up_is_named_and_proves_nothing(portal, day_of_dossiers) -> None:
    portal.fault("dvcqg", refuse_calls=5, refuse_code="9", refuse_message="Đơn vị không có quyền tra cứu")
    with pytest.raises(CommandError, match="Đơn vị không có quyền tra cứu"):
        _reconcile("--date", "2026-03-02")
    run = ReconciliationRun.objects.get()
    assert (run.checked, run.mismatched) == (0, 0)  # no dossier is called unknown for a refused batch


def test_without_the_portals_settings_the_run_says_the_integration_is_off(
    api, officer_a, clock, settings
) -> None:
    settings.MOTCUA_DVCQG_API_URL = ""
    clock(vn(2026, 3, 2, 9, 0))
    _file(api, officer_a)
    with pytest.raises(CommandError, match="chưa bật"):
        _reconcile("--date", "2026-03-02")


def test_the_overdue_check_looks_up_the_dossiers_given(portal, day_of_dossiers, clock) -> None:
    (agrees, differs), queued = day_of_dossiers
    portal.simulator("dvcqg").dossiers[differs]["status"] = 4
    run = reconcile_dossiers(Dossier.objects.filter(code__in=[agrees, differs]))
    assert (run.kind, run.checked) == ("overdue", 2)
    assert [(m.dossier_code, m.theirs) for m in run.mismatches.all()] == [(differs, 4)]


def test_bad_dates_are_refused_in_words(portal) -> None:
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        _reconcile("--date", "2026-13-45")
    assert not ReconciliationRun.objects.exists()


def test_the_comparison_itself() -> None:
    """Pure: no database row is read or written (unsaved mismatches)."""
    ours = {
        "A": Ours(status=4, agency_id=1, madonvi="X", waiting=False),
        "B": Ours(status=9, agency_id=1, madonvi="X", waiting=True),
        "C": Ours(status=2, agency_id=2, madonvi="Y", waiting=False),
    }
    found = compare(ours, {"A": 4, "B": 4, "C": None})
    assert [(m.dossier_code, m.kind, m.ours, m.theirs, m.waiting) for m in found] == [
        ("B", Mismatch.Kind.STATUS, 9, 4, True),
        ("C", Mismatch.Kind.UNKNOWN, 2, None, False),
    ]
