"""The public verification page of electronic results (xác thực kết quả điện tử): what the QR code on a
signed result opens, and a form anyone can use to check a copy — no login, nothing personal shown."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from documents import results
from documents.models import ResultDocument
from documents.services import upload_limits
from kernel.access import public
from kernel.errors import DomainError, NotFound


def _check_upload(request: HttpRequest) -> tuple[dict[str, Any], int]:
    """The check of the posted file for the template, or the reason it could not be checked."""
    upload = request.FILES.get("file")
    if upload is None:
        return {"error": "Hãy chọn tệp PDF cần kiểm tra."}, 400
    limit = upload_limits().max_bytes
    if upload.size is not None and upload.size > limit:
        return {"error": f"Tệp quá lớn: tối đa {limit // 1024 // 1024} MB."}, 400
    try:
        check = results.result_check(upload.read())
    except DomainError as exc:
        return {"error": exc.message}, exc.status
    return {"check": check, "file_name": upload.name}, 200


@public
def verify(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        context, status = _check_upload(request)
    return render(request, "web/verify.html", context, status=status)


@public
def verify_result(request: HttpRequest, verification_id: uuid.UUID) -> HttpResponse:
    try:
        result: ResultDocument = results.result_public(verification_id)
    except NotFound as exc:
        return render(request, "web/not_found.html", {"message": exc.message}, status=404)
    context: dict[str, Any] = {"result": result}
    status = 200
    if request.method == "POST":
        checked, status = _check_upload(request)
        context.update(checked)
        if "check" in checked:
            context["same_file"] = checked["check"].sha256 == result.file.sha256
    return render(request, "web/verify_result.html", context, status=status)
