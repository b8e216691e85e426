"""Who sees a dossier (ADR 0003): a draft is its applicant's alone until submitted; administrators
(province, agency) manage accounts and settings and open no dossier, file or ledger through those
roles; the monitor reads every dossier of the province. Found by the persona × URL matrix
(motcua/tests/test_access_matrix.py)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import token_create
from catalog.models import Procedure
from testing.documents import dossier_component, pdf_bytes, upload
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A, COMMUNE_A_CENTRE, counter_body

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("media_in_tmp"),
]  # files stored in the test's folder


def status_of(user, path: str, **params) -> int:
    """The status only (files and PDFs are no JSON)."""
    raw, _ = token_create(user=user)
    return Client().get(f"/api/v1/{path}", params, headers={"Authorization": f"Bearer {raw}"}).status_code


def test_a_draft_is_the_applicants_alone_until_submitted(api, citizen, officer_a, leader_a, monitor):
    status, body = api(citizen).post(
        "dossiers",
        {
            "procedure": BIRTH_REGISTRATION,
            "channel": "online",
            "receiving_agency": COMMUNE_A_CENTRE,
            "draft": True,
        },
    )
    assert status == 201, body
    draft = body["uuid"]
    assert api(citizen).get(f"dossiers/{draft}")[0] == 200
    for user in (officer_a, leader_a, monitor):
        assert api(user).get(f"dossiers/{draft}")[0] == 404
        _, page = api(user).get("dossiers")
        assert draft not in {item["reference"] for item in page["items"]}
    status, body = api(citizen).post(f"dossiers/{draft}/actions/submit")
    assert status == 200, body
    assert api(officer_a).get(f"dossiers/{draft}")[0] == 200
    assert api(monitor).get(f"dossiers/{draft}")[0] == 200


def test_administrators_open_no_dossier_nor_its_files(
    api, officer_a, province_admin, agency_admin_a, monitor
):
    requirement = Procedure.objects.get(code=BIRTH_REGISTRATION).current_version.components.first()
    status, dossier = api(officer_a).post(
        "dossiers", counter_body(components=[{"requirement": requirement.pk, "originals": 1}])
    )
    assert status == 201, dossier
    code = dossier["code"]
    status, stored = upload(officer_a, code, dossier_component(dossier), "giay-to.pdf", pdf_bytes())
    assert status == 201, stored
    file_uuid = stored["file"]["uuid"]
    for user in (province_admin, agency_admin_a):
        assert api(user).get(f"dossiers/{code}")[0] == 404
        assert status_of(user, f"files/{file_uuid}") == 404
        assert api(user).get("dossiers")[1]["items"] == []
        assert status_of(user, "ledger.pdf", agency=COMMUNE_A, field="ho-tich", year=2026) == 403
    assert api(monitor).get(f"dossiers/{code}")[0] == 200
    assert status_of(monitor, f"files/{file_uuid}") == 200
    assert status_of(monitor, "ledger.pdf", agency=COMMUNE_A, field="ho-tich", year=2026) == 200
