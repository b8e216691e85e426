"""The portal's client (integrations/dvcqg/client.py) against the simulated portal over HTTP: one
session reused, an expired session renewed once, refusals and time-outs told apart, every call logged."""

from __future__ import annotations

import pytest

from integrations.dvcqg.client import PortalRefused, PortalUnavailable, portal_client
from integrations.models import Exchange

pytestmark = pytest.mark.django_db

AGENCY = "000.00.11953.H31"
RECORD = {
    "MaHoSo": "000.00.11953.H31-260302-0001",
    "MaTTHC": "1.001193",
    "TenTTHC": "Đăng ký khai sinh",
    "KenhThucHien": 1,
    "ChuHoSo": "Trần Văn Bình",
    "LoaiDoiTuong": 1,
    "TrangThaiHoSo": 2,
    "DonViXuLy": "Ủy ban nhân dân Phường Phố Hiến",
    "NgayTiepNhan": "20260302090000",
}


def _client():
    client = portal_client()
    assert client is not None
    return client


def test_the_portal_is_off_without_its_settings(settings):
    settings.MOTCUA_DVCQG_AUTH_URL = ""
    assert portal_client() is None


def test_one_session_serves_every_call(portal):
    client = _client()
    client.call(
        "DongBoHoSoMC", madonvi=AGENCY, data=[RECORD], is_updating=False, dossier_code=RECORD["MaHoSo"]
    )
    found = client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": RECORD["MaHoSo"]}])
    assert found[0]["TrangThaiHoSo"] == 2
    assert portal.state("dvcqg")["logins"] == 1
    assert portal_client() is client
    logged = list(Exchange.objects.filter(partner="dvcqg").order_by("pk").values_list("operation", "outcome"))
    assert logged == [("DangNhap", "accepted"), ("DongBoHoSoMC", "accepted"), ("TraCuuHoSo", "accepted")]


def test_an_expired_session_is_renewed_once_and_the_call_repeated(portal):
    client = _client()
    portal.fault("dvcqg", expire_session_every=2)
    client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": "x"}])
    assert client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": "x"}]) == []
    state = portal.state("dvcqg")
    assert state["logins"] == 2 and state["sessions_expired"] == 1
    refused = Exchange.objects.get(partner="dvcqg", outcome="refused")
    assert refused.code == "-1" and "session" in refused.answer


def test_a_refusal_carries_the_portals_code_and_message_and_is_logged(portal):
    client = _client()
    client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": "x"}])  # logged in
    portal.fault("dvcqg", refuse_calls=1, refuse_code="12", refuse_message="Mã đơn vị không đúng")
    with pytest.raises(PortalRefused) as refused:
        client.call(
            "DongBoHoSoMC", madonvi=AGENCY, data=[RECORD], is_updating=False, dossier_code=RECORD["MaHoSo"]
        )
    assert (refused.value.code, refused.value.message) == ("12", "Mã đơn vị không đúng")
    row = Exchange.objects.get(partner="dvcqg", outcome="refused")
    assert (row.operation, row.code, row.answer, row.dossier_code) == (
        "DongBoHoSoMC",
        "12",
        "Mã đơn vị không đúng",
        RECORD["MaHoSo"],
    )


def test_a_contract_violation_is_refused_by_the_simulator(portal):
    client = _client()
    with pytest.raises(PortalRefused) as refused:
        client.call(
            "DongBoHoSoMC", madonvi=AGENCY, data=[{**RECORD, "NgayTiepNhan": "02/03/2026"}], is_updating=False
        )
    assert "yyyyMMddHHmmss" in refused.value.message
    with pytest.raises(PortalRefused):
        client.call("DongBoHoSoMC", madonvi=AGENCY, data=[{**RECORD, "TrangThaiHoSo": 11}], is_updating=False)
    with pytest.raises(PortalRefused) as unknown:
        client.call("DongBoHoSoMC", madonvi=AGENCY, data=[RECORD], is_updating=True)
    assert "chưa có" in unknown.value.message
    client.call("DongBoHoSoMC", madonvi=AGENCY, data=[RECORD], is_updating=False)
    with pytest.raises(PortalRefused) as known:
        client.call("DongBoHoSoMC", madonvi=AGENCY, data=[RECORD], is_updating=False)
    assert "đã có" in known.value.message
    assert portal.state("dvcqg")["refusals"] == 4


def test_a_time_out_is_unavailable_and_logged_as_failed(portal, settings):
    settings.MOTCUA_PARTNER_TIMEOUT_SECONDS = 0.3
    client = _client()
    client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": "x"}])
    portal.fault("dvcqg", timeout_calls=1, hang_seconds=1)
    with pytest.raises(PortalUnavailable):
        client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": "x"}])
    assert Exchange.objects.filter(partner="dvcqg", outcome="failed", operation="TraCuuHoSo").count() == 1


def test_wrong_credentials_are_refused_at_login(portal, settings):
    settings.MOTCUA_DVCQG_PASSWORD = "sai"
    with pytest.raises(PortalRefused):
        _client().call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": "x"}])
    assert Exchange.objects.get(partner="dvcqg").operation == "DangNhap"
