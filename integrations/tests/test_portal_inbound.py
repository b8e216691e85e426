"""A dossier filed on the national portal and pushed to the province (POST /api/v1/portal/inbound):
an online dossier waiting for reception with its papers fetched over HTTP from the simulated portal."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from documents.models import ComponentFile
from dossiers.models import Dossier
from dossiers.transitions import Status
from integrations.dvcqg.inbound import OPERATION, from_portal, inbound_dossier_accept
from integrations.dvcqg.simulator_catalog import file_url, push_order
from integrations.models import Exchange, PortalDossier
from integrations.simulators.settings import DVCQG_INBOUND_TOKEN
from outbox.models import OutboxMessage
from testing.clients import ApiClient
from testing.documents import pdf_bytes
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A, COMMUNE_A_CENTRE, ONLINE, vn
from testing.simulators import SimulatorHandle

pytestmark = pytest.mark.django_db

URL = "/api/v1/portal/inbound"
CODE = f"{COMMUNE_A}-261207-9001"


def record(base_url: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "madonvi": COMMUNE_A,
        "MaHoSo": CODE,
        "MaTTHC": BIRTH_REGISTRATION,
        "TenTTHC": "Thủ tục đăng ký khai sinh",
        "KenhThucHien": 2,
        "ChuHoSo": "Nguyễn Thị Dân",
        "LoaiDoiTuong": 1,
        "SoGiayToChuHoSo": "033190001234",
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "033190001234"}],
        "NgayNopHoSo": "20261207083000",
        "TrangThaiHoSo": 1,
        "TaiLieuNop": [
            {
                "TepDinhKemId": "tk-1",
                "TenTepDinhKem": "to-khai-khai-sinh.pdf",
                "IsDeleted": "False",
                "MaThanhPhanHoSo": "1",
                "DuongDanTaiTepTin": file_url(base_url, "tk-1"),
                "DuocSoHoa": 0,
                "DuocTaiSuDung": 0,
                "DuocLayTuKhoDMQG": 0,
            },
            {
                "TepDinhKemId": "cu-2",
                "TenTepDinhKem": "giay-chung-sinh.pdf",
                "IsDeleted": "False",
                "MaThanhPhanHoSo": "2",
                "DuongDanTaiTepTin": file_url(base_url, "cu-2"),
                "DuocSoHoa": 0,
                "DuocTaiSuDung": 0,
                "DuocLayTuKhoDMQG": 1,
            },
        ],
    }
    body.update(overrides)
    return body


def serve_files(simulators: SimulatorHandle, *ids: str) -> None:
    portal = simulators.simulator("dvcqg")
    with portal.lock:
        for key in ids:
            portal.served_files[key] = (f"{key}.pdf", pdf_bytes(text=key))


def push(body: Any, token: str | None = DVCQG_INBOUND_TOKEN) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = Client().post(URL, body, content_type="application/json", headers=headers)
    return response.status_code, response.json()


def test_a_pushed_dossier_is_an_online_dossier_waiting_for_reception_with_its_papers(simulators):
    serve_files(simulators, "tk-1", "cu-2")
    status, body = push(record(simulators.base_url))
    assert status == 200, body
    assert body == {
        "error_code": 0,
        "message": f"Đã nhận hồ sơ {CODE}.",
        "result": {"MaHoSo": CODE, "TrangThaiHoSo": 1},
    }
    dossier = Dossier.objects.get(code=CODE)
    assert dossier.status == Status.SUBMITTED and dossier.channel == "online"
    assert dossier.receiving_agency.code == COMMUNE_A_CENTRE
    assert dossier.handling_agency.code == COMMUNE_A
    assert dossier.applicant.national_id == "033190001234"
    assert dossier.submitted_at.isoformat() == "2026-12-07T01:30:00+00:00"
    files = {
        f.component.requirement.position: f
        for f in ComponentFile.objects.filter(component__dossier=dossier).select_related(
            "component__requirement"
        )
    }
    requirements = list(dossier.version.components.order_by("position"))
    assert sorted(files) == [requirements[0].position, requirements[1].position]
    assert files[requirements[1].position].source == ComponentFile.Source.NATIONAL
    assert files[requirements[0].position].source == ComponentFile.Source.UPLOADED
    # Every paper the procedure lists is on the dossier, for the officer's check at reception.
    assert dossier.components.count() == len([r for r in requirements if r.case_id is None])
    assert from_portal(CODE)
    # Its submission writes the sync to the portal, as any online filing does.
    assert OutboxMessage.objects.filter(topic=OutboxMessage.Topic.PORTAL_SYNC, dossier_code=CODE).exists()


def deliver() -> None:
    call_command("deliver_outbox", "--until-empty", stdout=io.StringIO())


def test_its_status_then_flows_back_to_the_portal_through_the_normal_sync(portal, officer_a):
    serve_files(portal, "tk-1", "cu-2")
    body = record(portal.base_url)
    simulated = portal.simulator("dvcqg")
    with simulated.lock:  # the portal knows what it pushes (push_dossier does the same)
        simulated.dossiers[CODE] = {"record": body, "progress": [], "status": 1}
    assert push(body)[0] == 200
    assert PortalDossier.objects.filter(dossier_code=CODE).exists()
    deliver()
    assert simulated.dossiers[CODE]["status"] == 1
    status, answer = ApiClient(Client(), officer_a).post(f"dossiers/{CODE}/actions/receive", {})
    assert status == 200, answer
    assert answer["code"] == CODE
    deliver()
    assert simulated.dossiers[CODE]["status"] == 2
    assert [e["TrangThai"] for e in simulated.dossiers[CODE]["progress"]] == [1, 2]
    synced = OutboxMessage.objects.filter(topic=OutboxMessage.Topic.PORTAL_SYNC, dossier_code=CODE)
    assert {m.status for m in synced} == {OutboxMessage.Status.DELIVERED}
    assert not Exchange.objects.filter(dossier_code=CODE, outcome=Exchange.Outcome.REFUSED)


def test_emc_hears_that_a_pushed_dossier_came_from_the_national_portal(portal, officer_a):
    from integrations.emc import handler

    assert handler.connect()
    serve_files(portal, "tk-1", "cu-2")
    body = record(portal.base_url)
    with portal.simulator("dvcqg").lock:
        portal.simulator("dvcqg").dossiers[CODE] = {"record": body, "progress": [], "status": 1}
    assert push(body)[0] == 200
    status, answer = ApiClient(Client(), officer_a).post(f"dossiers/{CODE}/actions/receive", {})
    assert status == 200, answer
    deliver()
    reports = [r for r in portal.simulator("emc").accepted if r["CodeProfile"] == CODE]
    assert [(r["Status"], r["IsFromDVCQG"], r["FormsReception"]) for r in reports] == [(1, 1, 1)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("reference_data_kept")
def test_the_simulated_portal_pushes_a_dossier_to_motcua_over_http(simulators, live_server):
    files = {
        "tk-1": ("to-khai.pdf", pdf_bytes(text="tk")),
        "cu-2": ("giay-chung-sinh.pdf", pdf_bytes(text="cs")),
    }
    order = push_order(
        url=f"{live_server.url}{URL}",
        token=DVCQG_INBOUND_TOKEN,
        record=record(simulators.base_url),
        files=files,
    )
    first = simulators.fault("dvcqg", **order)["pushed"]
    assert first["status"] == 200, first
    assert first["body"]["result"] == {"MaHoSo": CODE, "TrangThaiHoSo": 1}
    dossier = Dossier.objects.get(code=CODE)
    assert ComponentFile.objects.filter(component__dossier=dossier).count() == 2
    assert simulators.simulator("dvcqg").dossiers[CODE]["status"] == 1
    assert simulators.fault("dvcqg", **order)["pushed"] == first


def test_a_second_push_of_the_same_dossier_changes_nothing_and_answers_the_same(simulators):
    serve_files(simulators, "tk-1", "cu-2")
    first = push(record(simulators.base_url))
    events = Dossier.objects.get(code=CODE).events.count()
    files = ComponentFile.objects.count()
    again = push(record(simulators.base_url, ChuHoSo="Người Khác"))
    assert again == first
    assert Dossier.objects.filter(code=CODE).count() == 1
    assert Dossier.objects.get(code=CODE).events.count() == events
    assert ComponentFile.objects.count() == files


def test_a_pushed_code_of_our_shape_is_passed_over_by_our_sequence(api, citizen, clock):
    """The pushed dossier keeps the portal's MaHoSo (the sync and a repeated push find it by it); should
    the portal number a day of our centre like we do, our sequence passes over the number it holds (no
    duplicate; the day still has no gap) rather than failing every later submission of that day on it."""
    clock(vn(2026, 12, 7, 9, 0))
    assert api(citizen).post("dossiers", ONLINE)[1]["code"] == f"{COMMUNE_A_CENTRE}-261207-0001"
    taken = f"{COMMUNE_A_CENTRE}-261207-0002"
    pushed = inbound_dossier_accept(
        record=record("http://x", MaHoSo=taken, TaiLieuNop=[]), at=vn(2026, 12, 7, 9, 5)
    )
    assert pushed.created and Dossier.objects.get(code=taken).status == Status.SUBMITTED
    clock(vn(2026, 12, 7, 9, 10))
    status, body = api(citizen).post("dossiers", ONLINE)
    assert status == 201, body
    assert body["code"] == f"{COMMUNE_A_CENTRE}-261207-0003"


def test_a_file_that_cannot_be_fetched_leaves_nothing_written(simulators):
    serve_files(simulators, "tk-1")  # cu-2 is not served: 404
    dossiers, files = Dossier.objects.count(), ComponentFile.objects.count()
    status, body = push(record(simulators.base_url))
    assert status == 502
    assert body["error"]["code"] == "file_unavailable"
    assert "giay-chung-sinh.pdf" in body["error"]["message"]
    assert "TaiLieuNop[1].DuongDanTaiTepTin" in body["error"]["fields"]
    assert (Dossier.objects.count(), ComponentFile.objects.count()) == (dossiers, files)
    refused = Exchange.objects.get(operation=OPERATION, dossier_code=CODE)
    assert refused.outcome == Exchange.Outcome.REFUSED
    # Pushed again once the file is there, it is accepted.
    serve_files(simulators, "cu-2")
    assert push(record(simulators.base_url))[0] == 200


def test_a_file_the_upload_rules_refuse_leaves_nothing_written(simulators):
    serve_files(simulators, "tk-1")
    portal = simulators.simulator("dvcqg")
    with portal.lock:
        portal.served_files["cu-2"] = ("x.exe", b"MZ\x90\x00 not a document")
    status, body = push(record(simulators.base_url))
    assert status == 422, body
    assert "TaiLieuNop[1]" in body["error"]["fields"]
    assert not Dossier.objects.filter(code=CODE).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"MaHoSo": "HS-1"}, "MaHoSo", "Mã hồ sơ phải có dạng"),
        ({"madonvi": "000.00.99.H99"}, "madonvi", "Không có cơ quan"),
        ({"MaTTHC": "9.999999"}, "MaTTHC", "không có hoặc chưa có hiệu lực"),
        ({"NgayNopHoSo": "2026-12-07"}, "NgayNopHoSo", "yyyyMMddHHmmss"),
        ({"NgayNopHoSo": "20991207083000"}, "NgayNopHoSo", "tương lai"),
        ({"KenhThucHien": 1}, "KenhThucHien", "trực tuyến"),
        ({"TrangThaiHoSo": 4}, "TrangThaiHoSo", "trạng thái 1"),
        (
            {"DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "123"}], "SoGiayToChuHoSo": ""},
            "DinhDanhCHS",
            "12 chữ số",
        ),
    ],
)
def test_a_wrong_field_is_refused_with_its_name_and_a_vietnamese_reason(simulators, overrides, field, words):
    status, body = push(record(simulators.base_url, **overrides))
    assert status == 422, body
    assert words in " ".join(body["error"]["fields"][field])
    assert body["error"]["message"].startswith("Hồ sơ từ Cổng không hợp lệ")
    assert not Dossier.objects.filter(code=overrides.get("MaHoSo", CODE)).exists()


def test_a_paper_the_procedure_does_not_list_is_refused(simulators):
    paper = record(simulators.base_url)["TaiLieuNop"][0] | {"MaThanhPhanHoSo": "99"}
    status, body = push(record(simulators.base_url, TaiLieuNop=[paper]))
    assert status == 422
    assert "không có thành phần hồ sơ số «99»" in body["error"]["fields"]["TaiLieuNop[0].MaThanhPhanHoSo"][0]


def test_missing_fields_are_named(simulators):
    status, body = push({"MaHoSo": CODE})
    assert status == 422
    assert set(body["error"]["fields"]) >= {"madonvi", "MaTTHC", "ChuHoSo", "NgayNopHoSo"}


def test_the_endpoint_answers_503_when_the_token_is_not_set(settings):
    settings.MOTCUA_DVCQG_INBOUND_TOKEN = ""
    status, body = push({"MaHoSo": CODE}, token=None)
    assert status == 503
    assert "chưa bật" in body["error"]["message"]


def test_a_wrong_token_or_a_users_token_is_refused(simulators, officer_a):
    from accounts.services import token_create

    assert push({"MaHoSo": CODE}, token="sai")[0] == 401
    assert push({"MaHoSo": CODE}, token=None)[0] == 401
    raw, _ = token_create(user=officer_a)
    assert push({"MaHoSo": CODE}, token=raw)[0] == 401
    session = Client()
    session.force_login(officer_a)
    assert session.post(URL, {"MaHoSo": CODE}, content_type="application/json").status_code == 401


def test_the_health_page_says_whether_inbound_is_on(client, settings):
    settings.MOTCUA_DVCQG_INBOUND_TOKEN = ""
    health = client.get("/suc-khoe/").json()
    assert health["integrations"]["dvcqg_inbound"] == {
        "on": False,
        "message": "Tiếp nhận hồ sơ từ Cổng Dịch vụ công quốc gia chưa bật: đặt MOTCUA_DVCQG_INBOUND_TOKEN.",
    }
