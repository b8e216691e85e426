"""Which procedures a centre receives itself, from the national catalog's wording of the agency that
carries them out (the wordings below are the shipped catalog's)."""

from __future__ import annotations

import pytest

from kiosk.competence import received_by_own_administration


@pytest.mark.parametrize(
    "text",
    [
        "Ủy ban nhân dân cấp xã",
        "Ủy ban Nhân dân xã, phường, thị trấn.",
        "Chủ tịch Ủy ban nhân dân xã",
        "Văn phòng đăng ký đất đai, Chủ tịch Ủy ban nhân dân xã, Chi nhánh Văn phòng đăng ký đất đai",
        "Chủ tịch UBND cấp xã, Cơ quan quản lý đất đai cấp xã",
        "Sở Xây dựng",
        "Phòng Tư Pháp",
        "",  # the catalog names none: the level decides
    ],
)
def test_the_centres_own_administration(text):
    assert received_by_own_administration(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "Chi cục Hải quan khu vực",
        "Hải quan cửa khẩu, Hải quan ngoài cửa khẩu",
        "Thuế tỉnh, thành phố\nThuế cơ sở",
        "Cục Thuế - Bộ tài chính, Thuế tỉnh, thành phố, Thuế cơ sở",
        "Bảo hiểm xã hội cấp Tỉnh, Bảo hiểm xã hội cấp huyện",
        "Công an cấp Xã",
    ],
)
def test_vertical_agencies_receive_at_their_own_offices(text):
    assert received_by_own_administration(text) is False
