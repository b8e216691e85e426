"""Journeys of refusal: a second apology-and-new-appointment is refused in its dialog with the
service's Vietnamese message and changes nothing; an officer of commune B cannot open, find or act on
commune A's dossier."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, DossierEvent
from testing.dossiers import PARENTAGE, counter_dossier, vn

pytestmark = pytest.mark.browser


def test_a_second_extension_is_refused_in_the_dialog(page, login, api, officer_a, leader_a, clock, shot):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a, PARENTAGE)  # 7 working days: due 11/03 09:00
    login(page, leader_a)
    page.goto(f"/can-bo/ho-so/{code}/")
    actions = page.get_by_role("region", name="Thao tác")

    page.wait_for_load_state()
    actions.get_by_role("link", name="Xin lỗi và hẹn lại ngày trả kết quả").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Ngày, giờ hẹn trả kết quả mới").fill("2026-03-13T16:00")
    dialog.get_by_label("Lý do chậm giải quyết").fill("Chờ kết quả xác minh của cơ quan công an")
    preview = dialog.frame_locator("iframe.form-preview")
    expect(preview.get_by_text("16 giờ 00 phút, ngày 13 tháng 3 năm 2026")).to_be_visible()
    shot(page, "tu-choi-1-hen-lai-xem-truoc-mau-04")
    dialog.get_by_role("button", name="Xác nhận: Xin lỗi và hẹn lại ngày trả kết quả").click()
    expect(
        page.get_by_role("status").filter(has_text="Đã xin lỗi và hẹn lại ngày trả kết quả.")
    ).to_be_visible()
    expect(actions.get_by_role("link", name="Xin lỗi và hẹn lại ngày trả kết quả")).to_have_count(0)

    # The same dialog submitted again (the page of another tab, still showing the button).
    events = DossierEvent.objects.filter(dossier__code=code).count()
    page.goto(f"/can-bo/ho-so/{code}/thao-tac/extend/")
    expect(page.get_by_text("hiện không nằm trong các thao tác của bạn")).to_be_visible()
    page.get_by_label("Ngày, giờ hẹn trả kết quả mới").fill("2026-03-17T16:00")
    page.get_by_label("Lý do chậm giải quyết").fill("Xin hẹn thêm lần nữa")
    page.get_by_role("button", name="Xác nhận: Xin lỗi và hẹn lại ngày trả kết quả").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Hồ sơ đã được hẹn lại một lần; không được hẹn lại lần thứ hai")
    assert page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus") == 409
    shot(page, "tu-choi-2-hen-lai-lan-hai")
    dossier = Dossier.objects.get(code=code)
    assert dossier.extension_count == 1 and dossier.appointment_at == vn(2026, 3, 13, 16, 0)
    assert DossierEvent.objects.filter(dossier__code=code).count() == events

    # In the dialog on the dossier page too: the refusal replaces the form inside the open dialog.
    page.goto(f"/can-bo/ho-so/{code}/")
    page.evaluate(
        """code => {
            const link = document.createElement('a');
            link.textContent = 'Hẹn lại (trang cũ)';
            link.setAttribute('hx-get', `/can-bo/ho-so/${code}/thao-tac/extend/`);
            link.setAttribute('hx-target', '#action-dialog');
            link.setAttribute('data-opens-dialog', '');
            link.href = '#';
            document.querySelector('.action-list, #h-actions').after(link);
            htmx.process(link);
        }""",
        code,
    )
    page.evaluate(
        """() => document.addEventListener('htmx:afterRequest', e => {
            if (e.detail.requestConfig.verb === 'post') window.postStatus = e.detail.xhr.status;
        })"""
    )
    page.get_by_role("link", name="Hẹn lại (trang cũ)").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Ngày, giờ hẹn trả kết quả mới").fill("2026-03-17T16:00")
    dialog.get_by_label("Lý do chậm giải quyết").fill("Xin hẹn thêm lần nữa")
    dialog.get_by_role("button", name="Xác nhận: Xin lỗi và hẹn lại ngày trả kết quả").click()
    expect(dialog.get_by_role("alert")).to_contain_text(
        "không được hẹn lại lần thứ hai (NĐ 61/2018 Điều 19.9)"
    )
    expect(dialog).to_be_visible()
    page.wait_for_function("window.postStatus !== undefined")
    assert page.evaluate("window.postStatus") == 409
    shot(page, "tu-choi-3-hop-thoai-bao-loi")
    assert Dossier.objects.get(code=code).extension_count == 1


def test_an_officer_of_commune_b_cannot_open_commune_a_dossier(
    page, login, api, officer_a, officer_b, clock, shot
):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    login(page, officer_b)
    page.goto("/can-bo/ho-so/?tab=tat-ca")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hộp hồ sơ")
    expect(page.locator("#inbox-results")).not_to_contain_text(code)
    page.get_by_label("Tìm mã hồ sơ, họ tên, số định danh").fill(code)
    expect(page).to_have_url(re.compile(r"q=001\.00\.11953"))
    expect(page.locator("#inbox-results")).to_contain_text("Không có hồ sơ nào trong nhóm này.")
    shot(page, "tu-choi-4-xa-khac-khong-thay")
    answer = page.goto(f"/can-bo/ho-so/{code}/")
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")
    expect(page.get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ.")
    expect(page.get_by_text(counter_dossier.__name__)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Trần Văn Bình")
    shot(page, "tu-choi-5-xa-khac-khong-mo-duoc")
    answer = page.goto(f"/can-bo/ho-so/{code}/thao-tac/stop/")
    assert answer is not None and answer.status == 404
