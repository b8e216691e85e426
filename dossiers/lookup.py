"""The public look-up of a dossier by its code (tra cứu hồ sơ), shared by the portal's page and the
service centre's kiosk: what anyone may see — the same fields as ``GET /api/v1/public/dossiers/{code}``
plus where the dossier was received, nothing personal — and the allowance per client address
(``MOTCUA_LOOKUP_RATE``: codes are guessable)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dossiers import selectors
from dossiers.models import Dossier
from dossiers.transitions import STATUS_LABELS, Status
from kernel import ratelimit
from kernel.errors import NotFound, TooManyRequests

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_CODE_LENGTH = 60

# What the applicant does next, by status: general advice only (the dossier's own notices are private).
NEXT_STEP: dict[Status, StrOrPromise] = {
    Status.SUBMITTED: _("Hồ sơ đang chờ cán bộ một cửa kiểm tra và tiếp nhận."),
    Status.RETURNED: _(
        "Hồ sơ cần bổ sung, hoàn thiện trước khi được tiếp nhận: xem thông báo đã gửi cho người nộp."
    ),
    Status.REFUSED: _("Hồ sơ không được tiếp nhận: lý do có trong thông báo đã gửi cho người nộp."),
    Status.RECEIVED: _("Hồ sơ đã được tiếp nhận và sẽ được giải quyết trước ngày hẹn trả."),
    Status.PROCESSING: _("Hồ sơ đang được giải quyết."),
    Status.AWAITING_SUPPLEMENT: _(
        "Cơ quan giải quyết đề nghị bổ sung hồ sơ: xem thông báo đã gửi cho người nộp."
    ),
    Status.PAUSED: _("Việc giải quyết đang tạm dừng: xem thông báo đã gửi cho người nộp."),
    Status.RESOLVED: _("Đã có kết quả: mời nhận kết quả tại nơi tiếp nhận hoặc theo hình thức đã đăng ký."),
    Status.DELIVERED: _("Kết quả đã được trả cho người nộp."),
    Status.STOPPED: _("Hồ sơ đã dừng giải quyết: lý do có trong thông báo đã gửi cho người nộp."),
    Status.WITHDRAWN: _("Người nộp đã rút hồ sơ."),
}


LOOKUP_THROTTLED = _(
    "Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng thử lại sau %(seconds)d giây."
)


def throttle_lookup(request: HttpRequest) -> None:
    """Count one public look-up from this client address; too many raise ``TooManyRequests`` (429).
    Codes are guessable, so an unthrottled look-up lets anyone walk the province's dossiers."""
    limit = ratelimit.configured(ratelimit.PUBLIC_LOOKUP)
    count = ratelimit.hit(limit, ratelimit.client_address(request))
    if count.value > limit.count:
        seconds = count.retry_after()
        raise TooManyRequests(
            "lookup_throttled", str(LOOKUP_THROTTLED) % {"seconds": seconds}, retry_after=seconds
        )


def lookup_context(reference: str, request: HttpRequest | None = None) -> tuple[dict[str, Any], int]:
    """The template context of a lookup of ``reference`` and the HTTP status to answer with; with
    ``request`` the look-up counts against the client's allowance (``MOTCUA_LOOKUP_RATE``)."""
    code = reference.strip()
    context: dict[str, Any] = {"code": code}
    if not code:
        return context, 200
    if request is not None:
        try:
            throttle_lookup(request)
        except TooManyRequests as exc:
            context["error"] = exc.message
            context["retry_after"] = exc.retry_after
            return context, 429
    if len(code) > MAX_CODE_LENGTH:
        context["error"] = gettext("Mã hồ sơ không hợp lệ.")
        return context, 400
    try:
        dossier: Dossier = selectors.public_lookup(code)
    except NotFound:
        context["error"] = gettext("Không tìm thấy hồ sơ với mã này.")
        return context, 404
    status = Status(dossier.status)
    context["dossier"] = {
        "code": dossier.code,
        "procedure": dossier.procedure.code,
        "procedure_name": dossier.version.name,
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "received_at": dossier.received_at,
        "appointment_at": dossier.appointment_at,
        "resolved": status in (Status.RESOLVED, Status.DELIVERED),
        "receiving_agency": dossier.receiving_agency.name,
        "next_step": NEXT_STEP.get(status, ""),
    }
    return context, 200
