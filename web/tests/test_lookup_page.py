"""The public dossier lookup (/tra-cuu/): by code, by the forms' QR address, nothing personal shown."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from dossiers.forms import lookup_url
from testing.dossiers import counter_body, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    return body["code"]


def test_the_empty_form_needs_no_login(client):
    response = client.get("/tra-cuu/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="vi">' in html
    assert '<label for="f-ma">Mã hồ sơ</label>' in html and 'role="alert"' not in html


def test_lookup_by_code_shows_status_and_appointment_but_nothing_personal(client, code):
    response = client.get("/tra-cuu/", {"ma": f"  {code} "})
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        code,
        "Thủ tục đăng ký khai sinh",
        "1.001193",
        "Đã tiếp nhận",
        "09:00 ngày 02/03/2026",
        "09:00 ngày 03/03/2026",
        "Trung tâm Phục vụ hành chính công Phường Phố Hiến",
    ):
        assert text in html, text
    applicant = counter_body()["applicant"]
    for personal in (applicant["name"], applicant["national_id"], applicant["phone"]):
        assert personal not in html


def test_the_qr_address_of_the_forms_opens_the_lookup(client, code):
    url = urlsplit(lookup_url(code))
    assert resolve(url.path).view_name == "web:lookup"
    response = client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200 and "Đã tiếp nhận" in response.content.decode()


def test_the_per_dossier_address(client, code):
    response = client.get(f"/tra-cuu/{code}/")
    assert response.status_code == 200 and code in response.content.decode()


def test_a_code_typed_in_lower_case_is_found(client, code):
    response = client.get("/tra-cuu/", {"ma": code.lower()})
    assert response.status_code == 200 and code in response.content.decode()


def test_unknown_and_invalid_codes(client):
    response = client.get("/tra-cuu/", {"ma": "KHONG-CO"})
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ với mã này." in response.content.decode()
    assert client.get("/tra-cuu/KHONG-CO/").status_code == 404
    response = client.get("/tra-cuu/", {"ma": "x" * 61})
    assert response.status_code == 400 and "Mã hồ sơ không hợp lệ." in response.content.decode()


def test_htmx_gets_the_result_fragment_only(client, code):
    response = client.get("/tra-cuu/", {"ma": code}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "Đã tiếp nhận" in html
