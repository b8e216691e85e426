"""More of the citizen's pages in English: the "Next step" box of a dossier, its processing time limit
("1 working day", not "1 working days"), the public lookup's advice, the filing wizard's steps and the
"not found" and "access denied" pages. Vietnamese, the default, reads as before."""

from __future__ import annotations

import pytest
from django.test import Client

from documents.results import result_issue
from dossiers.models import Dossier
from testing.clients import logged_in
from testing.documents import pdf_bytes
from testing.dossiers import BIRTH_REGISTRATION, resolved_dossier
from testing.web import english, html_of

pytestmark = pytest.mark.django_db


def test_a_submitted_dossiers_next_step_in_english(online, citizen):
    html = html_of(english(citizen), f"/ho-so-cua-toi/{online.reference}/")
    assert "Next step: Awaiting reception</h2>" in html
    agency = online.receiving_agency.name
    assert (
        f"A one-stop officer of {agency} is checking the dossier. You do not need to do anything yet." in html
    )
    assert "Đang chờ tiếp nhận" not in html and "Bạn chưa cần làm gì thêm" not in html


def test_a_received_dossiers_time_limit_is_singular_in_english(received, citizen):
    html = html_of(english(citizen), f"/ho-so-cua-toi/{received.code}/")
    assert "<dd>1 working day</dd>" in html and "working days" not in html
    assert "Next step: Processing</h2>" in html
    assert "The dossier is being processed. You will be notified when the result is ready." in html


def test_a_resolved_then_delivered_dossiers_next_step_in_english(
    api, officer_a, superuser, leader_a, citizen, clock
):
    code = resolved_dossier(api, officer_a, superuser, leader_a, clock)
    dossier = Dossier.objects.get(code=code)
    result_issue(dossier=dossier, data=pdf_bytes(1), title="Giấy khai sinh", number="15/GKS", actor=leader_a)
    client = english(citizen)
    html = html_of(client, f"/ho-so-cua-toi/{code}/")
    assert "Next step: Result ready</h2>" in html
    assert "Download the electronic result (digitally signed) in the «Result» section below" in html
    assert "Đã có kết quả" not in html and "Tải kết quả điện tử" not in html
    status, body = api(officer_a).post(f"dossiers/{code}/actions/deliver", {"method": "counter"})
    assert status == 200, body
    html = html_of(client, f"/ho-so-cua-toi/{code}/")
    assert "Next step: Result delivered</h2>" in html
    assert "The result has been delivered. The digitally signed electronic copy stays available" in html
    assert "Kết quả đã được trả" not in html


def test_the_public_lookups_advice_in_english(received):
    client = english()
    html = html_of(client, "/tra-cuu/", ma=received.code)
    assert "The dossier has been received and will be resolved by the appointment date." in html
    assert "Hồ sơ đã được tiếp nhận" not in html
    response = client.get("/tra-cuu/", {"ma": "KHONG-CO-MA-NAY"})
    assert response.status_code == 404
    assert "No dossier was found with this code." in response.content.decode()


def test_the_filing_wizards_steps_in_english(citizen):
    html = html_of(english(citizen), f"/nop-ho-so/{BIRTH_REGISTRATION}/")
    assert "Step 1/5: Choose the case" in html
    for step in ("Choose the case", "Fill in the form", "Attach documents", "Review", "Submit dossier"):
        assert f'<span class="step-label">{step}</span>' in html, step
    assert "Chọn trường hợp" not in html


def test_not_found_and_access_denied_pages_in_english(online, citizen, business):
    response = english().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="en">' in html and "Page not found" in html and "Back to the home page" in html
    assert "Không tìm thấy" not in html
    # Someone else's dossier, and one that does not exist: "not found" either way, in English.
    for ref in (online.reference, "00000000-0000-0000-0000-000000000000"):
        response = english(business).get(f"/ho-so-cua-toi/{ref}/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "<h1>Not found</h1>" in html and "Dossier not found." in html, ref
        assert "Không tìm thấy hồ sơ" not in html
    response = english().get("/thu-tuc/9.999999/")
    assert response.status_code == 404 and "Procedure not found." in response.content.decode()
    response = english(citizen).get("/can-bo/ho-so/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Access denied</h1>" in html
    assert "This page is for the officials who receive and process dossiers." in html


def test_the_same_pages_in_vietnamese_read_as_before(online, received, citizen):
    client = logged_in(citizen)
    html = client.get(f"/ho-so-cua-toi/{online.reference}/").content.decode()
    assert "Việc cần làm: Đang chờ tiếp nhận</h2>" in html
    assert f"Cán bộ một cửa của {online.receiving_agency.name} đang kiểm tra hồ sơ." in html
    html = client.get(f"/ho-so-cua-toi/{received.code}/").content.decode()
    assert "<dd>1 ngày làm việc</dd>" in html and "Việc cần làm: Đang giải quyết</h2>" in html
    html = Client().get("/tra-cuu/", {"ma": received.code}).content.decode()
    assert "Hồ sơ đã được tiếp nhận và sẽ được giải quyết trước ngày hẹn trả." in html
    assert "Không tìm thấy hồ sơ." in logged_in(citizen).get("/ho-so-cua-toi/khong-co/").content.decode()
    assert "Không tìm thấy trang" in Client().get("/khong-co-trang-nay/").content.decode()
