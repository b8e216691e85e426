"""Imported history carries where a pending dossier is (issue 14 §11): the old system's current step,
the role and agency holding it and the person where known become one active step, so the officer's
inbox and the leaders' overdue list say who holds it (docs/domain.md §10)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dossiers.importer import import_lines
from dossiers.models import Dossier, DossierEvent
from testing.dossiers import COMMUNE_A, COMMUNE_A_CENTRE, vn

pytestmark = pytest.mark.django_db

RECEIVED = {"type": "received", "at": "2026-03-02T09:30:00+07:00"}


def line(code: str = "H31-STEP-0001", **fields: Any) -> str:
    record: dict[str, Any] = {
        "code": code,
        "procedure": "1.001193",
        "receiving_agency": COMMUNE_A_CENTRE,
        "handling_agency": COMMUNE_A,
        "channel": "counter",
        "applicant": {"name": "Trịnh Văn Quang", "national_id": "033091000099"},
        "events": [RECEIVED],
    }
    record.update(fields)
    return json.dumps(record, ensure_ascii=False)


def test_the_current_step_and_its_holder_are_imported(client, specialist_a, leader_a, clock):
    step = {"name": "Thẩm định hồ sơ", "role": "specialist", "holder": "chuyenvien.phohien"}
    assert import_lines([line(current_step=step)]).imported == 1
    dossier = Dossier.objects.get(code="H31-STEP-0001")
    [made] = dossier.steps.all()
    assert (made.name, made.role, made.agency.code, made.state) == (
        "Thẩm định hồ sơ",
        "specialist",
        COMMUNE_A,
        "active",
    )
    assert made.assignee == specialist_a and made.started_at == vn(2026, 3, 2, 9, 30)
    event = DossierEvent.objects.get(dossier=dossier, action="import_step")
    assert event.data == {
        "step": "Thẩm định hồ sơ",
        "role": "specialist",
        "agency": COMMUNE_A,
        "holder": "chuyenvien.phohien",
    }

    # Due Tue 03/03 09:30 (1 working day): a week later it is overdue, and the leader sees who holds it.
    clock(vn(2026, 3, 9, 10, 0))
    client.force_login(leader_a)
    html = client.get("/bao-cao/qua-han/").content.decode()
    assert "H31-STEP-0001" in html
    assert "Thẩm định hồ sơ" in html and "Vũ Văn Xử" in html
    # The holder finds it in his own work.
    client.force_login(specialist_a)
    html = client.get("/can-bo/ho-so/?tab=viec-cua-toi").content.decode()
    assert "H31-STEP-0001" in html and "Vũ Văn Xử" in html


def test_without_a_holder_the_step_says_the_role_and_agency(client, leader_a, clock):
    assert import_lines([line(current_step={"name": "Trình ký", "role": "leader"})]).imported == 1
    clock(vn(2026, 3, 9, 10, 0))
    client.force_login(leader_a)
    html = client.get("/bao-cao/qua-han/").content.decode()
    assert "Trình ký" in html and "Lãnh đạo — " in html


def test_imported_without_a_step_says_so_not_the_status(client, leader_a, clock):
    assert import_lines([line()]).imported == 1
    clock(vn(2026, 3, 9, 10, 0))
    client.force_login(leader_a)
    html = client.get("/bao-cao/qua-han/").content.decode()
    assert "H31-STEP-0001" in html
    assert "hồ sơ nhập từ hệ thống cũ không ghi bước đang xử lý" in html


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        (
            {
                "events": [
                    RECEIVED,
                    {"type": "resolved", "at": "2026-03-02T15:00:00+07:00", "outcome": "approved"},
                ],
                "current_step": {"name": "Thẩm định", "role": "specialist"},
            },
            "not_pending",
            "không có bước đang xử lý",
        ),
        (
            {"current_step": {"name": "Thẩm định", "role": "specialist", "holder": "khong.co"}},
            "unknown_holder",
            "Không có người dùng «khong.co»",
        ),
        (
            {"current_step": {"name": "Thẩm định", "role": "specialist", "holder": "chuyenvien.tanhung"}},
            "invalid_holder",
            "không có vai trò Chuyên viên",
        ),
        (
            {"current_step": {"name": "Thẩm định", "role": "monitor"}},
            "invalid_current_step",
            "Vai trò giữ bước không hợp lệ",
        ),
        (
            {"current_step": {"role": "specialist"}},
            "invalid_line",
            "current_step.name",
        ),
        (
            {
                "current_step": {
                    "name": "Thẩm định",
                    "role": "specialist",
                    "since": "2026-03-01T08:00:00+07:00",
                }
            },
            "events_out_of_order",
            "trước sự kiện cuối",
        ),
    ],
)
def test_a_current_step_the_rules_refuse_rejects_the_line_whole(fields, error, message):
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    summary = import_lines([line(**fields)])
    [rejection] = summary.rejections
    assert rejection.error == error
    assert message in rejection.message
    assert (Dossier.objects.count(), DossierEvent.objects.count()) == before
