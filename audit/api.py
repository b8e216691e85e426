"""The applicant's view of the personal-data access log: who among staff opened his dossier."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from accounts.models import User
from audit import selectors
from audit.models import PersonalDataAccess
from dossiers.selectors import dossier_get
from kernel.api_errors import errors
from kernel.pagination import Page, PageParams, paginate

router = Router(tags=["Hồ sơ"])


class AccessOut(Schema):
    at: datetime
    kind: str
    kind_label: str
    actor: str
    agency: str | None
    agency_name: str | None
    role: str
    role_label: str


def access_payload(item: PersonalDataAccess) -> dict[str, Any]:
    return {
        "at": item.at,
        "kind": item.kind,
        "kind_label": item.get_kind_display(),
        "actor": item.actor.display_name,
        "agency": item.agency.code if item.agency else None,
        "agency_name": item.agency.name if item.agency else None,
        "role": item.role,
        "role_label": item.get_role_display() if item.role else "",
    }


@router.get(
    "/dossiers/{code}/accesses",
    response={200: Page[AccessOut], **errors(404)},
    summary="Ai đã xem hồ sơ của tôi (chỉ người nộp; Nghị định 13/2023/NĐ-CP)",
)
def dossier_accesses(request: HttpRequest, code: str, paging: Query[PageParams]) -> dict[str, Any]:
    user = request.user
    assert isinstance(user, User)
    dossier = dossier_get(user=user, reference=code)
    page = paginate(selectors.dossier_accesses(user=user, dossier=dossier), paging)
    page["items"] = [access_payload(item) for item in page["items"]]
    return page
