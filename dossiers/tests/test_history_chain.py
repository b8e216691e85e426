"""The dossier history is tamper-evident (issue 11, ADR 0009): each event is chained to the one before
by hash, the database refuses to rewrite it, and a signed daily anchor catches a history rewritten
by someone who could bypass both. Tampering is done the way an attacker with the database's superuser
would: raw SQL, with the append-only triggers switched off."""

from __future__ import annotations

import base64
import io
import itertools
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from dossiers import chain
from dossiers.guard import history_purge
from dossiers.models import Dossier, DossierEvent, HistoryAnchor
from dossiers.services import history_anchor, history_anchor_closed_days
from kernel.errors import DomainError
from testing.dossiers import counter_body, vn
from testing.history import triggers_off

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)
EVENTS = DossierEvent._meta.db_table
ANCHORS = HistoryAnchor._meta.db_table


@pytest.fixture
def history(api, officer_a, specialist_a, clock) -> list[str]:
    """Two counter dossiers received and forwarded on 2 March 2026, anchored on the 3rd."""
    codes = []
    for hour in (8, 9):
        clock(vn(2026, 3, 2, hour, 0))
        status, body = api(officer_a).post("dossiers", counter_body())
        assert status == 201, body
        codes.append(body["code"])
        clock(vn(2026, 3, 2, hour, 30))
        status, body = api(officer_a).post(
            f"dossiers/{codes[-1]}/actions/forward", {"assignee": "chuyenvien.phohien"}
        )
        assert status == 200, body
    clock(vn(2026, 3, 3, 1, 30))
    assert [a.day for a in history_anchor_closed_days()] == [DAY]
    return codes


def verify_history(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_history", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


def events_of(code: str) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier__code=code).order_by("seq"))


def test_each_event_is_chained_to_the_one_before(history):
    events = events_of(history[0])
    assert [e.seq for e in events] == list(range(1, len(events) + 1)) and len(events) >= 3
    assert events[0].prev_hash == chain.GENESIS
    for before, event in itertools.pairwise(events):
        assert event.prev_hash == before.hash
    fields = {name: getattr(events[1], name) for name in chain.FIELDS}
    assert chain.event_hash(events[1].prev_hash, fields) == events[1].hash


def test_an_untouched_history_verifies(history):
    status, out = verify_history()
    assert status == 0, out
    assert "0 bị sửa, 0 bị xóa, 0 bị chèn, 0 mốc không khớp" in out
    status, out = verify_history("--since", "2026-03-02")
    assert status == 0, out


def test_a_changed_event_is_caught(history):
    event = events_of(history[0])[1]
    with triggers_off(EVENTS), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {EVENTS} SET reason = %s WHERE id = %s", ["Hồ sơ thiếu giấy tờ", event.pk])
    status, out = verify_history()
    assert status == 1
    assert f"BỊ SỬA   hồ sơ {history[0]}: nội dung sự kiện #2 (receive)" in out
    assert "mốc ngày 2026-03-02: mã băm gốc không khớp" in out
    assert "1 bị sửa, 0 bị xóa, 0 bị chèn, 1 mốc không khớp" in out


def test_a_rewritten_chain_is_caught_by_the_signed_anchor(history):
    """An attacker who recomputes the hashes of what they changed (and of every event after it) leaves
    a consistent chain; the anchor signed the day before still disagrees."""
    events = events_of(history[1])
    prev = events[0].hash
    with triggers_off(EVENTS), connection.cursor() as cursor:
        for event in events[1:]:
            event.reason = "Đã sửa" if event.seq == 2 else event.reason
            event.prev_hash = prev
            event.hash = chain.event_hash(prev, {name: getattr(event, name) for name in chain.FIELDS})
            cursor.execute(
                f"UPDATE {EVENTS} SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [event.reason, event.prev_hash, event.hash, event.pk],
            )
            prev = event.hash
    status, out = verify_history()
    assert status == 1
    assert "BỊ SỬA" not in out and "mốc ngày 2026-03-02: mã băm gốc không khớp" in out


def test_a_removed_event_is_caught(history):
    event = events_of(history[0])[1]
    with triggers_off(EVENTS), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {EVENTS} WHERE id = %s", [event.pk])
    status, out = verify_history()
    assert status == 1
    assert f"BỊ XÓA   hồ sơ {history[0]}: sự kiện #2 không còn" in out
    assert "0 bị sửa, 1 bị xóa, 0 bị chèn" in out
    assert "bị xóa)" in out  # the anchor counted one more event


def test_an_inserted_event_is_caught(history):
    """A copy of the forwarding, appended as if it had happened again (hash columns copied too)."""
    columns = [str(f.column) for f in DossierEvent._meta.concrete_fields if f.column not in ("id", "seq")]
    last = events_of(history[0])[-1]
    with triggers_off(EVENTS), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {EVENTS} (seq, {', '.join(columns)}) "
            f"SELECT seq + 1, {', '.join(columns)} FROM {EVENTS} WHERE id = %s",
            [last.pk],
        )
    status, out = verify_history()
    assert status == 1
    assert f"BỊ CHÈN  hồ sơ {history[0]}: sự kiện #{last.seq + 1} ({last.action}) không nối" in out
    assert "bị chèn)" in out  # the anchor counted one fewer event


def test_a_changed_anchor_is_caught(history):
    anchor = HistoryAnchor.objects.get(day=DAY)
    with triggers_off(ANCHORS), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {ANCHORS} SET event_count = event_count + 1 WHERE id = %s", [anchor.pk])
    status, out = verify_history()
    assert status == 1
    assert "mốc ngày 2026-03-02: chữ ký không hợp lệ" in out


def test_the_anchor_signature_verifies_with_the_system_certificate(history):
    from documents.signing import verify_detached

    anchor = HistoryAnchor.objects.get(day=DAY)
    assert anchor.event_count == DossierEvent.objects.count()
    message = chain.anchor_message(anchor.day, anchor.root_hash, anchor.event_count)
    check = verify_detached(message, base64.b64decode(anchor.signature))
    assert check.valid and check.trusted
    assert "BEGIN CERTIFICATE" in anchor.signer_certificate
    forged = chain.anchor_message(anchor.day, "0" * 64, anchor.event_count)
    assert not verify_detached(forged, base64.b64decode(anchor.signature)).valid


def test_a_day_is_anchored_once_and_only_when_closed(history, clock):
    with pytest.raises(DomainError) as refused:
        history_anchor(day=DAY)
    assert refused.value.code == "history_day_anchored"
    with pytest.raises(DomainError) as refused:
        history_anchor(day=date(2026, 3, 3))
    assert refused.value.code == "history_day_open"
    assert history_anchor_closed_days() == []


def test_the_database_refuses_to_rewrite_the_history(history):
    events = DossierEvent.objects.filter(dossier_id=events_of(history[0])[0].dossier_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        events.update(reason="Sửa lén")
    with pytest.raises(IntegrityError), transaction.atomic():
        events.delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        HistoryAnchor.objects.update(event_count=0)
    assert all(e.reason != "Sửa lén" for e in events)
    with history_purge(), transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            events.update(reason="Sửa lén")  # the purge deletes, it never updates
        events.delete()
    assert not events.exists()


def test_a_dossier_with_a_history_cannot_be_deleted(history):
    dossier = Dossier.objects.get(code=history[0])
    with pytest.raises(ProtectedError), transaction.atomic():
        dossier.delete()
    # In SQL: the foreign keys (deferred) refuse it when the transaction commits.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Dossier._meta.db_table} WHERE id = %s", [dossier.pk])
        with pytest.raises(IntegrityError):
            connection.check_constraints(table_names=[EVENTS])
        transaction.set_rollback(True)


def test_the_anchors_are_public(history, api):
    status, body = api().get("history/anchors")
    assert status == 200, body
    assert body["count"] == 1 and body["items"][0]["day"] == "2026-03-02"
    status, body = api().get("history/anchors/2026-03-02")
    assert status == 200, body
    assert body["event_count"] == DossierEvent.objects.count()
    status, body = api().get("history/anchors/2026-03-01")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = api().get("history/anchors/hom-qua")
    assert status == 422
