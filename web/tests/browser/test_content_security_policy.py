"""Journey: the main pages, the admin and the API docs under the Content-Security-Policy — no inline
script, no eval, no inline style — and htmx still doing its work (the lookup's refusals swapped in, the
officer's action dialog with its form preview). A violation anywhere fails the test (see the ``page``
fixture: every browser journey reports them)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from testing.browser import confirm, open_action
from testing.dossiers import online_dossier, vn

pytestmark = pytest.mark.browser


def policy(response) -> str:
    value = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in value and "'unsafe-eval'" not in value
    assert "object-src 'none'" in value and "frame-ancestors 'none'" in value
    return value


def test_public_pages_admin_and_api_docs_run_under_the_policy(page, login, superuser, shot):
    for path, heading in (
        ("/", None),
        ("/thu-tuc/", "Thủ tục hành chính"),
        ("/thu-tuc/1.001193/", "Thủ tục đăng ký khai sinh"),
        ("/dang-nhap/", "Đăng nhập"),
    ):
        response = page.goto(path)
        assert response.status == 200
        policy(response)
        if heading:
            expect(page.get_by_role("heading", level=1)).to_contain_text(heading)

    # htmx: a refused lookup (404) is swapped in by site.js, no inline hx-on handler.
    page.goto("/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill("001.00.11953.H31-000000-9999")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.locator("#lookup-result").get_by_role("alert")).to_contain_text("Không tìm thấy hồ sơ")

    # The language menu applies the choice at once (site.js instead of an onchange attribute).
    page.get_by_label("Ngôn ngữ").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Track a dossier")
    page.get_by_label("Language").select_option("vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tra cứu hồ sơ")

    login(page, superuser)
    response = page.goto("/quan-tri/")
    policy(response)
    expect(page.locator("#site-name")).to_contain_text("Quản trị hệ thống")
    page.goto("/quan-tri/catalog/procedure/")
    expect(page.locator("#result_list")).to_be_visible()

    # The API docs: swagger-ui from our own static files (no CDN), started without an inline script;
    # nothing is fetched from another host, so the page works without the internet.
    # (What the page fetched, from the browser's resource timing; one refused by the policy fails the
    # journey as a violation.)
    response = page.goto("/api/v1/docs")
    policy(response)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("motcua API")
    expect(page.locator(".opblock").first).to_be_visible()
    requested = page.evaluate("performance.getEntriesByType('resource').map(entry => entry.name)")
    origin = re.match(r"https?://[^/]+/", page.url)[0]
    assert any(url.endswith("/openapi.json") for url in requested)
    assert any(url.endswith("/swagger-ui-bundle.js") for url in requested)
    assert [url for url in requested if not url.startswith(origin)] == []
    shot(page, "csp-api-docs")


def test_officer_action_dialog_and_form_preview_under_the_policy(page, login, api, citizen, officer_a, clock):
    clock(vn(2026, 3, 2, 8, 15))
    reference = online_dossier(api, citizen)
    clock(vn(2026, 3, 2, 8, 30))
    login(page, officer_a)
    response = page.goto("/can-bo/ho-so/?tab=cho-tiep-nhan")
    policy(response)
    page.get_by_role("link", name=reference).click()  # its code, issued at submission
    dialog = open_action(page, "Tiếp nhận hồ sơ")
    # The preview frame loads the form from its own address, under a policy of its own (inline styles
    # and its data: QR code allowed there, no script at all).
    preview = dialog.frame_locator("iframe.form-preview")
    expect(preview.get_by_text("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")).to_be_visible()
    expect(preview.locator("img").first).to_be_visible()
    confirm(page, dialog, "Tiếp nhận hồ sơ", "Đã tiếp nhận hồ sơ.")
    code = reference  # reception kept the code
    expect(page).to_have_url(re.compile(re.escape(f"/can-bo/ho-so/{code}/")))
