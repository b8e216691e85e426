"""The public pages: the published month, a unit's indicators, and the dossiers behind an indicator."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dossiers.importer import import_lines
from reports.tests.history import VN
from serviceindex import selectors
from serviceindex.models import Indicator
from serviceindex.services import publication_freeze
from serviceindex.tests.scenario import COMMUNE_A, march_lines

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture
def published(monitor):
    assert import_lines(march_lines()).imported == 9
    return publication_freeze(month=MARCH, actor=monitor, at=datetime(2026, 4, 2, 9, 0, tzinfo=VN))


def test_nothing_published_yet(client) -> None:
    response = client.get("/chi-so/")
    assert response.status_code == 200
    assert "Chưa có tháng nào được công bố" in response.content.decode()


def test_the_month_page_ranks_departments_and_communes(client, published) -> None:
    for path in ("/chi-so/", "/chi-so/2026-03/"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert "Chỉ số phục vụ người dân, doanh nghiệp tháng 03/2026" in page
        assert "Ủy ban nhân dân Phường Phố Hiến" in page and "Sở Tư pháp" in page
        assert "41,71" in page and "51,71" in page
        assert "Chưa có dữ liệu" in page  # departments without dossiers nor procedures
        assert '<option value="2026-03" selected>' in page
    response = client.get("/chi-so/", {"thang": "2026-03"})
    assert (response.status_code, response["Location"]) == (302, "/chi-so/2026-03/")


def test_a_units_page_shows_every_indicator(client, published) -> None:
    response = client.get(f"/chi-so/2026-03/{COMMUNE_A}/")
    assert response.status_code == 200
    page = response.content.decode()
    for indicator in Indicator.objects.filter(methodology=published.methodology):
        assert f"/chi-so/2026-03/{COMMUNE_A}/{indicator.code}/" in page
    assert "4 / 7" in page and "57,14" in page  # TDGQ.1
    assert "Chưa có dữ liệu" in page  # CKMB.4, sync to the national portal
    assert "2/104" in page
    province = published.data["province"]["code"]
    assert client.get(f"/chi-so/2026-03/{province}/").status_code == 200


def test_the_drill_down_lists_the_dossiers_counted_without_personal_data(client, published) -> None:
    response = client.get(f"/chi-so/2026-03/{COMMUNE_A}/TDGQ.1/")
    assert response.status_code == 200
    page = response.content.decode()
    for code in ("H31-SI-D0", "H31-SI-D1", "H31-SI-D2", "H31-SI-D3", "H31-SI-D4", "H31-SI-D5", "H31-SI-D6"):
        assert code in page
    assert "H31-SI-D7" not in page  # stopped: neither resolved nor pending
    assert "H31-SI-B1" not in page  # commune B's
    assert "Đang giải quyết, quá hạn" in page and "Quá hạn" in page and "Trước hạn" in page
    assert "Lê Thị Hạnh" not in page and "033190001234" not in page
    page = client.get(f"/chi-so/2026-03/{COMMUNE_A}/MDSH.4/").content.decode()
    assert "hệ thống chưa ghi nhận thông tin" in page
    page = client.get(f"/chi-so/2026-03/{COMMUNE_A}/CKMB.3/").content.decode()
    assert "2.002516" in page and "Còn thiếu bộ phận tạo thành" in page


def test_every_drill_down_adds_up_to_the_published_numbers(published) -> None:
    table = published.data
    unit = selectors.find_unit(table, COMMUNE_A)
    measures = dict(
        Indicator.objects.filter(methodology=published.methodology).values_list("code", "measure")
    )
    for group in unit["groups"]:
        for indicator in group["indicators"]:
            drill = selectors.indicator_drilldown(
                measure=measures[indicator["code"]],
                month=MARCH,
                unit_code=COMMUNE_A,
                province_code=table["province"]["code"],
            )
            rows = [drill.row(item) for item in drill.items]
            if indicator["denominator"] is None:
                assert drill.kind == "none", indicator["code"]
                continue
            assert len(rows) == indicator["denominator"], indicator["code"]
            assert sum(r.counted for r in rows) == indicator["numerator"], indicator["code"]


@pytest.mark.parametrize(
    "path",
    [
        "/chi-so/2026-02/",
        "/chi-so/tháng-ba/",
        "/chi-so/2026-03/000.00.99999.H31/",
        f"/chi-so/2026-03/{COMMUNE_A}/XX.9/",
        "/chi-so/2026-02/000.00.11953.H31/TDGQ.1/",
        "/chi-so/?thang=nope",
    ],
)
def test_unknown_months_units_and_indicators_are_404(client, published, path) -> None:
    response = client.get(path)
    assert response.status_code == 404, path
    assert "Không tìm thấy" in response.content.decode()


def test_the_monitor_publishes_a_month_from_the_page(client, monitor, citizen) -> None:
    assert import_lines(march_lines()).imported == 9
    client.force_login(citizen)
    assert 'name="thang"' not in client.get("/chi-so/").content.decode()
    response = client.post("/chi-so/cong-bo/", {"thang": "2026-03"}, follow=True)
    assert "Chỉ cán bộ kiểm soát TTHC" in response.content.decode()
    assert selectors.published_months() == []

    client.force_login(monitor)
    html = client.get("/chi-so/").content.decode()
    assert '<option value="2026-03">' in html and 'action="/chi-so/cong-bo/"' in html
    response = client.post("/chi-so/cong-bo/", {"thang": "2026-03"})
    assert response.status_code == 302 and response["Location"] == "/chi-so/2026-03/"
    assert selectors.published_months() == [date(2026, 3, 1)]
    html = client.get("/chi-so/2026-03/").content.decode()
    assert "Đã công bố chỉ số tháng" in html and '<option value="2026-03">' not in html
    # Twice, or a bad month: a clear message, nothing else published.
    response = client.post("/chi-so/cong-bo/", {"thang": "2026-03"}, follow=True)
    assert "không thể công bố lại" in response.content.decode()
    response = client.post("/chi-so/cong-bo/", {"thang": "tháng 3"}, follow=True)
    assert "không hợp lệ" in response.content.decode()
    assert selectors.published_months() == [date(2026, 3, 1)]
    assert client.get("/chi-so/cong-bo/").status_code == 405
