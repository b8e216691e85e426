"""Supplements (NĐ 61/2018 Art. 19.4): an officer asks for everything still missing in one list and the
clock stops; the applicant sends the new papers (with a note); the officer receives them and the
statutory time restarts from zero."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dossiers.actions.base import ActionContext, ActionEntry, Refusal, Who, commit
from dossiers.actions.clock import CLOCK_FIELDS, start_clock
from dossiers.actions.inputs import plain
from dossiers.actions.reception import clean_items
from dossiers.models import DossierComponent, SupplementRequest
from dossiers.transitions import Action, Status
from kernel.errors import DomainError
from kernel.text import nfc
from kernel.time import VN_TZ, local_date
from organization.models import Role
from worktime.calendar import WorkCalendar
from worktime.services import work_calendar

SUPPLEMENT_REQUEST_WINDOW_DAYS = 3  # NĐ 61/2018: supplement requested within 3 working days of reception
# The applicant's time to supply the items, unless the officer sets another date: no legal text sets it
# (docs/domain.md §4 rule 3), so it is the agency's decision; ten working days by default, a year at most.
SUPPLY_WORKING_DAYS = 10
SUPPLY_MAX_DAYS = 365
OFFICERS = frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER})


@dataclass
class SupplementRequestInput:
    items: Sequence[str] = ()
    reason: str = ""
    supply_by: date | None = None  # None: ``supply_by_default``


def _parse_request(values: Mapping[str, Any]) -> SupplementRequestInput:
    """The request's input; ``supply_by`` may come as a date or as its ISO text (YYYY-MM-DD)."""
    inp = plain(SupplementRequestInput)(values)
    raw: Any = inp.supply_by
    if isinstance(raw, datetime):
        inp.supply_by = local_date(raw)
    elif isinstance(raw, str) and raw.strip():
        try:
            inp.supply_by = date.fromisoformat(raw.strip())
        except ValueError:
            message = f"Hạn bổ sung không đúng dạng ngày (YYYY-MM-DD): {raw[:40]!r}."
            raise DomainError("invalid_supply_by", message, fields={"supply_by": [message]}) from None
    elif not isinstance(raw, date):
        inp.supply_by = None
    return inp


def supply_by_default(at: datetime, calendar: WorkCalendar) -> date:
    """The local date ``SUPPLY_WORKING_DAYS`` working days after a request made at ``at``."""
    return local_date(calendar.add(at, SUPPLY_WORKING_DAYS, "working_day"))


def supply_by_checked(day: date, at: datetime, calendar: WorkCalendar) -> date:
    """``day`` as the applicant's deadline for a request made at ``at``: not before that day, a
    working day (the counter is open), at most ``SUPPLY_MAX_DAYS`` later."""
    today = local_date(at)

    def refused(message: str) -> DomainError:
        return DomainError("invalid_supply_by", message, fields={"supply_by": [message]})

    if day < today:
        raise refused(f"Hạn bổ sung {day:%d/%m/%Y} đã qua: hãy chọn từ ngày {today:%d/%m/%Y} trở đi.")
    if day > today + timedelta(days=SUPPLY_MAX_DAYS):
        raise refused(f"Hạn bổ sung {day:%d/%m/%Y} quá xa: không quá {SUPPLY_MAX_DAYS} ngày kể từ hôm nay.")
    if not calendar.is_working_day(day):
        following = local_date(calendar.next_opening(datetime.combine(day, datetime.min.time(), VN_TZ)))
        raise refused(
            f"Ngày {day:%d/%m/%Y} không phải ngày làm việc: hãy chọn một ngày làm việc "
            f"(gần nhất là {following:%d/%m/%Y})."
        )
    return day


def _request(ctx: ActionContext, inp: SupplementRequestInput) -> None:
    """A request later than 3 working days after reception is recorded as a violation."""
    dossier, at = ctx.dossier, ctx.at
    cleaned = clean_items(inp.items)
    calendar = work_calendar()
    supply_by = (
        supply_by_default(at, calendar)
        if inp.supply_by is None
        else supply_by_checked(inp.supply_by, at, calendar)
    )
    assert dossier.clock_start is not None
    request_deadline = calendar.add(dossier.clock_start, SUPPLEMENT_REQUEST_WINDOW_DAYS, "working_day")
    late = at > request_deadline
    SupplementRequest.objects.create(
        dossier=dossier,
        requested_at=at,
        requested_by=ctx.actor,
        items=cleaned,
        reason=nfc(inp.reason),
        request_deadline=request_deadline,
        supply_by=supply_by,
        late=late,
        due_before=dossier.due_at,
    )
    commit(
        ctx,
        {
            "clock_stopped_at": at,
            "supplement_count": dossier.supplement_count + 1,
            "late_supplement_request": dossier.late_supplement_request or late,
        },
        reason=nfc(inp.reason),
        clock=True,
        data={
            "items": cleaned,
            "late_request": late,
            "request_deadline": request_deadline.isoformat(),
            "supply_by": supply_by.isoformat(),
        },
    )


@dataclass
class NoteInput:
    note: str = ""


def _receive(ctx: ActionContext, inp: NoteInput) -> None:
    """The completed dossier is received again: the statutory time restarts from zero, with a new
    appointment."""
    dossier, at = ctx.dossier, ctx.at
    calendar = work_calendar()
    start_clock(dossier, at, calendar)
    SupplementRequest.objects.filter(dossier=dossier, received_at__isnull=True).update(
        received_at=at, received_by=ctx.actor, due_after=dossier.due_at
    )
    # The step that was active keeps working on the completed dossier, with a fresh step deadline.
    for step in ctx.active_steps():  # the context's own objects: the answer shows them
        step.due_at = calendar.add_working_minutes(at, step.duration_minutes)
        step.save(update_fields=["due_at"])
    commit(ctx, {name: getattr(dossier, name) for name in CLOCK_FIELDS}, reason=nfc(inp.note), clock=True)


# ---------------------------------------------------------------------------------------------
# The applicant's part: the new papers (uploaded before, as new versions of the components) and a note,
# recorded as an event the officer sees. Before reception (returned for completion) the applicant then
# resubmits the dossier; after reception the officer receives the supplement.


def sent_files(ctx: ActionContext) -> list[Any]:
    """The files the applicant added since the request (or the return) being answered."""
    # The files are the documents app's model, reached through the components' reverse relation:
    # dossiers sits below documents and does not import it (docs/adr/0011).
    component_file = DossierComponent.files.field.model
    dossier = ctx.dossier
    files = component_file._default_manager.filter(component__dossier=dossier)
    if Status(dossier.status) == Status.AWAITING_SUPPLEMENT:
        request = (
            dossier.supplement_requests.filter(received_at__isnull=True)
            .order_by("-requested_at", "-pk")
            .first()
        )
        since = request.requested_at if request else dossier.created_at
        files = files.filter(supplement=True)
    else:
        returned = dossier.events.filter(action=Action.RETURN_FOR_COMPLETION).order_by("-seq").first()
        since = returned.at if returned else dossier.created_at
    return list(files.filter(created_at__gte=since).select_related("component", "file"))


def _something_sent(ctx: ActionContext, inp: NoteInput | None) -> Refusal | None:
    if Status(ctx.dossier.status) == Status.AWAITING_SUPPLEMENT:
        if not sent_files(ctx):
            return Refusal(
                "supplement_files_required", "Hãy tải lên ít nhất một giấy tờ bổ sung trước khi gửi.", 400
            )
    elif not (inp and nfc(inp.note)) and not sent_files(ctx):
        return Refusal("nothing_to_send", "Chưa có giấy tờ mới hay ghi chú nào để gửi.", 400)
    return None


def _send(ctx: ActionContext, inp: NoteInput) -> None:
    files = sent_files(ctx)
    commit(
        ctx,
        reason=nfc(inp.note),
        data={
            "files": [{"component": f.component_id, "version": f.version, "name": f.file.name} for f in files]
        },
        announce=False,
    )


ENTRIES: list[ActionEntry[Any]] = [
    ActionEntry(
        Action.REQUEST_SUPPLEMENT,
        "supplement",
        Who("either", OFFICERS),
        SupplementRequestInput,
        _request,
        _parse_request,
    ),
    ActionEntry(
        Action.APPLICANT_SUPPLEMENT,
        "supplement",
        Who("applicant", refused="Chỉ người nộp hồ sơ được gửi giấy tờ bổ sung."),
        NoteInput,
        _send,
        plain(NoteInput),
        rule=_something_sent,
    ),
    ActionEntry(
        Action.RECEIVE_SUPPLEMENT,
        "supplement",
        Who("either", frozenset({Role.ONE_STOP_OFFICER, Role.SPECIALIST})),
        NoteInput,
        _receive,
        plain(NoteInput),
    ),
]
