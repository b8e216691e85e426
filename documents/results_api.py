"""Electronic results: issue a signed result for a dossier, list a dossier's results, and the public
verification of what motcua issued (by the QR code's id, or by uploading a copy)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.throttling import AnonRateThrottle

from accounts.models import User
from documents import results
from documents.api import StoredFileOut, read_upload, stored_file_payload
from documents.models import ResultDocument
from documents.results import FileCheck
from dossiers.selectors import dossier_get
from kernel.api_errors import errors

router = Router(tags=["Kết quả điện tử"])

VERIFY_RATE = "30/m"  # a public upload that costs CPU: per client address


class IssuedResultOut(Schema):
    verification_id: str
    verification_url: str
    dossier: str
    title: str
    number: str
    agency: str
    agency_name: str
    signer: str
    certificate_serial: str
    signed_at: datetime
    file: StoredFileOut


def result_payload(result: ResultDocument) -> dict[str, Any]:
    return {
        "verification_id": str(result.verification_id),
        "verification_url": results.verification_url(result.verification_id),
        "dossier": result.dossier.reference,
        "title": result.title,
        "number": result.number,
        "agency": result.agency.code,
        "agency_name": result.agency.name,
        "signer": result.signer,
        "certificate_serial": result.certificate_serial,
        "signed_at": result.signed_at,
        "file": stored_file_payload(result.file),
    }


@router.post(
    "/dossiers/{code}/results",
    response={201: IssuedResultOut, **errors(403, 404, 409, 503)},
    summary="Phát hành kết quả điện tử: ký số bằng chứng thư của cơ quan giải quyết, lưu vào kho dữ liệu",
)
def result_issue(
    request: HttpRequest,
    code: str,
    file: File[UploadedFile],
    title: Form[str],
    number: Form[str] = "",
) -> Status[dict[str, Any]]:
    user = request.user
    assert isinstance(user, User)
    dossier = dossier_get(user=user, reference=code)
    result = results.result_issue(
        dossier=dossier,
        data=read_upload(file),
        title=title,
        number=number,
        actor=user,
        name=file.name or "",
    )
    return Status(201, result_payload(result))


@router.get(
    "/dossiers/{code}/results",
    response={200: list[IssuedResultOut], **errors(404)},
    summary="Kết quả điện tử của hồ sơ",
)
def result_list(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    assert isinstance(request.user, User)
    dossier = dossier_get(user=request.user, reference=code)
    return [result_payload(result) for result in results.dossier_results(dossier)]


class IssuedOut(Schema):
    verification_id: str
    verification_url: str
    dossier: str
    procedure: str
    procedure_name: str
    title: str
    number: str
    agency: str
    agency_name: str
    signer: str
    certificate_serial: str
    signed_at: datetime
    sha256: str
    size: int


def issued_payload(result: ResultDocument) -> dict[str, Any]:
    """What anyone may know of an issued result: no applicant, no file."""
    return {
        "verification_id": str(result.verification_id),
        "verification_url": results.verification_url(result.verification_id),
        "dossier": result.dossier.reference,
        "procedure": result.dossier.procedure.code,
        "procedure_name": result.dossier.version.name,
        "title": result.title,
        "number": result.number,
        "agency": result.agency.code,
        "agency_name": result.agency.name,
        "signer": result.signer,
        "certificate_serial": result.certificate_serial,
        "signed_at": result.signed_at,
        "sha256": result.file.sha256,
        "size": result.file.size,
    }


@router.get(
    "/verify/{verification_id}",
    auth=None,
    response={200: IssuedOut, **errors(404)},
    summary="Xác thực kết quả điện tử theo mã QR (không cần đăng nhập, không có thông tin cá nhân)",
)
def issued_result(request: HttpRequest, verification_id: str) -> dict[str, Any]:
    return issued_payload(results.result_public(verification_id))


class MatchOut(Schema):
    verification_id: str
    verification_url: str
    dossier: str
    title: str
    number: str


class VerificationOut(Schema):
    ok: bool
    verdict: str
    pdf: bool
    signed: bool
    intact: bool
    valid: bool
    trusted: bool
    signer: str
    agency: str
    signed_at: datetime | None
    certificate_serial: str
    issuer: str
    signatures: int
    problems: list[str]
    sha256: str
    matches_issued: MatchOut | None


def check_payload(check: FileCheck) -> dict[str, Any]:
    v = check.verification
    issued = check.issued
    return {
        "ok": v.ok,
        "verdict": v.verdict,
        "pdf": v.pdf,
        "signed": v.signed,
        "intact": v.intact,
        "valid": v.valid,
        "trusted": v.trusted,
        "signer": v.signer,
        "agency": v.agency_code,
        "signed_at": v.signed_at,
        "certificate_serial": v.certificate_serial,
        "issuer": v.issuer,
        "signatures": v.signatures,
        "problems": v.problems,
        "sha256": check.sha256,
        "matches_issued": None
        if issued is None
        else {
            "verification_id": str(issued.verification_id),
            "verification_url": results.verification_url(issued.verification_id),
            "dossier": issued.dossier.reference,
            "title": issued.title,
            "number": issued.number,
        },
    }


@router.post(
    "/verify",
    auth=None,
    throttle=[AnonRateThrottle(VERIFY_RATE)],
    response=VerificationOut,
    summary="Kiểm tra chữ ký số của một tệp PDF và đối chiếu với kết quả hệ thống đã phát hành",
)
def verify_upload(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    return check_payload(results.result_check(read_upload(file)))
