"""Journey: a commune leader opens the dashboard (/bao-cao/) and reads the key figures and the charts of
their commune — on a desktop and on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from targets.tests import scenario

pytestmark = pytest.mark.browser


def test_leader_reads_the_dashboard(page, phone_page, login, leader_a, clock, shot):
    clock(scenario.NOW)
    scenario.load()  # commune A: 6 received, 4 resolved (1 late), 1 overdue now
    login(page, leader_a)
    page.goto("/bao-cao/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bảng điều hành giải quyết TTHC")
    expect(page.locator('[data-kpi="received"]')).to_have_text("6")
    expect(page.locator('[data-kpi="resolved"]')).to_have_text("4")
    expect(page.locator('[data-kpi="on_time_rate"]')).to_have_text("75%")
    expect(page.locator('[data-kpi="overdue_now"]')).to_have_text("1")
    chart = page.locator("figure[data-chart] svg").first
    expect(chart).to_be_visible()
    shot(page, "bao-cao-1-lanh-dao-xa")

    login(phone_page, leader_a)
    phone_page.goto("/bao-cao/")
    expect(phone_page.locator('[data-kpi="received"]')).to_have_text("6")
    expect(phone_page.locator("figure[data-chart] svg").first).to_be_visible()
    # Nothing wider than the phone: wide tables scroll inside their own box.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "bao-cao-2-dien-thoai")
    for path in ("/bao-cao/qua-han/", "/chi-so/"):
        phone_page.goto(path)
        expect(phone_page.get_by_role("heading", level=1)).to_be_visible()
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360, path
    shot(phone_page, "bao-cao-3-chi-so-dien-thoai")
