"""Two people uploading identical bytes share the stored bytes (one blob, one object in storage) but
never each other's upload record: each sees only the file name he gave, in the API and on download."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import token_create
from catalog.models import ProcedureVersion
from documents.models import Blob, StoredFile
from testing.documents import files_in, pdf_bytes, upload
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, vn

pytestmark = pytest.mark.django_db


def draft_with_a_paper(api, user) -> tuple[str, int]:
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    birth = version.components.get(name__startswith="Giấy chứng sinh")
    status, body = api(user).post(
        "dossiers",
        {
            "procedure": BIRTH_REGISTRATION,
            "channel": "online",
            "receiving_agency": COMMUNE_A_CENTRE,
            "components": [{"requirement": birth.pk}],
            "draft": True,
        },
    )
    assert status == 201, body
    return body["reference"], body["components"][0]["id"]


def test_identical_bytes_share_storage_but_not_names(api, citizen, business, clock, media_in_tmp):
    clock(vn(2026, 3, 2, 9, 0))
    data = pdf_bytes(1, "GIẤY CHỨNG SINH")
    mine, theirs = draft_with_a_paper(api, citizen), draft_with_a_paper(api, business)
    status, first = upload(citizen, *mine, "Chứng sinh của bé Dân.pdf", data)
    assert status == 201, first
    status, second = upload(business, *theirs, "ho-so-cong-ty.pdf", data)
    assert status == 201, second
    assert first["file"]["sha256"] == second["file"]["sha256"]
    assert first["file"]["uuid"] != second["file"]["uuid"]
    assert Blob.objects.count() == 1 and StoredFile.objects.count() == 2 and len(files_in(media_in_tmp)) == 1

    _, listed = api(business).get(f"dossiers/{theirs[0]}/components/{theirs[1]}/files")
    assert [v["file"]["name"] for v in listed] == ["ho-so-cong-ty.pdf"]
    assert "Chứng sinh của bé Dân" not in str(listed)
    _, listed = api(citizen).get(f"dossiers/{mine[0]}/components/{mine[1]}/files")
    assert [v["file"]["name"] for v in listed] == ["Chứng sinh của bé Dân.pdf"]

    raw, _ = token_create(user=business)
    auth = {"Authorization": f"Bearer {raw}"}
    response = Client().get(f"/api/v1/files/{second['file']['uuid']}", headers=auth)
    assert response.status_code == 200 and response.content == data
    assert "ho-so-cong-ty.pdf" in response["Content-Disposition"]
    # The other's upload record stays his: not found, though the bytes are the same.
    assert Client().get(f"/api/v1/files/{first['file']['uuid']}", headers=auth).status_code == 404
