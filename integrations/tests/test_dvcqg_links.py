"""The signed download links the portal follows to fetch papers and results (/tep-cong/<token>/):
good for MOTCUA_PORTAL_LINK_DAYS without a login, refused with a clear Vietnamese answer when altered
(403) or expired (410)."""

from __future__ import annotations

import time
import urllib.parse

import pytest
from django.test import Client

from documents.models import StoredFile
from documents.services import file_store
from integrations.dvcqg.links import file_link, file_token
from testing.documents import pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(media_in_tmp) -> StoredFile:
    return file_store(data=pdf_bytes(1, "Tờ khai"), name="to-khai.pdf", actor=None)


def path_of(link: str) -> str:
    return urllib.parse.urlsplit(link).path


def test_a_link_serves_the_file_to_anyone(stored, settings):
    link = file_link(stored)
    assert link.startswith(settings.SITE_URL.rstrip("/") + "/tep-cong/")
    response = Client().get(path_of(link))
    assert response.status_code == 200
    assert response.content == pdf_bytes(1, "Tờ khai") or response.content.startswith(b"%PDF")
    assert response["Content-Type"] == stored.content_type
    assert "to-khai.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_an_altered_link_is_refused(stored):
    token = file_token(stored)
    other = file_store(data=pdf_bytes(2, "Khác"), name="khac.pdf", actor=None)
    value, stamp, signature = token.split(":")
    forged = f"{other.uuid.hex}:{stamp}:{signature}"
    for bad in (forged, token[:-2] + "xx", "khong-hop-le"):
        response = Client().get(f"/tep-cong/{bad}/")
        assert response.status_code == 403
        assert "không hợp lệ" in response.content.decode()


def test_an_expired_link_is_gone(stored, settings, monkeypatch):
    settings.MOTCUA_PORTAL_LINK_DAYS = 30
    made = time.time() - 31 * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: made)
    token = file_token(stored)
    monkeypatch.undo()
    response = Client().get(f"/tep-cong/{token}/")
    assert response.status_code == 410
    assert "hết hạn" in response.content.decode()
    settings.MOTCUA_PORTAL_LINK_DAYS = 32
    assert Client().get(f"/tep-cong/{token}/").status_code == 200


def test_only_reads_are_answered(stored):
    assert Client().post(path_of(file_link(stored))).status_code == 405
