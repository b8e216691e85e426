"""Editing a draft after step 2: the case (its papers follow, attached files stay), the place and the
contact details; bad input is refused with nothing changed; only the applicant, only drafts."""

from __future__ import annotations

import pytest

from catalog.models import ComponentRequirement, ProcedureCase, ProcedureVersion
from dossiers import services
from dossiers.models import Dossier
from kernel.errors import Forbidden
from testing.clients import logged_in
from testing.documents import pdf_bytes
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, COMMUNE_B_CENTRE
from testing.portal import E_FORM, WIZARD, start_draft, upload

pytestmark = pytest.mark.django_db


def edit_url(dossier: Dossier) -> str:
    return f"{WIZARD}{dossier.uuid}/sua/"


@pytest.fixture
def cases():
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    late = ProcedureCase.objects.create(version=version, name="Khai sinh quá hạn", position=1)
    abroad = ProcedureCase.objects.create(
        version=version, name="Khai sinh cho trẻ sinh ở nước ngoài", position=2
    )
    ComponentRequirement.objects.create(
        version=version, case=late, name="Văn bản xác nhận cư trú", originals=1, position=50
    )
    ComponentRequirement.objects.create(
        version=version, case=abroad, name="Giấy tờ nước ngoài", originals=1, position=51
    )
    return late, abroad


def test_contact_and_place_are_edited_and_recorded(citizen):
    client = logged_in(citizen)
    dossier = start_draft(client)
    html = client.get(edit_url(dossier)).content.decode()
    assert 'value="Số 5 đường Chùa Chuông' in html and "Đăng ký khai sinh cho con" in html
    response = client.post(
        edit_url(dossier),
        {
            **E_FORM,
            "receiving": COMMUNE_B_CENTRE,
            "phone": "0987 654 321",
            "representative_name": "Trần Văn Bình",
            "representative_id": "033095004321",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"{WIZARD}{dossier.uuid}/giay-to/"
    dossier.refresh_from_db()
    assert dossier.applicant_phone == "0987654321"
    assert (dossier.representative_name, dossier.representative_id_number) == (
        "Trần Văn Bình",
        "033095004321",
    )
    assert dossier.receiving_agency.code == COMMUNE_B_CENTRE
    assert dossier.handling_agency.code == "000.00.11977.H31"  # the commune of the new centre
    event = dossier.events.latest("seq")
    assert event.action == "edit_draft" and "applicant_phone" in event.data["changed"]
    page = client.get(f"{WIZARD}{dossier.uuid}/xem-lai/").content.decode()
    assert "0987654321" in page and "Trần Văn Bình" in page and edit_url(dossier) in page


def test_bad_input_changes_nothing(citizen):
    client = logged_in(citizen)
    dossier = start_draft(client)
    response = client.post(
        edit_url(dossier), {**E_FORM, "receiving": COMMUNE_A_CENTRE, "phone": "12", "email": ""}
    )
    assert response.status_code == 400
    assert "Số điện thoại gồm 10–11 chữ số" in response.content.decode()
    response = client.post(edit_url(dossier), {**E_FORM, "receiving": "không-có"})
    assert response.status_code == 400 and "Nơi nộp không hợp lệ." in response.content.decode()
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.applicant_phone, after.receiving_agency_id) == (
        dossier.applicant_phone,
        dossier.receiving_agency_id,
    )
    assert after.events.count() == dossier.events.count()


def test_a_new_case_brings_its_papers_and_keeps_attached_files(citizen, cases):
    late, abroad = cases
    client = logged_in(citizen)
    client.post(WIZARD, {"receiving": COMMUNE_A_CENTRE, "case": str(late.pk)})
    client.post(f"{WIZARD}to-khai/", E_FORM)
    dossier = Dossier.objects.get(applicant__user=citizen, status="draft")
    residence = dossier.components.get(name="Văn bản xác nhận cư trú")
    assert upload(client, dossier, residence.pk, pdf_bytes(text="Xác nhận cư trú")).status_code == 302
    common = set(dossier.components.exclude(pk=residence.pk).values_list("name", flat=True))

    response = client.post(
        edit_url(dossier), {**E_FORM, "receiving": COMMUNE_A_CENTRE, "case": str(abroad.pk)}
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.case == abroad
    names = list(dossier.components.order_by("position").values_list("name", flat=True))
    # The new case's paper is in; the old case's paper stays because it carries a file, listed last.
    assert "Giấy tờ nước ngoài" in names and names[-1] == "Văn bản xác nhận cư trú"
    assert set(names) == common | {"Giấy tờ nước ngoài", "Văn bản xác nhận cư trú"}
    assert dossier.components.get(pk=residence.pk).files.count() == 1

    # Back to "late": the file-less paper of "abroad" is dropped.
    client.post(edit_url(dossier), {**E_FORM, "receiving": COMMUNE_A_CENTRE, "case": str(late.pk)})
    back = set(dossier.components.values_list("name", flat=True))
    assert "Giấy tờ nước ngoài" not in back and "Văn bản xác nhận cư trú" in back
    assert "Khai sinh quá hạn" in client.get(f"{WIZARD}{dossier.uuid}/giay-to/").content.decode()


def test_only_the_applicant_and_only_a_draft(citizen, business, officer_a):
    client = logged_in(citizen)
    dossier = start_draft(client)
    assert logged_in(business).get(edit_url(dossier)).status_code == 404
    with pytest.raises(Forbidden):
        services.dossier_update_draft(
            dossier=dossier,
            actor=officer_a,
            change=services.DraftChange(receiving_agency=dossier.receiving_agency),
        )
    for component in dossier.components.all():
        upload(client, dossier, component.pk, pdf_bytes())
    assert client.post(f"{WIZARD}{dossier.uuid}/nop/").status_code == 302
    response = client.get(edit_url(dossier))
    assert response.status_code == 302 and "/ho-so-cua-toi/" in response["Location"]
