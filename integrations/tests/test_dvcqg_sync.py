"""The outbound dossier sync (integrations/dvcqg/sync.py): a dossier's whole life — filed online with a
paper, received, processed, a supplement, a signed result, delivered — reaches the simulated portal
through ``deliver_outbox --until-empty``: the record with every field the contract names that motcua
holds, each event once and in order; a retry after a worker stopped between the portal's acceptance and
the recording sends nothing twice; a refusal is a dead letter with the portal's message."""

from __future__ import annotations

import io
import re
import urllib.parse

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Procedure
from documents.models import StoredFile
from documents.results import result_issue
from dossiers.models import Dossier
from dossiers.transitions import PORTAL_STATUS
from integrations.dvcqg import sync
from integrations.dvcqg.client import portal_client
from integrations.models import Exchange, PortalDossier
from outbox import services as outbox_services
from outbox.delivery import Refused, Retry
from outbox.models import OutboxMessage
from outbox.worker import Worker
from testing.documents import pdf_bytes, upload
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A, ONLINE, counter_body, vn

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
    ref = body["reference"]
    if body["status"] == "draft":
        status, body = api(citizen).post(f"dossiers/{ref}/actions/submit", {})
        assert status == 200, body
    component = Dossier.objects.get(uuid=ref).components.first().pk
    status, answer = upload(citizen, ref, component, "giay-chung-sinh.pdf", pdf_bytes(1, "Giấy chứng sinh"))
    assert status == 201, answer
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post(f"dossiers/{ref}/actions/receive", {})
    assert status == 200, body
    code = body["code"]
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
    # Every announced event once, in order, the submission (before the code existed) first.
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
    # isUpdating: "False" once (the first message with a code), "True" for every later one.
    assert PortalDossier.objects.filter(dossier_code=code).exists()
    syncs = Exchange.objects.filter(partner="dvcqg", operation="DongBoHoSoMC", outcome="accepted")
    assert syncs.count() == len(sync_messages(code))


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


def test_an_online_submission_reaches_the_portal_with_the_reception(portal, api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 8, 0))
    status, body = api(citizen).post("dossiers", ONLINE)
    assert status == 201, body
    ref = body["reference"]
    deliver()  # no code yet: nothing to send, nothing called
    assert [m.status for m in sync_messages()] == ["delivered"]
    assert not Exchange.objects.filter(partner="dvcqg").exists()
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post(f"dossiers/{ref}/actions/receive", {})
    assert status == 200, body
    deliver()
    progress = portal.simulator("dvcqg").dossiers[body["code"]]["progress"]
    assert [(p["TrangThai"], p["ThoiDiemXuLy"]) for p in progress] == [
        (1, "20260302080000"),
        (2, "20260302090000"),
    ]
