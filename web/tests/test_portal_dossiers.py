"""The citizen's dossiers after filing: the list, the page with its timeline and what to do next,
answering a supplement request (before and after reception), the forms and the signed result to
download, withdrawing, and the data store. Only the applicant sees them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.models import ComponentRequirement
from documents.models import ComponentFile
from documents.results import result_issue
from documents.services import file_read
from dossiers.models import Dossier, DossierEvent
from testing.clients import logged_in
from testing.documents import pdf_bytes
from testing.dossiers import resolved_dossier, vn

pytestmark = pytest.mark.django_db


def page(client: Client, dossier: Dossier) -> str:
    response = client.get(f"/ho-so-cua-toi/{dossier.reference}/")
    assert response.status_code == 200
    return response.content.decode()


def test_my_dossiers_lists_only_mine_with_tabs(citizen, business, online):
    client = logged_in(citizen)
    html = client.get("/ho-so-cua-toi/").content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and "Đã nộp trực tuyến, chờ tiếp nhận" in html
    assert "Chờ tiếp nhận (1)" in html and "Bản nháp (0)" in html
    assert "Thủ tục đăng ký khai sinh" not in client.get("/ho-so-cua-toi/?nhom=co-ket-qua").content.decode()
    assert "Bạn chưa có hồ sơ nào." in logged_in(business).get("/ho-so-cua-toi/").content.decode()


def test_nobody_else_sees_my_dossier(online, business, officer_a, client):
    assert logged_in(business).get(f"/ho-so-cua-toi/{online.reference}/").status_code == 404
    # Officers work on it in their workspace: the portal page is the applicant's own.
    assert logged_in(officer_a).get(f"/ho-so-cua-toi/{online.reference}/").status_code == 404
    assert client.get(f"/ho-so-cua-toi/{online.reference}/").status_code == 302


def test_return_for_completion_then_resubmit(api, citizen, officer_a, online, clock):
    clock(vn(2026, 3, 2, 10, 0))
    status, _ = api(officer_a).post(
        f"dossiers/{online.reference}/actions/return_for_completion",
        {"items": ["Ảnh Giấy chứng sinh bị mờ"], "reason": "Hồ sơ chưa rõ"},
    )
    assert status == 200
    client = logged_in(citizen)
    html = page(client, online)
    assert "Cần bổ sung, hoàn thiện hồ sơ rồi nộp lại" in html and "Ảnh Giấy chứng sinh bị mờ" in html
    assert "Trả lại để bổ sung, hoàn thiện" in html  # the timeline
    component = online.components.get(name__startswith="Giấy chứng sinh")
    clock(vn(2026, 3, 2, 11, 0))
    response = client.post(
        f"/ho-so-cua-toi/{online.reference}/bo-sung/{component.pk}/",
        {"file": SimpleUploadedFile("chung-sinh-ro.pdf", pdf_bytes(2))},
    )
    assert response.status_code == 302
    # Every required paper needs a file before the dossier goes back. The catalog's declaration is
    # only for counter and postal filing ("nếu … trực tiếp hoặc … bưu chính"); an administrator who
    # drops that condition makes it required online too.
    form = online.components.get(name__startswith="Tờ khai")
    ComponentRequirement.objects.filter(pk=form.requirement_id).update(
        name="Tờ khai đăng ký khai sinh theo mẫu"
    )
    response = client.post(f"/ho-so-cua-toi/{online.reference}/gui-bo-sung/", {"note": "Đã chụp lại rõ hơn"})
    assert response.status_code == 400 and "còn thiếu 1 giấy tờ bắt buộc" in response.content.decode()
    client.post(
        f"/ho-so-cua-toi/{online.reference}/bo-sung/{form.pk}/",
        {"file": SimpleUploadedFile("to-khai.pdf", pdf_bytes(1, text="tờ khai"))},
    )
    response = client.post(f"/ho-so-cua-toi/{online.reference}/gui-bo-sung/", {"note": "Đã chụp lại rõ hơn"})
    assert response.status_code == 302
    online.refresh_from_db()
    assert online.status == "submitted"
    sent = DossierEvent.objects.get(dossier=online, action="applicant_supplement")
    assert sent.reason == "Đã chụp lại rõ hơn" and sent.data["files"][0]["name"] == "chung-sinh-ro.pdf"
    assert "Người nộp gửi giấy tờ bổ sung" in page(client, online)


def test_answer_a_supplement_request_after_reception(api, citizen, officer_a, online, clock):
    clock(vn(2026, 3, 2, 10, 0))
    assert api(officer_a).post(f"dossiers/{online.reference}/actions/receive", {})[0] == 200
    online.refresh_from_db()
    clock(vn(2026, 3, 2, 14, 0))
    status, body = api(officer_a).post(
        f"dossiers/{online.code}/actions/request_supplement",
        {"items": ["Bản sao Giấy chứng sinh có chứng thực"], "reason": "Thiếu bản chứng thực"},
    )
    assert status == 200, body
    client = logged_in(citizen)
    html = page(client, online)
    assert "Cần bổ sung: Bản sao Giấy chứng sinh có chứng thực" in html
    assert "Gửi hồ sơ bổ sung" in html and 'id="bo-sung"' in html
    # Sending before any new file is refused with the reason.
    response = client.post(f"/ho-so-cua-toi/{online.code}/gui-bo-sung/", {"note": ""})
    assert response.status_code == 400
    assert "Hãy tải lên ít nhất một giấy tờ bổ sung trước khi gửi." in response.content.decode()
    # A refused file shows the reason and changes nothing.
    component = online.components.get(name__startswith="Giấy chứng sinh")
    response = client.post(
        f"/ho-so-cua-toi/{online.code}/bo-sung/{component.pk}/",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 broken")},
    )
    assert response.status_code == 400 and "Tệp PDF bị hỏng" in response.content.decode()
    clock(vn(2026, 3, 3, 9, 0))
    response = client.post(
        f"/ho-so-cua-toi/{online.code}/bo-sung/{component.pk}/",
        {"file": SimpleUploadedFile("chung-thuc.pdf", pdf_bytes(1, text="chứng thực"))},
    )
    assert response.status_code == 302
    assert ComponentFile.objects.get(component=component).supplement is True
    response = client.post(f"/ho-so-cua-toi/{online.code}/gui-bo-sung/", {"note": "Gửi bản chứng thực"})
    assert response.status_code == 302
    online.refresh_from_db()
    assert online.status == "awaiting_supplement"  # the officer records the reception
    html = page(client, online)
    assert "Đã gửi giấy tờ bổ sung, chờ cán bộ tiếp nhận" in html and "Gửi bản chứng thực" in html
    status, body = api(officer_a).get(f"dossiers/{online.code}")
    assert body["events"][-1]["action"] == "applicant_supplement"
    clock(vn(2026, 3, 3, 10, 0))
    assert api(officer_a).post(f"dossiers/{online.code}/actions/receive_supplement", {})[0] == 200
    html = page(client, online)
    assert "Nhận hồ sơ bổ sung" in html and "Đang giải quyết" in html and "Ngày hẹn trả kết quả" in html
    assert client.post(f"/ho-so-cua-toi/{online.code}/gui-bo-sung/", {}).status_code == 409


def test_receipt_and_timeline_after_reception(api, citizen, officer_a, online, clock):
    client = logged_in(citizen)
    response = client.get(f"/ho-so-cua-toi/{online.reference}/bieu-mau/receipt.pdf")
    assert response.status_code == 409 and "Hồ sơ chưa được tiếp nhận." in response.content.decode()
    clock(vn(2026, 3, 2, 10, 0))
    api(officer_a).post(f"dossiers/{online.reference}/actions/receive", {})
    online.refresh_from_db()
    html = page(client, online)
    assert online.code in html and "Tiếp nhận hồ sơ" in html and "Nộp hồ sơ" in html
    assert "10:00 ngày 03/03/2026" in html  # the appointment: 1 working day from Monday 10:00
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in html
    response = client.get(f"/ho-so-cua-toi/{online.code}/bieu-mau/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/ho-so-cua-toi/{online.code}/bieu-mau/process-control.pdf").status_code == 404
    # Hand-over notes between officers are not shown to the applicant; the hand-over itself is.
    status, body = api(officer_a).post(
        f"dossiers/{online.code}/actions/forward",
        {"assignee": "chuyenvien.phohien", "note": "Ghi chú nội bộ: đã đối chiếu"},
    )
    assert status == 200, body
    html = page(client, online)
    assert "Chuyển bước xử lý" in html and "Ghi chú nội bộ" not in html


def test_signed_result_is_downloaded_and_in_the_data_store(
    api, officer_a, superuser, leader_a, citizen, business, clock
):
    code = resolved_dossier(api, officer_a, superuser, leader_a, clock)
    dossier = Dossier.objects.get(code=code)
    assert dossier.applicant.user == citizen  # the counter applicant is the citizen with this CCCD
    result = result_issue(
        dossier=dossier, data=pdf_bytes(1), title="Giấy khai sinh", number="15/GKS", actor=leader_a
    )
    client = logged_in(citizen)
    html = page(client, dossier)
    assert "Đã có kết quả" in html and "Tải kết quả" in html and "Giấy khai sinh" in html
    assert f"/xac-thuc/{result.verification_id}/" in html
    url = f"/ho-so-cua-toi/tep/{result.file.uuid}/"
    assert url in html
    response = client.get(url)
    assert response.status_code == 200 and response.content == file_read(result.file)
    assert response["Cache-Control"] == "private, no-store"
    assert logged_in(business).get(url).status_code == 404
    html = client.get("/kho-du-lieu/").content.decode()
    assert "Giấy khai sinh" in html and "15/GKS" in html and "Kết quả giải quyết TTHC" in html
    assert url in html and "Ủy ban nhân dân Phường Phố Hiến" in html


def test_withdraw_before_reception(citizen, online):
    client = logged_in(citizen)
    assert "Rút hồ sơ" in page(client, online)
    response = client.post(f"/ho-so-cua-toi/{online.reference}/rut/", {"reason": "Nộp nhầm thủ tục"})
    assert response.status_code == 302
    online.refresh_from_db()
    assert online.status == "withdrawn"
    html = page(client, online)
    assert "Đã rút hồ sơ" in html and "Nộp nhầm thủ tục" in html
    response = client.post(f"/ho-so-cua-toi/{online.reference}/rut/", {})
    assert response.status_code == 409 and "Không thể «Rút hồ sơ»" in response.content.decode()


def test_data_store_needs_an_applicant(citizen, officer_a):
    html = logged_in(citizen).get("/kho-du-lieu/").content.decode()
    assert "Kho dữ liệu của tôi" in html and "Kho dữ liệu chưa có giấy tờ nào." in html
    assert logged_in(officer_a).get("/kho-du-lieu/").status_code == 404


def test_nav_links_for_citizens_only(citizen, officer_a):
    html = logged_in(citizen).get("/").content.decode()
    for text in ("Nộp hồ sơ trực tuyến", "Hồ sơ của tôi", "Kho dữ liệu"):
        assert text in html
    assert "Hồ sơ của tôi" not in logged_in(officer_a).get("/thu-tuc/").content.decode()


def test_every_portal_url_declares_its_access():
    from web.urls_portal import urlpatterns

    for pattern in urlpatterns:
        assert getattr(pattern.callback, "access", None) in {"public", "login"}, pattern
