"""History import (docs/domain.md §10): the old system's events replayed through our rules.

Every expected due instant below is computed by hand in the comment next to it, with the working-time
rules of docs/domain.md §4: 08:00–12:00 and 13:00–17:00 Monday–Friday (8 h = 1 working day), Vietnamese public
holidays (Tết 2026: Monday 16 – Friday 20 February), a supplement received restarts the full
statutory time, a pause keeps the remaining working time, a resolution is early on a local date before
the due date, on time if not after the due instant, late otherwise.
"""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import Applicant
from dossiers.importer import import_lines
from dossiers.models import Dossier, DossierEvent, Extension, SupplementRequest
from dossiers.selectors import Progress, progress_at
from outbox.models import OutboxMessage
from testing.dossiers import COMMUNE_A, COMMUNE_A_CENTRE, vn

pytestmark = pytest.mark.django_db

HISTORY = Path(__file__).resolve().parent / "data" / "history.jsonl"
GOOD = ["H31-CU-260302-0001", "H31-CU-260213-0002", "H31-CU-260309-0003", "H31-BC-260406-0004"]
GOOD += ["H31-CU-260504-0005", "H31-TT-260108-0006", "H31-TT-260305-0007", "H31-CU-260107-0008"]


def run_fixture() -> Any:
    with HISTORY.open(encoding="utf-8") as lines:
        return import_lines(lines)


def line(code: str = "H31-TEST-0001", *, events: list[dict[str, Any]], **fields: Any) -> str:
    record: dict[str, Any] = {
        "code": code,
        "procedure": "1.001193",
        "receiving_agency": COMMUNE_A_CENTRE,
        "handling_agency": COMMUNE_A,
        "channel": "counter",
        "applicant": {"name": "Trịnh Văn Quang", "national_id": "033091000099"},
        "events": events,
    }
    record.update(fields)
    return json.dumps(record, ensure_ascii=False)


def ev(kind: str, at: str, **data: Any) -> dict[str, Any]:
    return {"type": kind, "at": at, **data}


# ---------------------------------------------------------------------------------------------
# The fixture file


def test_fixture_imports_the_good_lines_and_rejects_the_bad_ones():
    summary = run_fixture()
    assert (summary.lines, summary.imported, summary.rejected) == (12, 8, 4)
    assert [(r.line, r.code, r.error) for r in summary.rejections] == [
        (9, "H31-CU-260302-0009", "invalid_json"),
        (10, "H31-CU-260302-0010", "already_extended"),
        (11, "H31-CU-260302-0011", "events_out_of_order"),
        (12, "H31-CU-260302-0012", "unknown_procedure"),
    ]
    assert "NĐ 61/2018 Điều 19.9" in summary.rejections[1].message
    assert summary.rejections[3].message == "Không có thủ tục mã 9.999999."
    assert sorted(Dossier.objects.filter(imported=True).values_list("code", flat=True)) == sorted(GOOD)
    # A rejected line leaves nothing: not even the applicant it would have created.
    assert not Dossier.objects.filter(code__in=["H31-CU-260302-0010", "H31-CU-260302-0011"]).exists()
    assert not Applicant.objects.filter(national_id__in=["033089000010", "033197000011"]).exists()


def test_resolved_early_with_the_catalog_time():
    run_fixture()
    d = Dossier.objects.get(code="H31-CU-260302-0001")
    # Counter, catalog time 1 working day = 8 h, received Mon 02/03 09:30: Mon 09:30–12:00 (2 h 30)
    # + 13:00–17:00 (4 h) = 6 h 30; the remaining 1 h 30 from Tue 08:00 → Tue 03/03 09:30.
    assert d.due_at == vn(2026, 3, 3, 9, 30)
    assert d.appointment_at == d.due_at
    assert (d.statutory_amount, d.statutory_unit) == (1, "working_day")
    # Resolved Mon 02/03 16:00: local date before the due date → early.
    assert (d.status, d.outcome, d.resolution_timing) == ("delivered", "approved", "early")
    assert d.workflow is None and not d.steps.exists()  # the old system kept its own steps
    assert (d.digitized, d.e_result, d.rating, d.reused, d.paid_online) == (True, True, 5, False, False)
    assert list(d.events.order_by("seq").values_list("action", flat=True)) == [
        "submit",
        "receive",
        "resolve",
        "deliver",
        "import_facts",
    ]
    assert all(e.actor_id is None and e.actor_name == "Hệ thống" for e in d.events.all())


def test_resolved_late_across_tet():
    run_fixture()
    d = Dossier.objects.get(code="H31-CU-260213-0002")
    # Override 3 working days = 24 h from Fri 13/02 10:00: Fri 10–12 + 13–17 = 6 h; Sat 14 – Sun 22
    # off (weekends and Tết Mon 16 – Fri 20); Mon 23 8 h (14 h), Tue 24 8 h (22 h), Wed 25 08:00 + 2 h.
    assert d.due_at == vn(2026, 2, 25, 10, 0)
    # Resolved Wed 25/02 14:00, after 10:00 on the due date → late.
    assert d.resolved_at == vn(2026, 2, 25, 14, 0)
    assert d.resolution_timing == "late"
    assert d.delivered_at == vn(2026, 2, 26, 9, 0) and d.delivery_method == "counter"


def test_supplement_received_restarts_the_full_time():
    run_fixture()
    d = Dossier.objects.get(code="H31-CU-260309-0003")
    request = SupplementRequest.objects.get(dossier=d)
    # 5 working days = 40 h from Mon 09/03 08:00 end exactly at the close of Fri 13/03 17:00.
    assert request.due_before == vn(2026, 3, 13, 17, 0)
    # Request window 3 working days from Mon 08:00 → Wed 11/03 17:00; asked Tue 10/03 10:00: in time.
    assert request.request_deadline == vn(2026, 3, 11, 17, 0)
    assert request.late is False and d.late_supplement_request is False
    # Received again Mon 16/03 14:00: the full 40 h again (NĐ 61 Art. 19.4). Mon 14–17 = 3 h,
    # Tue 17 – Fri 20 = 32 h (35 h), Mon 23/03 08–12 4 h + 13:00 + 1 h → Mon 23/03 14:00.
    assert request.received_at == vn(2026, 3, 16, 14, 0)
    assert d.clock_start == vn(2026, 3, 16, 14, 0)
    assert d.due_at == request.due_after == vn(2026, 3, 23, 14, 0)
    # Resolved Mon 23/03 11:00 ≤ 14:00 on the due date → on time (it would be late against 13/03).
    assert d.resolution_timing == "on_time"
    assert d.supplement_count == 1 and d.delivery_method == "postal"


def test_extension_moves_the_appointment_not_the_due_instant():
    run_fixture()
    d = Dossier.objects.get(code="H31-BC-260406-0004")
    extension = Extension.objects.get(dossier=d)
    # Postal, 3 working days from Mon 06/04 08:00 → Wed 08/04 17:00.
    assert d.due_at == extension.due_at == vn(2026, 4, 8, 17, 0)
    # Extended Tue 07/04 09:00 with 15 working hours left (Tue 09–12, 13–17, all of Wed) ≥ 1 day.
    assert extension.at == vn(2026, 4, 7, 9, 0)
    assert extension.previous_appointment == vn(2026, 4, 8, 17, 0)
    assert d.appointment_at == extension.new_appointment == vn(2026, 4, 10, 17, 0)
    assert d.extension_count == 1
    # Resolved Thu 09/04 10:00: before the new appointment but after the statutory due → late.
    assert d.resolution_timing == "late"
    assert (d.e_result, d.rating) == (True, 3)


def test_pause_keeps_the_remaining_working_time():
    run_fixture()
    d = Dossier.objects.get(code="H31-CU-260504-0005")
    pause = d.events.get(action="pause")
    # 2 working days from Mon 04/05 08:00 → Tue 05/05 17:00. Paused Mon 15:00 with Mon 15–17 (2 h)
    # + Tue (8 h) = 10 h = 600 working minutes left.
    assert pause.due_before == vn(2026, 5, 5, 17, 0)
    assert pause.data["remaining_minutes"] == 600
    # Resumed Thu 07/05 10:00: Thu 10–12 + 13–17 = 6 h, Fri 08/05 08:00 + 4 h = 12:00 (ends exactly at
    # the window's close, so due at 12:00, not 13:00).
    assert d.due_at == d.appointment_at == vn(2026, 5, 8, 12, 0)
    # Resolved exactly at Fri 12:00: R ≤ D → on time.
    assert d.resolved_at == vn(2026, 5, 8, 12, 0) and d.resolution_timing == "on_time"
    assert d.clock_stopped_at is None and d.paid_online is True


def test_online_refused_after_appraisal_with_calendar_days():
    run_fixture()
    d = Dossier.objects.get(code="H31-TT-260108-0006")
    # Online: submitted and received at the same instant, Thu 08/01 10:00.
    assert d.submitted_at == d.received_at == vn(2026, 1, 8, 10, 0)
    assert list(d.events.order_by("seq").values_list("action", flat=True))[:2] == ["submit", "receive"]
    # 7 calendar days: 08/01 + 7 = Thu 15/01, a working day → its close, 17:00.
    assert d.due_at == vn(2026, 1, 15, 17, 0)
    # Refused Wed 14/01, a date before 15/01 → early; the reason is kept.
    assert (d.outcome, d.resolution_timing) == ("refused", "early")
    assert d.resolution_note.startswith("Người được khai sinh")
    assert d.reused is True


def test_withdrawn_before_reception():
    run_fixture()
    d = Dossier.objects.get(code="H31-TT-260305-0007")
    assert (d.status, d.channel) == ("withdrawn", "online")
    assert d.submitted_at == d.closed_at == vn(2026, 3, 5, 9, 0)
    assert d.received_at is None and d.due_at is None
    assert list(d.events.order_by("seq").values_list("action", flat=True)) == ["submit", "withdraw"]


def test_late_supplement_request_is_recorded_then_stopped():
    run_fixture()
    d = Dossier.objects.get(code="H31-CU-260107-0008")
    request = SupplementRequest.objects.get(dossier=d)
    # 10 working days = 80 h from Wed 07/01 14:00: Wed 3 h, Thu–Fri 16 h (19 h), Mon 12 – Fri 16 40 h
    # (59 h), Mon 19 – Tue 20 16 h (75 h), Wed 21/01 08–12 4 h + 13:00 + 1 h → Wed 21/01 14:00.
    assert request.due_before == vn(2026, 1, 21, 14, 0)
    # The request window: 24 h from Wed 14:00 = 19 h to Fri close + 5 h → Mon 12/01 14:00. Asked
    # Tue 13/01 09:00: a violation, recorded, not a reason to reject the history.
    assert request.request_deadline == vn(2026, 1, 12, 14, 0)
    assert request.late is True and d.late_supplement_request is True
    # Stopped while awaiting the supplement: the clock stays stopped since the request.
    assert d.status == "stopped" and d.closed_at == vn(2026, 1, 19, 9, 0)
    assert d.clock_stopped_at == vn(2026, 1, 13, 9, 0)


def test_history_does_not_copy_due_instants_from_the_file():
    text = line(
        events=[ev("received", "2026-03-02T09:30:00+07:00")],
        due_at="2030-01-01T00:00:00+07:00",
        appointment_at="2030-01-01T00:00:00+07:00",
    )
    summary = import_lines([text])
    assert summary.imported == 1
    d = Dossier.objects.get(code="H31-TEST-0001")
    # Same reception as line 1 of the fixture: 1 working day → Tue 03/03 09:30, whatever the file says.
    assert d.due_at == d.appointment_at == vn(2026, 3, 3, 9, 30)


def test_online_pending_dossier_is_classified_from_the_computed_due():
    text = line(channel="online", events=[ev("received", "2026-03-03T16:30:00+07:00")])
    assert import_lines([text]).imported == 1
    d = Dossier.objects.get(code="H31-TEST-0001")
    # Online, catalog 1 working day from Tue 03/03 16:30: 30 min on Tue, Wed 08–12 4 h, 13:00 + 3 h 30.
    assert d.due_at == vn(2026, 3, 4, 16, 30)
    assert d.status == "received"
    assert progress_at(d, vn(2026, 3, 4, 16, 30)) is Progress.APPROACHING
    assert progress_at(d, vn(2026, 3, 4, 16, 31)) is Progress.OVERDUE


# ---------------------------------------------------------------------------------------------
# Rejections


EXTEND_TOO_LATE = [
    # 2 working days from Mon 02/03 08:00 → Tue 03/03 17:00; at Tue 10:00 only 6 h remain (< 1 day).
    ev("received", "2026-03-02T08:00:00+07:00"),
    ev("extended", "2026-03-03T10:00:00+07:00", new_appointment="2026-03-06T17:00:00+07:00", reason="Chậm"),
]


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (
            {"events": EXTEND_TOO_LATE, "processing_time": {"amount": 2, "unit": "working_day"}},
            "extension_too_late",
            "chậm nhất 1 ngày làm việc trước hạn giải quyết (17:00 03/03/2026)",
        ),
        (
            {"events": [ev("paused", "2026-03-02T08:00:00+07:00", reason="Chờ lệ phí")]},
            "missing_received",
            "phải được tiếp nhận (received) trước khi xử lý",
        ),
        (
            {"events": [ev("withdrawn", "2026-03-02T08:00:00+07:00")]},
            "missing_received",
            "không thể rút khi chưa có sự kiện tiếp nhận",
        ),
        (
            {
                "events": [
                    ev("received", "2026-03-02T08:00:00+07:00"),
                    ev("approved", "2026-03-02T09:00:00+07:00"),
                ]
            },
            "unknown_event",
            "loại sự kiện không xác định 'approved'",
        ),
        (
            {
                "events": [
                    ev("received", "2026-03-02T08:00:00+07:00"),
                    ev("resumed", "2026-03-02T09:00:00+07:00"),
                ]
            },
            "action_not_allowed",
            "Không thể «Tiếp tục giải quyết» khi hồ sơ đang ở trạng thái «Đã tiếp nhận»",
        ),
        (
            {
                "events": [
                    ev("received", "2026-03-02T08:00:00+07:00"),
                    ev("resolved", "2026-03-02T09:00:00+07:00", outcome="approved"),
                    ev("withdrawn", "2026-03-02T10:00:00+07:00"),
                ]
            },
            "action_not_allowed",
            "«Rút hồ sơ» khi hồ sơ đang ở trạng thái «Đã có kết quả»",
        ),
        (
            {
                "events": [
                    ev("received", "2026-03-02T08:00:00+07:00"),
                    ev("resolved", "2026-03-02T09:00:00+07:00", outcome="refused"),
                ]
            },
            "reason_required",
            "Từ chối giải quyết phải nêu rõ lý do.",
        ),
        (
            {"events": [ev("received", "2026-03-02T08:00:00")]},
            "invalid_time",
            "phải có múi giờ",
        ),
        (
            {"events": [ev("received", "2026-03-02T08:00:00+07:00")], "handling_agency": "000.00.99999.H31"},
            "unknown_agency",
            "Không có cơ quan mã 000.00.99999.H31.",
        ),
        (
            {
                "events": [ev("received", "2026-03-02T08:00:00+07:00")],
                "applicant": {"name": "A", "national_id": "1"},
            },
            "invalid_applicant",
            "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        ),
        (
            {"events": [ev("received", "2026-03-02T08:00:00+07:00")], "rating": 9},
            "invalid_line",
            "rating",
        ),
        ({"events": []}, "no_events", "không có sự kiện"),
    ],
)
def test_a_line_that_breaks_the_rules_is_rejected_whole(fields, error, message):
    before = (Dossier.objects.count(), DossierEvent.objects.count(), OutboxMessage.objects.count())
    summary = import_lines([line(**fields)])
    assert summary.imported == 0
    [rejection] = summary.rejections
    assert (rejection.line, rejection.code, rejection.error) == (1, "H31-TEST-0001", error)
    assert message in rejection.message
    after = (Dossier.objects.count(), DossierEvent.objects.count(), OutboxMessage.objects.count())
    assert after == before


def test_rerun_rejects_every_code_as_already_there_and_changes_nothing():
    run_fixture()
    snapshot = {
        d.code: (d.updated_at, d.status, d.due_at, d.events.count())
        for d in Dossier.objects.filter(imported=True)
    }
    summary = run_fixture()
    assert (summary.lines, summary.imported, summary.duplicates) == (12, 0, 8)
    assert dict(summary.by_reason())["duplicate_code"] == 8
    assert {
        d.code: (d.updated_at, d.status, d.due_at, d.events.count())
        for d in Dossier.objects.filter(imported=True)
    } == snapshot


def test_same_code_twice_in_one_file_keeps_the_first():
    first = line(events=[ev("received", "2026-03-02T08:00:00+07:00")])
    second = line(events=[ev("received", "2026-03-03T08:00:00+07:00")], channel="online")
    summary = import_lines(["", first, second])
    assert summary.lines == 2 and summary.imported == 1
    assert [(r.line, r.error) for r in summary.rejections] == [(3, "duplicate_code")]
    assert Dossier.objects.get(code="H31-TEST-0001").received_at == vn(2026, 3, 2, 8, 0)


# ---------------------------------------------------------------------------------------------
# The command


def test_command_reports_progress_summary_and_csv(tmp_path):
    report = tmp_path / "rejected.csv"
    out = StringIO()
    call_command(
        "import_dossiers", str(HISTORY), "--report", str(report), "--progress-every", "5", stdout=out
    )
    text = out.getvalue()
    assert "  5 dòng: nhập 5, từ chối 0" in text
    assert "  10 dòng: nhập 8, từ chối 2" in text
    assert "Dòng 10 (H31-CU-260302-0010): Hồ sơ đã được hẹn lại một lần" in text
    assert "Đã đọc 12 dòng" in text and "nhập 8, từ chối 4." in text
    assert "  unknown_procedure: 1" in text
    rows = list(csv.reader(report.open(encoding="utf-8")))
    assert rows[0] == ["line", "code", "error", "reason"]
    assert [row[:3] for row in rows[1:]] == [
        ["9", "H31-CU-260302-0009", "invalid_json"],
        ["10", "H31-CU-260302-0010", "already_extended"],
        ["11", "H31-CU-260302-0011", "events_out_of_order"],
        ["12", "H31-CU-260302-0012", "unknown_procedure"],
    ]
    again = StringIO()
    call_command("import_dossiers", str(HISTORY), stdout=again)
    assert "  duplicate_code (đã có, không thay đổi): 8" in again.getvalue()
    assert "nhập 0, từ chối 12." in again.getvalue()
