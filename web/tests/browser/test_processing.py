"""Journey: an online dossier through the officers of commune A — the one-stop officer receives it, the
specialist asks for a supplement (previewing form 02 as she types), the officer records the supplement,
the leader resolves and issues the signed electronic result, and the officer hands it over."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from documents.models import ResultDocument
from dossiers.importer import import_lines
from dossiers.models import Dossier
from testing.browser import confirm, open_action
from testing.documents import pdf_bytes
from testing.dossiers import COMMUNE_A, COMMUNE_A_CENTRE, counter_dossier, online_dossier, vn

pytestmark = pytest.mark.browser

E_RESULT = "Phát hành bản điện tử có ký số (PDF)"
# The lines a cell's text takes (its padding and the row's height aside).
TEXT_LINES = """td => { const r = document.createRange(); r.selectNodeContents(td);
  return Math.round(r.getBoundingClientRect().height / parseFloat(getComputedStyle(td).lineHeight)); }"""
LONG_NAMED = "1.007664"  # a 139-character name


def waiting_result_long_named() -> None:
    """A result of January, of a procedure with a long name, still waiting for its applicant."""
    line = {
        "code": "H31-CU-260105-0001",
        "procedure": LONG_NAMED,
        "receiving_agency": COMMUNE_A_CENTRE,
        "handling_agency": COMMUNE_A,
        "channel": "counter",
        "applicant": {"name": "Trịnh Văn Quang", "national_id": "033091000099"},
        "events": [
            {"type": "received", "at": "2026-01-05T09:00:00+07:00"},
            {"type": "resolved", "at": "2026-01-05T10:00:00+07:00", "outcome": "approved", "note": "Xong"},
        ],
    }
    assert import_lines([json.dumps(line, ensure_ascii=False)]).imported == 1


def test_online_dossier_from_reception_to_delivery(
    page, login, api, citizen, officer_a, specialist_a, leader_a, clock, shot
):
    clock(vn(2026, 3, 2, 8, 15))
    waiting_result_long_named()
    reference = online_dossier(api, citizen)

    # The one-stop officer finds it among the online dossiers to check, and receives it.
    clock(vn(2026, 3, 2, 8, 30))
    login(page, officer_a)
    page.goto("/can-bo/ho-so/?tab=cho-tiep-nhan")
    page.get_by_role("link", name=reference).click()  # its code, issued at submission
    dialog = open_action(page, "Tiếp nhận hồ sơ")
    preview = dialog.frame_locator("iframe.form-preview")
    expect(preview.get_by_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")).to_be_visible()
    shot(page, "xu-ly-1-tiep-nhan-truc-tuyen")
    confirm(page, dialog, "Tiếp nhận hồ sơ", "Đã tiếp nhận hồ sơ.")
    code = reference  # reception kept the code
    expect(page).to_have_url(re.compile(re.escape(f"/can-bo/ho-so/{code}/")))
    dialog = open_action(page, "Chuyển bước xử lý")
    dialog.get_by_label("Người nhận bước tiếp theo").select_option("chuyenvien.phohien")
    confirm(page, dialog, "Chuyển bước xử lý", "Đã chuyển hồ sơ sang bước tiếp theo.")

    # The specialist asks, once and completely, for what is missing: form 02 follows her typing.
    clock(vn(2026, 3, 2, 10, 0))
    login(page, specialist_a)
    page.goto("/can-bo/ho-so/")
    page.get_by_role("link", name=code).click()
    dialog = open_action(page, "Yêu cầu bổ sung, hoàn thiện hồ sơ")
    dialog.get_by_label("Nội dung cần bổ sung, hoàn thiện").fill(
        "Bản sao Giấy chứng sinh có chứng thực\nVăn bản ủy quyền của người nộp thay"
    )
    preview = dialog.frame_locator("iframe.form-preview")
    expect(preview.get_by_text("1. Bản sao Giấy chứng sinh có chứng thực")).to_be_visible()
    expect(preview.get_by_text("2. Văn bản ủy quyền của người nộp thay")).to_be_visible()
    shot(page, "xu-ly-2-yeu-cau-bo-sung-xem-truoc")
    confirm(page, dialog, "Yêu cầu bổ sung, hoàn thiện hồ sơ", "Đã gửi yêu cầu bổ sung hồ sơ.")
    expect(page.locator(".status-pill")).to_have_text("Chờ bổ sung hồ sơ")

    # The applicant brings the papers: the officer records the supplement; the time restarts.
    clock(vn(2026, 3, 3, 9, 0))
    login(page, officer_a)
    page.goto("/can-bo/ho-so/?tab=cho-bo-sung")
    page.get_by_role("link", name=code).click()
    dialog = open_action(page, "Nhận hồ sơ bổ sung")
    dialog.get_by_label("Ghi chú").fill("Đã nộp đủ giấy tờ bổ sung")
    confirm(page, dialog, "Nhận hồ sơ bổ sung", "Đã nhận hồ sơ bổ sung")
    assert Dossier.objects.get(code=code).due_at == vn(2026, 3, 4, 9, 0)

    # The specialist proposes, the leader approves and resolves, then issues the signed result.
    clock(vn(2026, 3, 3, 10, 0))
    login(page, specialist_a)
    page.goto(f"/can-bo/ho-so/{code}/")
    dialog = open_action(page, "Chuyển bước xử lý")
    dialog.get_by_label("Người nhận bước tiếp theo").select_option("lanhdao.phohien")
    confirm(page, dialog, "Chuyển bước xử lý", "Đã chuyển hồ sơ sang bước tiếp theo.")

    # At his own step the leader decides: "Phê duyệt" or "Không phê duyệt" (issue 14 §13); stopping
    # the dossier is apart, outlined, below them.
    clock(vn(2026, 3, 3, 11, 0))
    login(page, leader_a)
    page.goto(f"/can-bo/ho-so/{code}/")
    actions = page.get_by_role("region", name="Thao tác")
    expect(actions.get_by_role("link", name="Không phê duyệt", exact=True)).to_be_visible()
    expect(actions.get_by_role("link", name="Chuyển bước xử lý")).to_have_count(0)
    stop = page.locator(".action-ending").get_by_role("link", name="Dừng giải quyết theo đề nghị")
    expect(stop).to_have_css("background-color", "rgb(255, 255, 255)")
    shot(page, "xu-ly-3a-lanh-dao-phe-duyet")
    dialog = open_action(page, "Phê duyệt")
    confirm(page, dialog, "Phê duyệt", "Đã phê duyệt; hồ sơ chuyển sang bước tiếp theo.")
    dialog = open_action(page, "Ban hành kết quả (văn bản giấy)")
    approved = dialog.get_by_label("Giải quyết (có kết quả)")
    expect(approved).to_be_checked()
    radio, label = approved.bounding_box(), dialog.locator("label.choice").first.bounding_box()
    assert radio and label and radio["width"] < 24 and radio["x"] - label["x"] < 4  # beside its words
    # A resolution with a result produces no form: nothing to preview, so no button offers it.
    new_tab = dialog.get_by_role("button", name="Xem trước biểu mẫu trong thẻ mới")
    expect(dialog.get_by_text("thao tác này không lập biểu mẫu")).to_be_visible()
    expect(new_tab).to_have_count(0)
    dialog.get_by_label("Từ chối giải quyết").check()
    expect(dialog.frame_locator("iframe.form-preview").get_by_text("PHIẾU TỪ CHỐI")).to_be_visible()
    expect(new_tab).to_be_visible()
    approved.check()
    expect(new_tab).to_have_count(0)
    dialog.get_by_label("Nội dung kết quả / lý do từ chối").fill("Cấp Giấy khai sinh")
    confirm(page, dialog, "Ban hành kết quả (văn bản giấy)", "Đã ban hành kết quả giải quyết.")
    # The leader's resolution finished the clerk's step: the table names who did it.
    expect(page.locator("section[aria-labelledby=h-steps] tbody tr").last).to_contain_text("Bùi Văn Ký")
    # The signed electronic copy is a different, outlined button.
    e_result = page.get_by_role("region", name="Thao tác").get_by_role("link", name=E_RESULT)
    expect(e_result).to_have_css("background-color", "rgb(255, 255, 255)")
    dialog = open_action(page, E_RESULT)
    expect(dialog.get_by_label("Tên kết quả")).to_have_value("Giấy khai sinh")
    dialog.get_by_label("Số, ký hiệu").fill("25/GKS")
    dialog.get_by_label("Tệp kết quả (PDF)").set_input_files(
        files=[{"name": "giay-khai-sinh.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes(1)}]
    )
    confirm(page, dialog, E_RESULT, "Đã ký số và phát hành kết quả điện tử.")
    results = page.get_by_role("region", name="Kết quả điện tử")
    expect(results).to_contain_text("Giấy khai sinh — số 25/GKS")
    result = ResultDocument.objects.get(dossier__code=code)
    assert result.number == "25/GKS" and result.signer
    # Issued once: the action is no longer offered.
    actions = page.get_by_role("region", name="Thao tác")
    expect(actions.get_by_role("link", name=E_RESULT)).to_have_count(0)

    # The officer hands the result over at the counter: on a 1366 px laptop the result just resolved
    # is the first to hand over, and the procedure's name takes at most two lines.
    clock(vn(2026, 3, 3, 14, 0))
    login(page, officer_a)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto("/can-bo/ho-so/?tab=cho-tra")
    first = page.locator(".inbox-table tbody tr").first
    expect(first).to_contain_text(code)
    expect(page.locator(".inbox-table tbody tr").nth(1)).to_contain_text(LONG_NAMED)
    for cell in page.locator(".inbox-table td.procedure").all():
        assert cell.evaluate(TEXT_LINES) <= 2
    shot(page, "xu-ly-3b-cho-tra-1366")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("link", name=code).click()
    dialog = open_action(page, "Trả kết quả")
    dialog.get_by_label("Hình thức trả kết quả").select_option("counter")
    confirm(page, dialog, "Trả kết quả", "Đã trả kết quả.")
    expect(page.locator(".status-pill")).to_have_text("Đã trả kết quả")
    expect(page.locator(".dossier-head")).to_contain_text("Trước hạn")
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == "delivered" and dossier.resolution_timing == "early"
    timeline = page.get_by_role("region", name="Diễn biến hồ sơ")
    for label in (
        "Tiếp nhận hồ sơ",
        "Yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Nhận hồ sơ bổ sung",
        "Phê duyệt",
        "Ban hành kết quả",
        "Phát hành kết quả điện tử (ký số)",
        "Trả kết quả",
    ):
        expect(timeline.get_by_text(label, exact=True).first).to_be_visible()
    shot(page, "xu-ly-3-da-tra-ket-qua")


def test_the_inbox_and_a_dossier_on_a_phone(phone_page, login, api, officer_a, clock, shot):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    login(phone_page, officer_a)
    phone_page.goto("/can-bo/ho-so/")
    row = phone_page.locator(".inbox-table tbody tr").first
    expect(row).to_contain_text(code)
    expect(row).to_contain_text("Sắp đến hạn")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "xu-ly-4-hop-ho-so-dien-thoai")
    row.get_by_role("link", name=code).click()
    expect(phone_page.locator(".status-pill")).to_have_text("Đã tiếp nhận")
    phone_page.wait_for_load_state("load")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    dialog = open_action(phone_page, "Dừng giải quyết theo đề nghị")
    dialog.get_by_label("Lý do").fill("Người nộp có đơn xin dừng giải quyết")
    preview = dialog.frame_locator("iframe.form-preview")
    expect(preview.get_by_role("heading", name="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")).to_be_visible()
    expect(preview.get_by_text("Người nộp có đơn xin dừng giải quyết")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(phone_page, "xu-ly-5-hop-thoai-dien-thoai")


def test_a_dialog_sends_once_and_its_preview_covers_nothing(page, login, api, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 0))
    code = counter_dossier(api, officer_a)
    # htmx reports a misconfiguration (e.g. a selector that finds nothing) with console.error. The
    # page records those itself: page.on("console") needs Playwright's event loop, which conftest.py
    # hides between Playwright calls.
    page.add_init_script(
        """window.consoleErrors = [];
        const error = console.error.bind(console);
        console.error = (...args) => { window.consoleErrors.push(args.map(String).join(" ")); error(...args); };"""
    )
    login(page, officer_a)
    page.goto(f"/can-bo/ho-so/{code}/")
    dialog = open_action(page, "Dừng giải quyết theo đề nghị")
    dialog.get_by_label("Lý do").fill("Người nộp có đơn xin dừng giải quyết")
    preview = dialog.frame_locator("iframe.form-preview")
    expect(preview.get_by_text("Người nộp có đơn xin dừng giải quyết")).to_be_visible()

    # The "preview" band sits above the form: the national motto under it stays uncovered.
    band = preview.get_by_text("BẢN XEM TRƯỚC — CHƯA LƯU").bounding_box()
    motto = preview.get_by_text("Độc lập - Tự do - Hạnh phúc").bounding_box()
    nation = preview.get_by_text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM").bounding_box()
    assert band and motto and nation
    assert band["y"] + band["height"] <= min(motto["y"], nation["y"])

    # The form opens in a tab of its own, and the dialog stays as it was.
    # (window.open is recorded rather than awaited: Playwright's expect_popup cannot run under the
    # live server's loop handling in conftest.py.)
    page.evaluate("() => { window.open = (url) => { window.openedUrl = url; return null; }; }")
    dialog.get_by_role("button", name="Xem trước biểu mẫu trong thẻ mới").click()
    url = page.wait_for_function("() => window.openedUrl").json_value()
    assert "/thao-tac/stop/xem-truoc/?" in url and "csrfmiddlewaretoken" not in url
    tab = page.context.new_page()
    tab.goto(url)
    expect(tab.get_by_role("heading", name="THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")).to_be_visible()
    expect(tab.get_by_text("Người nộp có đơn xin dừng giải quyết")).to_be_visible()
    tab.close()
    expect(dialog.get_by_label("Lý do")).to_have_value("Người nộp có đơn xin dừng giải quyết")

    # While the confirmation is on its way, its button is disabled: no second submission.
    submit = dialog.get_by_role("button", name="Xác nhận: Dừng giải quyết theo đề nghị")
    disabled_while_sending: list[bool] = []
    console_errors: list[str] = []

    def when_sent(route):  # the page as it is when the confirmation leaves (it is replaced after)
        if route.request.method == "POST":
            disabled_while_sending.append(submit.is_disabled())
            console_errors.extend(page.evaluate("window.consoleErrors"))
        route.continue_()

    page.route("**/thao-tac/stop/", when_sent)
    submit.click()
    expect(page.get_by_role("status").filter(has_text="Đã dừng giải quyết hồ sơ.")).to_be_visible()
    assert disabled_while_sending == [True]
    assert Dossier.objects.get(code=code).status == "stopped"
    assert console_errors == []
