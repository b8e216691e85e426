"""The notes the national page lists among the papers are guidance on the filing step and the procedure
page, never papers with an upload box; a paper shows every template (docs/adr/0025, issue 14 §1-2)."""

from __future__ import annotations

import pytest
from django.test import Client

from catalog.models import ComponentRequirement, Procedure
from testing.clients import logged_in
from testing.dossiers import BIRTH_REGISTRATION
from testing.portal import WIZARD, start_draft

pytestmark = pytest.mark.django_db

NOTE = "Cơ quan đăng ký hộ tịch từ chối giải quyết"


def test_the_filing_step_shows_the_notes_as_guidance_and_offers_an_upload_only_for_papers(citizen):
    client = logged_in(citizen)
    dossier = start_draft(client)
    assert dossier.components.count() == 8  # the papers of the national page, not its 25 notes
    assert not dossier.components.filter(name__startswith=NOTE).exists()
    html = client.get(f"{WIZARD}{dossier.uuid}/giay-to/").content.decode()
    assert "Hướng dẫn, lưu ý về giấy tờ" in html
    guidance = html[html.index('class="card comp-notes"') :]
    guidance = guidance[: guidance.index("</details>")]
    assert NOTE in guidance and "Đối với việc xác định họ, dân tộc, quê quán" in guidance
    assert "<form" not in guidance and 'type="file"' not in guidance
    assert html.count('type="file"') == 8


def test_the_procedure_page_lists_the_papers_then_the_notes_and_every_template():
    version = Procedure.objects.get(code=BIRTH_REGISTRATION).current_version
    paper = version.components.get(name__startswith="Tờ khai đăng ký khai sinh")
    ComponentRequirement.objects.filter(pk=paper.pk).update(form_names=["Mau01.docx", "Mau02.docx"])
    html = Client().get(f"/thu-tuc/{BIRTH_REGISTRATION}/").content.decode()
    papers = html[html.index('id="comp-title"') :]
    assert "Mau01.docx; Mau02.docx" in papers
    notes = papers[papers.index("Hướng dẫn, lưu ý về giấy tờ") :]
    assert NOTE in notes and "Lưu ý:" in notes
