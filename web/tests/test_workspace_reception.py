"""Counter reception on one page: find the procedure without diacritics, look the applicant up by CCCD,
tick the papers handed over (with their originals and copies), optionally scan them, receive — then the
receipt (form 01) to print, listing exactly those papers."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from catalog.models import Procedure
from documents.models import Digitization
from dossiers.models import Dossier
from testing.documents import jpeg_bytes
from testing.dossiers import COMMUNE_A_CENTRE, vn
from testing.web import HX, page

pytestmark = pytest.mark.django_db

URL = "/can-bo/tiep-nhan/"


def birth_components() -> dict[str, int]:
    version = Procedure.objects.get(code="1.001193").current_version
    found = {}
    for component in version.components.all():
        if component.name.startswith("Giấy chứng sinh"):
            found["certificate"] = component.pk
        if component.name.startswith("Tờ khai đăng ký khai sinh"):
            found["declaration"] = component.pk
    return found


def reception_post(client, user, data: dict, procedure: str = "1.001193"):
    client.force_login(user)
    return client.post(f"{URL}?thu_tuc={procedure}", data)


def valid(**overrides) -> dict:
    ids = birth_components()
    data = {
        "id_number": "033095004321",
        "name": "Trần Văn Bình",
        "address": "Phường Phố Hiến",
        "phone": "0987654321",
        f"c_{ids['certificate']}": "on",
        f"c_{ids['certificate']}_originals": "1",
        f"c_{ids['certificate']}_copies": "0",
        f"c_{ids['declaration']}": "on",
        f"c_{ids['declaration']}_originals": "1",
        f"c_{ids['declaration']}_copies": "0",
    }
    data.update(overrides)
    return data


def test_find_the_procedure_without_diacritics(client, officer_a):
    status, html = page(client, officer_a, URL)
    assert status == 200 and 'id="procedure-q"' in html and "autofocus" in html
    status, html = page(client, officer_a, f"{URL}?q=dang ky khai sinh", headers=HX)
    assert status == 200 and "<html" not in html
    assert f"{URL}?thu_tuc=1.001193" in html and "Thủ tục đăng ký khai sinh" in html
    # Enter on an exact code (or a single match) opens the reception form at once.
    client.force_login(officer_a)
    response = client.get(f"{URL}?q=1.001193")
    assert response.status_code == 302 and response["Location"] == f"{URL}?thu_tuc=1.001193"


def test_the_form_lists_the_papers_of_the_procedure(client, officer_a):
    status, html = page(client, officer_a, f"{URL}?thu_tuc=1.001193")
    assert status == 200
    ids = birth_components()
    assert f'name="c_{ids["certificate"]}"' in html and f'name="c_{ids["certificate"]}_scan"' in html
    assert 'name="id_number"' in html and "autofocus" in html
    # A note is no paper to tick: it is shown as guidance, apart from the checklist (docs/adr/0025).
    notes = html.split('class="card comp-notes"', 1)[1].split("</details>", 1)[0]
    assert "Cơ quan đăng ký hộ tịch từ chối" in notes
    assert "Cơ quan đăng ký hộ tịch từ chối" not in html.replace(notes, "")
    status, _ = page(client, officer_a, f"{URL}?thu_tuc=9.999999")
    assert status == 404


def test_applicant_lookup_by_cccd_fills_the_form(client, officer_a):
    status, html = page(client, officer_a, "/can-bo/tiep-nhan/nguoi-nop/?id_number=033190001234", headers=HX)
    assert status == 200 and "Nguyễn Thị Dân" in html
    assert re.search(r'<input[^>]*value="Nguyễn Thị Dân"[^>]*hx-swap-oob="true"', html) or re.search(
        r'<input[^>]*hx-swap-oob="true"[^>]*value="Nguyễn Thị Dân"', html
    )
    assert 'value="1990-05-12"' in html  # date of birth in the date input's format
    _, html = page(client, officer_a, "/can-bo/tiep-nhan/nguoi-nop/?id_number=033190009999", headers=HX)
    assert "chưa có trong hệ thống" in html and "hx-swap-oob" not in html
    _, html = page(client, officer_a, "/can-bo/tiep-nhan/nguoi-nop/?id_number=0331", headers=HX)
    assert html.strip() == ""


def test_receive_at_the_counter_then_print_the_receipt(client, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    response = reception_post(client, officer_a, valid())
    assert response.status_code == 303, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert response["Location"] == f"{URL}xong/{dossier.code}/"
    assert dossier.channel == "counter" and dossier.status == "received"
    assert dossier.receiving_agency.code == COMMUNE_A_CENTRE
    assert dossier.code.startswith(f"{COMMUNE_A_CENTRE}-260302-")
    assert [c.originals for c in dossier.components.order_by("position")] == [1, 1]
    done = client.get(response["Location"]).content.decode()
    assert dossier.code in done and "09:30 03/03/2026" in done
    receipt = f"/can-bo/ho-so/{dossier.code}/bieu-mau/receipt.pdf"
    assert f'src="{receipt}"' in done and "data-print-frame" in done
    pdf = client.get(receipt)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_an_existing_applicant_is_reused(client, officer_a, citizen, clock):
    clock(vn(2026, 3, 2, 9, 30))
    # The number and Enter: a known applicant needs no name typed.
    response = reception_post(client, officer_a, valid(id_number="033190001234", name=""))
    assert response.status_code == 303
    dossier = Dossier.objects.get()
    assert dossier.applicant.user == citizen and dossier.applicant_name == "Nguyễn Thị Dân"
    response = reception_post(client, officer_a, valid(id_number="033190009999", name=""))
    assert response.status_code == 400 and "Nhập họ tên người nộp" in response.content.decode()


def test_bad_input_says_what_to_fix_and_receives_nothing(client, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    response = reception_post(client, officer_a, valid(id_number="12345"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nhập số định danh cá nhân gồm 12 chữ số" in html
    assert 'aria-invalid="true"' in html and "id_id_number-error" in html
    ids = birth_components()
    nothing = {k: v for k, v in valid().items() if not k.startswith("c_")}
    response = reception_post(client, officer_a, nothing)
    assert response.status_code == 400 and "Chưa đánh dấu giấy tờ nào" in response.content.decode()
    scan_without_pages = valid(**{f"c_{ids['certificate']}_scan": SimpleUploadedFile("a.jpg", jpeg_bytes())})
    response = reception_post(client, officer_a, scan_without_pages)
    assert response.status_code == 400 and "Nhập số trang bản giấy" in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_officer_records_how_the_applicant_wants_notices(client, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    html = page(client, officer_a, f"{URL}?thu_tuc=1.001193")[1]
    assert 'name="notify_email"' in html and 'name="notify_sms"' in html
    response = reception_post(client, officer_a, valid(phone="0221 3862 000", notify_sms="on"))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Số «0221 3862 000» không nhận được SMS: cần số di động Việt Nam" in html
    assert "id_phone-error" in html and not Dossier.objects.exists()
    response = reception_post(client, officer_a, valid(phone="091 234 5678", notify_sms="on"))
    assert response.status_code == 303, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert (dossier.notify_email, dossier.notify_sms, dossier.applicant_phone) == (False, True, "0912345678")


def test_the_lookup_ticks_the_applicants_saved_choice_of_notices(client, officer_a):
    lookup = "/can-bo/tiep-nhan/nguoi-nop/?id_number=033190001234"
    html = page(client, officer_a, lookup, headers=HX)[1]
    # No e-mail address in the profile: only SMS, which the citizen has not turned off.
    assert re.search(r'<input type="checkbox" name="notify_sms"[^>]*hx-swap-oob="true"[^>]*checked', html)
    assert re.search(r'<input type="checkbox" name="notify_email"(?![^>]*checked)[^>]*>', html)


def test_a_scan_at_the_counter_is_digitised(client, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    ids = birth_components()
    data = valid(
        **{
            f"c_{ids['certificate']}_scan": SimpleUploadedFile(
                "chung-sinh.jpg", jpeg_bytes("Giay chung sinh")
            ),
            f"c_{ids['certificate']}_pages": "1",
            f"c_{ids['declaration']}_scan": SimpleUploadedFile("to-khai.jpg", jpeg_bytes("To khai")),
            f"c_{ids['declaration']}_pages": "3",  # the paper has 3 pages, one was scanned
        }
    )
    response = reception_post(client, officer_a, data)
    assert response.status_code == 303
    dossier = Dossier.objects.get()
    statuses = {
        d.component.requirement_id: d.status for d in Digitization.objects.filter(component__dossier=dossier)
    }
    assert statuses == {ids["certificate"]: "digitized"}
    done = client.get(response["Location"]).content.decode()
    assert "Chưa số hóa «Tờ khai đăng ký khai sinh" in done and "khác số trang bản giấy (3)" in done


def test_only_one_stop_officers_receive(client, specialist_a, officer_b, clock):
    status, html = page(client, specialist_a, URL)
    assert status == 403 and "Chỉ cán bộ một cửa" in html
    clock(vn(2026, 3, 2, 9, 30))
    # Commune B's officer receives at their own centre, for their own commune.
    response = reception_post(client, officer_b, valid())
    assert response.status_code == 303
    dossier = Dossier.objects.get()
    assert dossier.receiving_agency.code == "001.00.11977.H31"
    assert dossier.handling_agency.code == "000.00.11977.H31"


def _checklist_lines(html: str) -> dict[str, str]:
    """Each checklist line's class by its label's text (the paper's name, then its badge)."""
    found = {}
    for match in re.finditer(
        r'<li class="([^"]*)">\s*<div class="check">.*?<label[^>]*>(.*?)</label>', html, re.S
    ):
        found[" ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())] = match.group(1)
    return found


def test_mark_the_required_papers_ticks_only_those_every_applicant_files(client, officer_a):
    """Issue 14: "Đánh dấu đã nhận đủ giấy tờ phải nộp" ticked every line, conditional ones included.
    The control now ticks only the lines marked ``required-paper``: mandatory, not situational, not taken
    from national data; the conditional papers say "tùy trường hợp" and are ticked one by one."""
    status, html = page(client, officer_a, f"{URL}?thu_tuc=1.001193")
    assert status == 200
    assert "Đánh dấu đã nhận đủ giấy tờ phải nộp" not in html
    assert 'data-check-all="#components .required-paper">Đánh dấu đã nhận các giấy tờ bắt buộc' in html
    lines = _checklist_lines(html)
    required = [name for name, css in lines.items() if "required-paper" in css]
    assert [name[:15] for name in required] == ["Giấy chứng sinh"]
    abandoned = next(name for name in lines if name.startswith("Trường hợp trẻ em bị bỏ rơi"))
    assert "required-paper" not in lines[abandoned] and "tùy trường hợp" in abandoned
    # The catalog's notes are folded away and never ticked.
    assert not any("required-paper" in css for name, css in lines.items() if name.startswith("Đối với"))


def test_the_receipt_lists_exactly_the_papers_received_with_originals_and_copies(client, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    ids = birth_components()
    data = valid(
        **{
            f"c_{ids['certificate']}_originals": "1",
            f"c_{ids['certificate']}_copies": "0",
            f"c_{ids['declaration']}_originals": "0",
            f"c_{ids['declaration']}_copies": "2",
        }
    )
    response = reception_post(client, officer_a, data)
    assert response.status_code == 303, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    received = [(c.name[:15], c.originals, c.copies) for c in dossier.components.order_by("position")]
    assert received == [("Giấy chứng sinh", 1, 0), ("Tờ khai đăng ký", 0, 2)]
    pdf = client.get(f"/can-bo/ho-so/{dossier.code}/bieu-mau/receipt.pdf")
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    # The two papers, numbered 1 and 2, each with its originals and copies; no other paper.
    assert re.search(
        r"1 Giấy chứng sinh.*? 1 0 2 Tờ khai đăng ký khai sinh.*? 0 2 2\. Hình thức nộp", text
    ), text
    for absent in ("bị bỏ rơi", "Văn bản ủy quyền", "mang thai hộ", "Hộ chiếu/Thẻ căn cước"):
        assert absent not in text


def test_a_paper_ticked_without_originals_or_copies_is_refused(client, officer_a, clock):
    clock(vn(2026, 3, 2, 9, 30))
    ids = birth_components()
    data = valid(**{f"c_{ids['declaration']}_originals": "0", f"c_{ids['declaration']}_copies": "0"})
    response = reception_post(client, officer_a, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ghi số bản chính hoặc bản sao đã nhận của giấy tờ này." in html
    assert f'id="id_c_{ids["declaration"]}-error"' in html
    assert not Dossier.objects.exists()
