"""Pages of a service centre's kiosk and screens: taking a ticket (touch screen), the ticket as a small
PDF for the receipt printer, the calling display, the counter officer's console and the lookup screen.

Everything but the counter console is public: the kiosk stands in the centre's hall without a login.
Writes go through ``kiosk.services``; refusals show the service's Vietnamese message with its status.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.models import User
from catalog import selectors as catalog_selectors
from dossiers.lookup import lookup_context
from dossiers.services import local_date
from kernel import ratelimit
from kernel.access import public
from kernel.errors import DomainError, NotFound, TooManyRequests
from kernel.pdf import qr_data_uri, render_pdf
from kiosk import selectors, services
from kiosk.models import QueueTicket
from organization.models import Agency

ACTIONS = {
    "goi-tiep": services.ticket_call_next,
    "goi-lai": services.ticket_recall,
    "bo-qua": services.ticket_skip,
    "xong": services.ticket_serve,
}
DISPLAY_POLL_SECONDS = 3
LOOKUP_PAGE_SIZE = 8


def _error(request: HttpRequest, exc: DomainError, centre: Agency | None = None) -> HttpResponse:
    response = render(
        request, "kiosk/error.html", {"message": exc.message, "centre": centre}, status=exc.status
    )
    if isinstance(exc, TooManyRequests):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _centre(code: str) -> Agency:
    centre = selectors.centre_get(code)
    services.counters_ensure(centre)
    return centre


def _ticket(centre: Agency, ticket_id: uuid.UUID) -> QueueTicket:
    ticket = (
        QueueTicket.objects.select_related("counter", "centre").filter(centre=centre, uuid=ticket_id).first()
    )
    if ticket is None:
        raise NotFound("Không tìm thấy phiếu số thứ tự.")
    return ticket


# --- The kiosk: take a ticket


@public
def kiosk_home(request: HttpRequest, centre: str) -> HttpResponse:
    try:
        agency = _centre(centre)
    except DomainError as exc:
        return _error(request, exc)
    counts = selectors.waiting_by_line(agency, local_date(timezone.now()))
    lines = [(line, counts.get(line.key, 0)) for line in selectors.centre_lines(agency)]
    return render(request, "kiosk/home.html", {"centre": agency, "lines": lines, "section": "take"})


@public
@require_POST
def ticket_take(request: HttpRequest, centre: str) -> HttpResponseBase:
    try:
        agency = _centre(centre)
        ratelimit.throttle_address(
            ratelimit.KIOSK_TICKET,
            request,
            message=gettext(
                "Đã lấy quá nhiều số thứ tự trong thời gian ngắn. Vui lòng chờ một lát rồi thử lại."
            ),
        )
        ticket = services.ticket_issue(
            centre=agency, line_key=request.POST.get("line", ""), at=timezone.now()
        )
    except DomainError as exc:
        return _error(request, exc)
    return redirect("kiosk:ticket", centre=agency.code, ticket=ticket.uuid)


def _ticket_context(ticket: QueueTicket) -> dict[str, Any]:
    waiting = selectors.waiting_ahead(ticket) if ticket.status == QueueTicket.Status.WAITING else 0
    state = f"{ticket.status}-{waiting}-{ticket.counter.number if ticket.counter else ''}"
    return {"centre": ticket.centre, "ticket": ticket, "ahead": waiting, "state": state}


@public
def ticket_page(request: HttpRequest, centre: str, ticket: uuid.UUID) -> HttpResponse:
    try:
        found = _ticket(selectors.centre_get(centre), ticket)
    except DomainError as exc:
        return _error(request, exc)
    context = _ticket_context(found)
    if not request.headers.get("HX-Request"):
        return render(request, "kiosk/ticket.html", context)
    if request.GET.get("v") == context["state"]:
        return HttpResponse(status=204)  # unchanged: the live region stays quiet
    return render(request, "kiosk/_ticket_state.html", context)


@public
def ticket_pdf(request: HttpRequest, centre: str, ticket: uuid.UUID) -> HttpResponse:
    try:
        found = _ticket(selectors.centre_get(centre), ticket)
        url = settings.SITE_URL.rstrip("/") + reverse("kiosk:ticket", args=[found.centre.code, found.uuid])
        pdf = render_pdf(
            "kiosk/ticket_pdf.html", {**_ticket_context(found), "qr": qr_data_uri(url), "url": url}
        )
    except DomainError as exc:
        return _error(request, exc)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-thu-tu-{found.display_number}.pdf"'
    return response


# --- The calling display


@public
def display(request: HttpRequest, centre: str) -> HttpResponse:
    try:
        agency = _centre(centre)
    except DomainError as exc:
        return _error(request, exc)
    board = selectors.display_board(agency, local_date(timezone.now()))
    return render(
        request, "kiosk/display.html", {"centre": agency, "board": board, "poll": DISPLAY_POLL_SECONDS}
    )


@public
def display_part(request: HttpRequest, centre: str) -> HttpResponse:
    """The board alone, for the display's polling: 204 (nothing to swap) while nothing changed, so the
    live region speaks only new calls."""
    try:
        agency = selectors.centre_get(centre)
    except DomainError as exc:
        return _error(request, exc)
    board = selectors.display_board(agency, local_date(timezone.now()))
    if request.GET.get("v") == board.version:
        return HttpResponse(status=204)
    return render(
        request,
        "kiosk/_board.html",
        {"centre": agency, "board": board, "poll": DISPLAY_POLL_SECONDS, "oob": True},
    )


# --- The counter officer's console


def counter_choose(request: HttpRequest, centre: str) -> HttpResponseBase:
    try:
        agency = _centre(centre)
        if not selectors.can_operate(request.user, agency):
            raise DomainError("forbidden", selectors.NOT_OPERATOR, status=403)
    except DomainError as exc:
        return _error(request, exc)
    counters = list(selectors.active_counters(agency))
    if len(counters) == 1:
        return redirect("kiosk:counter", centre=agency.code, number=counters[0].number)
    return render(request, "kiosk/counter_choose.html", {"centre": agency, "counters": counters})


def _console_context(counter: Any) -> dict[str, Any]:
    day = local_date(timezone.now())
    queue = selectors.counter_queue(counter, day)
    keys = set(selectors.counter_line_keys(counter))
    return {
        "centre": counter.centre,
        "counter": counter,
        "current": selectors.current_ticket(counter),
        "waiting": queue.count(),
        "next_tickets": list(queue[:5]),
        "lines": [line for line in selectors.centre_lines(counter.centre) if line.key in keys],
    }


def counter_console(request: HttpRequest, centre: str, number: int) -> HttpResponse:
    try:
        agency = _centre(centre)
        counter = selectors.counter_get(user=request.user, centre=agency, number=number)
    except DomainError as exc:
        return _error(request, exc)
    context = _console_context(counter)
    template = "kiosk/_console.html" if request.headers.get("HX-Request") else "kiosk/counter.html"
    return render(request, template, context)


@require_POST
def counter_action(request: HttpRequest, centre: str, number: int, action: str) -> HttpResponseBase:
    service = ACTIONS.get(action)
    try:
        if service is None:
            raise NotFound("Không có thao tác này.")
        agency = selectors.centre_get(centre)
        counter = selectors.counter_get(user=request.user, centre=agency, number=number)
    except DomainError as exc:
        return _error(request, exc)
    status = 200
    message = ""
    try:
        ticket = service(counter=counter, actor=cast(User, request.user), at=timezone.now())
        if action == "goi-tiep" and ticket is None:
            message = "Không còn ai đang chờ ở các hàng của quầy này."
    except DomainError as exc:
        message, status = exc.message, exc.status
    if not request.headers.get("HX-Request"):
        if status == 200 and not message:
            return redirect("kiosk:counter", centre=agency.code, number=counter.number)
        context = {**_console_context(counter), "message": message}
        return render(request, "kiosk/counter.html", context, status=status)
    return render(
        request, "kiosk/_console.html", {**_console_context(counter), "message": message}, status=status
    )


# --- The lookup screen


@public
def lookup(request: HttpRequest, centre: str) -> HttpResponse:
    try:
        agency = _centre(centre)
    except DomainError as exc:
        return _error(request, exc)
    q = request.GET.get("q", "").strip()[:200]
    context: dict[str, Any] = {"centre": agency, "q": q, "procedures": None, "section": "lookup"}
    status = 200
    if q:
        level = "commune" if agency.level == Agency.Level.COMMUNE else "province"
        procedures = catalog_selectors.procedure_search(catalog_selectors.CatalogFilters(q=q, level=level))
        context["procedures"] = Paginator(procedures, LOOKUP_PAGE_SIZE).get_page(request.GET.get("trang"))
    if "ma" in request.GET:
        found, status = lookup_context(request.GET["ma"], request)
        context.update(found)
    part = request.GET.get("phan")
    if request.headers.get("HX-Request") and part in ("thu-tuc", "ho-so"):
        template = "kiosk/_procedures.html" if part == "thu-tuc" else "web/lookup_result.html"
        return render(request, template, context, status=status)
    return render(request, "kiosk/lookup.html", context, status=status)
