"""Protected reads of dossiers. Staff see the dossiers of the agencies their roles reach (received,
handled, consulted or holding a step there); applicants see their own. "Not yours" answers exactly
like "not found"."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Applicant, User
from dossiers.models import Consultation, Dossier, DossierComponent, DossierEvent, DossierStep
from dossiers.transitions import CLOCK_RUNNING, PENDING, Action, Status
from kernel.errors import NotFound
from kernel.jsonrows import adopt, instances, json_rows, own_fields
from kernel.text import fold
from organization.models import Agency
from organization.selectors import DOSSIER_ROLES, user_scope


class Progress(StrEnum):
    """Where a pending dossier stands at an instant (DOMAIN §4)."""

    IN_TIME = "in_time"
    APPROACHING = "approaching"
    OVERDUE = "overdue"


PROGRESS_LABELS = {
    Progress.IN_TIME: "Trong hạn",
    Progress.APPROACHING: "Sắp đến hạn",
    Progress.OVERDUE: "Quá hạn",
}


def progress_at(dossier: Dossier, at: datetime) -> Progress | None:
    """In time / approaching / overdue for a pending dossier at ``at`` (None when not pending), from the
    stored columns only. A dossier whose clock is stopped (supplement, pause) is in time."""
    if dossier.status not in PENDING or dossier.due_at is None:
        return None
    if dossier.status not in CLOCK_RUNNING:
        return Progress.IN_TIME
    if at > dossier.due_at:
        return Progress.OVERDUE
    if dossier.approaching_at is not None and at >= dossier.approaching_at:
        return Progress.APPROACHING
    return Progress.IN_TIME


def overdue_q(at: datetime) -> Q:
    return Q(status__in=list(CLOCK_RUNNING), due_at__lt=at)


_OWN = Value(0, output_field=IntegerField())
_REACHED = Value(1, output_field=IntegerField())


def _visibility(user: User | AnonymousUser, one: Dossier | None = None) -> Q | None:
    """The one rule of who sees a dossier, as a condition on dossier rows (None: no row at all).

    The applicant sees his own dossiers, draft or not. Through a role that works on dossiers
    (``DOSSIER_ROLES``) staff see every submitted dossier of a province they reach whole, and the
    submitted dossiers that reached one of their agencies: received, handled, consulted, or holding a
    step there. Another person's draft is his alone until he submits it (ADR 0003).

    Over the table (``one`` None) the applicant's and the consulted/step dossiers are listed first, so
    that every branch is one indexable condition and PostgreSQL combines index scans (BitmapOr); an OR
    with a subquery or a join makes it scan every dossier (350 ms at 1M for a commune officer). For
    ``one`` row the same grounds are subqueries about that row alone, which its primary key bounds."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    assert isinstance(user, User)
    scope = user_scope(user, DOSSIER_ROLES)
    # Over the table: the applicant's own dossiers and (below) those consulted or holding a step at
    # one of the user's agencies, listed in one statement (a UNION, each row tagged with its ground).
    listed: QuerySet[Any] = (
        Dossier.objects.filter(applicant__user=user)
        .order_by()
        .annotate(ground=_OWN)
        .values_list("pk", "ground")
    )
    if one is not None:
        own = Q(applicant__user_id=user.pk)
    elif scope.everything or not scope.local_ids:
        own = Q(pk__in=[pk for pk, _ground in listed])
    if scope.everything:
        return own | ~Q(status=Status.DRAFT)
    condition = Q()
    if scope.local_ids:
        ids = list(scope.local_ids)
        condition |= Q(receiving_agency_id__in=ids) | Q(handling_agency_id__in=ids)
        # Consultations and workflow steps at an agency other than the dossier's own two: few rows.
        consulted = Consultation.objects.filter(agency_id__in=ids).order_by()
        steps = (
            DossierStep.objects.filter(agency_id__in=ids)
            .exclude(dossier__receiving_agency_id=F("agency_id"))
            .exclude(dossier__handling_agency_id=F("agency_id"))
            .order_by()
        )
        if one is not None:
            condition |= Q(Exists(consulted.filter(dossier_id=OuterRef("pk")))) | Q(
                Exists(steps.filter(dossier_id=OuterRef("pk")))
            )
        else:
            rows = list(
                listed.union(
                    consulted.annotate(ground=_REACHED).values_list("dossier_id", "ground"),
                    steps.annotate(ground=_REACHED).values_list("dossier_id", "ground"),
                )
            )
            own = Q(pk__in=[pk for pk, ground in rows if ground == _OWN.value])
            extra = {pk for pk, ground in rows if ground == _REACHED.value}
            if extra:
                condition |= Q(pk__in=extra)
    if scope.province_ids:
        condition |= Q(province_id__in=scope.province_ids)
    if not condition:
        return own
    return own | (condition & ~Q(status=Status.DRAFT))


def visible_dossiers(user: User | AnonymousUser) -> QuerySet[Dossier]:
    """Every dossier ``user`` may see (``_visibility``, the one rule)."""
    rule = _visibility(user)
    return Dossier.objects.none() if rule is None else Dossier.objects.filter(rule)


def can_see(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """Whether ``user`` may see this one dossier: the rule of ``visible_dossiers`` asked about its row."""
    rule = _visibility(user, one=dossier)
    if rule is None:
        return False
    if not rule:  # everything (a superuser)
        return True
    return Dossier.objects.filter(rule, pk=dossier.pk).exists()


def dossier_get(
    *, user: User | AnonymousUser, reference: str, lock: bool = False, children: bool = False
) -> Dossier:
    """The dossier named by code or uuid (a draft's only name) if ``user`` may see it; "not yours"
    answers like "not found". ``lock``: with the row lock of an action (inside its transaction), as
    ``dossiers.actions.recording.lock`` takes it — the dossier row only. ``children``: its steps,
    papers, consultations and events read in the same statement (``with_children``)."""
    # The row and the rule in one statement (``can_see``'s condition on this row): a dossier the user
    # may not see is not found, like one that does not exist.
    rule = _visibility(user, one=Dossier())
    if rule is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    queryset = _DOSSIER_READS[children].filter(rule)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    # A code, or a uuid (a draft has no code; the links made before a dossier had one): one statement.
    named = Q(code=reference) | Q(uuid=reference) if _looks_like_uuid(reference) else Q(code=reference)
    dossier = queryset.filter(named).first()
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.")
    if children:
        adopt_children(dossier)
    return dossier


# What a dossier's page and an action's answer show of its children, read with the row (kernel.jsonrows).
_PERSON = ("username", "first_name", "last_name", "full_name")
_PLACE = ("code", "name", "short_name", "kind", "level", "province", "parent", "is_active")
CHILDREN: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "steps": (
        DossierStep,
        (
            *own_fields(DossierStep),
            *(f"agency__{n}" for n in _PLACE),
            *(f"assignee__{n}" for n in _PERSON),
            *(f"finished_by__{n}" for n in _PERSON),
        ),
    ),
    "components": (DossierComponent, tuple(own_fields(DossierComponent))),
    "consultations": (Consultation, (*own_fields(Consultation), *(f"agency__{n}" for n in _PLACE))),
    "events": (DossierEvent, (*own_fields(DossierEvent), "actor_agency__code", "actor_agency__name")),
}
_ORDER = {"steps": "position", "components": "position", "consultations": "pk", "events": "seq"}


def with_children(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Each dossier with its children as JSON arrays (one statement; ``adopt_children`` unpacks)."""
    return queryset.annotate(
        **{
            f"_json_{name}": json_rows(model.objects.all(), "dossier", fields)
            for name, (model, fields) in CHILDREN.items()
        }
    )


class _DossierReads(dict[bool, QuerySet[Dossier]]):
    """The statement of ``dossier_get`` without its rule and reference, with its children or not:
    built once per process, filtered per call (resolving the children's columns costs as much as
    running the statement; a queryset kept in a process and filtered per request is Django's own
    pattern, a view's ``queryset``)."""

    def __missing__(self, children: bool) -> QuerySet[Dossier]:
        queryset = Dossier.objects.select_related(
            "procedure", "version", "receiving_agency", "handling_agency", "applicant", "case", "workflow"
        ).defer(*HEAVY_VERSION_FIELDS)
        if children:
            queryset = with_children(queryset)
        self[children] = queryset
        return queryset


_DOSSIER_READS = _DossierReads()


def adopt_children(dossier: Dossier) -> None:
    """The children read by ``with_children`` kept as the dossier's prefetched relations, in order:
    ``dossier.steps.all()`` and the others then read nothing."""
    for name, (model, _fields) in CHILDREN.items():
        rows = instances(model, dossier.__dict__.pop(f"_json_{name}", None), dossier._state.db or "default")
        key = _ORDER[name]
        rows.sort(key=lambda row: (getattr(row, key) or 0, row.pk))
        adopt(dossier, name, rows, back="dossier")


def with_active_steps(queryset: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Each dossier with its active steps and their assignees as a JSON array, in the same statement
    (an inbox page shows where each dossier is); ``active_steps`` unpacks them."""
    steps = DossierStep.objects.filter(state=DossierStep.State.ACTIVE)
    fields = (*own_fields(DossierStep), *(f"assignee__{n}" for n in _PERSON))
    return queryset.annotate(_json_active_steps=json_rows(steps, "dossier", fields))


def active_steps(dossier: Dossier) -> list[DossierStep]:
    """The active steps ``with_active_steps`` read with ``dossier``, in workflow order."""
    rows = instances(
        DossierStep, dossier.__dict__.pop("_json_active_steps", None), dossier._state.db or "default"
    )
    rows.sort(key=lambda step: (step.position, step.pk))
    return rows


# The long texts of a procedure version: a dossier page needs only its name and number.
HEAVY_VERSION_FIELDS = tuple(
    f"version__{name}"
    for name in (
        "steps_text",
        "requirements_text",
        "subjects",
        "competent_agency_text",
        "implementing_agency_text",
        "authorized_agency_text",
        "coordinating_agency_text",
        "reception_address",
        "related_text",
        "parse_issues",
    )
)


def _looks_like_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class InboxFilters:
    status: list[str] | None = None
    agency: str | None = None
    procedure: str | None = None
    overdue: bool | None = None
    q: str | None = None


def dossier_inbox(
    *, user: User | AnonymousUser, filters: InboxFilters, at: datetime | None = None
) -> QuerySet[Dossier]:
    """The dossiers a user works on, filtered; ordered by due instant (the most urgent first)."""
    at = at or timezone.now()
    dossiers = visible_dossiers(user).select_related(
        "procedure", "version", "receiving_agency", "handling_agency"
    )
    if filters.status:
        dossiers = dossiers.filter(status__in=filters.status)
    if filters.agency:
        dossiers = dossiers.filter(
            Q(handling_agency__code=filters.agency) | Q(receiving_agency__code=filters.agency)
        )
    if filters.procedure:
        dossiers = dossiers.filter(procedure__code=filters.procedure)
    if filters.overdue is True:
        dossiers = dossiers.filter(overdue_q(at))
    elif filters.overdue is False:
        dossiers = dossiers.exclude(overdue_q(at))
    if filters.q and filters.q.strip():
        text = filters.q.strip()
        dossiers = dossiers.filter(Q(code__startswith=text) | Q(search_text__contains=fold(text)))
    # The key as the last tie-breaker: pages of an ordering with ties may repeat or skip rows (PostgreSQL).
    return dossiers.order_by("due_at", "created_at", "pk")


def public_lookup(reference: str) -> Dossier:
    """A dossier by code for the public lookup (nothing personal is shown by the caller)."""
    code = reference.strip()
    found = Dossier.objects.select_related("procedure", "version")
    dossier = found.filter(code=code).first()
    if dossier is None and code.upper() != code:
        # Codes are issued in capitals (``…H31-261203-0001``); people type them in lower case too.
        dossier = found.filter(code=code.upper()).first()
    if dossier is None or dossier.status == Status.DRAFT:
        raise NotFound("Không tìm thấy hồ sơ với mã này.")
    return dossier


def applicant_for_reception(*, number: str, points: list[Agency]) -> Applicant | None:
    """The applicant whose CCCD (12 digits) or tax code is exactly ``number``, for a one-stop officer
    receiving at ``points`` — only someone the counter may already know (docs/adr/0010): a citizen or
    organisation with a portal account (their own declared particulars, meant to prefill filings), or
    one who has filed a dossier received at one of these points. Anyone else is "not in the system",
    so the look-up cannot be used to find a stranger's address and phone from his CCCD."""
    number = "".join(number.split())
    if not number or not points:
        return None
    matches = Applicant.objects.filter(Q(national_id=number) | Q(tax_code=number))
    known = Q(user__isnull=False, user__is_active=True) | Q(
        pk__in=Dossier.objects.filter(receiving_agency__in=points)
        .exclude(status=Status.DRAFT)
        .values("applicant_id")
    )
    return matches.filter(known).order_by("pk").first()


# Events whose reason is a note officers leave each other (hand-overs, consultations): shown in the
# workspace, never to the applicant (portal and API alike).
INTERNAL_NOTE_ACTIONS = frozenset(
    {Action.FORWARD.value, Action.SEND_BACK.value, Action.CONSULT.value, Action.CONSULT_REPLY.value}
)


def is_applicant_of(user: User | AnonymousUser, dossier: Dossier) -> bool:
    """The user filed ``dossier``: he gets the applicant's view of it (what the portal shows)."""
    return bool(user.is_authenticated and dossier.applicant.user_id == user.pk and not user.is_superuser)
