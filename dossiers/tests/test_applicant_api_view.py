"""The API gives the applicant what the portal gives him: no process-control sheet (403), no notes
officers leave each other, no processing steps or consultations; and the component ids he needs to
upload his papers. Officers keep the full view."""

from __future__ import annotations

import pytest

from catalog.models import ProcedureVersion
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, counter_body, vn

pytestmark = pytest.mark.django_db

CITIZEN_ID = "033190001234"  # the demo citizen, who has a portal account
INTERNAL = "Ghi chú nội bộ: đã gọi điện xác minh với trạm y tế"


@pytest.fixture
def forwarded(api, officer_a, clock) -> str:
    """A dossier of the citizen, received at the counter and forwarded with an internal note."""
    clock(vn(2026, 3, 2, 8, 0))
    body = counter_body(applicant={"name": "Nguyễn Thị Dân", "national_id": CITIZEN_ID})
    status, created = api(officer_a).post("dossiers", body)
    assert status == 201, created
    code = created["code"]
    clock(vn(2026, 3, 2, 8, 30))
    status, moved = api(officer_a).post(
        f"dossiers/{code}/actions/forward", {"assignee": "chuyenvien.phohien", "note": INTERNAL}
    )
    assert status == 200, moved
    return code


def test_the_applicant_gets_no_internal_notes_steps_or_consultations(api, citizen, forwarded):
    status, body = api(citizen).get(f"dossiers/{forwarded}")
    assert status == 200 and body["applicant"]["id_number"] == CITIZEN_ID
    assert INTERNAL not in str(body)
    assert body["steps"] == [] and body["current_steps"] == [] and body["consultations"] == []
    assert "chuyenvien.phohien" not in str(body)
    forward = next(e for e in body["events"] if e["action"] == "forward")
    assert forward["reason"] == "" and forward["data"] == {}


def test_officers_keep_the_full_view(api, officer_a, specialist_a, forwarded):
    for user in (officer_a, specialist_a):
        status, body = api(user).get(f"dossiers/{forwarded}")
        assert status == 200 and INTERNAL in str(body)
        assert body["current_steps"][0]["assignee"] == "chuyenvien.phohien"


def test_the_detail_gives_component_ids_to_upload_to(api, citizen, clock):
    clock(vn(2026, 3, 2, 9, 0))
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    birth = version.components.get(name__startswith="Giấy chứng sinh")
    status, created = api(citizen).post(
        "dossiers",
        {
            "procedure": BIRTH_REGISTRATION,
            "channel": "online",
            "receiving_agency": COMMUNE_A_CENTRE,
            "components": [{"requirement": birth.pk}],
            "draft": True,
        },
    )
    assert status == 201, created
    status, body = api(citizen).get(f"dossiers/{created['reference']}")
    (component,) = body["components"]
    assert isinstance(component["id"], int) and component["requirement"] == birth.pk
    status, files = api(citizen).get(f"dossiers/{created['reference']}/components/{component['id']}/files")
    assert status == 200 and files == []


def test_the_process_control_sheet_is_not_the_applicants(api, citizen, officer_a, client, forwarded):
    from accounts.services import token_create

    def pdf(user, form):
        raw, _ = token_create(user=user)
        return client.get(
            f"/api/v1/dossiers/{forwarded}/forms/{form}.pdf", headers={"Authorization": f"Bearer {raw}"}
        )

    refused = pdf(citizen, "process-control")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    assert pdf(citizen, "receipt").status_code == 200
    assert pdf(officer_a, "process-control").status_code == 200
