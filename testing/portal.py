"""The citizen portal's filing wizard: a draft started, its papers attached."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE

WIZARD = f"/nop-ho-so/{BIRTH_REGISTRATION}/"
E_FORM = {
    "address": "Số 5 đường Chùa Chuông, Phường Phố Hiến",
    "phone": "0912 345 678",
    "email": "dan@example.vn",
    "representative_name": "",
    "representative_id": "",
    "note": "Đăng ký khai sinh cho con",
}


def start_draft(client: Client, receiving: str = COMMUNE_A_CENTRE, **form: str) -> Any:
    """The draft the wizard saves once the place and the e-form are filled in (the papers' step next)."""
    from dossiers.models import Dossier

    response = client.post(WIZARD, {"receiving": receiving})
    assert response.status_code == 302 and response["Location"].endswith("/to-khai/")
    response = client.post(f"{WIZARD}to-khai/", {**E_FORM, **form})
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier = Dossier.objects.filter(status="draft").latest("created_at")
    assert response["Location"] == f"{WIZARD}{dossier.uuid}/giay-to/"
    return dossier


def attach_url(dossier: Any, component_id: int) -> str:
    return f"{WIZARD}{dossier.uuid}/giay-to/{component_id}/"


def upload(client: Client, dossier: Any, component_id: int, data: bytes, name: str = "giay-to.pdf") -> Any:
    """Attach a file to one paper of the draft, as the wizard's form does."""
    return client.post(attach_url(dossier, component_id), {"file": SimpleUploadedFile(name, data)})


def required_components(dossier: Any) -> list[Any]:
    from web.portal_common import component_required

    return [c for c in dossier.components.select_related("requirement") if component_required(c.requirement)]
