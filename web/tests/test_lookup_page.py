"""The public dossier lookup (/tra-cuu/): by code, by the forms' QR address, nothing personal shown."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from dossiers.forms import lookup_url
from testing.dossiers import ONLINE, counter_body, vn

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


def test_a_dossier_submitted_online_is_found_by_its_code_waiting_for_reception(client, api, citizen, clock):
    """The code is issued at submission (docs/domain.md §4 rule 2): the applicant can look the dossier up
    before it is received; it shows as waiting for reception, without a reception date or appointment."""
    clock(vn(2026, 3, 2, 20, 15))
    status, body = api(citizen).post("dossiers", ONLINE)
    assert status == 201, body
    code = body["code"]
    response = client.get("/tra-cuu/", {"ma": code})
    html = response.content.decode()
    assert response.status_code == 200
    assert code in html and "Đã nộp trực tuyến, chờ tiếp nhận" in html
    assert "Hồ sơ đang chờ cán bộ một cửa kiểm tra và tiếp nhận." in html
    assert "Ngày tiếp nhận" not in html and "Ngày hẹn trả kết quả" not in html
    assert "Nguyễn Thị Dân" not in html
    status, public = api().get(f"public/dossiers/{code}")
    assert status == 200
    assert (public["status"], public["received_at"], public["appointment_at"]) == ("submitted", None, None)
    # A draft has no code: nothing to look up (its uuid is not a code).
    draft = api(citizen).post("dossiers", {**ONLINE, "draft": True})[1]
    assert draft["code"] is None and client.get(f"/tra-cuu/{draft['uuid']}/").status_code == 404


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
