"""Online filing in the citizen portal: the wizard (case and place, e-form, papers, review, submit), its
draft saved and resumed, a refused file that stores nothing, and who may file."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from catalog.models import ComponentRequirement
from documents.digitization import type_key
from documents.models import Blob, ComponentFile, StoredFile, VaultItem
from dossiers.models import Dossier
from testing.clients import logged_in
from testing.documents import files_in, pdf_bytes
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, COMMUNE_B_CENTRE
from testing.portal import E_FORM, WIZARD, attach_url, required_components, start_draft, upload

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login():
    client = Client()
    for url in (WIZARD, f"{WIZARD}to-khai/", "/nop-ho-so/", "/ho-so-cua-toi/", "/kho-du-lieu/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/?next="), url


def test_staff_cannot_file_online(officer_a):
    response = logged_in(officer_a).get(WIZARD)
    assert response.status_code == 403
    assert "Chỉ công dân, tổ chức có tài khoản" in response.content.decode()


def test_choose_a_procedure_without_diacritics(citizen):
    client = logged_in(citizen)
    html = client.get("/nop-ho-so/", {"q": "dang ky khai sinh"}).content.decode()
    assert "Thủ tục đăng ký khai sinh" in html and WIZARD in html
    # A procedure without online filing is not offered, and its wizard says why.
    assert "/nop-ho-so/2.000769/" not in client.get("/nop-ho-so/", {"q": "2.000769"}).content.decode()
    response = client.get("/nop-ho-so/2.000769/")
    assert response.status_code == 409 and "chưa nhận hồ sơ trực tuyến" in response.content.decode()
    assert client.get("/nop-ho-so/9.999999/").status_code == 404


def test_step_one_defaults_to_the_citizens_commune_and_checks_the_choice(citizen):
    client = logged_in(citizen)
    html = client.get(WIZARD).content.decode()
    assert 'aria-current="step"' in html and "Chọn trường hợp" in html
    assert re.search(rf'<option value="{re.escape(COMMUNE_A_CENTRE)}" selected>', html)
    assert "Trung tâm Phục vụ hành chính công Xã Tân Hưng" in html
    response = client.post(WIZARD, {"receiving": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hãy chọn nơi nộp hồ sơ." in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="id_receiving_helptext id_receiving_error"' in html
    assert client.post(WIZARD, {"receiving": "không-có"}).status_code == 400


def test_e_form_is_prefilled_from_the_account_and_validated(citizen):
    client = logged_in(citizen)
    assert client.get(f"{WIZARD}to-khai/")["Location"] == WIZARD  # step 1 first
    client.post(WIZARD, {"receiving": COMMUNE_A_CENTRE})
    html = client.get(f"{WIZARD}to-khai/").content.decode()
    assert "Nguyễn Thị Dân" in html and "033190001234" in html
    assert 'value="Số 5 đường Chùa Chuông' in html and 'value="0912345678"' in html
    response = client.post(
        f"{WIZARD}to-khai/", {**E_FORM, "phone": "12", "representative_name": "Trần Văn Bình"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Số điện thoại gồm 10–11 chữ số" in html
    assert "Nhập số định danh của người được ủy quyền." in html
    assert not Dossier.objects.filter(applicant__user=citizen).exists()


def test_the_draft_is_saved_and_resumed_in_another_session(citizen):
    dossier = start_draft(
        logged_in(citizen), representative_name="Trần Văn Bình", representative_id="033095004321"
    )
    assert dossier.status == "draft" and dossier.channel == "online" and dossier.code is None
    assert dossier.receiving_agency.code == COMMUNE_A_CENTRE
    assert dossier.handling_agency.code == "000.00.11953.H31"
    assert dossier.applicant_phone == "0912345678" and dossier.applicant_email == "dan@example.vn"
    assert dossier.representative_id_number == "033095004321"
    assert dossier.note == "Đăng ký khai sinh cho con"
    assert dossier.components.count() == dossier.version.components.count()
    # Later, from another browser: the draft is in "Hồ sơ của tôi" and the wizard continues at step 3.
    client = logged_in(citizen)
    html = client.get("/ho-so-cua-toi/").content.decode()
    assert "Bản nháp" in html and f"{WIZARD}{dossier.uuid}/giay-to/" in html
    assert "Bạn đã có bản nháp cho thủ tục này" in client.get(WIZARD).content.decode()
    html = client.get(f"{WIZARD}{dossier.uuid}/giay-to/").content.decode()
    assert "Đính kèm giấy tờ" in html and "Giấy chứng sinh" in html and "Bắt buộc" in html


def test_a_refused_file_shows_the_reason_and_stores_nothing(citizen, media_in_tmp):
    client = logged_in(citizen)
    dossier = start_draft(client)
    component = required_components(dossier)[0]
    response = upload(client, dossier, component.pk, b"MZ\x90\x00 this is a program", name="giay-to.pdf")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Loại tệp không được chấp nhận (theo nội dung tệp)" in html
    assert f'id="id_c{component.pk}_file_error"' in html and 'aria-invalid="true"' in html
    assert not ComponentFile.objects.filter(component__dossier=dossier).exists()
    assert not StoredFile.objects.exists() and files_in(media_in_tmp) == []
    response = client.post(attach_url(dossier, component.pk), {})
    assert response.status_code == 400 and "Hãy chọn tệp cần tải lên." in response.content.decode()


def test_missing_required_papers_are_shown_next_to_each(citizen):
    client = logged_in(citizen)
    dossier = start_draft(client)
    required = required_components(dossier)
    assert required, "the test procedure has required papers"
    assert len(required) < dossier.components.count()  # notes and conditional papers are not required
    response = client.post(f"{WIZARD}{dossier.uuid}/giay-to/", {"continue": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Còn thiếu {len(required)} giấy tờ bắt buộc" in html
    for component in required:
        assert f'id="id_c{component.pk}_file_error"' in html
    response = client.post(f"{WIZARD}{dossier.uuid}/nop/")
    assert response.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).status == "draft"


def badge(html: str, component_id: int) -> str:
    """The "Bắt buộc" / "Nếu có" badge of one paper on the papers page."""
    item = html[html.index(f'id="comp-{component_id}"') :]
    found = re.search(r'<span class="badge (?:warn|muted)">([^<]+)</span>', item)
    assert found is not None
    return found.group(1)


def test_the_catalog_flag_decides_which_papers_are_required(citizen):
    client = logged_in(citizen)
    dossier = start_draft(client)
    components = list(dossier.components.select_related("requirement"))
    abandoned = next(c for c in components if c.name.startswith("Trường hợp trẻ em bị bỏ rơi"))
    birth = next(c for c in components if c.name.startswith("Giấy chứng sinh"))
    abandoned_paper, birth_paper = abandoned.requirement, birth.requirement
    assert abandoned_paper is not None and birth_paper is not None
    # Imported from the national catalog: the conditional paper is optional, the birth certificate not.
    assert not abandoned_paper.mandatory and birth_paper.mandatory
    page = f"{WIZARD}{dossier.uuid}/giay-to/"
    html = client.get(page).content.decode()
    assert badge(html, abandoned.pk) == "Nếu có" and badge(html, birth.pk) == "Bắt buộc"
    start = html.index("Giấy tờ nộp tùy trường hợp")
    optional = html[start : html.index("</details>", start)]
    assert f'id="comp-{abandoned.pk}"' in optional and f'id="comp-{birth.pk}"' not in optional
    # An administrator's change of the flag is what the portal shows; it no longer reads the wording.
    ComponentRequirement.objects.filter(pk=abandoned_paper.pk).update(mandatory=True)
    ComponentRequirement.objects.filter(pk=birth_paper.pk).update(mandatory=False)
    html = client.get(page).content.decode()
    assert badge(html, abandoned.pk) == "Bắt buộc" and badge(html, birth.pk) == "Nếu có"
    assert abandoned.pk in [c.pk for c in required_components(dossier)]


def test_file_the_whole_way_to_the_officers_inbox(citizen, officer_a, api):
    client = logged_in(citizen)
    dossier = start_draft(client)
    for component in required_components(dossier):
        response = upload(client, dossier, component.pk, pdf_bytes(1))
        assert response.status_code == 302 and response["Location"].endswith(f"#comp-{component.pk}")
    assert ComponentFile.objects.filter(component__dossier=dossier, source="uploaded").count() == len(
        required_components(dossier)
    )
    response = client.post(f"{WIZARD}{dossier.uuid}/giay-to/", {"continue": "1"})
    assert response["Location"] == f"{WIZARD}{dossier.uuid}/xem-lai/"
    html = client.get(response["Location"]).content.decode()
    assert "Xem lại" in html and "Trung tâm Phục vụ hành chính công Phường Phố Hiến" in html
    assert "giay-to.pdf" in html and "Nộp hồ sơ" in html
    response = client.post(f"{WIZARD}{dossier.uuid}/nop/")
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and dossier.submitted_at is not None
    # The code is issued at submission (docs/domain.md §4 rule 2): the page is named by it and says it.
    assert dossier.code and dossier.code.startswith(f"{COMMUNE_A_CENTRE}-")
    assert response.status_code == 302 and response["Location"] == f"/ho-so-cua-toi/{dossier.code}/"
    html = client.get(response["Location"]).content.decode()
    assert f"Đã nộp hồ sơ, mã hồ sơ {dossier.code}" in html and "Đang chờ tiếp nhận" in html
    assert f'Mã hồ sơ: <b class="code">{dossier.code}</b>' in html
    assert client.get(f"/ho-so-cua-toi/{dossier.uuid}/").status_code == 200  # the draft's link still works
    status, body = api(officer_a).get("dossiers", status="submitted")
    assert status == 200 and dossier.code in [d["reference"] for d in body["items"]]
    # The wizard's steps now lead to the dossier's page.
    assert client.get(f"{WIZARD}{dossier.uuid}/giay-to/")["Location"] == f"/ho-so-cua-toi/{dossier.code}/"

    # The receipt lists the papers that came with a file, not every paper the case may need.
    from dossiers.forms import render_form
    from dossiers.services import dossier_receive

    dossier = dossier_receive(dossier=dossier, actor=officer_a)
    text = " ".join(
        " ".join(p.extract_text().split())
        for p in PdfReader(io.BytesIO(render_form(dossier, "receipt"))).pages
    )
    filed = required_components(dossier)
    assert filed and all(c.name[:30] in text for c in filed)
    not_filed = [c for c in dossier.components.all() if c not in filed]
    assert not_filed and not any(c.name[:30] in text for c in not_filed)
    # The officer's page lists the filed papers, the others folded away below them.
    html = logged_in(officer_a).get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    folded = html[html.index('<details class="unfiled">') :]
    assert all(c.name[:30] in html and c.name[:30] not in folded for c in filed)
    assert all(c.name[:30] in folded for c in not_filed)


def test_reuse_a_paper_of_the_data_store(citizen):
    client = logged_in(citizen)
    dossier = start_draft(client)
    birth = next(c for c in required_components(dossier) if c.name.startswith("Giấy chứng sinh"))
    blob = Blob.objects.create(
        sha256="a" * 64, size=10, kind="pdf", content_type="application/pdf",
        storage_name="files/aa/aa/chung-sinh.pdf", pages=1,
    )  # fmt: skip
    stored = StoredFile.objects.create(blob=blob, name="chung-sinh.pdf")
    item = VaultItem.objects.create(
        owner=citizen.applicant,
        doc_type=birth.name,
        type_key=type_key(birth.name),
        file=stored,
        source="digitized",
    )
    html = client.get(f"{WIZARD}{dossier.uuid}/giay-to/").content.decode()
    assert "Hoặc dùng giấy tờ có sẵn trong Kho dữ liệu" in html
    response = client.post(attach_url(dossier, birth.pk), {"vault_item": str(item.pk)})
    assert response.status_code == 302
    reused = ComponentFile.objects.get(component=birth)
    assert reused.source == "reused" and reused.file == stored
    response = client.post(attach_url(dossier, birth.pk), {"vault_item": "999999"})
    assert response.status_code == 400


def test_another_citizen_gets_not_found(citizen, business):
    dossier = start_draft(logged_in(citizen))
    other = logged_in(business)
    assert other.get(f"{WIZARD}{dossier.uuid}/giay-to/").status_code == 404
    assert other.get(f"/ho-so-cua-toi/{dossier.uuid}/").status_code == 404
    component = dossier.components.first()
    response = other.post(
        attach_url(dossier, component.pk), {"file": SimpleUploadedFile("a.pdf", pdf_bytes())}
    )
    assert response.status_code == 404
    assert other.post(f"{WIZARD}{dossier.uuid}/nop/").status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == "draft"


def test_an_organisation_files_from_its_commune_and_gives_a_contact(business):
    client = logged_in(business)
    html = client.get(WIZARD).content.decode()
    assert re.search(rf'<option value="{re.escape(COMMUNE_B_CENTRE)}" selected>', html)
    client.post(WIZARD, {"receiving": COMMUNE_B_CENTRE})
    assert "0901234567" in client.get(f"{WIZARD}to-khai/").content.decode()  # tax code from the account
    response = client.post(f"{WIZARD}to-khai/", {**E_FORM, "phone": "", "email": ""})
    assert response.status_code == 400
    assert "Cần ít nhất số điện thoại hoặc thư điện tử" in response.content.decode()
    dossier = start_draft(client, receiving=COMMUNE_B_CENTRE)
    assert dossier.applicant.kind == "organization" and dossier.handling_agency.code == "000.00.11977.H31"


def test_cancel_a_draft(citizen):
    client = logged_in(citizen)
    dossier = start_draft(client)
    response = client.post(f"{WIZARD}{dossier.uuid}/huy/")
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == "withdrawn"
    assert str(dossier.uuid) not in client.get("/ho-so-cua-toi/").content.decode()
    assert client.get(f"{WIZARD}{dossier.uuid}/huy/").status_code == 405


def test_cases_are_chosen_and_bring_their_own_papers(citizen):
    from catalog.models import ComponentRequirement, ProcedureCase, ProcedureVersion

    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    late, abroad = (
        ProcedureCase.objects.create(version=version, name="Khai sinh quá hạn", position=1),
        ProcedureCase.objects.create(version=version, name="Khai sinh cho trẻ sinh ở nước ngoài", position=2),
    )
    ComponentRequirement.objects.create(
        version=version, case=late, name="Văn bản xác nhận cư trú", originals=1
    )
    ComponentRequirement.objects.create(version=version, case=abroad, name="Giấy tờ nước ngoài", originals=1)
    client = logged_in(citizen)
    html = client.get(WIZARD).content.decode()
    assert "Trường hợp của bạn" in html and "Khai sinh quá hạn" in html and 'type="radio"' in html
    response = client.post(WIZARD, {"receiving": COMMUNE_A_CENTRE})
    assert response.status_code == 400 and "Hãy chọn một trường hợp." in response.content.decode()
    client.post(WIZARD, {"receiving": COMMUNE_A_CENTRE, "case": str(late.pk)})
    assert "Khai sinh quá hạn" in client.get(f"{WIZARD}to-khai/").content.decode()
    client.post(f"{WIZARD}to-khai/", E_FORM)
    dossier = Dossier.objects.get(applicant__user=citizen, status="draft")
    names = set(dossier.components.values_list("name", flat=True))
    assert dossier.case == late and "Văn bản xác nhận cư trú" in names and "Giấy tờ nước ngoài" not in names


def test_a_provincial_procedure_is_filed_at_the_provincial_centre(citizen):
    client = logged_in(citizen)
    html = client.get("/nop-ho-so/1.002099/").content.decode()
    assert "Trung tâm Phục vụ hành chính công tỉnh Hưng Yên" in html
    assert "Phường Phố Hiến</option>" not in html  # no commune centre for a provincial procedure
    assert client.post("/nop-ho-so/1.002099/", {"receiving": "000.00.02.H31"}).status_code == 302
    assert client.post("/nop-ho-so/1.002099/to-khai/", E_FORM).status_code == 302
    dossier = Dossier.objects.get(applicant__user=citizen, status="draft")
    assert (
        dossier.receiving_agency.code == "000.00.02.H31" and dossier.handling_agency.code == "000.00.04.H31"
    )
    assert dossier.statutory_unit == "calendar_day"


def test_a_procedure_without_an_online_time_cannot_be_filed(citizen):
    # 2.002516: the catalog has no processing time yet; the service could not compute a deadline.
    response = logged_in(citizen).get("/nop-ho-so/2.002516/")
    assert response.status_code == 409
    assert "Danh mục chưa có thời hạn giải quyết hồ sơ trực tuyến" in response.content.decode()


def test_a_refusal_at_creation_is_shown_on_the_e_form(citizen, monkeypatch):
    from dossiers import services
    from kernel.errors import DomainError

    def refuse(**kwargs):
        raise DomainError(
            "agency_not_competent", "Cơ quan không giải quyết thủ tục này.", fields={"handling_agency": ["x"]}
        )

    monkeypatch.setattr(services, "dossier_create", refuse)
    client = logged_in(citizen)
    assert client.post(WIZARD, {"receiving": COMMUNE_A_CENTRE}).status_code == 302
    response = client.post(f"{WIZARD}to-khai/", E_FORM)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa lưu được hồ sơ" in html and "Cơ quan không giải quyết thủ tục này." in html
    assert "Quay lại bước 1 để chọn lại" in html
    assert 'value="0912 345 678"' in html  # what was typed is kept
    assert not Dossier.objects.filter(applicant__user=citizen).exists()
