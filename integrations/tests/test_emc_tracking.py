"""TrackingMCDT: each dossier action of the EMC table reaches EMC's simulator over HTTP, delivered by
``deliver_outbox``, with the codes of INTEGRATIONS.md; EMC down is retried, a refusal is kept with its
reason, a report EMC accepted is never sent twice; EMC off keeps no rows and spends no attempt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from accounts.models import Applicant
from catalog.models import Procedure
from dossiers.models import Dossier
from integrations.emc import handler
from integrations.http import post_json
from integrations.models import Exchange
from integrations.simulators.settings import EMC_SITE_ID
from outbox import delivery
from outbox.models import OutboxMessage
from testing.dossiers import BIRTH_REGISTRATION, ONLINE, counter_body, forward, vn
from testing.simulators import SimulatorHandle

pytestmark = pytest.mark.django_db

EMC = OutboxMessage.Topic.EMC_TRACKING


@pytest.fixture
def emc(simulators: SimulatorHandle) -> Iterator[SimulatorHandle]:
    """EMC on (settings pointing at the simulator) and its handler the only one registered, as a worker
    started with these settings registers it."""
    saved = delivery.handlers()
    delivery.replace_handlers({})
    assert handler.connect()
    yield simulators
    delivery.replace_handlers(saved)


def deliver() -> str:
    out = StringIO()
    call_command("deliver_outbox", "--until-empty", stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def reports(emc: SimulatorHandle) -> list[dict[str, Any]]:
    return list(emc.simulator("emc").accepted)


def emc_rows(code: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(topic=EMC, dossier_code=code).order_by("pk"))


def counter_dossier_delivered(
    api: Any, officer_a: Any, specialist_a: Any, leader_a: Any, clerk_a: Any, clock: Any
) -> str:
    clock(vn(2026, 3, 2, 8, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    code = body["code"]
    clock(vn(2026, 3, 2, 8, 30))
    forward(api, officer_a, code, "chuyenvien.phohien")
    clock(vn(2026, 3, 2, 14, 0))
    forward(api, specialist_a, code, "lanhdao.phohien")
    clock(vn(2026, 3, 2, 15, 0))
    forward(api, leader_a, code, "vanthu.phohien")
    clock(vn(2026, 3, 2, 15, 30))
    status, body = api(clerk_a).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})
    assert status == 200, body
    clock(vn(2026, 3, 2, 16, 0))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/deliver", {"method": "postal"})
    assert status == 200, body
    return str(code)


def test_a_counter_dossier_is_reported_received_assigned_and_returned(
    emc, api, officer_a, specialist_a, leader_a, clerk_a, clock
):
    code = counter_dossier_delivered(api, officer_a, specialist_a, leader_a, clerk_a, clock)
    # Reception, the hand-over to the specialist, delivery: the forwards within processing and the
    # result's issue are not EMC's statuses.
    assert [row.payload["emc_status"] for row in emc_rows(code)] == [1, 4, 3]
    assert [row.key.rsplit(":", 2)[1:] for row in emc_rows(code)] == [
        ["2", "emc"],
        ["3", "emc"],
        ["7", "emc"],
    ]

    assert deliver().startswith("delivered 3,")
    assert {row.status for row in emc_rows(code)} == {"delivered"}
    sent = reports(emc)
    assert [r["Status"] for r in sent] == [1, 4, 3]
    dossier = Dossier.objects.select_related("applicant", "version").get(code=code)
    first = sent[0]
    assert {k: v for k, v in first.items() if k != "User"} == {
        "CodeProfile": code,
        "SiteId": EMC_SITE_ID,
        "CodeTTHC": BIRTH_REGISTRATION,
        "NameTTHC": dossier.version.name,
        "MaHoSo": code,
        "Status": 1,
        "FormsReception": 2,  # at the counter
        "FormsPayments": 0,  # birth registration is free
        "Level": {"full": 4, "partial": 3, "none": 1}[dossier.version.online_level],
        "IsFromDVCQG": 0,
        "IsDVCBC": 0,  # filed in person, result not yet sent anywhere
    }
    assert json.loads(first["User"]) == {
        "ID_local": str(dossier.applicant.uuid),
        "ID_QG": "",
        "TYPE": 1,
        "LOCATION": "",
    }
    # The result went back by post: the last report says so.
    assert sent[-1]["IsDVCBC"] == 1
    assert emc.state("emc")["duplicates"] == 0
    logged = Exchange.objects.filter(partner="emc", dossier_code=code)
    assert (
        sorted(logged.values_list("operation", "outcome", "code")) == [("TrackingMCDT", "accepted", "0")] * 3
    )


def test_an_online_dossier_is_reported_as_received_online(emc, api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    Applicant.objects.filter(user=citizen).update(portal_user_id="TECH-42")
    status, submitted = api(citizen).post("dossiers", ONLINE)
    assert status == 201, submitted
    assert OutboxMessage.objects.filter(topic=EMC).count() == 0  # submitted, not yet received
    status, body = api(officer_a).post(f"dossiers/{submitted['reference']}/actions/receive", {})
    assert status == 200, body
    assert deliver().startswith("delivered 1,")
    (sent,) = reports(emc)
    assert (sent["Status"], sent["FormsReception"], sent["IsDVCBC"]) == (1, 1, 2)
    user = json.loads(sent["User"])
    assert user["ID_QG"] == "TECH-42" and user["TYPE"] == 1


def test_a_charged_procedure_is_paid_directly_until_paid_online(emc, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    charged = (
        Procedure.objects.filter(
            current_version__options__channel="counter",
            current_version__options__fees__amount__gt=0,
            current_version__at_commune=True,
        )
        .exclude(current_version__options__free=True)
        .order_by("code")
        .first()
    )
    assert charged is not None, "the demo catalog has a commune procedure with a fee"
    status, body = api(officer_a).post("dossiers", counter_body(procedure=charged.code))
    assert status == 201, body
    Dossier.objects.filter(code=body["code"]).update(paid_online=True)
    forward(api, officer_a, body["code"])
    deliver()
    assert [(r["Status"], r["FormsPayments"]) for r in reports(emc)] == [(1, 2), (4, 1)]


def test_emc_down_is_retried_later_and_then_delivered(emc, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    emc.fault("emc", down_seconds=600)
    assert deliver() == "delivered 0, retried 1, dead 0"
    (row,) = emc_rows(body["code"])
    assert (row.status, row.attempts) == ("pending", 1)
    assert "emc/tracking" in row.last_error
    assert Exchange.objects.get(partner="emc").outcome == "failed"
    emc.fault("emc", up=True)
    clock(vn(2026, 3, 2, 9, 0) + timedelta(minutes=2))  # past the first back-off (30 s ± 20 %)
    assert deliver() == "delivered 1, retried 0, dead 0"
    assert len(reports(emc)) == 1


def test_a_refusal_goes_to_the_dead_letters_with_emcs_reason(emc, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    emc.fault("emc", refuse_calls=1, refuse_code=5, refuse_message="Mã hồ sơ đã tồn tại")
    assert deliver() == "delivered 0, retried 0, dead 1"
    (row,) = emc_rows(body["code"])
    assert row.status == "dead"
    assert row.last_error == "EMC từ chối (mã 5): Mã hồ sơ đã tồn tại"
    exchange = Exchange.objects.get(partner="emc")
    assert (exchange.outcome, exchange.code, exchange.answer) == ("refused", "5", "Mã hồ sơ đã tồn tại")


def test_a_report_emc_accepted_is_not_sent_again(emc, api, officer_a, clock):
    """The worker stopped after EMC's answer was logged but before the delivery was recorded: the
    message is due again, and marked delivered without a second report."""
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    deliver()
    OutboxMessage.objects.filter(topic=EMC).update(status="pending", delivered_at=None)
    assert deliver() == "delivered 1, retried 0, dead 0"
    assert emc.state("emc")["accepted"] == 1
    assert emc.state("emc")["duplicates"] == 0


def test_emc_off_keeps_no_rows_and_registers_no_handler(api, officer_a, clock, settings):
    settings.MOTCUA_EMC_URL = settings.MOTCUA_EMC_SITE_ID = ""
    saved = delivery.handlers()
    try:
        assert handler.connect() is False
        assert EMC not in delivery.registered_topics()
    finally:
        delivery.replace_handlers(saved)
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    assert emc_rows(body["code"]) == []


def test_rows_written_before_emc_went_off_wait_untried(emc, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    _, body = api(officer_a).post("dossiers", counter_body())
    with override_settings(MOTCUA_EMC_URL="", MOTCUA_EMC_SITE_ID=""):
        assert handler.connect() is False  # a worker started now
        assert deliver() == "delivered 0, retried 0, dead 0"
    (row,) = emc_rows(body["code"])
    assert (row.status, row.attempts) == ("pending", 0)
    assert emc.state("emc")["calls"] == 0


# ---------------------------------------------------------------------------------------------------
# The simulator's own checks, called over HTTP as EMC would be.

GOOD = {
    "CodeProfile": "001.00.11953.H31-260302-0001",
    "SiteId": EMC_SITE_ID,
    "CodeTTHC": "1.001193",
    "NameTTHC": "Đăng ký khai sinh",
    "MaHoSo": "001.00.11953.H31-260302-0001",
    "Status": 1,
    "FormsReception": 2,
    "FormsPayments": 0,
    "Level": 3,
    "IsFromDVCQG": 0,
    "IsDVCBC": 0,
    "User": json.dumps({"ID_local": "a", "ID_QG": "", "TYPE": 1, "LOCATION": ""}),
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"Status": 5}, "Status 5 không thuộc [1, 2, 3, 4]"),
        ({"Level": 2}, "Level 2 không thuộc [0, 1, 3, 4]"),
        ({"IsDVCBC": True}, "IsDVCBC True không thuộc [0, 1, 2]"),
        ({"FormsReception": "1"}, "FormsReception '1' không thuộc [1, 2]"),
        ({"SiteId": "999"}, "SiteId '999' chưa đăng ký"),
        ({"CodeProfile": "HS-1"}, "CodeProfile 'HS-1' không phải mã hồ sơ"),
        ({"CodeTTHC": "TTHC1"}, "CodeTTHC 'TTHC1' không phải mã thủ tục"),
        ({"User": {"ID_local": "a"}}, "User phải là chuỗi khác rỗng"),
        ({"User": json.dumps({"ID_local": "a"})}, "User phải là chuỗi JSON có đúng các khóa"),
        ({"NameTTHC": None}, "thiếu NameTTHC"),
    ],
)
def test_the_simulator_refuses_a_report_outside_the_contract(simulators, change, reason):
    body = {**GOOD, **change}
    body = {k: v for k, v in body.items() if v is not None}
    answer = post_json(f"{simulators.base_url}/emc/tracking", body)
    assert answer["error_code"] == 2
    assert reason in answer["message"]
    assert simulators.state("emc")["accepted"] == 0


def test_the_simulator_counts_a_status_reported_twice_for_a_dossier(simulators):
    url = f"{simulators.base_url}/emc/tracking"
    for status in (1, 4, 4, 3):
        assert post_json(url, {**GOOD, "Status": status}) == {"error_code": 0, "message": "Thành công"}
    assert simulators.state("emc") == {
        "calls": 4,
        "accepted": 4,
        "refused": 0,
        "duplicates": 1,
        "dossiers": 1,
        "by_status": {"1": 1, "3": 1, "4": 2},
    }
