"""The officer who issued a certified copy can read it back (and the read is logged); other officers
cannot; the requester reads it from his data store."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import token_create
from audit.models import PersonalDataAccess
from audit.services import subject_hash
from testing.documents import certify, scan
from testing.dossiers import vn

pytestmark = pytest.mark.django_db


def download(user, file_uuid: str) -> int:
    raw, _ = token_create(user=user)
    return Client().get(f"/api/v1/files/{file_uuid}", headers={"Authorization": f"Bearer {raw}"}).status_code


def test_the_issuing_officer_reads_the_copy_and_the_read_is_logged(
    api, officer_a, officer_b, specialist_a, citizen, clock
):
    clock(vn(2026, 3, 2, 9, 0))
    status, body = certify(officer_a, [("bang.png", scan(["BẰNG TỐT NGHIỆP"]))])
    assert status == 201, body
    url = body["file"]["uuid"]
    assert download(officer_a, url) == 200
    (row,) = PersonalDataAccess.objects.all()
    assert row.kind == "certified_copy" and row.actor == officer_a
    assert row.subject_hash == subject_hash("033190001234") and row.object_ref == body["file"]["uuid"]
    for other in (officer_b, specialist_a):
        assert download(other, url) == 404
    assert download(citizen, url) == 200  # his own paper: not an access to log
    assert PersonalDataAccess.objects.count() == 1
