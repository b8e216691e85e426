"""The public catalog pages, in Vietnamese, without login."""

from __future__ import annotations

import re

import pytest

from demo.loader import DEMO_PASSWORD
from testing.clients import web_login

pytestmark = pytest.mark.django_db


def test_home(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Tìm thủ tục hành chính" in html and "Tỉnh Hưng Yên" in html


def test_list_search_without_diacritics(client):
    html = client.get("/thu-tuc/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and "1.001193" in html


def test_list_partial_for_htmx(client):
    response = client.get("/thu-tuc/", {"q": "khai sinh"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "Thủ tục đăng ký khai sinh" in html


def test_list_ignores_bad_filter_values(client):
    response = client.get("/thu-tuc/", {"level": "sao-hoa", "online": "?", "page": "x"})
    assert response.status_code == 200

    def listed(html: str) -> list[str]:
        return re.findall(r'href="/thu-tuc/([0-9.]+)/"', html)

    unfiltered = listed(client.get("/thu-tuc/").content.decode())
    assert unfiltered and listed(response.content.decode()) == unfiltered  # as if no filter were given


def test_detail_page(client):
    html = client.get("/thu-tuc/1.001193/").content.decode()
    for text in (
        "Thủ tục đăng ký khai sinh",
        "Thành phần hồ sơ",
        "Thời hạn giải quyết, phí và lệ phí",
        "Căn cứ pháp lý",
        "Quy trình nội bộ",
        "Trực tuyến",
        "Miễn phí",
    ):
        assert text in html
    # Filed online from its page; a procedure without online filing has no such button.
    assert 'href="/nop-ho-so/1.001193/"' in html
    assert "/nop-ho-so/2.000769/" not in client.get("/thu-tuc/2.000769/").content.decode()


def test_unknown_procedure_page_is_404(client):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_calendar_page(client):
    html = client.get("/lich-lam-viec/2026/").content.decode()
    assert "16/02/2026" in html and "22/08/2026" in html
    assert client.get("/lich-lam-viec/3000/").status_code == 404


def test_english_is_available(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_login_page_and_login(client, officer_a, citizen):
    page = client.get("/dang-nhap/")
    assert page.status_code == 200
    assert "Cổng dịch vụ công" in page.content.decode() and "testserver" not in page.content.decode()
    response = web_login(client, officer_a)
    # Officers land on their inbox (after the second factor), citizens on the home page, a "next"
    # address wins.
    assert response.status_code == 302 and response["Location"] == "/can-bo/ho-so/"
    citizen_client = type(client)()
    response = citizen_client.post("/dang-nhap/", {"username": citizen.username, "password": DEMO_PASSWORD})
    assert response["Location"] == "/"
    response = citizen_client.post(
        "/dang-nhap/?next=/ho-so-cua-toi/", {"username": citizen.username, "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/ho-so-cua-toi/"
    assert "Cán bộ một cửa" in client.get("/tai-khoan/").content.decode()


def test_account_needs_login(client):
    response = client.get("/tai-khoan/")
    assert response.status_code == 302 and response["Location"] == "/dang-nhap/?next=/tai-khoan/"


def test_health_reports_features(client):
    body = client.get("/suc-khoe/").json()
    assert body["status"] == "ok"
    assert set(body["features"]) == {"ocr", "pdf"}
    assert body["features"]["pdf"]["available"] is True


def test_missing_system_packages_are_reported(monkeypatch):
    from documents import ocr
    from web.features import system_packages

    monkeypatch.setattr(ocr.shutil, "which", lambda name: None)
    ocr.ocr_status.cache_clear()
    try:
        warnings = system_packages(None)
    finally:
        ocr.ocr_status.cache_clear()
    assert [w.id for w in warnings] == ["motcua.W001"]
    assert "tesseract-ocr-vie" in warnings[0].msg


def test_browser_language_does_not_switch_away_from_vietnamese(client):
    html = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="vi">' in html
