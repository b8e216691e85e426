"""By when the applicant must supply what a supplement request asks for (docs/domain.md §4 rule 3): ten
working days on the calendar unless the officer sets another working day, never one already past;
kept on the request and its event; carried by the history import."""

from __future__ import annotations

from datetime import date

import pytest

from dossiers.actions import registry
from dossiers.importer import import_record, parse_record
from dossiers.models import Dossier, SupplementRequest
from kernel.errors import DomainError
from testing.dossiers import counter_dossier, vn

pytestmark = pytest.mark.django_db


def request(api, officer, code, **body):
    return api(officer).post(f"dossiers/{code}/actions/request_supplement", {"items": ["Tờ khai"], **body})


def test_by_default_ten_working_days(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))  # Monday
    code = counter_dossier(api, officer_a)
    status, body = request(api, officer_a, code)
    assert status == 200, body
    asked = SupplementRequest.objects.get(dossier__code=code)
    assert asked.supply_by == date(2026, 3, 16)  # two weeks of working days later
    event = Dossier.objects.get(code=code).events.get(action="request_supplement")
    assert event.data["supply_by"] == "2026-03-16"


def test_the_default_skips_the_holidays(api, officer_a, clock):
    clock(vn(2026, 4, 28, 9, 0))  # Tuesday before 30 April and 1 May
    code = counter_dossier(api, officer_a)
    assert request(api, officer_a, code)[0] == 200
    assert SupplementRequest.objects.get(dossier__code=code).supply_by == date(2026, 5, 14)


def test_the_officer_sets_another_working_day(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    status, body = request(api, officer_a, code, supply_by="2026-03-02")  # the same day will do
    assert status == 200, body
    assert SupplementRequest.objects.get(dossier__code=code).supply_by == date(2026, 3, 2)


@pytest.mark.parametrize(
    ("supply_by", "message"),
    [
        ("2026-03-01", "Hạn bổ sung 01/03/2026 đã qua: hãy chọn từ ngày 02/03/2026 trở đi."),
        (
            "2026-03-07",
            "Ngày 07/03/2026 không phải ngày làm việc: hãy chọn một ngày làm việc (gần nhất là 09/03/2026).",
        ),
        (
            "2026-04-30",
            "Ngày 30/04/2026 không phải ngày làm việc: hãy chọn một ngày làm việc (gần nhất là 04/05/2026).",
        ),
        ("2027-03-03", "Hạn bổ sung 03/03/2027 quá xa: không quá 365 ngày kể từ hôm nay."),
    ],
)
def test_a_deadline_past_or_not_a_working_day_is_refused(api, officer_a, clock, supply_by, message):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    status, body = request(api, officer_a, code, supply_by=supply_by)
    assert status == 400, body
    assert body["error"] == {
        "code": "invalid_supply_by",
        "message": message,
        "fields": {"supply_by": [message]},
    }
    assert Dossier.objects.get(code=code).status == "received"
    assert not SupplementRequest.objects.filter(dossier__code=code).exists()


def test_a_deadline_given_as_text_is_read_or_refused(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    dossier = Dossier.objects.get(code=code)
    with pytest.raises(DomainError) as refused:
        registry.run(
            "request_supplement", dossier=dossier, actor=officer_a, fields={"supply_by": "20/03/2026"}
        )
    assert refused.value.message == "Hạn bổ sung không đúng dạng ngày (YYYY-MM-DD): '20/03/2026'."
    fields = {"items": ["Tờ khai"], "supply_by": "2026-03-20"}
    registry.run("request_supplement", dossier=dossier, actor=officer_a, fields=fields)
    assert SupplementRequest.objects.get(dossier=dossier).supply_by == date(2026, 3, 20)


def test_the_history_import_carries_the_deadline(clock):
    clock(vn(2026, 3, 10, 9, 0))
    record = {
        "code": "H31-CU-260302-0099",
        "procedure": "1.001193",
        "receiving_agency": "001.00.11953.H31",
        "handling_agency": "000.00.11953.H31",
        "channel": "counter",
        "applicant": {"name": "Nguyễn Văn An", "national_id": "033090000099"},
        "events": [
            {"type": "received", "at": "2026-03-02T09:00:00+07:00"},
            {
                "type": "supplement_requested",
                "at": "2026-03-02T10:00:00+07:00",
                "items": ["Tờ khai"],
                "supply_by": "2026-03-06",
            },
        ],
    }
    import_record(parse_record(record))
    assert SupplementRequest.objects.get(dossier__code=record["code"]).supply_by == date(2026, 3, 6)
    record["events"][1]["supply_by"] = "06/03/2026"
    with pytest.raises(DomainError) as refused:
        parse_record(record)
    assert refused.value.message == "Ngày «events[2].supply_by» không đúng dạng YYYY-MM-DD: '06/03/2026'."
