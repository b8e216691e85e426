"""Every dossier action as a dialog: the form it will produce previewed from the typed input (nothing
saved), the service called on confirmation, and a refused action answered with the service's own
Vietnamese message and 4xx status, changing nothing."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Procedure
from documents.models import ComponentFile, Digitization, ResultDocument
from dossiers.models import Dossier, DossierComponent, DossierEvent
from testing.documents import jpeg_bytes, pdf_bytes
from testing.dossiers import PARENTAGE, advance_to_last_step, counter_dossier, forward, online_dossier, vn
from testing.web import HX

pytestmark = pytest.mark.django_db


def act(client, user, code: str, action: str, data: dict | None = None, htmx: bool = True):
    client.force_login(user)
    response = client.post(f"/can-bo/ho-so/{code}/thao-tac/{action}/", data or {}, headers=HX if htmx else {})
    return response.status_code, response


def dialog(client, user, code: str, action: str, htmx: bool = True) -> tuple[int, str]:
    client.force_login(user)
    response = client.get(f"/can-bo/ho-so/{code}/thao-tac/{action}/", headers=HX if htmx else {})
    return response.status_code, response.content.decode()


def preview(client, user, code: str, action: str, **data) -> str:
    client.force_login(user)
    response = client.get(f"/can-bo/ho-so/{code}/thao-tac/{action}/xem-truoc/", data, headers=HX)
    assert response.status_code == 200
    part = html_lib.unescape(response.content.decode())
    # The dialog's part holds a frame that loads the form from the same address (not srcdoc: the page's
    # Content-Security-Policy would refuse the form's inline styles): the part, then the form.
    frame = re.search(r'<iframe[^>]* src="([^"]+)"', response.content.decode())
    if frame is None:
        return part
    form = client.get(html_lib.unescape(frame[1]))
    assert form.status_code == 200
    assert "frame-ancestors 'self'" in form["Content-Security-Policy"]
    assert "script-src" not in form["Content-Security-Policy"]  # default-src 'none': no script at all
    return part + form.content.decode()


def events(code: str) -> int:
    return DossierEvent.objects.filter(dossier__code=code).count()


# ---------------------------------------------------------------------------------------------
# Reception of an online dossier: receive, return for completion, refuse


def test_receive_an_online_dossier_from_its_dialog(client, api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 8, 30))
    ref = online_dossier(api, citizen)
    status, html = dialog(client, officer_a, ref, "receive")
    assert status == 200 and "<html" not in html
    assert 'id="dialog-title">Tiếp nhận hồ sơ</h2>' in html
    assert "NĐ 61/2018 Điều 15" in html  # the legal basis under the title
    assert f"/can-bo/ho-so/{ref}/thao-tac/receive/xem-truoc/" in html
    form = preview(client, officer_a, ref, "receive")
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in form and "BẢN XEM TRƯỚC" in form
    # The mark is a band above the form (in the flow), not a badge over its national motto.
    assert form.index("BẢN XEM TRƯỚC") < form.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert "position:fixed" not in form
    assert "8 giờ 30 phút, ngày 02 tháng 3 năm 2026" in form  # received now
    assert "8 giờ 30 phút, ngày 03 tháng 3 năm 2026" in form  # 1 working day later
    assert ref in form and "(cấp khi tiếp nhận)" not in form  # its code, issued at submission
    status, response = act(client, officer_a, ref, "receive")
    dossier = Dossier.objects.get(code=ref)
    assert status == 200 and response["HX-Redirect"] == f"/can-bo/ho-so/{dossier.code}/"
    assert dossier.status == "received"
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Đã tiếp nhận hồ sơ." in page


def test_return_for_completion_previews_form_02_with_the_typed_items(client, api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    ref = online_dossier(api, citizen)
    form = preview(
        client, officer_a, ref, "return_for_completion", items="Ảnh Giấy chứng sinh bị mờ\nThiếu tờ khai"
    )
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in form
    assert "1. Ảnh Giấy chứng sinh bị mờ" in form and "2. Thiếu tờ khai" in form
    assert "Đỗ Thị Nhận" in form  # the officer who guides
    assert Dossier.objects.get(code=ref).status == "submitted"  # a preview saves nothing
    status, response = act(client, officer_a, ref, "return_for_completion", {"items": " \n "})
    assert status == 400 and "aria-invalid" in response.content.decode()
    status, response = act(
        client, officer_a, ref, "return_for_completion", {"items": "Ảnh Giấy chứng sinh bị mờ\nThiếu tờ khai"}
    )
    assert status == 200
    dossier = Dossier.objects.get(code=ref)
    assert dossier.status == "returned"
    assert dossier.events.get(action="return_for_completion").data["items"] == [
        "Ảnh Giấy chứng sinh bị mờ",
        "Thiếu tờ khai",
    ]


def test_refusal_needs_a_reason_and_previews_form_03(client, api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    ref = online_dossier(api, citizen)
    status, response = act(client, officer_a, ref, "refuse", {"reason": ""})
    html = response.content.decode()
    assert status == 400 and 'aria-describedby="id_reason-error"' in html
    assert Dossier.objects.get(code=ref).status == "submitted"
    form = preview(client, officer_a, ref, "refuse", reason="Không thuộc thẩm quyền")
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in form and "Không thuộc thẩm quyền" in form
    assert "không tiếp nhận" in form
    status, _ = act(client, officer_a, ref, "refuse", {"reason": "Không thuộc thẩm quyền"})
    assert status == 200 and Dossier.objects.get(code=ref).status == "refused"


# ---------------------------------------------------------------------------------------------
# Processing: forward, supplement, extension, resolution, result, delivery


def test_forward_to_a_named_specialist(client, api, officer_a, specialist_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a, PARENTAGE)
    status, html = dialog(client, officer_a, code, "forward")
    assert status == 200 and 'value="chuyenvien.phohien"' in html  # who may hold the next step
    assert "xem-truoc" not in html  # forwarding produces no form
    status, _ = act(
        client, officer_a, code, "forward", {"assignee": "chuyenvien.phohien", "note": "Hồ sơ đủ"}
    )
    assert status == 200
    step = Dossier.objects.get(code=code).steps.get(state="active")
    assert step.position == 2 and step.assignee == specialist_a


def test_supplement_requested_previewed_and_received(client, api, officer_a, specialist_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a, PARENTAGE)
    forward(api, officer_a, code, "chuyenvien.phohien")
    clock(vn(2026, 3, 3, 10, 0))
    form = preview(client, specialist_a, code, "request_supplement", items="Bản sao Giấy khai sinh của con")
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in form
    assert "1. Bản sao Giấy khai sinh của con" in form
    assert "đã tiếp nhận và đang giải quyết" in form and "Vũ Văn Xử" in form
    assert "Ủy ban nhân dân Phường Phố Hiến".upper() in form.upper()  # the specialist's agency issues it
    status, html = dialog(client, specialist_a, code, "request_supplement")
    assert 'name="supply_by" value="2026-03-17"' in html  # ten working days by default
    items = {"items": "Bản sao Giấy khai sinh của con"}
    status, response = act(
        client, specialist_a, code, "request_supplement", {**items, "supply_by": "2026-03-02"}
    )
    assert status == 400
    assert "Hạn bổ sung 02/03/2026 đã qua: hãy chọn từ ngày 03/03/2026 trở đi." in response.content.decode()
    assert Dossier.objects.get(code=code).status == "processing"
    status, _ = act(client, specialist_a, code, "request_supplement", {**items, "supply_by": "2026-03-13"})
    assert status == 200
    assert Dossier.objects.get(code=code).status == "awaiting_supplement"
    assert Dossier.objects.get(code=code).supplement_requests.get().supply_by.isoformat() == "2026-03-13"
    clock(vn(2026, 3, 5, 9, 0))
    status, html = dialog(client, officer_a, code, "receive_supplement")
    assert status == 200
    status, _ = act(client, officer_a, code, "receive_supplement", {"note": "Đã nộp đủ"})
    dossier = Dossier.objects.get(code=code)
    assert status == 200 and dossier.status == "processing"
    assert dossier.clock_start == vn(2026, 3, 5, 9, 0)  # NĐ 61 Art. 19.4: the time restarts


def test_a_second_extension_is_refused_with_the_services_message(client, api, officer_a, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a, PARENTAGE)  # due 11/03 09:00
    status, html = dialog(client, leader_a, code, "extend")
    assert status == 200 and 'type="datetime-local"' in html
    form = preview(
        client, leader_a, code, "extend", reason="Chờ xác minh", new_appointment="2026-03-13T16:00"
    )
    assert "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in form
    assert "16 giờ 00 phút, ngày 13 tháng 3 năm 2026" in form and "Chờ xác minh" in form
    status, _ = act(
        client, leader_a, code, "extend", {"reason": "Chờ xác minh", "new_appointment": "2026-03-13T16:00"}
    )
    assert status == 200
    assert Dossier.objects.get(code=code).extension_count == 1
    # The button is gone, but the same dialog posted again (another tab) is refused by the service.
    _, page = dialog(client, leader_a, code, "extend", htmx=False)
    assert "hiện không nằm trong các thao tác của bạn" in page
    before = events(code)
    status, response = act(
        client, leader_a, code, "extend", {"reason": "Lần hai", "new_appointment": "2026-03-16T16:00"}
    )
    html = response.content.decode()
    assert status == 409
    assert "Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai" in html
    assert 'role="alert"' in html and "<dialog" not in html  # the dialog's content, swapped in place
    dossier = Dossier.objects.get(code=code)
    assert dossier.extension_count == 1 and events(code) == before
    assert dossier.appointment_at == vn(2026, 3, 13, 16, 0)


def test_wrong_role_gets_the_services_403_and_another_commune_a_404(
    client, api, officer_a, specialist_a, officer_b, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    before = events(code)
    status, response = act(client, specialist_a, code, "deliver", {"method": "counter"})
    assert status == 409  # not resolved yet: the transition table answers first
    status, response = act(
        client, specialist_a, code, "extend", {"reason": "x", "new_appointment": "2026-03-09T10:00"}
    )
    assert status == 403 and "cần vai trò Lãnh đạo" in response.content.decode()
    status, response = act(client, officer_b, code, "stop", {"reason": "x"})
    assert status == 404 and "Không tìm thấy hồ sơ." in response.content.decode()
    status, _ = dialog(client, officer_b, code, "stop")
    assert status == 404
    assert events(code) == before
    status, _ = dialog(client, officer_a, code, "no-such-action")
    assert status == 404


def test_the_dialog_works_as_a_page_without_javascript(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    status, html = dialog(client, officer_a, code, "stop", htmx=False)
    assert status == 200 and '<html lang="vi">' in html and 'name="reason"' in html
    status, response = act(client, officer_a, code, "stop", {"reason": "Người nộp xin rút"}, htmx=False)
    assert status == 303 and response["Location"] == f"/can-bo/ho-so/{code}/"
    assert Dossier.objects.get(code=code).status == "stopped"
    client.force_login(officer_a)
    assert client.get(f"/can-bo/ho-so/{code}/bieu-mau/stop-notice.pdf").status_code == 200


def test_stop_notice_preview_as_its_own_page(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    client.force_login(officer_a)
    response = client.get(
        f"/can-bo/ho-so/{code}/thao-tac/stop/xem-truoc/", {"reason": "Theo đơn <b>xin</b> dừng"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in html
    assert "Theo đơn &lt;b&gt;xin&lt;/b&gt; dừng" in html  # typed text is never markup
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert Dossier.objects.get(code=code).status == "received"


def test_consultation_and_the_reply_of_the_consulted_agency(
    client, api, officer_a, specialist_a, specialist_dept, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a, PARENTAGE)
    forward(api, officer_a, code, "chuyenvien.phohien")
    status, html = dialog(client, specialist_a, code, "consult")
    assert status == 200 and 'value="000.00.04.H31"' in html  # Sở Tư pháp is offered
    status, response = act(
        client,
        specialist_a,
        code,
        "consult",
        {
            "agency_1": "000.00.04.H31",
            "task": "",
            "task_1": "Xác minh giấy tờ nước ngoài",
            "days_1": "2",
            "lead": "1",
        },
    )
    assert status == 200, response.content.decode()
    # The consulted department now sees the dossier and may answer.
    _, page = dialog(client, specialist_dept, code, "consult_reply", htmx=False)
    assert "Sở Tư pháp" in page
    status, _ = act(
        client, specialist_dept, code, "consult_reply", {"agency": "000.00.04.H31", "answer": "Hợp lệ"}
    )
    assert status == 200
    consultation = Dossier.objects.get(code=code).consultations.get()
    assert consultation.answer == "Hợp lệ" and consultation.timing == "early"


def test_consultation_without_a_lead_is_refused_in_place(client, api, officer_a, specialist_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a, PARENTAGE)
    forward(api, officer_a, code, "chuyenvien.phohien")
    status, response = act(
        client,
        specialist_a,
        code,
        "consult",
        {"agency_1": "000.00.04.H31", "task_1": "Xác minh", "days_1": "2", "lead": "2"},
    )
    assert status == 400 and "Cần chỉ định đúng một cơ quan chủ trì." in response.content.decode()


def test_resolve_issue_the_signed_result_and_deliver(client, api, officer_a, superuser, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    advance_to_last_step(api, superuser, code)
    status, html = dialog(client, leader_a, code, "resolve")
    assert status == 200 and 'value="refused"' in html
    # The submit button is disabled while sending; the preview inside must not inherit that rule.
    assert 'hx-disabled-elt="find .dialog-actions button[type=submit]"' in html
    assert 'hx-disinherit="hx-disabled-elt"' in html
    # The "new tab" button comes with a form to show (the dialog keeps one only for pages without JS).
    assert html.count("Xem trước biểu mẫu trong thẻ mới") == 1 and "<noscript>" in html
    form = preview(client, leader_a, code, "resolve", outcome="approved")
    assert "không lập biểu mẫu" in form and "Xem trước biểu mẫu trong thẻ mới" not in form
    form = preview(client, leader_a, code, "resolve", outcome="refused", note="Không đủ điều kiện")
    assert "từ chối giải quyết" in form and "Không đủ điều kiện" in form
    assert "Xem trước biểu mẫu trong thẻ mới" in form
    assert f'data-preview-tab="/can-bo/ho-so/{code}/thao-tac/resolve/xem-truoc/"' in form
    status, _ = act(client, leader_a, code, "resolve", {"outcome": "approved", "note": "Cấp Giấy khai sinh"})
    assert status == 200 and Dossier.objects.get(code=code).status == "resolved"
    _, page = dialog(client, leader_a, code, "issue_result", htmx=False)
    assert 'value="Giấy khai sinh"' in page and 'enctype="multipart/form-data"' in page
    assert "Mỗi hồ sơ phát hành một kết quả điện tử" in page  # said before signing
    client.force_login(leader_a)
    status, response = act(
        client,
        leader_a,
        code,
        "issue_result",
        {"title": "Giấy khai sinh", "file": SimpleUploadedFile("a.jpg", jpeg_bytes())},
    )
    assert status == 400 and "Kết quả điện tử phải là tệp PDF." in response.content.decode()
    status, response = act(
        client,
        leader_a,
        code,
        "issue_result",
        {"title": "Giấy khai sinh", "number": "12/GKS", "file": SimpleUploadedFile("kq.pdf", pdf_bytes(1))},
    )
    assert status == 200, response.content.decode()
    result = ResultDocument.objects.get(dossier__code=code)
    # Issued once: no longer offered, and a second issue (another tab) is refused, changing nothing.
    client.force_login(leader_a)
    assert "/thao-tac/issue_result/" not in client.get(f"/can-bo/ho-so/{code}/").content.decode()
    before = events(code)
    status, response = act(
        client,
        leader_a,
        code,
        "issue_result",
        {"title": "Giấy khai sinh", "number": "13/GKS", "file": SimpleUploadedFile("kq.pdf", pdf_bytes(2))},
    )
    html = html_lib.unescape(response.content.decode())
    assert status == 409 and "Hồ sơ đã có kết quả điện tử «Giấy khai sinh» số 12/GKS" in html
    assert "không phát hành lần thứ hai" in html
    assert ResultDocument.objects.filter(dossier__code=code).count() == 1 and events(code) == before
    _, page = dialog(client, officer_a, code, "deliver", htmx=False)
    assert '<option value="counter" selected>' in page  # filed at the counter: returned there
    Dossier.objects.filter(code=code).update(channel="online")
    _, page = dialog(client, officer_a, code, "deliver", htmx=False)
    assert '<option value="online" selected>' in page  # filed online with an e-result: online
    Dossier.objects.filter(code=code).update(channel="counter")
    client.force_login(officer_a)
    page = client.get(f"/can-bo/ho-so/{code}/").content.decode()
    assert f"/api/v1/files/{result.file.uuid}" in page and f"/xac-thuc/{result.verification_id}/" in page
    assert "/thao-tac/deliver/" in page
    status, _ = act(client, officer_a, code, "deliver", {"method": "counter"})
    assert status == 200 and Dossier.objects.get(code=code).status == "delivered"


def counter_dossier_with_paper(api, officer) -> tuple[str, DossierComponent]:
    version = Procedure.objects.get(code="1.001193").current_version
    requirement = version.components.filter(name__startswith="Giấy chứng sinh").first()
    status, created = api(officer).post(
        "dossiers",
        {
            "procedure": "1.001193",
            "channel": "counter",
            "applicant": {"name": "Trần Văn Bình", "national_id": "033095004321"},
            "components": [{"requirement": requirement.pk, "originals": 1}],
        },
    )
    assert status == 201, created
    return created["code"], DossierComponent.objects.get(dossier__code=created["code"])


def test_digitize_and_attach_a_component(client, api, officer_a, specialist_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code, component = counter_dossier_with_paper(api, officer_a)
    client.force_login(officer_a)
    page = client.get(f"/can-bo/ho-so/{code}/").content.decode()
    url = f"/can-bo/ho-so/{code}/thanh-phan/{component.pk}/so-hoa/"
    assert url in page
    html = client.get(url, headers=HX).content.decode()
    assert 'name="files"' in html and "Giấy chứng sinh" in html
    response = client.post(
        url,
        {"declared_pages": "2", "files": [SimpleUploadedFile("p1.jpg", jpeg_bytes("Trang 1"))]},
        headers=HX,
    )
    assert response.status_code == 400 and "khác số trang bản giấy (2)" in response.content.decode()
    assert not Digitization.objects.filter(component=component).exists()
    response = client.post(
        url,
        {"declared_pages": "1", "files": [SimpleUploadedFile("p1.jpg", jpeg_bytes("Trang 1"))]},
        headers=HX,
    )
    assert response.status_code == 200, response.content.decode()
    assert Digitization.objects.get(component=component).status == "digitized"
    # A specialist attaches a further version; the officer's scan stays as version 1.
    client.force_login(specialist_a)
    attach = f"/can-bo/ho-so/{code}/thanh-phan/{component.pk}/dinh-kem/"
    assert "/so-hoa/" not in client.get(f"/can-bo/ho-so/{code}/").content.decode()
    response = client.post(attach, {"file": SimpleUploadedFile("ban-sao.pdf", pdf_bytes(1))}, headers=HX)
    assert response.status_code == 200, response.content.decode()
    assert list(ComponentFile.objects.filter(component=component).values_list("version", "source")) == [
        (1, "digitized"),
        (2, "uploaded"),
    ]
    page = client.get(f"/can-bo/ho-so/{code}/").content.decode()
    assert "Phiên bản 2: ban-sao.pdf" in page


def test_preview_of_an_action_without_a_form_is_404(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    client.force_login(officer_a)
    assert client.get(f"/can-bo/ho-so/{code}/thao-tac/forward/xem-truoc/").status_code == 404


def test_a_result_issued_at_the_last_step_is_not_offered_again_after_resolution(
    client, api, officer_a, specialist_a, leader_a, clerk_a, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    forward(api, officer_a, code, "chuyenvien.phohien")
    forward(api, specialist_a, code, "lanhdao.phohien")
    forward(api, leader_a, code, "vanthu.phohien")  # the clerk's step: number, stamp, issue
    status, html = dialog(client, clerk_a, code, "issue_result")
    assert status == 200 and "hiện không nằm trong các thao tác" not in html
    status, response = act(
        client,
        clerk_a,
        code,
        "issue_result",
        {"title": "Giấy khai sinh", "file": SimpleUploadedFile("kq.pdf", pdf_bytes(1))},
    )
    assert status == 200, response.content.decode()
    status, _ = act(client, leader_a, code, "resolve", {"outcome": "approved"})
    assert status == 200 and Dossier.objects.get(code=code).status == "resolved"
    for user in (clerk_a, leader_a):
        client.force_login(user)
        assert "/thao-tac/issue_result/" not in client.get(f"/can-bo/ho-so/{code}/").content.decode()
    _, html = dialog(client, clerk_a, code, "issue_result")
    assert "hiện không nằm trong các thao tác của bạn" in html


def test_a_finished_step_names_who_finished_it(client, api, officer_a, specialist_a, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    forward(api, officer_a, code, "chuyenvien.phohien")
    forward(api, specialist_a, code, "lanhdao.phohien")
    forward(api, leader_a, code, "vanthu.phohien")
    status, _ = act(client, leader_a, code, "resolve", {"outcome": "approved"})  # the leader, not the clerk
    assert status == 200
    client.force_login(officer_a)
    html = client.get(f"/can-bo/ho-so/{code}/").content.decode()
    steps = html[html.index('id="h-steps"') : html.index("</table>", html.index('id="h-steps"'))]
    clerk_row = steps[steps.index("4. ") :]
    assert "<b>Bùi Văn Ký</b>" in clerk_row and "người được giao: Ngô Thị Sổ" in clerk_row
    specialist_row = steps[steps.index("2. ") : steps.index("3. ")]
    assert "<b>Vũ Văn Xử</b>" in specialist_row and "người được giao" not in specialist_row
