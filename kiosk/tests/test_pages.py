"""The kiosk's pages through the Django client: public kiosk, display and lookup; the counter console
for the centre's one-stop officers only; the ticket as an 80 mm PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from kiosk import selectors, services
from testing.dossiers import counter_body, vn
from testing.kiosk import CENTRE_B, KIOSK, counter, field_line, take

pytestmark = pytest.mark.django_db


@pytest.fixture
def at_eight(clock):
    clock(vn(2026, 3, 2, 8, 0))


def test_the_kiosk_needs_no_login_and_shows_big_buttons(client, centre, at_eight):
    response = client.get(f"{KIOSK}/")
    html = response.content.decode()
    assert response.status_code == 200 and '<html lang="vi">' in html
    assert "Mời ông/bà chọn lĩnh vực cần giải quyết" in html
    assert html.count('class="line-button"') == 5 and "Ưu tiên: người cao tuổi" in html
    assert "0 người đang chờ" in html


def test_taking_a_ticket_shows_it_and_its_place_in_the_queue(client, centre, at_eight):
    line = field_line(centre, 1)
    first = take(centre, line)
    second = take(centre, line)
    assert (first.number, second.number) == (1, 2)
    html = client.get(f"{KIOSK}/ve/{second.uuid}/").content.decode()
    assert second.display_number == f"{second.letter}002" and second.letter
    assert second.display_number in html and "Có 1 người chờ trước ông/bà." in html
    assert f"{KIOSK}/ve/{second.uuid}.pdf" in html
    fragment = client.get(f"{KIOSK}/ve/{second.uuid}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and "Có 1 người chờ trước" in fragment
    # The ticket page polls with the state it shows: nothing new, nothing swapped (204).
    state = re.search(r"\?v=([\w-]+)", fragment).group(1)
    assert state == "waiting-1-"
    polled = client.get(f"{KIOSK}/ve/{second.uuid}/", {"v": state}, headers={"HX-Request": "true"})
    assert polled.status_code == 204


def test_refusals_of_the_kiosk(client, centre, at_eight):
    assert client.get(f"{KIOSK}/lay-so/").status_code == 405
    response = client.post(f"{KIOSK}/lay-so/", {"line": "f0"})
    assert response.status_code == 404 and "Không có hàng chờ này tại trung tâm." in response.content.decode()
    # A commune committee is no service centre; an unknown code neither.
    assert client.get("/kiosk/000.00.11953.H31/").status_code == 404
    assert client.get("/kiosk/KHONG-CO/man-hinh/").status_code == 404
    ticket = take(centre, field_line(centre, 1))
    assert client.get(f"/kiosk/{CENTRE_B}/ve/{ticket.uuid}/").status_code == 404
    assert client.get(f"/kiosk/{CENTRE_B}/ve/{ticket.uuid}.pdf").status_code == 404


def test_the_ticket_pdf_is_an_80_mm_receipt(client, centre, at_eight):
    line = field_line(centre, 1)
    take(centre, line)
    ticket = take(centre, line)
    response = client.get(f"{KIOSK}/ve/{ticket.uuid}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width_mm = float(reader.pages[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == 80
    text = " ".join(reader.pages[0].extract_text().split())
    for part in (
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG PHƯỜNG PHỐ HIẾN",
        "PHIẾU SỐ THỨ TỰ",
        ticket.display_number,
        ticket.line_name,
        "Lấy số lúc 08:00 ngày 02/03/2026",
        "Số người đang chờ trước: 1",
    ):
        assert part in text, part


def test_the_display_polls_and_answers_204_while_nothing_changes(client, centre, officer_a, at_eight):
    html = client.get(f"{KIOSK}/man-hinh/").content.decode()
    assert 'id="announce" role="status" aria-live="assertive"' in html
    assert "Chưa có số nào được mời hôm nay." in html
    version = re.search(r"man-hinh/bang/\?v=([0-9a-f]+)", html).group(1)
    assert client.get(f"{KIOSK}/man-hinh/bang/", {"v": version}).status_code == 204
    ticket = take(centre, field_line(centre, 1))
    services.ticket_call_next(counter=counter(centre, 1), actor=officer_a, at=vn(2026, 3, 2, 8, 1))
    response = client.get(f"{KIOSK}/man-hinh/bang/", {"v": version})
    part = " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())
    assert response.status_code == 200 and 'hx-swap-oob="innerHTML"' in response.content.decode()
    # The call says the number with its line's letter, the line and the counter.
    assert f"Mời số {ticket.display_number}, Hộ tịch, đến quầy 1" in part


def test_the_counter_console_is_for_the_centres_officers(
    client, centre, officer_a, officer_b, citizen, at_eight
):
    assert client.get(f"{KIOSK}/quay/").status_code == 302  # to the login page
    for user in (officer_b, citizen):
        client.force_login(user)
        for url in (f"{KIOSK}/quay/", f"{KIOSK}/quay/1/"):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Chỉ cán bộ một cửa của trung tâm này" in response.content.decode()
        assert client.post(f"{KIOSK}/quay/1/goi-tiep/").status_code == 403
    client.force_login(officer_a)
    assert client.get(f"/kiosk/{CENTRE_B}/quay/").status_code == 403
    html = client.get(f"{KIOSK}/quay/").content.decode()
    assert html.count(f"{KIOSK}/quay/") >= 5 and "Quầy 5: Ưu tiên" in html
    assert client.get(f"{KIOSK}/quay/9/").status_code == 404


def test_the_counter_calls_recalls_and_finishes(client, centre, officer_a, at_eight):
    client.force_login(officer_a)
    ticket = take(centre, field_line(centre, 1))
    html = client.get(f"{KIOSK}/quay/1/").content.decode()
    assert "1 người đang chờ" in html and "Gọi số tiếp theo" in html
    response = client.post(f"{KIOSK}/quay/1/goi-tiep/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "called" and ticket.counter.number == 1
    htmx = {"HX-Request": "true"}
    response = client.post(f"{KIOSK}/quay/1/goi-lai/", headers=htmx)
    assert response.status_code == 200 and 'id="console"' in response.content.decode()
    assert "đã gọi lại 1 lần" in response.content.decode()
    assert client.post(f"{KIOSK}/quay/1/xong/", headers=htmx).status_code == 200
    response = client.post(f"{KIOSK}/quay/1/goi-lai/", headers=htmx)
    assert response.status_code == 409 and "Quầy chưa gọi số nào." in response.content.decode()
    response = client.post(f"{KIOSK}/quay/1/goi-tiep/")
    assert response.status_code == 200 and "Không còn ai đang chờ" in response.content.decode()
    assert client.post(f"{KIOSK}/quay/1/lam-gi/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == "served"


def test_the_lookup_screen_finds_procedures_without_diacritics_and_dossiers(
    client, centre, api, officer_a, at_eight
):
    html = client.get(f"{KIOSK}/tra-cuu/", {"q": "dang ky khai sinh"}).content.decode()
    assert "1.001193" in html and "Thủ tục đăng ký khai sinh" in html
    fragment = client.get(
        f"{KIOSK}/tra-cuu/", {"q": "khai sinh", "phan": "thu-tuc"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.content.decode() and "1.001193" in fragment.content.decode()
    status, body = api(officer_a).post("dossiers", counter_body())
    assert status == 201, body
    html = client.get(f"{KIOSK}/tra-cuu/", {"ma": body["code"]}).content.decode()
    assert "Đã tiếp nhận" in html and counter_body()["applicant"]["name"] not in html
    response = client.get(
        f"{KIOSK}/tra-cuu/", {"ma": "KHONG-CO", "phan": "ho-so"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 404 and "Không tìm thấy hồ sơ" in response.content.decode()


def test_waiting_count_on_the_board(centre, at_eight):
    take(centre, field_line(centre, 1))
    board = selectors.display_board(centre, vn(2026, 3, 2).date())
    assert sum(n for _line, n in board.waiting) == 1
