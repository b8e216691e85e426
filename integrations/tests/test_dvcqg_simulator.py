"""The simulated portal's own bookkeeping, which the benchmark's fault runs read: duplicates and events
out of order are counted, not refused (the real portal shows them); an unknown dossier's events are
refused; the session dies every N-th call when told to."""

from __future__ import annotations

import pytest

from integrations.dvcqg.client import PortalRefused, portal_client

pytestmark = pytest.mark.django_db

AGENCY = "000.00.11953.H31"
CODE = "000.00.11953.H31-260302-0007"
RECORD = {
    "MaHoSo": CODE,
    "MaTTHC": "1.001193",
    "TenTTHC": "Đăng ký khai sinh",
    "KenhThucHien": 1,
    "ChuHoSo": "Trần Văn Bình",
    "LoaiDoiTuong": 1,
    "TrangThaiHoSo": 2,
    "DonViXuLy": "Ủy ban nhân dân Phường Phố Hiến",
}


def event(at: str, status: int = 4, content: str = "Chuyển bước xử lý") -> dict[str, object]:
    return {
        "MaHoSo": CODE,
        "NguoiXuLy": "Lê Văn Thụ",
        "ThoiDiemXuLy": at,
        "NoiDungXuLy": content,
        "TrangThai": status,
    }


def test_duplicates_and_late_events_are_kept_and_counted(portal):
    client = portal_client()
    assert client is not None
    with pytest.raises(PortalRefused):
        client.call("CapNhatTienDoHoSoMC", madonvi=AGENCY, data=[event("20260302090000")])
    client.call("DongBoHoSoMC", madonvi=AGENCY, data=[RECORD], is_updating=False)
    client.call("CapNhatTienDoHoSoMC", madonvi=AGENCY, data=[event("20260302100000")])
    client.call("CapNhatTienDoHoSoMC", madonvi=AGENCY, data=[event("20260302100000")])
    client.call("CapNhatTienDoHoSoMC", madonvi=AGENCY, data=[event("20260302093000", content="Khác")])
    state = portal.state("dvcqg")
    assert (state["events"], state["duplicates"], state["out_of_order"], state["dossiers"]) == (3, 1, 1, 1)
    [found] = client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": CODE}])
    assert found["TrangThaiHoSo"] == 2 and len(found["DanhSachTienDo"]) == 3
    portal.reset()
    assert portal.state("dvcqg")["events"] == 0


def test_the_session_expires_every_nth_call(portal):
    client = portal_client()
    assert client is not None
    portal.fault("dvcqg", expire_session_every=3)
    for _ in range(7):
        assert client.call("TraCuuHoSo", madonvi=AGENCY, data=[{"MaHoSo": CODE}]) == []
    state = portal.state("dvcqg")
    assert state["sessions_expired"] == 3 and state["logins"] == 4
