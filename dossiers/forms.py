"""The seven forms of TT 03/2025/TT-VPCP as PDF, generated from the dossier's data (docs/domain.md §5).

Each form is a Django template under ``dossiers/templates/dossiers/forms/`` laid out after the
administrative-document conventions of NĐ 30/2020/NĐ-CP (national motto header, place and date
line, a Times-compatible serif), converted to PDF by WeasyPrint. Forms 1–6 are A5 portrait, the
ledger (form 7) A4 landscape. Every dossier form carries a QR code to the public lookup.

Nothing here writes: the data is gathered by small functions from the stored rows (the
process-control sheet only from the hand-over log, never typed by hand) and rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from catalog.models import Channel, ProcedureField, TimeUnit
from dossiers.models import (
    DeliveryMethod,
    Dossier,
    DossierEvent,
    Extension,
    Handover,
    Outcome,
    SupplementRequest,
    Timing,
)
from dossiers.transitions import Action, Status
from kernel.errors import DomainError, NotFound
from kernel.formatting import format_instant, format_short
from kernel.pdf import qr_data_uri, render_pdf
from organization.letterhead import header_blocks, place_date_line
from organization.models import Agency, Role
from worktime.calendar import VN_TZ

# ---------------------------------------------------------------------------------------------
# Formatting (NĐ 30/2020 Phụ lục I: "ngày 02 tháng 3 năm 2026" — a leading zero for days below 10
# and for months 1 and 2)


def format_amount(amount: Decimal | None, unit: str) -> str:
    """``1 ngày làm việc``, ``0,5 ngày làm việc``, ``15 ngày``."""
    if amount is None:
        return ""
    number = f"{amount.normalize():f}".replace(".", ",")
    label = str(TimeUnit(unit).label) if unit in TimeUnit.values else unit
    return f"{number} {label}".strip()


def lookup_url(reference: str) -> str:
    """The public lookup page of a dossier (docs/domain.md §4 rule 9): what the QR code points to."""
    return f"{settings.SITE_URL.rstrip('/')}/tra-cuu/?ma={quote(reference, safe='')}"


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _timing_label(timing: str) -> str:
    return str(Timing(timing).label) if timing in Timing.values else ""


# ---------------------------------------------------------------------------------------------
# Rendering


def _base(dossier: Dossier, *, issuer: Agency, at: datetime) -> dict[str, Any]:
    """What every dossier form shows: the header, the dossier's identity and the QR code."""
    reference = dossier.reference
    url = lookup_url(reference)
    return {
        "dossier": dossier,
        "reference": reference,
        "header_blocks": header_blocks(issuer),
        "place_date": place_date_line(issuer, at),
        "procedure_name": dossier.version.name,
        "procedure_code": dossier.procedure.code,
        "qr": {"url": url, "image": qr_data_uri(url)},
    }


def _latest_event(dossier: Dossier, *actions: str) -> DossierEvent | None:
    return dossier.events.filter(action__in=actions).select_related("actor_agency").order_by("-seq").first()


def _events_of(dossier: Dossier, action: str, at: datetime) -> DossierEvent | None:
    return dossier.events.filter(action=action, at=at).select_related("actor_agency").order_by("-seq").first()


# --- 1. Giấy tiếp nhận hồ sơ và hẹn trả kết quả


def _receipt_missing(dossier: Dossier) -> str | None:
    if dossier.received_at is None:
        return "Hồ sơ chưa được tiếp nhận."
    return None


def filed_components(dossier: Dossier) -> list[Any]:
    """The papers the receipt lists: at the counter, the ticked checklist; online, the papers that came
    with a file (an online dossier carries a row for every paper of its case, filed or not)."""
    components = dossier.components.order_by("position")
    if dossier.channel == Channel.ONLINE:
        components = components.filter(files__isnull=False).distinct()
    return list(components)


def _receipt(dossier: Dossier) -> dict[str, Any]:
    # The receipt of the latest reception: a dossier completed after a supplement request is
    # received again with a new appointment (NĐ 61/2018 Art. 19.4).
    event = _latest_event(dossier, Action.RECEIVE, Action.RECEIVE_SUPPLEMENT)
    received_at = event.at if event is not None else dossier.received_at
    appointment = (event.appointment_after if event is not None else None) or dossier.appointment_at
    assert received_at is not None
    officer = event.actor_name if event is not None and event.actor_id else ""
    if not officer and dossier.received_by is not None:
        officer = dossier.received_by.display_name
    return {
        **_base(dossier, issuer=dossier.receiving_agency, at=received_at),
        "supplement_reception": event is not None and event.action == Action.RECEIVE_SUPPLEMENT,
        "components": filed_components(dossier),
        "statutory": format_amount(dossier.statutory_amount, dossier.statutory_unit),
        "received": format_instant(received_at),
        "appointment": format_instant(appointment),
        "officer": officer,
        "channel": str(Channel(dossier.channel).label) if dossier.channel in Channel.values else "",
        "receiving_agency": dossier.receiving_agency,
        "handling_agency": dossier.handling_agency,
    }


# --- 2. Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ


def _latest_supplement(dossier: Dossier) -> SupplementRequest | None:
    return dossier.supplement_requests.select_related("requested_by").order_by("-requested_at", "-pk").first()


def _supplement_missing(dossier: Dossier) -> str | None:
    if _latest_supplement(dossier) is None and _latest_event(dossier, Action.RETURN_FOR_COMPLETION) is None:
        return "Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện."
    return None


def _supplement(dossier: Dossier) -> dict[str, Any]:
    request = _latest_supplement(dossier)
    if request is not None:
        # After reception: the request row; the agency is that of the officer who made it.
        event = _events_of(dossier, Action.REQUEST_SUPPLEMENT, request.requested_at)
        at, items, reason = request.requested_at, list(request.items), request.reason
        by = request.requested_by.display_name if request.requested_by else ""
        issuer = (event.actor_agency if event else None) or dossier.handling_agency
    else:
        # Before reception (online): the one complete list given when the dossier was returned.
        returned = _latest_event(dossier, Action.RETURN_FOR_COMPLETION)
        assert returned is not None
        at, items, reason = returned.at, list(returned.data.get("items", [])), returned.reason
        by = returned.actor_name
        issuer = returned.actor_agency or dossier.receiving_agency
    return {
        **_base(dossier, issuer=issuer, at=at),
        "issuer": issuer,
        "after_reception": request is not None,
        "items": items,
        "reason": reason,
        "requested_by": by,
        "requested_at": format_instant(at),
    }


# --- 3. Phiếu từ chối tiếp nhận, giải quyết hồ sơ


def _refusal_missing(dossier: Dossier) -> str | None:
    if dossier.status == Status.REFUSED or dossier.outcome == Outcome.REFUSED:
        return None
    return "Hồ sơ không bị từ chối tiếp nhận hoặc từ chối giải quyết."


def _refusal(dossier: Dossier) -> dict[str, Any]:
    at_reception = dossier.status == Status.REFUSED
    event = _latest_event(dossier, Action.REFUSE if at_reception else Action.RESOLVE)
    at = (event.at if event else None) or dossier.closed_at or dossier.resolved_at or timezone.now()
    default_issuer = dossier.receiving_agency if at_reception else dossier.handling_agency
    issuer = (event.actor_agency if event else None) or default_issuer
    return {
        **_base(dossier, issuer=issuer, at=at),
        "issuer": issuer,
        "at_reception": at_reception,
        "reason": dossier.resolution_note,
        "refused_at": format_instant(at),
        "signer": event.actor_name if event is not None and at_reception else "",
        "submitted": format_instant(dossier.submitted_at),
        "received": format_instant(dossier.received_at),
    }


# --- 4. Phiếu xin lỗi và hẹn lại ngày trả kết quả


def _extension(dossier: Dossier) -> Extension | None:
    return Extension.objects.filter(dossier=dossier).select_related("by").first()


def _apology_missing(dossier: Dossier) -> str | None:
    if _extension(dossier) is None:
        return "Hồ sơ chưa có xin lỗi, hẹn lại ngày trả kết quả."
    return None


def _apology(dossier: Dossier) -> dict[str, Any]:
    extension = _extension(dossier)
    assert extension is not None
    event = _events_of(dossier, Action.EXTEND, extension.at)
    issuer = (event.actor_agency if event else None) or dossier.handling_agency
    return {
        **_base(dossier, issuer=issuer, at=extension.at),
        "issuer": issuer,
        "received": format_instant(dossier.received_at),
        "statutory": format_amount(dossier.statutory_amount, dossier.statutory_unit),
        "due": format_instant(extension.due_at),
        "previous_appointment": format_instant(extension.previous_appointment),
        "new_appointment": format_instant(extension.new_appointment),
        "reason": extension.reason,
        "signer": extension.by.display_name if extension.by else "",
    }


# --- 5. Thông báo dừng giải quyết hồ sơ


def _stop_missing(dossier: Dossier) -> str | None:
    if dossier.status != Status.STOPPED:
        return "Hồ sơ không ở trạng thái dừng giải quyết."
    return None


def _stop(dossier: Dossier) -> dict[str, Any]:
    event = _latest_event(dossier, Action.STOP)
    at = (event.at if event else None) or dossier.closed_at or timezone.now()
    issuer = (event.actor_agency if event else None) or dossier.handling_agency
    return {
        **_base(dossier, issuer=issuer, at=at),
        "issuer": issuer,
        "received": format_instant(dossier.received_at),
        "stopped_at": format_instant(at),
        "reason": dossier.resolution_note,
        "signer": event.actor_name if event is not None else "",
    }


# --- 6. Phiếu kiểm soát quá trình giải quyết hồ sơ (from the hand-over log only)

HANDOVER_KINDS = {
    "receive": "Tiếp nhận hồ sơ",
    "forward": "Chuyển xử lý",
    "branch_done": "Hoàn thành phần việc song song",
    "send_back": "Trả lại bước trước",
    "consult": "Chuyển liên thông",
    "consult_reply": "Trả lời liên thông",
    "resolve": "Chuyển kết quả",
    "deliver": "Trả kết quả",
}


def _handover_row(handover: Handover, dossier: Dossier) -> dict[str, Any]:
    if handover.from_user_id is None and handover.from_agency_id is None:
        giver = [f"Tổ chức, cá nhân: {dossier.applicant_name}"]
    else:
        giver = [
            part for part in (handover.from_name, handover.from_agency and handover.from_agency.name) if part
        ]
    if handover.to_agency_id is None and not handover.to_name:
        receiver = [f"Tổ chức, cá nhân: {dossier.applicant_name}"]
    else:
        role = _role_label(handover.to_role) if handover.to_role else ""
        receiver = [
            part for part in (handover.to_name, role, handover.to_agency and handover.to_agency.name) if part
        ]
    kind = HANDOVER_KINDS.get(handover.kind, handover.kind)
    note = handover.note
    if note.casefold().startswith(kind.casefold()):
        kind, note = note, ""  # "Tiếp nhận hồ sơ: Tiếp nhận hồ sơ" says it once
    return {
        "seq": handover.seq,
        "giver": ", ".join(giver),
        "receiver": ", ".join(receiver),
        "at": format_instant(handover.at),
        "step_due": format_short(handover.step_due),
        "result": _timing_label(handover.timing),
        "kind": kind,
        "note": note,
    }


def _handovers(dossier: Dossier) -> list[Handover]:
    return list(
        Handover.objects.filter(dossier=dossier).select_related("from_agency", "to_agency").order_by("seq")
    )


def _process_control_missing(dossier: Dossier) -> str | None:
    if not Handover.objects.filter(dossier=dossier).exists():
        return "Hồ sơ chưa có lần bàn giao nào (chưa được tiếp nhận)."
    return None


def _process_control(dossier: Dossier) -> dict[str, Any]:
    handovers = _handovers(dossier)
    consulted = []
    for h in handovers:
        if h.kind == "consult" and h.to_agency is not None and h.to_agency.name not in consulted:
            consulted.append(h.to_agency.name)
    return {
        **_base(dossier, issuer=dossier.receiving_agency, at=timezone.now()),
        "received": format_instant(dossier.received_at),
        "appointment": format_instant(dossier.appointment_at),
        "receiving_agency": dossier.receiving_agency,
        "handling_agency": dossier.handling_agency,
        "consulted": consulted,
        "rows": [_handover_row(h, dossier) for h in handovers],
    }


# ---------------------------------------------------------------------------------------------
# The registry


@dataclass(frozen=True)
class FormSpec:
    """One form of TT 03/2025/TT-VPCP: its title, its template, why it may not apply to a dossier
    (``missing`` returns the reason, or None when it applies) and how its data is gathered."""

    number: int
    title: str
    template: str
    missing: Callable[[Dossier], str | None]
    context: Callable[[Dossier], dict[str, Any]]


# The forms addressed to the applicant; the process-control sheet (form 06) is the agencies' internal
# record of who held the dossier when, not the applicant's to read (portal and API alike).
APPLICANT_FORMS = ("receipt", "supplement-request", "refusal", "apology", "stop-notice")

FORMS: dict[str, FormSpec] = {
    "receipt": FormSpec(
        1,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "dossiers/forms/receipt.html",
        _receipt_missing,
        _receipt,
    ),
    "supplement-request": FormSpec(
        2,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "dossiers/forms/supplement_request.html",
        _supplement_missing,
        _supplement,
    ),
    "refusal": FormSpec(
        3,
        "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        "dossiers/forms/refusal.html",
        _refusal_missing,
        _refusal,
    ),
    "apology": FormSpec(
        4,
        "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
        "dossiers/forms/apology.html",
        _apology_missing,
        _apology,
    ),
    "stop-notice": FormSpec(
        5,
        "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
        "dossiers/forms/stop_notice.html",
        _stop_missing,
        _stop,
    ),
    "process-control": FormSpec(
        6,
        "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
        "dossiers/forms/process_control.html",
        _process_control_missing,
        _process_control,
    ),
}
LEDGER_TITLE = "SỔ THEO DÕI HỒ SƠ"


def available_forms(dossier: Dossier) -> list[str]:
    """The slugs of the forms that apply to the dossier in its present state."""
    return [slug for slug, spec in FORMS.items() if spec.missing(dossier) is None]


def render_form(dossier: Dossier, slug: str) -> bytes:
    """The PDF of form ``slug`` for ``dossier``; 409 when the form does not apply to its state."""
    spec = FORMS.get(slug)
    if spec is None:
        raise NotFound("Không có biểu mẫu này.")
    reason = spec.missing(dossier)
    if reason is not None:
        raise DomainError(
            "form_not_available",
            f"Không lập được «{spec.title.capitalize()}»: {reason}",
            status=409,
        )
    return render_pdf(
        spec.template, {**spec.context(dossier), "title": spec.title, "form_number": spec.number}
    )


# --- 7. Sổ theo dõi hồ sơ (one per field, per year, per agency)


def ledger_dossiers(*, agency: Agency, field: ProcedureField, year: int) -> list[Dossier]:
    """The dossiers received in ``year`` (local time) that ``agency`` received or handles, for the
    procedures of ``field``, in order of reception."""
    return list(ledger_queryset(agency=agency, field=field, start=date(year, 1, 1), end=date(year + 1, 1, 1)))


def ledger_queryset(
    *, agency: Agency, field: ProcedureField | None, start: date, end: date
) -> QuerySet[Dossier]:
    """The ledger's rows as a query (the page reads one page of it): the dossiers received from the
    local day ``start`` to before ``end`` that ``agency`` received or handles, for the procedures of
    ``field`` (None: every field), in order of reception."""
    dossiers = Dossier.objects.filter(Q(receiving_agency=agency) | Q(handling_agency=agency)).filter(
        received_at__gte=datetime(start.year, start.month, start.day, tzinfo=VN_TZ),
        received_at__lt=datetime(end.year, end.month, end.day, tzinfo=VN_TZ),
    )
    if field is not None:
        dossiers = dossiers.filter(version__field=field)
    return dossiers.select_related("procedure", "version", "handling_agency", "receiving_agency").order_by(
        "received_at", "code", "pk"
    )


def _ledger_row(number: int, dossier: Dossier) -> dict[str, Any]:
    contact = ", ".join(p for p in (dossier.applicant_address, dossier.applicant_phone) if p)
    return {
        "number": number,
        "code": dossier.reference,
        "procedure": dossier.version.name,
        "procedure_code": dossier.procedure.code,
        "applicant": dossier.applicant_name,
        "contact": contact,
        "handling_agency": dossier.handling_agency.short_name or dossier.handling_agency.name,
        "received": format_short(dossier.received_at),
        "appointment": format_short(dossier.appointment_at),
        "resolved": format_short(dossier.resolved_at),
        "timing": _timing_label(dossier.resolution_timing),
        "delivered": format_short(dossier.delivered_at),
        "delivery_method": (
            str(DeliveryMethod(dossier.delivery_method).label)
            if dossier.delivery_method in DeliveryMethod.values
            else ""
        ),
        "status": dossier.status_label,
    }


def render_ledger(*, agency: Agency, field: ProcedureField, year: int) -> bytes:
    """Form 7, A4 landscape."""
    dossiers = ledger_dossiers(agency=agency, field=field, year=year)
    now = timezone.now()
    return render_pdf(
        "dossiers/forms/ledger.html",
        {
            "title": LEDGER_TITLE,
            "form_number": 7,
            "header_blocks": header_blocks(agency),
            "place_date": place_date_line(agency, now),
            "agency": agency,
            "field": field,
            "year": year,
            "rows": [_ledger_row(i, d) for i, d in enumerate(dossiers, start=1)],
            "printed": format_short(now),
        },
    )
