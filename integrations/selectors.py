"""Reads of the integrations' own records for the pages: the sync ledger (what became of each message
to the national portal) and the reconciliation runs.

The sync ledger is read from the outbox (``portal.sync`` messages, by dossier code) and the exchange
log (each call the portal client made for a message, with the portal's code and message). A message's
state in the ledger:

- *chờ gửi* (pending): never tried yet;
- *đã gửi, chưa được xác nhận* (sent): tried, the portal has not accepted it yet (no answer, time-out,
  down): the worker tries again;
- *được chấp nhận* (accepted): delivered, the portal answered success;
- *bị từ chối* (refused): the portal refused it (``error_code`` ≠ 0), with its message; a dead letter
  until an administrator retries or cancels it;
- *gửi không được* (dead): too many failed attempts, a dead letter;
- *đã hủy* (cancelled): an administrator cancelled it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, CharField, F, OuterRef, Q, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from dossiers.models import Dossier
from integrations.models import Exchange, ReconciliationRun
from organization.models import Agency, Role
from organization.selectors import agency_subtree, user_scope
from outbox.models import OutboxMessage
from worktime.calendar import VN_TZ

SYNC_STATES = {
    "pending": _("chờ gửi"),
    "sent": _("đã gửi, chưa được Cổng xác nhận"),
    "accepted": _("được Cổng chấp nhận"),
    "refused": _("bị Cổng từ chối"),
    "dead": _("gửi không được, chờ xử lý"),
    "cancelled": _("đã hủy"),
}
MONITOR_ROLES = frozenset({Role.MONITOR})


def _last_exchange(field: str) -> Subquery:
    latest = Exchange.objects.filter(message=OuterRef("pk")).order_by("-at", "-pk")
    return Subquery(latest.values(field)[:1])


def sync_messages() -> QuerySet[OutboxMessage]:
    """Every ``portal.sync`` message, annotated with its ledger ``state`` (a key of ``SYNC_STATES``),
    the portal's ``portal_code`` and ``portal_answer`` from its last exchange (the refusal's reason, or
    the worker's last error when no exchange says more), newest first."""
    return (
        OutboxMessage.objects.filter(topic=OutboxMessage.Topic.PORTAL_SYNC)
        .annotate(
            last_outcome=_last_exchange("outcome"),
            portal_code=Coalesce(_last_exchange("code"), Value(""), output_field=CharField()),
            portal_answer=Coalesce(
                NullIf(_last_exchange("answer"), Value(""), output_field=TextField()),
                F("last_error"),
                output_field=TextField(),
            ),
        )
        .annotate(
            state=Case(
                When(status=OutboxMessage.Status.DELIVERED, then=Value("accepted")),
                When(status=OutboxMessage.Status.CANCELLED, then=Value("cancelled")),
                When(
                    status=OutboxMessage.Status.DEAD,
                    last_outcome=Exchange.Outcome.REFUSED,
                    then=Value("refused"),
                ),
                When(status=OutboxMessage.Status.DEAD, then=Value("dead")),
                When(attempts__gt=0, then=Value("sent")),
                default=Value("pending"),
                output_field=CharField(),
            )
        )
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class LedgerEntry:
    """One message of a dossier's ledger as the pages show it."""

    message: OutboxMessage
    state: str
    state_label: str
    action: str
    portal_status: Any
    at: Any  # the event's instant, as the message carries it
    answer: str
    code: str
    action_label: str = ""  # the event's name in words (the pages fill it)


def _entry(message: Any) -> LedgerEntry:
    payload = message.payload if isinstance(message.payload, dict) else {}
    return LedgerEntry(
        message=message,
        state=message.state,
        state_label=str(SYNC_STATES[message.state]),
        action=str(payload.get("action", "")),
        portal_status=payload.get("portal_status"),
        at=payload.get("at"),
        answer="" if message.state == "accepted" else (message.portal_answer or ""),
        code=message.portal_code or "",
    )


def dossier_sync_ledger(*, dossier: Dossier) -> list[LedgerEntry]:
    """The ledger of one dossier, oldest first: its coded messages and those written before it had a
    code (a dossier submitted before codes were issued at submission, ADR 0021; their key starts with
    its uuid). The caller has checked that the reader may see the dossier
    (``dossiers.selectors.dossier_get``)."""
    mine = Q(dossier_code="", key__startswith=f"{dossier.uuid}:")
    if dossier.code:
        mine |= Q(dossier_code=dossier.code)
    return [_entry(m) for m in sync_messages().filter(mine).order_by("pk")]


# ---------------------------------------------------------------------------------------------
# The monitor's list


def may_monitor_sync(user: Any) -> bool:
    """The sync ledger list and the reconciliations are the monitoring office's (and the superuser's)."""
    scope = user_scope(user, MONITOR_ROLES)
    return scope.everything or bool(scope.agency_ids)


def monitored_dossiers(user: User) -> QuerySet[Dossier]:
    """The dossiers whose sync ``user`` monitors: every one for the superuser, those handled in the
    monitor's province (or agencies) otherwise; none for anyone else."""
    scope = user_scope(user, MONITOR_ROLES)
    if scope.everything:
        return Dossier.objects.all()
    if not scope.agency_ids:
        return Dossier.objects.none()
    return Dossier.objects.filter(
        Q(handling_agency__province_id__in=scope.province_ids) | Q(handling_agency_id__in=scope.local_ids)
    )


def monitored_agencies(user: User) -> QuerySet[Agency]:
    scope = user_scope(user, MONITOR_ROLES)
    agencies = Agency.objects.filter(is_active=True)
    if not scope.everything:
        agencies = agencies.filter(pk__in=scope.agency_ids)
    return agencies.order_by("level", "name")


@dataclass(frozen=True)
class LedgerFilters:
    agency: Agency | None = None
    state: str = ""
    date_from: date | None = None
    date_to: date | None = None
    dossier_code: str = ""


def _start(day: date) -> Any:
    from datetime import datetime, time

    return datetime.combine(day, time.min, tzinfo=VN_TZ)


def sync_ledger_list(*, user: User, filters: LedgerFilters) -> QuerySet[OutboxMessage]:
    """The ``portal.sync`` messages of the dossiers ``user`` monitors, filtered: the handling agency
    (with the agencies under it), the ledger state, the local dates the message was written, the
    dossier code (its beginning). Newest first."""
    dossiers = monitored_dossiers(user)
    if filters.agency is not None:
        dossiers = dossiers.filter(handling_agency_id__in=agency_subtree([filters.agency.pk]))
    messages = sync_messages().filter(dossier_code__in=dossiers.exclude(code=None).values("code"))
    if filters.state:
        messages = messages.filter(state=filters.state)  # type: ignore[misc]  # the annotation
    if filters.date_from is not None:
        messages = messages.filter(created_at__gte=_start(filters.date_from))
    if filters.date_to is not None:
        messages = messages.filter(created_at__lt=_start(filters.date_to + timedelta(days=1)))
    if filters.dossier_code:
        messages = messages.filter(dossier_code__istartswith=filters.dossier_code)
    return messages


def ledger_entries(messages: Any) -> list[LedgerEntry]:
    return [_entry(m) for m in messages]


def reconciliation_runs(*, user: User) -> QuerySet[ReconciliationRun]:
    """The reconciliation runs, newest first, for the monitors (all of them: a run covers the province's
    day; its mismatches are filtered by ``run_mismatches``)."""
    if not may_monitor_sync(user):
        return ReconciliationRun.objects.none()
    return ReconciliationRun.objects.order_by("-started_at", "-pk")
