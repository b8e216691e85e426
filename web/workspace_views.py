"""The officer workspace: the inbox per role, the dossier page, its printable forms, and the ledger.

Reads go through ``dossiers.selectors`` (an officer sees only the dossiers of their agencies: another
commune's dossier answers "not found"); writes are in ``web/workspace_actions.py`` and
``web/workspace_reception.py``, through the services.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Cast
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from accounts.models import User
from audit.services import Kind, record_access
from catalog.models import Channel, ProcedureField
from documents.models import ComponentFile
from documents.results import ISSUE_ACTION, dossier_results
from dossiers import forms as dossier_forms
from dossiers import selectors
from dossiers.actions import processing, registry
from dossiers.models import (
    DeliveryMethod,
    Dossier,
    DossierEvent,
    DossierStep,
    Handover,
    Outcome,
    SupplementRequest,
    Timing,
)
from dossiers.selectors import InboxFilters
from dossiers.transitions import STATUS_LABELS, TRANSITIONS, Action, Status
from integrations.selectors import LedgerEntry, dossier_sync_ledger
from kernel.errors import DomainError, NotFound
from notices import selectors as notice_selectors
from organization.models import Agency, Membership, Role
from organization.selectors import (
    DOSSIER_ROLES,
    PROVINCE_WIDE_ROLES,
    active_memberships,
    agency_ancestors,
    user_scope,
)
from web.workspace_actions import available_actions, component_actions
from web.workspace_common import acting_user, deadline_of, error_page, is_htmx, officer_view
from web.workspace_forms import InboxFilterForm
from worktime.calendar import VN_TZ

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 25


# ---------------------------------------------------------------------------------------------
# Inbox


Ordering = Callable[[datetime], tuple[Any, ...]]


def _next_due(at: datetime) -> tuple[Any, ...]:
    """What the officer must do next on each dossier, and by when: check an online dossier (the
    oldest submitted first), record a supplement (the applicant's deadline), hand over a result (the
    appointment), otherwise resolve (the statutory due instant). Due first, none last."""
    due = Case(
        When(status=Status.SUBMITTED, then=F("submitted_at")),
        When(status=Status.AWAITING_SUPPLEMENT, then=_supply_by()),
        When(status=Status.RESOLVED, then=F("appointment_at")),
        default=F("due_at"),
        output_field=DateTimeField(),
    )
    return (due.asc(nulls_last=True), "created_at", "pk")


def _supply_by() -> Subquery:
    """The instant the latest open supplement request asks the applicant to answer by (the end of its
    ``supply_by`` day is not needed: the order of the days is the order of their starts)."""
    latest = SupplementRequest.objects.filter(dossier=OuterRef("pk"), received_at__isnull=True).order_by(
        "-requested_at"
    )
    return Subquery(
        latest.annotate(
            by=Cast("supply_by", DateTimeField()),
        ).values("by")[:1],
        output_field=DateTimeField(),
    )


def _submitted_first(at: datetime) -> tuple[Any, ...]:
    return (F("submitted_at").asc(nulls_last=True), "pk")


def _due_first(at: datetime) -> tuple[Any, ...]:
    return (F("due_at").asc(nulls_last=True), "created_at", "pk")


def _supply_first(at: datetime) -> tuple[Any, ...]:
    return (_supply_by().asc(nulls_last=True), F("due_at").asc(nulls_last=True), "pk")


def _hand_over_first(at: datetime) -> tuple[Any, ...]:
    """Results to hand over: those whose appointment is today or later, the nearest first (a result
    just resolved is among them); then those whose applicant has not come since the appointment, the
    most recent appointment first."""
    today = timezone.localtime(at, VN_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    waited = Case(When(appointment_at__lt=today, then=1), default=0, output_field=IntegerField())
    coming = Case(When(appointment_at__gte=today, then=F("appointment_at")), output_field=DateTimeField())
    past = Case(When(appointment_at__lt=today, then=F("appointment_at")), output_field=DateTimeField())
    return (
        waited.asc(),
        coming.asc(nulls_last=True),
        past.desc(nulls_last=True),
        F("resolved_at").desc(nulls_last=True),
        "pk",
    )


def _latest_first(at: datetime) -> tuple[Any, ...]:
    return (F("received_at").desc(nulls_last=True), "-created_at", "-pk")


@dataclass(frozen=True)
class Tab:
    """An inbox tab: which dossiers, and their order — what the officer must do next, due first
    (issue 14 §12). The key as the last tie-breaker: pages of an ordering with ties may repeat or
    skip rows (PostgreSQL)."""

    slug: str
    label: StrOrPromise
    statuses: tuple[Status, ...] = ()
    overdue: bool | None = None
    mine: bool = False
    ordering: Ordering = _due_first


TABS = (
    # Mixed work: each dossier by the deadline of its next task (``_next_due``).
    Tab("viec-cua-toi", _("Việc của tôi"), mine=True, ordering=_next_due),
    # Online dossiers to check: first come, first checked.
    Tab("cho-tiep-nhan", _("Chờ tiếp nhận"), (Status.SUBMITTED,), ordering=_submitted_first),
    Tab("dang-xu-ly", _("Đang xử lý"), (Status.RECEIVED, Status.PROCESSING)),
    Tab("qua-han", _("Quá hạn"), overdue=True),  # the most overdue first
    # Waiting for the applicant: the supplement deadline that ends first.
    Tab("cho-bo-sung", _("Chờ bổ sung"), (Status.AWAITING_SUPPLEMENT,), ordering=_supply_first),
    Tab("cho-tra", _("Có kết quả, chờ trả"), (Status.RESOLVED,), ordering=_hand_over_first),
    # Not a work list: the latest received first.
    Tab("tat-ca", _("Tất cả"), ordering=_latest_first),
)
TAB_BY_SLUG = {tab.slug: tab for tab in TABS}


def my_work(user: User) -> Q:
    """The dossiers waiting for ``user``: an active step assigned to them, or unassigned with one of
    their roles at an agency they act for; for one-stop officers also the online dossiers to check,
    the supplements to record and the results to hand over; for specialists and leaders the
    consultations their agency has to answer."""
    active = DossierStep.State.ACTIVE
    condition = Q(steps__state=active, steps__assignee=user)
    if user.is_superuser:
        return condition
    for membership in active_memberships(user):
        if membership.role in PROVINCE_WIDE_ROLES:
            continue
        places = agency_ancestors(membership.agency_id)
        condition |= Q(
            steps__state=active,
            steps__assignee__isnull=True,
            steps__role=membership.role,
            steps__agency_id__in=places,
        )
        if membership.role == Role.ONE_STOP_OFFICER:
            condition |= Q(
                status__in=[Status.SUBMITTED, Status.AWAITING_SUPPLEMENT, Status.RESOLVED],
                receiving_agency_id__in=places,
            )
        if membership.role in (Role.SPECIALIST, Role.LEADER):
            condition |= Q(consultations__agency_id__in=places, consultations__answered_at__isnull=True)
    return condition


def _default_tab(user: User) -> Tab:
    local = any(m.role not in PROVINCE_WIDE_ROLES for m in active_memberships(user))
    return TAB_BY_SLUG["viec-cua-toi" if local else "tat-ca"]


class Inbox:
    """The dossiers a user works on, read once (``dossier_inbox``: their agencies' dossiers, with the
    procedure and search filters), then cut per tab with the status and deadline filters."""

    def __init__(self, user: User, form: InboxFilterForm, at: datetime) -> None:
        data = form.cleaned_data if form.is_valid() else {}
        self.user, self.at = user, at
        self.status = data.get("status") or ""
        self.overdue = {"1": True, "0": False}.get(data.get("overdue") or "")
        self.base = selectors.dossier_inbox(
            user=user,
            filters=InboxFilters(
                procedure=(data.get("procedure") or "").strip() or None, q=data.get("q") or None
            ),
            at=at,
        ).exclude(status=Status.DRAFT)
        self._mine: Q | None = None

    def condition(self, tab: Tab) -> Q:
        """What ``tab`` keeps of ``base`` (the filters of the form applied)."""
        condition = Q()
        statuses = [self.status] if self.status else [s.value for s in tab.statuses]
        if statuses:
            condition &= Q(status__in=statuses)
        overdue = self.overdue if self.overdue is not None else tab.overdue
        if overdue is True:
            condition &= selectors.overdue_q(self.at)
        elif overdue is False:
            condition &= ~selectors.overdue_q(self.at)
        if tab.mine:
            if self._mine is None:
                self._mine = my_work(self.user)
            condition &= Q(pk__in=Dossier.objects.filter(self._mine).values("pk"))
        return condition

    def tab(self, tab: Tab) -> QuerySet[Dossier]:
        return self.base.filter(self.condition(tab)).order_by(*tab.ordering(self.at))

    def counts(self, tabs: Iterable[Tab]) -> dict[str, int]:
        """How many dossiers each tab holds, in one statement (one conditional count per tab)."""
        found: dict[str, int] = self.base.order_by().aggregate(
            **{tab.slug: Count("pk", filter=self.condition(tab)) for tab in tabs}
        )
        return found


class CountedPaginator(Paginator):
    """Pages of rows already counted (an inbox tab's count, read with the other tabs'): the page is
    read without counting them again."""

    def __init__(self, object_list: QuerySet[Dossier], per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


@dataclass
class Row:
    dossier: Dossier
    deadline: Any
    holders: list[str] = field(default_factory=list)


def _holder(step: DossierStep) -> str:
    who = step.assignee.display_name if step.assignee else "chưa giao người"
    return f"{Role(step.role).label}: {who}"


@officer_view
def inbox(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    now = timezone.now()
    tab = TAB_BY_SLUG.get(request.GET.get("tab", "")) or _default_tab(user)
    form = InboxFilterForm(request.GET)
    form.is_valid()
    reader = Inbox(user, form, now)
    # Every tab's count in one statement; the page's own count is its tab's.
    counts = reader.counts(TABS)
    dossiers = selectors.with_active_steps(reader.tab(tab))
    page = CountedPaginator(dossiers, PAGE_SIZE, counts[tab.slug]).get_page(request.GET.get("page"))
    rows = [Row(d, deadline_of(d, now), [_holder(s) for s in selectors.active_steps(d)]) for d in page]
    keep = request.GET.copy()
    for key in ("page", "tab"):
        keep.pop(key, None)
    tabs = [
        {
            "tab": t,
            "count": counts[t.slug],
            "current": t.slug == tab.slug,
        }
        for t in TABS
    ]
    query = keep.urlencode()
    context = {
        "form": form,
        "tab": tab,
        "tabs": tabs,
        "rows": rows,
        "page": page,
        "filters": query,
        "page_query": "&".join(part for part in (f"tab={tab.slug}", query) if part),
        "now": now,
        "htmx": is_htmx(request),
        "ws_section": "inbox",
    }
    template = "web/workspace/_inbox_results.html" if is_htmx(request) else "web/workspace/inbox.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# The dossier page

EVENT_LABELS: dict[str, StrOrPromise] = {
    **{action.value: transition.label for action, transition in TRANSITIONS.items()},
    "create": _("Lưu bản nháp"),
    "edit_draft": _("Sửa bản nháp"),
    ISSUE_ACTION: _("Phát hành kết quả điện tử (ký số)"),
    "import_step": _("Bước đang xử lý (nhập từ hệ thống cũ)"),
}
# A leader's decision at his approval step (dossiers.actions.processing): named as what he decided.
DECISION_LABELS: dict[str | None, StrOrPromise] = {
    processing.APPROVED: _("Phê duyệt"),
    processing.NOT_APPROVED: _("Không phê duyệt"),
}
HANDOVER_KINDS = dossier_forms.HANDOVER_KINDS
NOTICES_SHOWN = 10  # the officer's page shows the latest notices to the applicant


def _dossier_or_404(request: HttpRequest, reference: str) -> Dossier | HttpResponse:
    try:
        return selectors.dossier_get(user=request.user, reference=reference)
    except NotFound as exc:
        return error_page(request, exc.message, status=404)


def _forms(dossier: Dossier) -> list[dict[str, Any]]:
    found = []
    for slug, spec in dossier_forms.FORMS.items():
        reason = spec.missing(dossier)
        found.append(
            {
                "slug": slug,
                "number": spec.number,
                "title": spec.title.capitalize(),
                "missing": reason,
                "url": reverse("web:workspace_form", args=[dossier.reference, slug]),
            }
        )
    return found


def _timeline(dossier: Dossier) -> list[DossierEvent]:
    """The events in order, with what the page says of each: its label, the state it led to, the
    items it listed, and the deadlines only where they moved (reception starts the clock, a received
    supplement restarts it, an apology gives a new appointment)."""
    events = list(dossier.events.select_related("actor_agency").order_by("seq"))
    statuses = {s.value for s in Status}
    for event in events:
        started = event.action in (Action.RECEIVE, Action.RECEIVE_SUPPLEMENT)
        items = event.data.get("items") if isinstance(event.data, dict) else None
        decided = event.data.get("decision") if isinstance(event.data, dict) else None
        event.label = DECISION_LABELS.get(decided) or EVENT_LABELS.get(  # type: ignore[attr-defined]
            event.action, event.action
        )
        event.to_label = (  # type: ignore[attr-defined]
            STATUS_LABELS[Status(event.to_status)] if event.to_status in statuses else ""
        )
        event.item_list = items if isinstance(items, list) else []  # type: ignore[attr-defined]
        event.due_changed = bool(event.due_after) and (  # type: ignore[attr-defined]
            started or (event.due_before is not None and event.due_before != event.due_after)
        )
        event.appointment_changed = event.action == Action.EXTEND  # type: ignore[attr-defined]
    return events


@officer_view
def dossier_page(request: HttpRequest, reference: str) -> HttpResponse:
    found = _dossier_or_404(request, reference)
    if isinstance(found, HttpResponse):
        return found
    dossier = found
    user = acting_user(request)
    record_access(actor=user, kind=Kind.DOSSIER_VIEW, request=request, dossier=dossier)
    now = timezone.now()
    ctx = registry.context(dossier, user, now)
    components = list(
        dossier.components.select_related("digitization").prefetch_related(
            Prefetch("files", queryset=ComponentFile.objects.select_related("file__blob").order_by("version"))
        )
    )
    events = _timeline(dossier)
    actions = available_actions(ctx)
    context = {
        "dossier": dossier,
        "deadline": deadline_of(dossier, now),
        "channel": Channel(dossier.channel).label if dossier.channel in Channel.values else dossier.channel,
        "steps": ctx.steps,
        "consultations": list(dossier.consultations.select_related("agency").order_by("requested_at")),
        "handovers": list(
            Handover.objects.filter(dossier=dossier)
            .select_related("from_agency", "to_agency")
            .order_by("seq")
        ),
        "handover_kinds": HANDOVER_KINDS,
        "events": events,
        # Online, a row exists for every paper of the case: those without a file were not filed.
        "components": [c for c in components if dossier.channel != Channel.ONLINE or c.files.all()],
        "unfiled": [c for c in components if dossier.channel == Channel.ONLINE and not c.files.all()],
        "supplements": list(dossier.supplement_requests.order_by("requested_at")),
        "extension": getattr(dossier, "extension", None) if dossier.extension_count else None,
        "forms": _forms(dossier),
        "results": dossier_results(dossier),
        "notices": notice_selectors.dossier_notices(dossier)[-NOTICES_SHOWN:],
        "notice_ways": notice_selectors.notice_ways(dossier),
        "actions": actions,
        "ending": [a for a in actions if a.destructive],
        "component_actions": component_actions(ctx),
        "timings": dict(Timing.choices),
        "roles": dict(Role.choices),
        "states": dict(DossierStep.State.choices),
        "outcomes": dict(Outcome.choices),
        "delivery_methods": dict(DeliveryMethod.choices),
        "sync_ledger": labelled(dossier_sync_ledger(dossier=dossier)),
        "ws_section": "inbox",
    }
    return render(request, "web/workspace/dossier.html", context)


def labelled(entries: Iterable[LedgerEntry]) -> list[LedgerEntry]:
    """Sync ledger entries with their event's name in words."""
    return [replace(e, action_label=str(EVENT_LABELS.get(e.action, e.action))) for e in entries]


@xframe_options_sameorigin  # the counter prints the receipt from a frame of its own page
@officer_view
def dossier_form_pdf(request: HttpRequest, reference: str, form: str) -> HttpResponse:
    """One of the six dossier forms as PDF; a form that does not apply says why, in a page."""
    if form not in dossier_forms.FORMS:
        return error_page(request, "Không có biểu mẫu này.", status=404)
    found = _dossier_or_404(request, reference)
    if isinstance(found, HttpResponse):
        return found
    try:
        content = dossier_forms.render_form(found, form)
    except DomainError as exc:
        return error_page(request, exc.message, status=exc.status)
    record_access(
        actor=acting_user(request), kind=Kind.FORM_PRINT, request=request, dossier=found, object_ref=form
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.reference}-{form}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# Ledger (Sổ theo dõi hồ sơ, form 07)

LEDGER_PAGE = 50
ALL_FIELDS = "tat-ca"
# The periods of a year the ledger is read by: the whole year, a quarter, a month.
PERIODS: dict[str, tuple[int, int]] = {
    "": (1, 13),
    **{f"q{q}": (3 * q - 2, 3 * q + 1) for q in range(1, 5)},
    **{f"t{m}": (m, m + 1) for m in range(1, 13)},
}


def period_labels() -> list[tuple[str, str]]:
    """The periods' names in the visitor's language."""
    return [
        ("", gettext("Cả năm")),
        *((f"q{q}", gettext("Quý %(n)s") % {"n": q}) for q in range(1, 5)),
        *((f"t{m}", gettext("Tháng %(n)s") % {"n": m}) for m in range(1, 13)),
    ]


def period_bounds(year: int, period: str) -> tuple[date, date]:
    """The local days [start, end) of ``period`` ("", "q1"…"q4", "t1"…"t12") of ``year``."""
    first, after = PERIODS[period]
    end = date(year + 1, 1, 1) if after == 13 else date(year, after, 1)
    return date(year, first, 1), end


def _ledger_agencies(user: User) -> QuerySet[Agency]:
    scope = user_scope(user, DOSSIER_ROLES)  # the ledger lists applicants: no administrator
    agencies = Agency.objects.filter(is_active=True)
    if not scope.everything:
        agencies = agencies.filter(pk__in=scope.agency_ids)
    return agencies.order_by("level", "name")


@officer_view
def ledger(request: HttpRequest) -> HttpResponse:
    """The ledger (form 07) of an agency, read a page at a time: by field (or every field) and by
    period (a year, a quarter or a month) — filtered and paged in the database (issue 14 §12)."""
    user = acting_user(request)
    agencies = list(_ledger_agencies(user))
    today = timezone.localdate()
    years = list(range(today.year, today.year - 6, -1))
    own = [
        m.agency_id
        for m in Membership.objects.filter(user=user, is_active=True).exclude(
            role__in=list(PROVINCE_WIDE_ROLES)
        )
    ]
    by_code = {a.code: a for a in agencies}
    agency = by_code.get(request.GET.get("agency", "")) or next(
        (a for a in agencies if a.pk in own), agencies[0] if agencies else None
    )
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdigit() and int(year_param) in years else today.year
    period = request.GET.get("period", "")
    if period not in PERIODS:
        period = ""
    fields = list(ProcedureField.objects.order_by("name"))
    field_by_code = {f.code: f for f in fields}
    field_param = request.GET.get("field", "")
    every_field = field_param == ALL_FIELDS
    chosen = None if every_field else field_by_code.get(field_param)
    if chosen is None and not every_field and agency is not None:
        chosen = _busiest_field(agency, year, field_by_code)
    start, end = period_bounds(year, period)
    page = None
    if agency is not None and (chosen is not None or every_field):
        dossiers = dossier_forms.ledger_queryset(agency=agency, field=chosen, start=start, end=end)
        page = Paginator(dossiers, LEDGER_PAGE).get_page(request.GET.get("page"))
    # The printed form 07 is the year's book of one field.
    pdf_url = (
        f"/api/v1/ledger.pdf?agency={agency.code}&field={chosen.code}&year={year}"
        if agency is not None and chosen is not None
        else ""
    )
    keep = {
        "agency": agency.code if agency else "",
        "field": ALL_FIELDS if every_field else (chosen.code if chosen else ""),
        "year": str(year),
        "period": period,
    }
    now = timezone.now()
    labels = period_labels()
    return render(
        request,
        "web/workspace/ledger.html",
        {
            "agencies": agencies,
            "agency": agency,
            "fields": fields,
            "field": chosen,
            "every_field": every_field,
            "all_fields": ALL_FIELDS,
            "years": years,
            "year": year,
            "periods": labels,
            "period": period,
            "period_label": dict(labels)[period],
            "page": page,
            "rows": [(d, deadline_of(d, now)) for d in page] if page is not None else [],
            "total": page.paginator.count if page is not None else 0,
            "query": urlencode({k: v for k, v in keep.items() if v}),
            "pdf_url": pdf_url,
            "ws_section": "ledger",
        },
    )


def _busiest_field(agency: Agency, year: int, fields: dict[str, ProcedureField]) -> ProcedureField | None:
    start = datetime(year, 1, 1, tzinfo=VN_TZ)
    end = datetime(year + 1, 1, 1, tzinfo=VN_TZ)
    top = (
        Dossier.objects.filter(Q(receiving_agency=agency) | Q(handling_agency=agency))
        .filter(received_at__gte=start, received_at__lt=end, version__field__isnull=False)
        .values("version__field__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return fields.get(top["version__field__code"]) if top else None
