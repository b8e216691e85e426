"""``POST /api/v1/portal/inbound``: the national portal pushes a dossier filed on it (the contract as
motcua designs it, integrations/dvcqg/inbound.py). To confirm with the operator's current documents.

Not a user's endpoint: the caller is the portal's coordination system, authenticated by the bearer token
``MOTCUA_DVCQG_INBOUND_TOKEN`` (compared in constant time); a user's API token or session is no key to
it. Unset, the endpoint answers 503 ("chưa bật") whatever is sent.
"""

from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from integrations.dvcqg.inbound import INBOUND_OFF, inbound_dossier_accept
from kernel.api_errors import errors

router = Router(tags=["Cổng Dịch vụ công quốc gia"])


class PortalToken(HttpBearer):
    """The portal's bearer token (``MOTCUA_DVCQG_INBOUND_TOKEN``)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not settings.MOTCUA_DVCQG_INBOUND_TOKEN:
            raise HttpError(503, INBOUND_OFF)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        expected = settings.MOTCUA_DVCQG_INBOUND_TOKEN
        if expected and hmac.compare_digest(token.encode(), expected.encode()):
            return "dvcqg"
        return None


class IdentifierIn(Schema):
    LoaiDinhDanh: int | str | None = None
    SoDinhDanh: str | None = None


class PaperIn(Schema):
    TepDinhKemId: str | int | None = None
    TenTepDinhKem: str | None = None
    IsDeleted: str | None = None
    MaThanhPhanHoSo: str | int | None = None
    DuongDanTaiTepTin: str | None = None
    DuocSoHoa: int | str | None = None
    DuocTaiSuDung: int | str | None = None
    DuocLayTuKhoDMQG: int | str | None = None


class InboundDossierIn(Schema):
    """A ``DongBoHoSoMC``-shaped dossier, with ``madonvi`` (INTEGRATIONS.md's field names)."""

    madonvi: str
    MaHoSo: str
    MaTTHC: str
    TenTTHC: str | None = None
    KenhThucHien: int | str | None = None
    ChuHoSo: str
    SoGiayToChuHoSo: str | None = None
    LoaiDoiTuong: int | str | None = None
    MaDoiTuong: str | None = None
    NgayNopHoSo: str
    TrangThaiHoSo: int | str | None = None
    DinhDanhCHS: list[IdentifierIn] | None = None
    TaiLieuNop: list[PaperIn] | None = None


class InboundResultOut(Schema):
    MaHoSo: str
    TrangThaiHoSo: int


class InboundOut(Schema):
    error_code: int
    message: str
    result: InboundResultOut


@router.post(
    "/portal/inbound",
    auth=PortalToken(),
    response={200: InboundOut, **errors(409, 502, 503)},
    summary="Nhận hồ sơ nộp trên Cổng Dịch vụ công quốc gia",
)
def portal_inbound(request: HttpRequest, payload: InboundDossierIn) -> Any:
    """The dossier becomes an online dossier waiting for reception, with its papers fetched from
    ``DuongDanTaiTepTin``; the same ``MaHoSo`` pushed again changes nothing and answers the same. A file
    that cannot be fetched answers 502 and nothing is written: push again later."""
    return inbound_dossier_accept(record=payload.model_dump(exclude_none=True)).answer()
