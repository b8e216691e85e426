"""The home page: search, quick links, and the procedures filed most in the last 90 days (from the
report facts)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from dossiers.importer import import_lines
from reports.tests.history import history_lines
from testing.dossiers import vn

pytestmark = pytest.mark.django_db


def test_popular_procedures_come_from_the_last_90_days(clock):
    today = timezone.localdate()
    clock(vn(today.year, today.month, today.day, 12, 0))
    start = vn(*(today - timedelta(days=60)).timetuple()[:3])
    summary = import_lines(history_lines(7, 30, start, 30))
    assert summary.imported == 30
    old = vn(*(today - timedelta(days=200)).timetuple()[:3])
    import_lines(history_lines(8, 5, old, 10))  # too old to count
    html = Client().get("/").content.decode()
    assert "Thủ tục được nộp nhiều nhất (90 ngày qua)" in html
    assert "Thủ tục đăng ký khai sinh" in html and "/nop-ho-so/1.001193/" in html
    counts = {code: int(n) for code, n in re.findall(r"\(([\d.]+) · (\d+) hồ sơ\)", html)}
    assert set(counts) == {"1.001193", "1.000080"} and sum(counts.values()) == 30


def test_home_without_history_has_quick_links(client):
    html = client.get("/").content.decode()
    assert "Thủ tục được nộp nhiều nhất" not in html
    for text in ("Nộp hồ sơ trực tuyến", "Tra cứu hồ sơ", "/tra-cuu/", "Vào tài khoản", "Xác thực kết quả"):
        assert text in html
