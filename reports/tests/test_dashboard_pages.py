"""The leaders' dashboard and the monitor's overdue list: who may open them and what they show."""

from __future__ import annotations

import csv
import io

import pytest

from reports import views
from targets.tests import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(clock) -> None:
    clock(scenario.NOW)
    scenario.load()


def _page(client, user, path: str) -> str:
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_anonymous_users_are_sent_to_the_login(client) -> None:
    for path in ("/bao-cao/", "/bao-cao/qua-han/", "/bao-cao/qua-han/?format=csv"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/dang-nhap/?next=")


def test_citizens_get_no_dashboard(client, citizen) -> None:
    client.force_login(citizen)
    for path in ("/bao-cao/", "/bao-cao/qua-han/"):
        response = client.get(path)
        assert response.status_code == 403
        assert "cán bộ, công chức" in response.content.decode()


def test_a_commune_leader_sees_the_commune_numbers(client, leader_a, history) -> None:
    html = _page(client, leader_a, "/bao-cao/")
    # Commune A, 01/01–01/04/2026: received A1–A6 = 6; resolved A1–A4 = 4, A3 late → on time 3 / 4;
    # online A1, A4 → 2 / 6; digitised 5 / 6; overdue now A5 only (B1 is commune B's).
    assert 'data-kpi="received">6<' in html
    assert 'data-kpi="resolved">4<' in html
    assert 'data-kpi="on_time_rate">75%<' in html
    assert 'data-kpi="online_rate">33,33%<' in html
    assert 'data-kpi="digitized_rate">83,33%<' in html
    assert 'data-kpi="overdue_now">1<' in html
    assert "Ủy ban nhân dân Phường Phố Hiến" in html
    assert f"/bao-cao/qua-han/?unit={scenario.COMMUNE_A}" in html
    assert "Xã Tân Hưng" not in html
    # The targets table: commune A misses 5 targets; the index chart asks for commune A's history.
    assert "5 chỉ tiêu chưa đạt" in html
    assert 'class="num cell-missed"' in html and 'class="num cell-met"' in html
    assert f"/api/v1/index/units/{scenario.COMMUNE_A}/history?from=2026-01\\u0026to=2026-04" in html
    assert "/api/v1/reports/summary.xlsx?from=2026-01-01&amp;to=2026-04-01&amp;group_by=agency" in html
    assert "/api/v1/reports/series?from=2026-01-01\\u0026to=2026-04-01\\u0026interval=month" in html


def test_the_monitor_sees_the_province_and_picks_a_unit(client, monitor, history) -> None:
    html = _page(client, monitor, "/bao-cao/")
    # Province: A1–A6, B1, J1 received = 8; overdue now A5 and B1.
    assert 'data-kpi="received">8<' in html
    assert 'data-kpi="overdue_now">2<' in html
    assert f'<option value="{scenario.COMMUNE_B}">' in html  # the unit picker
    assert "Toàn tỉnh" in html
    html = _page(client, monitor, f"/bao-cao/?agency={scenario.COMMUNE_B}&from=2026-01-01&to=2026-01-31")
    assert 'data-kpi="received">1<' in html
    assert 'data-kpi="overdue_now">1<' in html
    assert "interval=day" in html  # a month is drawn day by day
    # A department leader sees the department, whose division handled J1.
    html = _page(client, monitor, f"/bao-cao/?agency={scenario.JUSTICE}")
    assert 'data-kpi="received">1<' in html


def test_a_department_leader_sees_the_department(client, leader_dept, history) -> None:
    html = _page(client, leader_dept, "/bao-cao/")
    assert "Sở Tư pháp" in html
    assert 'data-kpi="received">1<' in html
    assert 'data-kpi="online_rate">100%<' in html


def test_bad_dates_fall_back_to_the_year_to_date(client, leader_a, history) -> None:
    html = _page(client, leader_a, "/bao-cao/?from=2026-13-01&to=yesterday")
    assert 'value="2026-01-01"' in html and 'value="2026-04-01"' in html
    response = client.get("/bao-cao/?agency=000.00.11977.H31")
    assert response.status_code == 403


def test_the_overdue_list_shows_overdue_dossiers_only(client, leader_a, history) -> None:
    html = _page(client, leader_a, "/bao-cao/qua-han/")
    assert "H31-TG-A5" in html  # due 19/01 09:00, clock running
    assert "H31-TG-A6" not in html  # due 09/04: in time
    assert "H31-TG-B1" not in html  # commune B's
    assert f'href="{views.dossier_link("H31-TG-A5")}"' in html
    assert "09:00 19/01/2026" in html
    assert "Gia hạn tạm trú" in html  # the procedure


def test_the_monitor_filters_sorts_pages_and_downloads_the_list(
    client, monitor, history, monkeypatch
) -> None:
    html = _page(client, monitor, "/bao-cao/qua-han/?sort=days")
    # B1 was due 08/01, A5 19/01: the most overdue first.
    assert html.index("H31-TG-B1") < html.index("H31-TG-A5")
    html = _page(client, monitor, f"/bao-cao/qua-han/?unit={scenario.COMMUNE_B}")
    assert "H31-TG-B1" in html and "H31-TG-A5" not in html
    html = _page(client, monitor, "/bao-cao/qua-han/?unit=khong-co")
    assert "Không tìm thấy đơn vị" in html and "H31-TG-B1" not in html

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    first = _page(client, monitor, "/bao-cao/qua-han/?sort=code")
    second = _page(client, monitor, "/bao-cao/qua-han/?sort=code&page=2")
    assert "Trang 1/2" in first and "H31-TG-A5" in first and "H31-TG-B1" not in first
    assert "H31-TG-B1" in second

    response = client.get("/bao-cao/qua-han/?format=csv&sort=days")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã hồ sơ"
    assert [row[0] for row in rows[1:]] == ["H31-TG-B1", "H31-TG-A5"]
    # B1 was due Thu 08/01 09:00; at Wed 01/04 10:00: 08/01 09:00–17:00 is 7 h, 09/01–31/03 has
    # 16 + 20 + 22 = 58 weekdays less the 5 Tết days (16–20/02), 01/04 08:00–10:00 is 2 h:
    # 53 days + 9 h = 54 working days and 1 hour → 54,1 (83 calendar days).
    assert rows[1][6:8] == ["54,1", "83"]


def test_commune_b_cannot_list_commune_a(client, officer_b, history) -> None:
    html = _page(client, officer_b, f"/bao-cao/qua-han/?unit={scenario.COMMUNE_A}")
    assert "H31-TG-A5" not in html
    html = _page(client, officer_b, "/bao-cao/qua-han/")
    assert "H31-TG-B1" in html and "H31-TG-A5" not in html
