"""The integrations' one page: the signed download link the national portal follows to fetch a
dossier's paper or result (integrations/dvcqg/links.py). Public — the signature is the permission."""

from __future__ import annotations

import logging
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from documents.models import StoredFile
from documents.services import file_read
from integrations.dvcqg.links import LinkRefused, file_of
from kernel.access import public
from kernel.errors import DomainError

logger = logging.getLogger("motcua.integrations")


def _refusal(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@public
@require_safe
def portal_file(request: HttpRequest, token: str) -> HttpResponse:
    try:
        file_uuid = file_of(token)
    except LinkRefused as refused:
        return _refusal(refused.message, 410 if refused.expired else 403)
    stored = StoredFile.objects.select_related("blob").filter(uuid=file_uuid).first()
    if stored is None:
        return _refusal("Không tìm thấy tệp.", 404)
    try:
        data = file_read(stored)
    except DomainError as exc:
        return _refusal(exc.message, exc.status)
    logger.info("portal link: file %s fetched", stored.uuid)
    response = HttpResponse(data, content_type=stored.content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(stored.name)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
