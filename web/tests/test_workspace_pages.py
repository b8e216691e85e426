"""The officer workspace pages: the inbox per role with deadline words and filters, the dossier page, its
printable forms and the ledger — each only for the officers of the dossier's agencies."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dossiers.importer import import_lines
from dossiers.models import Dossier
from organization.models import Agency, Membership, Role
from reports.tests.history import history_lines
from testing.dossiers import (
    COMMUNE_A_CENTRE,
    PARENTAGE,
    counter_dossier,
    forward,
    online_dossier,
    vn,
)
from testing.web import HX, page

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Helpers (the shared ones are in testing/dossiers.py and testing/web.py)


def codes_in(html: str) -> list[str]:
    return re.findall(r'class="code" href="/can-bo/ho-so/([^/]+)/"', html)


# ---------------------------------------------------------------------------------------------
# Who may open the workspace


def test_anonymous_is_sent_to_login_and_a_citizen_is_refused(client, citizen):
    response = client.get("/can-bo/ho-so/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    status, html = page(client, citizen, "/can-bo/ho-so/")
    assert status == 403
    assert "dành cho cán bộ" in html and '<html lang="vi">' in html


def test_staff_see_the_workspace_links_and_citizens_do_not(client, officer_a, citizen):
    _, html = page(client, officer_a, "/")
    assert "Hộp hồ sơ" in html and "/can-bo/tiep-nhan/" in html and "/can-bo/so-theo-doi/" in html
    _, html = page(client, citizen, "/")
    assert "/can-bo/ho-so/" not in html


def test_the_menu_follows_roles_held_and_filing(client, officer_a, specialist_b, citizen):
    """The workspace's links for whoever holds a role, active or not (a revoked one still shows them;
    the workspace then refuses), the portal's for whoever files dossiers — both for a citizen who is
    also staff."""
    Membership.objects.filter(user=specialist_b).update(is_active=False)
    status, html = page(client, specialist_b, "/can-bo/ho-so/")
    assert status == 403 and 'href="/can-bo/ho-so/"' in html
    Membership.objects.create(
        user=citizen, agency=Agency.objects.get(code=COMMUNE_A_CENTRE), role=Role.ONE_STOP_OFFICER
    )
    status, html = page(client, citizen, "/can-bo/ho-so/")
    assert status == 200
    mine = reverse("web:portal_my_dossiers")
    assert 'href="/can-bo/ho-so/"' in html and mine in html
    _, html = page(client, officer_a, "/can-bo/ho-so/")
    assert mine not in html
    assert "Tỉnh Hưng Yên" in html  # the province's name, read with the session's user


# ---------------------------------------------------------------------------------------------
# Inbox


def test_inbox_shows_the_deadline_in_words_and_colour(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))  # Monday
    short = counter_dossier(api, officer_a)  # 1 working day: approaching at once
    clock(vn(2026, 3, 2, 9, 30))
    long = counter_dossier(api, officer_a, PARENTAGE)  # 7 working days: in time
    status, html = page(client, officer_a, "/can-bo/ho-so/?tab=dang-xu-ly")
    assert status == 200
    assert codes_in(html) == [short, long]  # work in progress: the most urgent first
    _, everything = page(client, officer_a, "/can-bo/ho-so/?tab=tat-ca")
    assert codes_in(everything) == [long, short]  # everything: the latest received first
    assert "deadline-approaching" in html and "Sắp đến hạn" in html
    assert "deadline-in-time" in html and "Trong hạn" in html
    assert "Cán bộ một cửa: Đỗ Thị Nhận" in html  # who holds the step
    clock(vn(2026, 3, 4, 9, 0))  # Wednesday: the 1-day dossier is overdue
    _, html = page(client, officer_a, "/can-bo/ho-so/?tab=qua-han")
    assert codes_in(html) == [short]
    assert "deadline-overdue" in html and "Quá hạn" in html


def test_inbox_filters_keep_the_query_and_answer_htmx_with_the_list_only(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    mine = counter_dossier(api, officer_a, name="Phạm Thị Hoà", national_id="033095000001")
    other = counter_dossier(api, officer_a, name="Trần Văn Bình", national_id="033095000002")
    status, html = page(client, officer_a, "/can-bo/ho-so/?tab=tat-ca&q=pham thi hoa", headers=HX)
    assert status == 200 and "<html" not in html
    assert codes_in(html) == [mine] and other not in html
    # The tab links keep the search; the hidden tab field follows the tab.
    assert "?tab=dang-xu-ly&amp;q=pham+thi+hoa" in html
    assert 'id="inbox-tab" hx-swap-oob="true"' in html
    _, html = page(client, officer_a, f"/can-bo/ho-so/?tab=tat-ca&procedure={PARENTAGE}")
    assert codes_in(html) == []
    _, html = page(client, officer_a, "/can-bo/ho-so/?tab=tat-ca&status=received&overdue=0")
    assert set(codes_in(html)) == {mine, other}
    # Junk in the filters is ignored, not a 500.
    status, _ = page(client, officer_a, "/can-bo/ho-so/?tab=nope&status=bogus&overdue=x&page=abc")
    assert status == 200


def test_inbox_pages_through_its_tab_counted_with_the_others(client, api, officer_a, clock, monkeypatch):
    monkeypatch.setattr("web.workspace_views.PAGE_SIZE", 2)
    clock(vn(2026, 3, 2, 9, 0))
    codes = [counter_dossier(api, officer_a, national_id=f"03309500000{i}") for i in range(3)]
    _, first = page(client, officer_a, "/can-bo/ho-so/?tab=dang-xu-ly")
    assert "Đang xử lý: 3 hồ sơ" in first and "Trang 1 / 2" in first
    _, second = page(client, officer_a, "/can-bo/ho-so/?tab=dang-xu-ly&page=2")
    assert "Trang 2 / 2" in second
    assert codes_in(first) + codes_in(second) == codes  # the most urgent first, each once
    _, beyond = page(client, officer_a, "/can-bo/ho-so/?tab=dang-xu-ly&page=9")
    assert codes_in(beyond) == codes_in(second)  # past the end: the last page
    _, empty = page(client, officer_a, "/can-bo/ho-so/?tab=cho-bo-sung")
    assert codes_in(empty) == [] and "Trang " not in empty


def test_inbox_tabs_per_role(client, api, citizen, officer_a, specialist_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    submitted = online_dossier(api, citizen)
    received = counter_dossier(api, officer_a)
    _, html = page(client, officer_a, "/can-bo/ho-so/?tab=cho-tiep-nhan")
    assert f"/can-bo/ho-so/{submitted}/" in html and received not in html
    # Default tab for an officer: their own work — the online dossier to check and the step they hold.
    _, html = page(client, officer_a, "/can-bo/ho-so/")
    assert 'aria-current="page" class="current">Việc của tôi' in html
    assert received in html and f"/can-bo/ho-so/{submitted}/" in html
    _, html = page(client, specialist_a, "/can-bo/ho-so/")
    assert received not in html
    forward(api, officer_a, received, "chuyenvien.phohien")
    _, html = page(client, specialist_a, "/can-bo/ho-so/")
    assert codes_in(html) == [received]
    assert "Chuyên viên thụ lý: Vũ Văn Xử" in html


def test_officer_of_another_commune_sees_nothing_of_commune_a(client, api, officer_a, officer_b, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    _, html = page(client, officer_b, "/can-bo/ho-so/?tab=tat-ca")
    assert code not in html
    status, html = page(client, officer_b, f"/can-bo/ho-so/{code}/")
    assert status == 404 and "Không tìm thấy hồ sơ." in html
    status, _ = page(client, officer_b, f"/can-bo/ho-so/{code}/bieu-mau/receipt.pdf")
    assert status == 404


def test_a_monitor_sees_every_commune(client, api, officer_a, monitor, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    _, html = page(client, monitor, "/can-bo/ho-so/")
    assert 'class="current">Tất cả' in html and code in html


# ---------------------------------------------------------------------------------------------
# The dossier page


def test_dossier_page_shows_header_steps_files_forms_and_timeline(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    status, html = page(client, officer_a, f"/can-bo/ho-so/{code}/")
    assert status == 200
    for text in (
        code,
        "Thủ tục đăng ký khai sinh",
        "Trần Văn Bình",
        "033095004321",
        "Đã tiếp nhận",
        "09:00 03/03/2026",  # due and appointment
        "Sắp đến hạn",
        "Tiếp nhận, kiểm tra hồ sơ, chuyển xử lý",  # the steps
        "Thẩm định hồ sơ, đề xuất kết quả",
        "Nhật ký bàn giao",
        "Diễn biến hồ sơ",
        "Tiếp nhận hồ sơ",  # the event
        f"/can-bo/ho-so/{code}/bieu-mau/receipt.pdf",
        f"/can-bo/ho-so/{code}/bieu-mau/process-control.pdf",
        "Hồ sơ chưa có yêu cầu bổ sung",  # form 2 does not apply yet, and says why
    ):
        assert text in html, text
    # The officer holds step 1: forward, request a supplement, stop; not resolve, not deliver.
    assert f"/can-bo/ho-so/{code}/thao-tac/forward/" in html
    assert f"/can-bo/ho-so/{code}/thao-tac/request_supplement/" in html
    assert f"/can-bo/ho-so/{code}/thao-tac/stop/" in html
    assert "/thao-tac/resolve/" not in html and "/thao-tac/deliver/" not in html
    assert "/thao-tac/extend/" not in html  # less than one working day left


def test_actions_follow_the_step_holder(client, api, officer_a, specialist_a, leader_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a, PARENTAGE)
    forward(api, officer_a, code, "chuyenvien.phohien")
    _, html = page(client, officer_a, f"/can-bo/ho-so/{code}/")
    assert "/thao-tac/forward/" not in html  # the specialist holds the dossier now
    _, html = page(client, specialist_a, f"/can-bo/ho-so/{code}/")
    assert "/thao-tac/forward/" in html and "/thao-tac/send_back/" in html and "/thao-tac/consult/" in html
    _, html = page(client, leader_a, f"/can-bo/ho-so/{code}/")
    assert "/thao-tac/extend/" in html  # 7 working days: an apology is still possible


def test_form_pdfs_and_a_form_that_does_not_apply(client, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    client.force_login(officer_a)
    response = client.get(f"/can-bo/ho-so/{code}/bieu-mau/receipt.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(f"/can-bo/ho-so/{code}/bieu-mau/stop-notice.pdf")
    assert response.status_code == 409
    assert "Hồ sơ không ở trạng thái dừng giải quyết." in response.content.decode()
    assert client.get(f"/can-bo/ho-so/{code}/bieu-mau/khong-co.pdf").status_code == 404


# ---------------------------------------------------------------------------------------------
# Ledger


def test_ledger_lists_the_year_of_a_field_with_the_pdf_link(client, api, officer_a, officer_b, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    status, html = page(client, officer_a, "/can-bo/so-theo-doi/")
    assert status == 200
    assert "Hộ tịch" in html and code in html
    assert f"/api/v1/ledger.pdf?agency={COMMUNE_A_CENTRE}&amp;field=ho-tich&amp;year=2026" in html
    # Another commune's officer chooses among their own agencies only.
    _, html = page(
        client, officer_b, f"/can-bo/so-theo-doi/?agency={COMMUNE_A_CENTRE}&field=ho-tich&year=2026"
    )
    assert code not in html and f'value="{COMMUNE_A_CENTRE}"' not in html


def test_every_page_of_imported_history_opens(client, officer_a, leader_a, monitor, clock):
    """Dossiers of the old system (no workflow steps, every state) open without a server error."""
    clock(vn(2026, 3, 20, 10, 0))
    summary = import_lines(history_lines(7, 16, vn(2026, 1, 5, 8, 0), 60))
    assert summary.imported == 16
    for tab in ("dang-xu-ly", "qua-han", "cho-bo-sung", "cho-tra"):
        status, _ = page(client, monitor, f"/can-bo/ho-so/?tab={tab}&page=9")
        assert status == 200
    _, html = page(client, monitor, "/can-bo/ho-so/?tab=tat-ca")
    assert len(codes_in(html)) == 16
    for user in (officer_a, leader_a):
        assert page(client, user, "/can-bo/ho-so/")[0] == 200
    one_per_state = {d.status: d for d in Dossier.objects.all()}
    assert len(one_per_state) >= 4
    for dossier in one_per_state.values():
        status, html = page(client, monitor, f"/can-bo/ho-so/{dossier.code}/")
        assert status == 200, dossier.status
        assert dossier.status_label in html
    mine = Dossier.objects.filter(handling_agency__code="000.00.11953.H31").first()
    assert page(client, leader_a, f"/can-bo/ho-so/{mine.code}/")[0] == 200
    status, html = page(
        client, monitor, "/can-bo/so-theo-doi/?agency=000.00.11953.H31&field=ho-tich&year=2026"
    )
    assert status == 200 and "H31-RP-007-" in html
