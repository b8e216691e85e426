"""The public record of the dossier history's daily anchors (ADR 0009): anyone may fetch and keep them,
then hold the province to them. Read-only; no personal data (a day, a hash, a count, a signature)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from dossiers import history
from kernel.api_errors import errors
from kernel.pagination import Page, PageParams, paginate

router = Router(tags=["Tra cứu công khai"])


class AnchorOut(Schema):
    day: date
    root_hash: str
    event_count: int
    signature: str  # detached CMS (SignedData), base64, over chain.anchor_message(day, root_hash, count)
    signer: str
    signer_certificate: str
    created_at: datetime


@router.get(
    "/history/anchors",
    auth=None,
    response={200: Page[AnchorOut]},
    summary="Các mốc hằng ngày của nhật ký hồ sơ (mã băm gốc, chữ ký số), mới nhất trước",
)
def anchor_list(request: HttpRequest, paging: Query[PageParams]) -> dict[str, Any]:
    return paginate(history.anchors(), paging)


@router.get(
    "/history/anchors/{day}",
    auth=None,
    response={200: AnchorOut, **errors(404)},
    summary="Mốc nhật ký hồ sơ của một ngày (YYYY-MM-DD)",
)
def anchor_detail(request: HttpRequest, day: date) -> Any:
    return history.anchor_on(day)
