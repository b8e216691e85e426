"""What every page of the officer workspace shares: who may open it, how a refusal is shown, and how a
dossier's deadline reads (colour and words, never colour alone)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from accounts.models import User
from dossiers.models import Dossier, Timing
from dossiers.selectors import PROGRESS_LABELS, Progress, progress_at
from dossiers.transitions import BEFORE_RECEPTION, Status
from organization.models import Agency, Membership, Role
from organization.selectors import active_memberships

View = Callable[..., HttpResponse]


def is_officer(user: Any) -> bool:
    """Staff of some agency (any active role), or the superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or bool(active_memberships(user))


def officer_view(view: View) -> View:
    """Only officers: a citizen who types a workspace address gets a clear 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_officer(request.user):
            return error_page(
                request,
                gettext("Trang này dành cho cán bộ, công chức tiếp nhận và giải quyết hồ sơ."),
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapped


def error_page(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """``message`` may be a service's (Vietnamese, the API's language): shown in the page's language
    when the catalog knows it («Không tìm thấy hồ sơ.»)."""
    titles = {403: gettext("Không có quyền truy cập"), 404: gettext("Không tìm thấy")}
    return render(
        request,
        "web/workspace/error.html",
        {
            "message": gettext(message) if message else "",
            "title": titles.get(status) or gettext("Không thực hiện được"),
            "status": status,
        },
        status=status,
    )


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def reception_points(user: User) -> list[Agency]:
    """The service centres (or agencies) where ``user`` receives dossiers as a one-stop officer; every
    active service centre for the superuser."""
    if user.is_superuser:
        return list(
            Agency.objects.filter(kind=Agency.Kind.SERVICE_CENTRE, is_active=True)
            .select_related("unit")
            .order_by("level", "name")
        )
    return [
        m.agency
        for m in Membership.objects.filter(
            user=user, is_active=True, role=Role.ONE_STOP_OFFICER, agency__is_active=True
        )
        .select_related("agency__unit")
        .order_by("agency__name")
    ]


@dataclass(frozen=True)
class Deadline:
    """How a dossier stands against its deadline, for a badge: a CSS class and the words."""

    css: str
    label: str
    detail: str = ""


_TIMING_CSS = {Timing.EARLY: "early", Timing.ON_TIME: "on-time", Timing.LATE: "late"}
_PROGRESS_CSS = {
    Progress.IN_TIME: "in-time",
    Progress.APPROACHING: "approaching",
    Progress.OVERDUE: "overdue",
}


def deadline_of(dossier: Dossier, at: datetime) -> Deadline | None:
    """In time / approaching / overdue while pending (clock stopped says so); early / on time / late
    once resolved; nothing before reception or after a side exit."""
    if dossier.resolution_timing:
        timing = Timing(dossier.resolution_timing)
        return Deadline(_TIMING_CSS[timing], str(timing.label))
    progress = progress_at(dossier, at)
    if progress is None:
        if dossier.status in BEFORE_RECEPTION:
            return Deadline("none", "Chưa tiếp nhận")
        return None
    detail = ""
    if dossier.status in (Status.AWAITING_SUPPLEMENT, Status.PAUSED):
        detail = "dừng tính thời hạn"
    return Deadline(_PROGRESS_CSS[progress], PROGRESS_LABELS[progress], detail)
