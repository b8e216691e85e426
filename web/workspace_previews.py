"""Previews of the forms an action will produce (TT 03/2025/TT-VPCP), from the dossier's current data
and what the officer has typed so far — rendered with the very template the PDF uses, nothing saved.

The context mirrors what ``dossiers/forms.py`` gathers from the stored rows after the action; the
preview is shown in a sandboxed frame with a "BẢN XEM TRƯỚC" band above the form.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation

from accounts.models import User
from catalog.models import Channel
from dossiers import forms as dossier_forms
from dossiers.models import Dossier
from dossiers.transitions import Action
from kernel.formatting import format_instant
from kernel.pdf import FONT_FILES, qr_data_uri
from organization.letterhead import header_blocks, place_date_line
from organization.models import Agency
from web.workspace_forms import lines
from worktime.calendar import VN_TZ
from worktime.services import work_calendar

# A band above the form, in the flow: it pushes the form down rather than covering its header (the
# national motto sits at the top right, where a corner badge used to hide it).
MARK = (
    '<div style="background:#8a5a00;color:#fff;padding:2px 8px;margin:0 0 3mm;text-align:center;'
    'font:bold 11px sans-serif;letter-spacing:.05em">BẢN XEM TRƯỚC — CHƯA LƯU</div>'
)
BODY = re.compile(r"<body[^>]*>")

# Which form each action produces (the refusal after appraisal is the resolve action's).
PREVIEW_FORMS: dict[str, str] = {
    Action.RECEIVE.value: "receipt",
    Action.RETURN_FOR_COMPLETION.value: "supplement-request",
    Action.REQUEST_SUPPLEMENT.value: "supplement-request",
    Action.REFUSE.value: "refusal",
    Action.EXTEND.value: "apology",
    Action.STOP.value: "stop-notice",
    Action.RESOLVE.value: "refusal",
}


def _fonts() -> dict[str, str]:
    return {key: static(f"dossiers/fonts/{name}") for key, name in FONT_FILES.items()}


def _base(dossier: Dossier, issuer: Agency, at: datetime, reference: str | None = None) -> dict[str, Any]:
    reference = reference or dossier.reference
    url = dossier_forms.lookup_url(reference)
    return {
        "dossier": dossier,
        "reference": reference,
        "header_blocks": header_blocks(issuer),
        "place_date": place_date_line(issuer, at),
        "procedure_name": dossier.version.name,
        "procedure_code": dossier.procedure.code,
        "qr": {"url": url, "image": qr_data_uri(url)},
        "issuer": issuer,
    }


def preview_context(
    action: str, dossier: Dossier, *, actor: User, issuer: Agency, data: dict[str, str], at: datetime
) -> dict[str, Any] | None:
    """The form's context as the action would leave it, or None when this input produces no form
    (e.g. a resolution that is not a refusal)."""
    base = _base(dossier, issuer, at)
    reason = data.get("reason", "").strip() or data.get("note", "").strip()
    if action == Action.RECEIVE:
        assert dossier.statutory_amount is not None
        deadline = work_calendar().deadline(
            at,
            dossier.statutory_amount,
            dossier.statutory_unit,
            after_15h_next_day=dossier.after_15h_next_day,
        )
        return {
            # An online dossier has its code from its submission (ADR 0021); one submitted before
            # that rule gets it at this reception.
            **_base(dossier, issuer, at, reference=dossier.code or "(cấp khi tiếp nhận)"),
            "supplement_reception": False,
            "components": dossier_forms.filed_components(dossier),
            "statutory": dossier_forms.format_amount(dossier.statutory_amount, dossier.statutory_unit),
            "received": format_instant(at),
            "appointment": format_instant(deadline.due),
            "officer": actor.display_name,
            "channel": str(Channel(dossier.channel).label),
            "receiving_agency": dossier.receiving_agency,
            "handling_agency": dossier.handling_agency,
        }
    if action in (Action.RETURN_FOR_COMPLETION, Action.REQUEST_SUPPLEMENT):
        return {
            **base,
            "after_reception": action == Action.REQUEST_SUPPLEMENT,
            "items": lines(data.get("items", "")) or ["(chưa nhập nội dung cần bổ sung)"],
            "reason": data.get("reason", "").strip(),
            "requested_by": actor.display_name,
            "requested_at": format_instant(at),
        }
    if action == Action.REFUSE or (action == Action.RESOLVE and data.get("outcome") == "refused"):
        at_reception = action == Action.REFUSE
        return {
            **base,
            "at_reception": at_reception,
            "reason": reason or "(chưa nhập lý do)",
            "refused_at": format_instant(at),
            "signer": actor.display_name if at_reception else "",
            "submitted": format_instant(dossier.submitted_at),
            "received": format_instant(dossier.received_at),
        }
    if action == Action.EXTEND:
        new = _local_datetime(data.get("new_appointment", ""))
        return {
            **base,
            "received": format_instant(dossier.received_at),
            "statutory": dossier_forms.format_amount(dossier.statutory_amount, dossier.statutory_unit),
            "due": format_instant(dossier.due_at),
            "previous_appointment": format_instant(dossier.appointment_at),
            "new_appointment": format_instant(new) if new else "(chưa chọn ngày hẹn mới)",
            "reason": reason or "(chưa nhập lý do)",
            "signer": actor.display_name,
        }
    if action == Action.STOP:
        return {
            **base,
            "received": format_instant(dossier.received_at),
            "stopped_at": format_instant(at),
            "reason": reason or "(chưa nhập lý do)",
            "signer": actor.display_name,
        }
    return None


def _local_datetime(value: str) -> datetime | None:
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(value.strip(), pattern), VN_TZ)
        except ValueError:
            continue
    return None


def render_preview(slug: str, context: dict[str, Any]) -> str:
    """The form as an HTML document (the PDF's own template), marked as a preview."""
    spec = dossier_forms.FORMS[slug]
    with translation.override("vi"):
        html = render_to_string(
            spec.template, {**context, "title": spec.title, "form_number": spec.number, "fonts": _fonts()}
        )
    return BODY.sub(lambda m: m.group(0) + MARK, html, count=1)
