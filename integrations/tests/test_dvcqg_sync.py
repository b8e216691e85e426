"""The outbound dossier sync (integrations/dvcqg/sync.py): a dossier's whole life — filed online with a
paper, received, processed, a supplement, a signed result, delivered — reaches the simulated portal
through ``deliver_outbox --until-empty``: the record with every field the contract names that motcua
holds, each event once and in order; a retry after a worker stopped between the portal's acceptance and
the recording sends nothing twice; a refusal is a dead letter with the portal's message."""

from __future__ import annotations

import io
import re
import urllib.parse
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from catalog.models import Procedure, ProcessingOption
from documents.models import StoredFile
from documents.results import result_issue
from dossiers.models import Dossier, DossierSequence
from dossiers.transitions import PORTAL_STATUS
from integrations.dvcqg import sync
from integrations.dvcqg.client import portal_client
from integrations.fees import portal_fees
from integrations.models import Exchange, PortalDossier
from outbox import services as outbox_services
from outbox.delivery import Refused, Retry
from outbox.models import OutboxMessage
from outbox.worker import Worker
from testing.documents import pdf_bytes, upload
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A, COMMUNE_A_CENTRE, ONLINE, counter_body, vn

pytestmark = pytest.mark.django_db
DATE = re.compile(r"[0-9]{14}")


def deliver() -> str:
    out = io.StringIO()
    call_command("deliver_outbox", "--until-empty", stdout=out)
    return out.getvalue()


def sync_messages(code: str = "") -> list[OutboxMessage]:
    found = OutboxMessage.objects.filter(topic=OutboxMessage.Topic.PORTAL_SYNC).order_by("pk")
    return list(found.filter(dossier_code=code) if code else found)


@pytest.fixture
def lifecycle(api, citizen, officer_a, specialist_a, leader_a, clerk_a, clock, media_in_tmp):
    """An online birth registration with one paper, taken to delivery; its code."""
    clock(vn(2026, 3, 2, 8, 0))
    requirement = Procedure.objects.get(code=BIRTH_REGISTRATION).current_version.components.first()
    status, body = api(citizen).post(
        "dossiers", {**ONLINE, "components": [{"requirement": requirement.pk, "originals": 1}]}
    )
    assert status == 201, body
    code = body["code"]  # issued at submission (docs/domain.md §4 rule 2)
    component = Dossier.objects.get(code=code).components.first().pk
    status, answer = upload(citizen, code, component, "giay-chung-sinh.pdf", pdf_bytes(1, "Giấy chứng sinh"))
    assert status == 201, answer
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/receive", {})
    assert status == 200, body
    assert body["code"] == code
    clock(vn(2026, 3, 2, 9, 30))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/forward", {"assignee": "chuyenvien.phohien"})
    assert status == 200, body
    clock(vn(2026, 3, 2, 10, 0))
    status, body = api(specialist_a).post(
        f"dossiers/{code}/actions/request_supplement",
        {"items": ["Bản sao Giấy chứng sinh rõ nét"], "reason": "Bản chụp bị mờ"},
    )
    assert status == 200, body
    clock(vn(2026, 3, 3, 9, 0))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/receive_supplement", {"note": "Đã nộp đủ"})
    assert status == 200, body
    clock(vn(2026, 3, 3, 10, 0))
    status, body = api(specialist_a).post(f"dossiers/{code}/actions/forward", {"assignee": "lanhdao.phohien"})
    assert status == 200, body
    clock(vn(2026, 3, 3, 11, 0))
    status, body = api(leader_a).post(f"dossiers/{code}/actions/forward", {"assignee": "vanthu.phohien"})
    assert status == 200, body
    clock(vn(2026, 3, 3, 14, 0))
    status, body = api(clerk_a).post(f"dossiers/{code}/actions/resolve", {"outcome": "approved"})
    assert status == 200, body
    result_issue(
        dossier=Dossier.objects.get(code=code),
        data=pdf_bytes(1, "Giấy khai sinh"),
        title="Giấy khai sinh",
        number="15/GKS",
        actor=leader_a,
    )
    clock(vn(2026, 3, 3, 15, 0))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/deliver", {"method": "counter"})
    assert status == 200, body
    return code


def test_a_whole_lifecycle_reaches_the_portal_once_and_in_order(portal, lifecycle):
    code = lifecycle
    out = deliver()
    assert not OutboxMessage.objects.filter(topic="portal.sync", status="pending").exists(), out
    assert not OutboxMessage.objects.filter(topic="portal.sync", status="dead").exists()
    held = portal.simulator("dvcqg").dossiers[code]
    dossier = Dossier.objects.get(code=code)
    announced = [e for e in dossier.events.order_by("seq") if e.action not in ("create", "issue_result")]
    progress = held["progress"]
    # Every announced event once, in order, the submission first.
    assert [p["TrangThai"] for p in progress] == [PORTAL_STATUS[e.to_status] for e in announced]
    assert [p["ThoiDiemXuLy"] for p in progress] == sorted(p["ThoiDiemXuLy"] for p in progress)
    state = portal.state("dvcqg")
    assert (state["duplicates"], state["out_of_order"], state["dossiers"]) == (0, 0, 1)
    assert held["status"] == 10
    # The progress event of the specialist's forward: who, where, when, and the step's statutory end.
    first_forward = next(p for p in progress if p["NoiDungXuLy"].startswith("Chuyển bước xử lý"))
    assert (
        first_forward["NguoiXuLy"]
        == dossier.events.get(action="forward", actor__username="motcua.phohien").actor_name
    )
    assert first_forward["ChucDanh"] == "Cán bộ một cửa"
    assert "(bước 1: " in first_forward["NoiDungXuLy"]
    assert first_forward["ThoiDiemXuLy"] == "20260302093000"
    assert first_forward["NgayBatDau"] == "20260302090000"  # received at 9:00, the step began then
    assert DATE.fullmatch(first_forward["NgayKetThucTheoQuyDinh"])
    assert first_forward["PhongBanXuLy"]
    # isUpdating: "False" once (the first message: the submission's), "True" for every later one (the
    # simulator refuses either flag where it is wrong).
    assert PortalDossier.objects.filter(dossier_code=code).exists()
    syncs = Exchange.objects.filter(partner="dvcqg", operation="DongBoHoSoMC", outcome="accepted")
    assert syncs.count() == len(sync_messages(code)) == len(sync_messages())
    assert state["refusals"] == 0


def test_the_record_carries_every_fact_motcua_holds(portal, lifecycle):
    code = lifecycle
    deliver()
    record = portal.simulator("dvcqg").dossiers[code]["record"]
    dossier = Dossier.objects.get(code=code)
    assert record["MaHoSo"] == code and record["MaTTHC"] == BIRTH_REGISTRATION
    assert record["TenTTHC"] == dossier.version.name
    assert (
        record["MaLinhVuc"] == dossier.version.field.code
        and record["TenLinhVuc"] == dossier.version.field.name
    )
    assert record["KenhThucHien"] == 2  # online
    assert record["ChuHoSo"] == dossier.applicant_name
    assert record["SoGiayToChuHoSo"] == dossier.applicant_id_number
    assert record["LoaiDoiTuong"] == 1
    assert record["DinhDanhCHS"] == [{"LoaiDinhDanh": 1, "SoDinhDanh": dossier.applicant_id_number}]
    assert record["NgayNopHoSo"] == "20260302080000"
    assert record["NgayTiepNhan"] == "20260302090000"
    assert record["NgayKetThucXuLy"] == "20260303140000"
    assert record["NgayTra"] == "20260303150000"
    assert DATE.fullmatch(record["NgayHenTra"])
    assert "NgayTuChoi" not in record
    assert record["TrangThaiHoSo"] == 10 and record["HinhThuc"] == 0
    assert record["DonViXuLy"] == dossier.handling_agency.name
    assert record["DuocThanhToanTrucTuyen"] == 0
    assert record["HoSoCoThanhPhanSoHoa"] in (0, 1)
    # Nothing invented: what motcua does not hold is not there.
    for absent in ("MaDoiTuong", "TaiKhoanDuocXacThucVoiVNeID"):
        assert absent not in record
    [paper] = record["TaiLieuNop"]
    assert paper["TenTepDinhKem"] == "giay-chung-sinh.pdf" and paper["IsDeleted"] == "False"
    assert (paper["DuocSoHoa"], paper["DuocTaiSuDung"], paper["DuocLayTuKhoDMQG"]) == (0, 0, 0)
    [supplement] = record["DanhSachHoSoBoSung"]
    assert supplement["NoiDungBoSung"] == "Bản sao Giấy chứng sinh rõ nét. Bản chụp bị mờ"
    assert supplement["NgayBoSung"] == "20260302100000"
    assert supplement["NgayTiepNhanBoSung"] == "20260303090000"
    assert supplement["TrangThaiBoSung"] == 1
    assert supplement["NguoiYeuCauBoSung"]
    [result] = record["DanhSachGiayToKetQua"]
    assert result["TenGiayTo"] == "Giấy khai sinh"
    # The links work for the portal without a login.
    for link, name in (
        (paper["DuongDanTaiTepTin"], "giay-chung-sinh.pdf"),
        (result["DuongDanTepTinKetQua"], None),
    ):
        path = urllib.parse.urlsplit(link).path
        assert path.startswith("/tep-cong/")
        response = Client().get(path)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        if name:
            assert name in response["Content-Disposition"]


def test_a_worker_stopped_after_the_portal_accepted_sends_nothing_twice(
    portal, api, officer_a, clock, monkeypatch
):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    code = body["code"]
    # The portal accepts, then the worker stops before recording the delivery.
    monkeypatch.setattr(outbox_services, "record_delivered", lambda **kwargs: False)
    Worker().deliver_due()
    monkeypatch.undo()
    [message] = sync_messages(code)
    assert message.status == "pending" and message.attempts == 1
    held = portal.simulator("dvcqg").dossiers[code]
    assert len(held["progress"]) == 1
    # Its lease runs out; another worker takes the message again.
    OutboxMessage.objects.filter(pk=message.pk).update(claimed_until=None, claimed_by="")
    deliver()
    message.refresh_from_db()
    assert message.status == "delivered" and message.attempts == 2
    assert len(held["progress"]) == 1
    assert portal.state("dvcqg")["duplicates"] == 0
    assert Exchange.objects.filter(operation="TraCuuHoSo", message=message).count() == 1


def test_a_retry_after_the_record_was_lost_asks_the_portal_before_saying_false(portal, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    code = body["code"]
    [message] = sync_messages(code)
    client = portal_client()
    assert client is not None
    sync.sync_message(client, message)
    PortalDossier.objects.filter(dossier_code=code).delete()  # as if never recorded
    message.attempts = 2
    sync.sync_message(client, message)  # "True" because the portal knows it; no event twice
    held = portal.simulator("dvcqg").dossiers[code]
    assert len(held["progress"]) == 1 and portal.state("dvcqg")["refusals"] == 0


def test_a_refusal_is_a_dead_letter_with_the_portals_message(portal, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    code = body["code"]
    portal_client().call("TraCuuHoSo", madonvi=COMMUNE_A, data=[{"MaHoSo": code}])  # logged in
    portal.fault("dvcqg", refuse_calls=5, refuse_code="7", refuse_message="Mã TTHC không có trên Cổng")
    deliver()
    [message] = sync_messages(code)
    assert message.status == "dead"
    assert message.last_error == "Cổng DVCQG từ chối (mã 7): Mã TTHC không có trên Cổng"


def test_a_refused_login_is_retried_not_buried(portal, api, officer_a, clock, settings):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    settings.MOTCUA_DVCQG_PASSWORD = "sai-mat-khau"
    deliver()
    [message] = sync_messages(body["code"])
    assert message.status == "pending" and "Đăng nhập Cổng DVCQG bị từ chối" in message.last_error


def test_an_unavailable_portal_is_retried_later(portal, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    portal.fault("dvcqg", down_seconds=60)
    deliver()
    [message] = sync_messages(body["code"])
    assert message.status == "pending" and message.attempts == 1
    assert message.last_error.startswith("Cổng DVCQG không trả lời")


def test_without_the_portals_settings_the_handler_retries_with_the_reason(
    portal, settings, api, officer_a, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    api(officer_a).post("dossiers", counter_body())
    settings.MOTCUA_DVCQG_API_URL = ""
    with pytest.raises(Retry, match="chưa bật"):
        sync.deliver(sync_messages()[0])
    assert sync.register_if_configured() is False


def test_an_unknown_dossier_is_refused(portal):
    message = OutboxMessage(
        topic="portal.sync", key="x:1:sync", dossier_code=f"{COMMUNE_A}-260302-9999", payload={}
    )
    with pytest.raises(Refused):
        sync.deliver(message)


def test_stored_files_are_what_the_links_name(portal, lifecycle):
    deliver()
    record = portal.simulator("dvcqg").dossiers[lifecycle]["record"]
    [paper] = record["TaiLieuNop"]
    assert StoredFile.objects.filter(uuid=paper["TepDinhKemId"]).exists()


def test_sessions_expiring_every_few_calls_lose_and_repeat_nothing(portal, lifecycle):
    portal.fault("dvcqg", expire_session_every=3)
    deliver()
    assert {m.status for m in sync_messages()} == {"delivered"}
    state = portal.state("dvcqg")
    assert state["sessions_expired"] > 1 and state["logins"] == state["sessions_expired"] + 1
    assert (state["duplicates"], state["out_of_order"]) == (0, 0)
    held = portal.simulator("dvcqg").dossiers[lifecycle]
    assert held["status"] == 10 and len(held["progress"]) == len(sync_messages())


def test_a_paper_digitised_at_the_counter_is_flagged(portal, api, officer_a, clock, media_in_tmp):
    from documents.digitization import component_digitize
    from testing.documents import scan

    clock(vn(2026, 3, 2, 9, 0))
    requirement = Procedure.objects.get(code=BIRTH_REGISTRATION).current_version.components.first()
    status, body = api(officer_a).post(
        "dossiers", counter_body(components=[{"requirement": requirement.pk, "originals": 1}])
    )
    assert status == 201, body
    dossier = Dossier.objects.get(code=body["code"])
    component_digitize(
        dossier=dossier,
        component=dossier.components.get(),
        scans=[("trang1.png", scan(["GIẤY CHỨNG SINH"]))],
        declared_pages=1,
        actor=officer_a,
    )
    deliver()
    record = portal.simulator("dvcqg").dossiers[body["code"]]["record"]
    [paper] = record["TaiLieuNop"]
    assert (paper["DuocSoHoa"], paper["DuocTaiSuDung"], paper["DuocLayTuKhoDMQG"]) == (1, 0, 0)
    assert record["HoSoCoThanhPhanSoHoa"] == 1 and record["KenhThucHien"] == 1


def submitted_online(api: Any, citizen: Any, clock: Any) -> str:
    """An online dossier submitted on Monday 2 March at 8:00; its code."""
    clock(vn(2026, 3, 2, 8, 0))
    status, body = api(citizen).post("dossiers", ONLINE)
    assert status == 201, body
    return str(body["code"])


def test_an_online_dossier_reaches_the_portal_when_it_is_submitted(portal, api, citizen, officer_a, clock):
    """ADR 0021: the submission creates the dossier on the portal (status 1); a return for completion
    and the re-submission update it, still 1, each with its progress event; the reception updates it to 2."""
    code = submitted_online(api, citizen, clock)
    deliver()
    held = portal.simulator("dvcqg").dossiers[code]
    record = held["record"]
    assert (record["MaHoSo"], record["TrangThaiHoSo"], record["KenhThucHien"]) == (code, 1, 2)
    assert record["NgayNopHoSo"] == "20260302080000"
    for absent in ("NgayTiepNhan", "NgayHenTra", "NgayTuChoi", "NgayKetThucXuLy"):
        assert absent not in record
    assert [(p["TrangThai"], p["ThoiDiemXuLy"]) for p in held["progress"]] == [(1, "20260302080000")]
    assert PortalDossier.objects.filter(dossier_code=code).exists()  # the next ones are updates

    clock(vn(2026, 3, 2, 8, 30))
    status, body = api(officer_a).post(
        f"dossiers/{code}/actions/return_for_completion", {"items": ["Bản sao Giấy chứng sinh rõ nét"]}
    )
    assert status == 200, body
    deliver()
    clock(vn(2026, 3, 2, 10, 0))
    status, body = api(citizen).post(f"dossiers/{code}/actions/submit", {})
    assert (status, body["code"]) == (200, code), body  # re-submitted under the same code
    deliver()
    assert held["status"] == 1 and held["record"]["NgayNopHoSo"] == "20260302100000"
    clock(vn(2026, 3, 2, 11, 0))
    status, body = api(officer_a).post(f"dossiers/{code}/actions/receive", {})
    assert (status, body["code"]) == (200, code), body
    deliver()
    record = held["record"]
    assert record["TrangThaiHoSo"] == 2 and record["NgayTiepNhan"] == "20260302110000"
    assert DATE.fullmatch(record["NgayHenTra"])
    progress = [(p["TrangThai"], p["ThoiDiemXuLy"], p["NoiDungXuLy"]) for p in held["progress"]]
    assert [p[:2] for p in progress] == [
        (1, "20260302080000"),
        (1, "20260302083000"),
        (1, "20260302100000"),
        (2, "20260302110000"),
    ]
    assert progress[1][2].startswith("Trả lại") and progress[2][2].startswith("Nộp")
    state = portal.state("dvcqg")
    assert (state["dossiers"], state["duplicates"], state["out_of_order"], state["refusals"]) == (1, 0, 0, 0)
    assert {m.dossier_code for m in sync_messages()} == {code}
    assert {m.status for m in sync_messages()} == {"delivered"}


@pytest.mark.parametrize(
    ("action", "by", "status", "dated"),
    [("refuse", "officer", 3, "NgayTuChoi"), ("withdraw", "citizen", 7, None)],
    ids=["refused", "withdrawn"],
)
def test_a_dossier_closed_before_reception_reaches_the_portal_with_its_status(
    portal, api, citizen, officer_a, clock, action, by, status, dated
):
    """Refused at reception (3, with NgayTuChoi and the end of processing) or withdrawn (7) before
    reception: the portal knew it from its submission and hears how it ended."""
    code = submitted_online(api, citizen, clock)
    deliver()  # the submission first, as the worker would soon after
    clock(vn(2026, 3, 2, 9, 15))
    actor = officer_a if by == "officer" else citizen
    answer, body = api(actor).post(f"dossiers/{code}/actions/{action}", {"reason": "Không thuộc thẩm quyền"})
    assert answer == 200, body
    deliver()
    held = portal.simulator("dvcqg").dossiers[code]
    record = held["record"]
    assert held["status"] == record["TrangThaiHoSo"] == status
    assert "NgayTiepNhan" not in record and "NgayHenTra" not in record
    if dated:
        assert record[dated] == record["NgayKetThucXuLy"] == "20260302091500"
    else:
        assert "NgayTuChoi" not in record and "NgayKetThucXuLy" not in record
    assert [(p["TrangThai"], p["ThoiDiemXuLy"]) for p in held["progress"]] == [
        (1, "20260302080000"),
        (status, "20260302091500"),
    ]
    state = portal.state("dvcqg")
    assert (state["duplicates"], state["refusals"]) == (0, 0)


def test_a_dossier_closed_before_reception_synced_late_is_still_created_then_updated(
    portal, api, citizen, officer_a, clock
):
    """The submission's message delivered after the refusal: it creates the dossier as it is by then
    (refused), the refusal's message updates it; each event once, in order."""
    code = submitted_online(api, citizen, clock)
    clock(vn(2026, 3, 2, 9, 15))
    status, body = api(officer_a).post(
        f"dossiers/{code}/actions/refuse", {"reason": "Không thuộc thẩm quyền"}
    )
    assert status == 200, body
    deliver()
    held = portal.simulator("dvcqg").dossiers[code]
    assert held["status"] == 3 and [p["TrangThai"] for p in held["progress"]] == [1, 3]
    assert portal.state("dvcqg")["refusals"] == 0


def as_written_before_codes_at_submission(code: str) -> Dossier:
    """The dossier ``code`` and its outbox rows as a version that issued codes at reception left them:
    no code (its number back in the day's sequence), its messages without one, named by its uuid."""
    dossier = Dossier.objects.get(code=code)
    Dossier.objects.filter(pk=dossier.pk).update(code=None, search_text="")
    DossierSequence.objects.filter(agency=dossier.receiving_agency).update(last=F("last") - 1)
    for message in OutboxMessage.objects.filter(key__startswith=f"{dossier.uuid}:"):
        message.dossier_code = ""
        message.payload = {**message.payload, "dossier": str(dossier.uuid)}
        message.save(update_fields=["dossier_code", "payload"])
    dossier.refresh_from_db()
    return dossier


def test_messages_written_without_a_code_by_an_older_version_go_with_the_reception(
    portal, api, citizen, officer_a, clock
):
    """A dossier submitted before this version: its submission's message has no code and is delivered
    without a call; the reception issues the code (that day's) and sends the submission's event first."""
    dossier = as_written_before_codes_at_submission(submitted_online(api, citizen, clock))
    deliver()  # no code: nothing to send, nothing called
    assert [m.status for m in sync_messages()] == ["delivered"]
    assert not Exchange.objects.filter(partner="dvcqg").exists()
    clock(vn(2026, 3, 3, 9, 0))
    status, body = api(officer_a).post(f"dossiers/{dossier.uuid}/actions/receive", {})
    assert status == 200, body
    assert body["code"] == f"{COMMUNE_A_CENTRE}-260303-0001"  # issued at reception, as it was then
    deliver()
    progress = portal.simulator("dvcqg").dossiers[body["code"]]["progress"]
    assert [(p["TrangThai"], p["ThoiDiemXuLy"]) for p in progress] == [
        (1, "20260302080000"),
        (2, "20260303090000"),
    ]
    assert portal.state("dvcqg")["refusals"] == 0


def test_an_older_dossier_returned_without_a_code_gets_it_when_resubmitted(
    portal, api, citizen, officer_a, clock
):
    """Submitted and returned before this version (two messages without a code): the re-submission
    issues the code (it has none) and its message sends the three events, in order."""
    code = submitted_online(api, citizen, clock)
    clock(vn(2026, 3, 2, 8, 30))
    status, body = api(officer_a).post(
        f"dossiers/{code}/actions/return_for_completion", {"items": ["Bản sao Giấy chứng sinh rõ nét"]}
    )
    assert status == 200, body
    dossier = as_written_before_codes_at_submission(code)
    deliver()
    assert not Exchange.objects.filter(partner="dvcqg").exists()
    clock(vn(2026, 3, 4, 10, 0))
    status, body = api(citizen).post(f"dossiers/{dossier.uuid}/actions/submit", {})
    assert status == 200, body
    assert body["code"] == f"{COMMUNE_A_CENTRE}-260304-0001"
    deliver()
    held = portal.simulator("dvcqg").dossiers[body["code"]]
    assert held["status"] == 1
    assert [(p["TrangThai"], p["ThoiDiemXuLy"]) for p in held["progress"]] == [
        (1, "20260302080000"),
        (1, "20260302083000"),
        (1, "20260304100000"),
    ]
    assert portal.state("dvcqg")["refusals"] == 0


def test_the_record_lists_the_fees_of_the_dossiers_option(portal, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    charged = (
        Procedure.objects.filter(
            current_version__options__channel="counter",
            current_version__options__case__isnull=True,
            current_version__options__fees__amount__gt=0,
            current_version__at_commune=True,
        )
        .order_by("code")
        .first()
    )
    assert charged is not None, "the demo catalog has a commune procedure with a fee at the counter"
    status, body = api(officer_a).post("dossiers", counter_body(procedure=charged.code))
    assert status == 201, body
    deliver()
    dossier = Dossier.objects.get(code=body["code"])
    option = (
        ProcessingOption.objects.filter(version_id=dossier.version_id, channel="counter", case__isnull=True)
        .order_by("position", "pk")
        .first()
    )
    expected = [
        {"TenPhiLePhi": item.name or item.text, "Gia": int(item.amount or 0)}
        for item in option.fees.filter(amount__isnull=False).order_by("position", "pk")
        if item.name or item.text
    ]
    assert expected
    record = portal.simulator("dvcqg").dossiers[body["code"]]["record"]
    assert record["DanhSachLePhi"] == expected


def test_the_fees_are_the_options_of_the_dossiers_case_else_those_for_every_case():
    options: list[dict[str, Any]] = [
        {"id": 1, "case_id": None, "position": 1},
        {"id": 2, "case_id": 7, "position": 2},
        {"id": 3, "case_id": None, "position": 0},
    ]
    items: list[dict[str, Any]] = [
        {"id": 10, "option_id": 3, "name": "Lệ phí", "text": "", "amount": 50000, "position": 1},
        {
            "id": 11,
            "option_id": 3,
            "name": "",
            "text": "Phí thẩm định 20.000 đồng",
            "amount": 20000,
            "position": 0,
        },
        {
            "id": 12,
            "option_id": 2,
            "name": "Lệ phí trường hợp 7",
            "text": "",
            "amount": 100000,
            "position": 0,
        },
        {"id": 13, "option_id": 3, "name": "", "text": "", "amount": 1, "position": 2},  # nothing to name it
    ]
    assert portal_fees(case_id=7, options=options, items=items) == [
        {"TenPhiLePhi": "Lệ phí trường hợp 7", "Gia": 100000}
    ]
    every_case = [
        {"TenPhiLePhi": "Phí thẩm định 20.000 đồng", "Gia": 20000},
        {"TenPhiLePhi": "Lệ phí", "Gia": 50000},
    ]
    assert portal_fees(case_id=8, options=options, items=items) == every_case
    assert portal_fees(case_id=None, options=options, items=items) == every_case
    assert portal_fees(case_id=None, options=None, items=None) == []
