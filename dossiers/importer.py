"""Dossier history import (docs/domain.md §10): one JSON object per line, replayed through the services.

A line names a dossier of the old system (its code, procedure, agencies, applicant) and its events in
time order. Nothing in the line is copied into the deadline columns: the dossier is created and every
event is replayed through ``dossiers/services.py`` as the system (``actor=None``) at the event's
instant, so the due instants and the early / on time / late classification are the ones our own rules
compute. A line the rules refuse is rejected as a whole: each line is one transaction.

Two layers: ``parse_line`` turns a text line into typed records (pure, no database) and
``import_record`` replays one record; ``import_lines`` runs a whole file and counts the outcome.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from accounts.models import Applicant, User
from catalog.models import Channel
from dossiers import events, services
from dossiers.actions import recording, registry
from dossiers.actions.base import ActionContext
from dossiers.models import Dossier, DossierStep
from dossiers.transitions import PENDING, STATUS_LABELS, Action, Status, vietnamese
from kernel.errors import DomainError, Forbidden
from kernel.text import nfc
from organization.models import Agency, Role
from worktime.calendar import Unit

DUPLICATE = "duplicate_code"
# Shown in the summary for codes already in the database: re-running a file changes nothing.
DUPLICATE_LABEL = "đã có"

# The old system did not always keep the list of missing items; the request still needs one line.
UNLISTED_ITEMS = "Nội dung cần bổ sung không được lưu trong hệ thống cũ"


class EventType(StrEnum):
    RECEIVED = "received"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    PAUSED = "paused"
    RESUMED = "resumed"
    EXTENDED = "extended"
    RESOLVED = "resolved"
    DELIVERED = "delivered"
    STOPPED = "stopped"
    WITHDRAWN = "withdrawn"


# Events that may come before reception; everything else needs the dossier received first.
BEFORE_RECEPTION = frozenset({EventType.RECEIVED, EventType.WITHDRAWN})


@dataclass(frozen=True)
class HistoryEvent:
    type: EventType
    at: datetime
    reason: str = ""
    note: str = ""
    items: tuple[str, ...] = ()
    new_appointment: datetime | None = None
    supply_by: date | None = None
    outcome: str = ""
    method: str = ""


@dataclass(frozen=True)
class ImportFacts:
    """Index facts the old system knew (docs/domain.md §9); ``None`` leaves the field as it is."""

    digitized: bool | None = None
    reused: bool | None = None
    paid_online: bool | None = None
    e_result: bool | None = None
    rating: int | None = None

    def as_dict(self) -> dict[str, bool | int]:
        values = {
            "digitized": self.digitized,
            "reused": self.reused,
            "paid_online": self.paid_online,
            "e_result": self.e_result,
            "rating": self.rating,
        }
        return {name: value for name, value in values.items() if value is not None}


# The roles that hold a workflow step (docs/domain.md §4 rule 6); the monitor and administrators never do.
STEP_ROLES = (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK)


@dataclass(frozen=True)
class CurrentStep:
    """Where the old system says a pending dossier is: the step's name, the role and agency that
    hold it, and — where it knew — the person (a username of this system). ``since`` None: from the
    last event."""

    name: str
    role: str
    agency: str = ""  # empty: the handling agency (the receiving centre for a one-stop officer)
    holder: str = ""
    since: datetime | None = None


@dataclass(frozen=True)
class HistoryRecord:
    code: str
    procedure: str
    receiving_agency: str
    handling_agency: str
    channel: str
    applicant: services.ApplicantData
    processing_time: tuple[Decimal, str] | None
    events: tuple[HistoryEvent, ...]
    facts: ImportFacts
    current_step: CurrentStep | None = None


@dataclass(frozen=True)
class Rejection:
    line: int
    code: str
    error: str  # the DomainError code, e.g. "already_extended"
    message: str  # its Vietnamese message


@dataclass
class ImportSummary:
    lines: int = 0
    imported: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.rejections if r.error == DUPLICATE)

    def by_reason(self) -> list[tuple[str, int]]:
        """Rejections counted by error code, the most frequent first."""
        return Counter(r.error for r in self.rejections).most_common()


# ---------------------------------------------------------------------------------------------
# Parsing (pure)


def _invalid(message: str, code: str = "invalid_line") -> DomainError:
    return DomainError(code, message)


def _text(data: Mapping[str, Any], key: str, *, required: bool = False, where: str = "") -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise _invalid(f"Thiếu trường «{where}{key}».")
        return ""
    if not isinstance(value, str):
        raise _invalid(f"Trường «{where}{key}» phải là chuỗi ký tự.")
    return value.strip()


def _instant(value: Any, where: str) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(f"Thiếu thời điểm «{where}».", "invalid_time")
    try:
        instant = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _invalid(f"Thời điểm «{where}» không đúng ISO 8601: {value!r}.", "invalid_time") from None
    if timezone.is_naive(instant):
        raise _invalid(f"Thời điểm «{where}» phải có múi giờ (ví dụ +07:00): {value!r}.", "invalid_time")
    return instant


def _day(value: Any, where: str) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _invalid(f"Ngày «{where}» không đúng dạng YYYY-MM-DD: {value!r}.", "invalid_time")


def _flag(data: Mapping[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _invalid(f"Trường «{key}» phải là true hoặc false.")


def _rating(value: Any) -> int | None:
    if value is None:
        return None
    # docs/domain.md §8: a 5-level satisfaction scale.
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise _invalid("Mức hài lòng (rating) phải là số nguyên từ 1 đến 5.")
    return value


def _processing_time(value: Any) -> tuple[Decimal, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _invalid('processing_time phải có dạng {"amount", "unit"}.', "invalid_processing_time")
    unit = value.get("unit")
    if unit not in Unit.__members__.values():
        raise _invalid(
            f"Đơn vị thời hạn không hợp lệ: {unit!r} (working_day, working_hour hoặc calendar_day).",
            "invalid_processing_time",
        )
    raw = value.get("amount")
    try:
        amount = (
            Decimal(str(raw)) if isinstance(raw, int | float | str) and not isinstance(raw, bool) else None
        )
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0:
        raise _invalid(f"Thời hạn giải quyết phải là số dương: {raw!r}.", "invalid_processing_time")
    if unit == Unit.CALENDAR_DAY and amount != amount.to_integral_value():
        raise _invalid("Thời hạn tính theo ngày phải là số nguyên.", "invalid_processing_time")
    return amount, str(unit)


def _applicant(value: Any) -> services.ApplicantData:
    if not isinstance(value, dict):
        raise _invalid("Thiếu thông tin người nộp (applicant).")
    kind = _text(value, "kind", where="applicant.") or Applicant.Kind.INDIVIDUAL
    if kind not in Applicant.Kind.values:
        raise _invalid(f"Loại người nộp không hợp lệ: {kind!r} (individual hoặc organization).")
    return services.ApplicantData(
        name=_text(value, "name", required=True, where="applicant."),
        kind=kind,
        national_id=_text(value, "national_id", where="applicant."),
        tax_code=_text(value, "tax_code", where="applicant."),
        address=_text(value, "address", where="applicant."),
        phone=_text(value, "phone", where="applicant."),
        email=_text(value, "email", where="applicant."),
    )


def _event(value: Any, number: int) -> HistoryEvent:
    if not isinstance(value, dict):
        raise _invalid(f"Sự kiện thứ {number} phải là một đối tượng JSON.")
    raw_type = value.get("type")
    if not isinstance(raw_type, str) or raw_type not in EventType.__members__.values():
        raise _invalid(
            f"Sự kiện thứ {number}: loại sự kiện không xác định {raw_type!r}.",
            "unknown_event",
        )
    kind = EventType(raw_type)
    where = f"events[{number}]."
    items = value.get("items") or []
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise _invalid(f"Sự kiện thứ {number}: items phải là danh sách chuỗi.")
    appointment = value.get("new_appointment")
    return HistoryEvent(
        type=kind,
        at=_instant(value.get("at"), f"{where}at"),
        reason=_text(value, "reason", where=where),
        note=_text(value, "note", where=where),
        items=tuple(items),
        new_appointment=(
            _instant(appointment, f"{where}new_appointment") if appointment is not None else None
        ),
        supply_by=_day(value.get("supply_by"), f"{where}supply_by"),
        outcome=_text(value, "outcome", where=where),
        method=_text(value, "method", where=where),
    )


def _current_step(value: Any, last: datetime) -> CurrentStep | None:
    if value is None:
        return None
    where = "current_step."
    if not isinstance(value, dict):
        raise _invalid(
            'current_step phải có dạng {"name", "role", "agency", "holder"}.', "invalid_current_step"
        )
    name = nfc(_text(value, "name", required=True, where=where))
    if len(name) > 500:
        raise _invalid("Tên bước đang xử lý (current_step.name) dài quá 500 ký tự.", "invalid_current_step")
    role = _text(value, "role", required=True, where=where)
    if role not in STEP_ROLES:
        raise _invalid(
            f"Vai trò giữ bước không hợp lệ: {role!r} ({', '.join(STEP_ROLES)}).", "invalid_current_step"
        )
    since = _instant(value["since"], f"{where}since") if value.get("since") is not None else None
    if since is not None and since < last:
        raise _invalid(
            f"current_step.since ({since.isoformat()}) trước sự kiện cuối ({last.isoformat()}).",
            "events_out_of_order",
        )
    return CurrentStep(
        name=name,
        role=role,
        agency=_text(value, "agency", where=where),
        holder=_text(value, "holder", where=where),
        since=since,
    )


def parse_record(data: Any) -> HistoryRecord:
    """A line's JSON value as a typed record; the order and shape of events are checked here, the
    rules of each event by the services when it is replayed."""
    if not isinstance(data, dict):
        raise _invalid("Mỗi dòng phải là một đối tượng JSON.")
    code = _text(data, "code", required=True)
    if len(code) > 60:
        raise _invalid(f"Mã hồ sơ dài quá 60 ký tự: {code!r}.", "invalid_code")
    channel = _text(data, "channel", required=True)
    if channel not in Channel.values:
        raise _invalid(
            f"Hình thức nộp không hợp lệ: {channel!r} (online, counter hoặc postal).", "invalid_channel"
        )
    raw_events = data.get("events")
    if not isinstance(raw_events, list) or not raw_events:
        raise _invalid("Dòng không có sự kiện nào (events).", "no_events")
    events = tuple(_event(value, i) for i, value in enumerate(raw_events, start=1))
    for i, (before, after) in enumerate(itertools.pairwise(events), start=2):
        if after.at < before.at:
            raise _invalid(
                f"Sự kiện thứ {i} ({after.type}, {after.at.isoformat()}) trước sự kiện liền trước "
                f"({before.type}, {before.at.isoformat()}): các sự kiện phải theo thứ tự thời gian.",
                "events_out_of_order",
            )
    first = events[0]
    if first.type not in BEFORE_RECEPTION:
        raise _invalid(
            f"Sự kiện đầu tiên là «{first.type}»: hồ sơ phải được tiếp nhận (received) trước khi xử lý.",
            "missing_received",
        )
    if first.type == EventType.WITHDRAWN and channel != Channel.ONLINE:
        # A counter or postal dossier is received the moment it is filed: it cannot be withdrawn
        # before reception (the transition table allows withdrawal only before reception).
        raise _invalid(
            "Hồ sơ nộp trực tiếp hoặc qua bưu chính được tiếp nhận ngay khi nộp; "
            "không thể rút khi chưa có sự kiện tiếp nhận (received).",
            "missing_received",
        )
    return HistoryRecord(
        code=code,
        procedure=_text(data, "procedure", required=True),
        receiving_agency=_text(data, "receiving_agency", required=True),
        handling_agency=_text(data, "handling_agency"),
        channel=channel,
        applicant=_applicant(data.get("applicant")),
        processing_time=_processing_time(data.get("processing_time")),
        events=events,
        facts=ImportFacts(
            digitized=_flag(data, "digitized"),
            reused=_flag(data, "reused"),
            paid_online=_flag(data, "paid_online"),
            e_result=_flag(data, "e_result"),
            rating=_rating(data.get("rating")),
        ),
        current_step=_current_step(data.get("current_step"), events[-1].at),
    )


def parse_line(text: str) -> HistoryRecord:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _invalid(f"JSON không hợp lệ: {exc.msg} (cột {exc.colno}).", "invalid_json") from None
    return parse_record(data)


# ---------------------------------------------------------------------------------------------
# Replaying


def _agency(code: str, field_name: str) -> Agency:
    agency = Agency.objects.filter(code=code, is_active=True).first()
    if agency is None:
        raise DomainError(
            "unknown_agency", f"Không có cơ quan mã {code}.", fields={field_name: ["Không tồn tại."]}
        )
    return agency


@transaction.atomic
def dossier_set_import_facts(
    *, dossier: Dossier, actor: User | None, at: datetime, facts: ImportFacts
) -> Dossier:
    """Record the index facts the old system kept for an imported dossier (digitised, reused data,
    paid online, electronic result, satisfaction), as one event in its history."""
    if actor is not None and not actor.is_superuser:
        raise Forbidden("Chỉ hệ thống được ghi dữ liệu nhập từ hệ thống cũ.")
    dossier = recording.lock(dossier)
    if not dossier.imported:
        raise DomainError(
            "not_imported", "Chỉ ghi chỉ số nhập từ hệ thống cũ cho hồ sơ được nhập.", status=409
        )
    recording.check_time(dossier, at)
    values = facts.as_dict()
    if not values:
        return dossier
    with events.flags_change(dossier):
        for name, value in values.items():
            setattr(dossier, name, value)
        recording.save(dossier, list(values))
    recording.dossier_note_event(
        dossier=dossier, action="import_facts", actor=actor, agency=None, at=at, data=values
    )
    return dossier


@transaction.atomic
def dossier_set_import_step(
    *, dossier: Dossier, actor: User | None, at: datetime, step: CurrentStep
) -> DossierStep:
    """Record where the old system says a pending imported dossier is: one active step (its name, the
    role and agency holding it, the person where known), so the workspace and the overdue list say who
    holds it. The old system's own deadlines for the step are not known: the step has none."""
    if actor is not None and not actor.is_superuser:
        raise Forbidden("Chỉ hệ thống được ghi dữ liệu nhập từ hệ thống cũ.")
    dossier = recording.lock(dossier)
    if not dossier.imported:
        raise DomainError("not_imported", "Chỉ ghi bước đang xử lý cho hồ sơ được nhập.", status=409)
    if dossier.status not in PENDING:
        raise DomainError(
            "not_pending",
            f"Hồ sơ ở trạng thái «{vietnamese(STATUS_LABELS[Status(dossier.status)])}» đã kết thúc: "
            "không có bước đang xử lý (bỏ current_step).",
            status=409,
        )
    if dossier.steps.exists():
        raise DomainError("steps_exist", "Hồ sơ đã có các bước xử lý.", status=409)
    recording.check_time(dossier, at)
    role = Role(step.role)
    if step.agency:
        agency = _agency(step.agency, "current_step.agency")
    else:
        agency = dossier.receiving_agency if role == Role.ONE_STOP_OFFICER else dossier.handling_agency
    made = DossierStep(
        dossier=dossier,
        position=1,
        name=step.name,
        role=role,
        agency=agency,
        duration_minutes=0,
        state=DossierStep.State.ACTIVE,
        started_at=at,
        rounds=1,
    )
    if step.holder:
        holder = User.objects.filter(username=step.holder, is_active=True).first()
        if holder is None:
            raise DomainError(
                "unknown_holder",
                f"Không có người dùng «{step.holder}» đang hoạt động (current_step.holder).",
                fields={"current_step.holder": ["Không tồn tại."]},
            )
        # The same rule as handing a step over (dossiers.actions.processing): the step's role there.
        if not ActionContext(dossier, holder, at).may_hold(made):
            raise DomainError(
                "invalid_holder",
                f"{holder.display_name} không có vai trò {vietnamese(role.label)} tại {agency.name} (current_step.holder).",
                fields={"current_step.holder": ["Không đúng vai trò hoặc cơ quan."]},
            )
        made.assignee = holder
    made.save()
    recording.dossier_note_event(
        dossier=dossier,
        action="import_step",
        actor=actor,
        agency=None,
        at=at,
        data={"step": step.name, "role": role.value, "agency": agency.code, "holder": step.holder},
    )
    return made


def _replay(dossier: Dossier, event: HistoryEvent) -> Dossier:
    """One event of the old system as the registry's action, taken by the system at the event's time."""
    action, inp = _as_action(dossier, event)
    return registry.perform(action, dossier=dossier, actor=None, inp=inp, at=event.at)


def _as_action(dossier: Dossier, event: HistoryEvent) -> tuple[Action, Any]:
    def make(action: Action, **values: Any) -> tuple[Action, Any]:
        return action, registry.entry(action).input(**values)

    match event.type:
        case EventType.RECEIVED:
            return make(Action.RECEIVE)
        case EventType.SUPPLEMENT_REQUESTED:
            items = list(event.items) or [event.reason or UNLISTED_ITEMS]
            return make(
                Action.REQUEST_SUPPLEMENT, items=items, reason=event.reason, supply_by=event.supply_by
            )
        case EventType.SUPPLEMENT_RECEIVED:
            return make(Action.RECEIVE_SUPPLEMENT, note=event.note)
        case EventType.PAUSED:
            return make(Action.PAUSE, reason=event.reason)
        case EventType.RESUMED:
            return make(Action.RESUME, note=event.note)
        case EventType.EXTENDED:
            if event.new_appointment is None:
                raise DomainError(
                    "field_required",
                    "Sự kiện extended cần ngày hẹn mới (new_appointment).",
                    fields={"new_appointment": ["Bắt buộc nhập."]},
                )
            return make(Action.EXTEND, reason=event.reason, new_appointment=event.new_appointment)
        case EventType.RESOLVED:
            # The old system kept its own workflow steps: only the statutory rules apply here.
            return make(
                Action.RESOLVE, outcome=event.outcome, note=event.note or event.reason, enforce_workflow=False
            )
        case EventType.DELIVERED:
            return make(Action.DELIVER, method=event.method, note=event.note)
        case EventType.STOPPED:
            return make(Action.STOP, reason=event.reason)
        case EventType.WITHDRAWN:
            if dossier.status in PENDING:
                # Old systems call the applicant's withdrawal after reception "withdrawn"; here that is
                # stopping at the applicant's request (form 05).
                return make(Action.STOP, reason=event.reason or "Người nộp rút hồ sơ")
            return make(Action.WITHDRAW, reason=event.reason)
    raise AssertionError(event.type)  # pragma: no cover


def _duplicate(code: str) -> DomainError:
    return DomainError(DUPLICATE, f"Mã hồ sơ {code} đã có trong hệ thống (không nhập lại).", status=409)


@transaction.atomic
def import_record(record: HistoryRecord) -> Dossier:
    """Create the dossier and replay its events, all or nothing."""
    if Dossier.objects.filter(code=record.code).exists():
        raise _duplicate(record.code)
    first = record.events[0]
    data = services.DossierInput(
        procedure_code=record.procedure,
        channel=record.channel,
        receiving_agency=_agency(record.receiving_agency, "receiving_agency"),
        handling_agency=(
            _agency(record.handling_agency, "handling_agency") if record.handling_agency else None
        ),
        applicant=record.applicant,
        processing_time=record.processing_time,
        code=record.code,
        imported=True,
    )
    # Counter and postal: filed and received at once. Online: submitted at the first event's instant,
    # then received (or withdrawn) at that same instant by the replay below.
    dossier = services.dossier_create(data=data, actor=None, at=first.at)
    events = (
        record.events[1:]
        if record.channel != Channel.ONLINE and first.type == EventType.RECEIVED
        else record.events
    )
    for event in events:
        dossier = _replay(dossier, event)
    last = record.events[-1].at
    if record.current_step is not None:
        last = record.current_step.since or last
        dossier_set_import_step(dossier=dossier, actor=None, at=last, step=record.current_step)
    facts = record.facts
    if facts.as_dict():
        dossier = dossier_set_import_facts(dossier=dossier, actor=None, at=last, facts=facts)
    return dossier


def import_line(text: str) -> Dossier:
    """Parse and import one line (raises DomainError when the line is rejected)."""
    record = parse_line(text)
    try:
        return import_record(record)
    except IntegrityError as exc:
        # Another import of the same code committed between our check and our insert.
        if Dossier.objects.filter(code=record.code).exists():
            raise _duplicate(record.code) from exc
        raise


_CODE_IN_BROKEN_JSON = re.compile(r'"code"\s*:\s*"([^"\\]{1,60})"')


def _code_of(text: str) -> str:
    """The line's dossier code for the report, even from a line that is not valid JSON."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        match = _CODE_IN_BROKEN_JSON.search(text)
        return match.group(1).strip() if match else ""
    code = data.get("code") if isinstance(data, dict) else None
    return code.strip() if isinstance(code, str) else ""


Progress = Callable[[ImportSummary], None]
OnReject = Callable[[Rejection], None]


def import_lines(
    lines: Iterable[str],
    *,
    progress: Progress | None = None,
    progress_every: int = 1000,
    on_reject: OnReject | None = None,
) -> ImportSummary:
    """Import every non-blank line; line numbers count from 1 over the whole file."""
    summary = ImportSummary()
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        summary.lines += 1
        rejection: Rejection | None = None
        try:
            import_line(text)
        except DomainError as exc:
            rejection = Rejection(line=number, code=_code_of(text), error=exc.code, message=exc.message)
        except DatabaseError as exc:
            rejection = Rejection(
                line=number, code=_code_of(text), error="database_error", message=f"Lỗi cơ sở dữ liệu: {exc}"
            )
        else:
            summary.imported += 1
        if rejection is not None:
            summary.rejections.append(rejection)
            if on_reject is not None:
                on_reject(rejection)
        if progress is not None and summary.lines % progress_every == 0:
            progress(summary)
    return summary
