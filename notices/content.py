"""Which dossier events make a notice, and the values its template is given — read from the dossier
and the event at delivery time, so that a retried notice says the same as the first attempt."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from documents.models import ResultDocument
from dossiers.forms import lookup_url
from dossiers.models import DeliveryMethod, Dossier, DossierEvent, Outcome
from dossiers.transitions import STATUS_LABELS, Action, Status, vietnamese
from notices.models import Kind
from worktime.services import work_calendar

# The actions the applicant is told of. A resolution is a result, or a refusal when refused.
KIND_OF_ACTION: dict[str, Kind] = {
    Action.RECEIVE: Kind.RECEIVED,
    Action.RETURN_FOR_COMPLETION: Kind.RETURNED,
    Action.REQUEST_SUPPLEMENT: Kind.SUPPLEMENT,
    Action.PAUSE: Kind.PAUSED,
    Action.EXTEND: Kind.EXTENSION,
    Action.RESOLVE: Kind.RESULT,
    Action.DELIVER: Kind.DELIVERED,
    Action.REFUSE: Kind.REFUSAL,
    Action.STOP: Kind.STOPPED,
    Action.WITHDRAW: Kind.WITHDRAWN,
}


def kind_of(event: DossierEvent) -> Kind | None:
    """The notice an event makes, or None: the applicant is not told of it. A draft the applicant
    drops is no news to him."""
    kind = KIND_OF_ACTION.get(event.action)
    if kind == Kind.RESULT and isinstance(event.data, dict) and event.data.get("outcome") == Outcome.REFUSED:
        return Kind.REFUSAL
    if kind == Kind.WITHDRAWN and event.from_status == Status.DRAFT:
        return None
    return kind


def _when(instant: datetime | None) -> str:
    return f"{timezone.localtime(instant):%H:%M ngày %d/%m/%Y}" if instant else ""


def _site(path: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _items(event: DossierEvent) -> list[str]:
    items = event.data.get("items") if isinstance(event.data, dict) else None
    return [str(item) for item in items] if isinstance(items, list) else []


def _datum(event: DossierEvent, name: str) -> Any:
    return event.data.get(name) if isinstance(event.data, dict) else None


def _day(value: Any) -> str:
    """An ISO date of the event's data as ``16/03/2026`` ("" when absent)."""
    try:
        return f"{date.fromisoformat(value):%d/%m/%Y}" if isinstance(value, str) else ""
    except ValueError:
        return ""


def working_time(minutes: Any) -> str:
    """Working minutes as "2 ngày 3 giờ làm việc" (a working day as the calendar counts it); "" for
    none."""
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes <= 0:
        return ""
    days, rest = divmod(minutes, work_calendar().minutes_per_day)
    hours, mins = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "ngày"), (hours, "giờ"), (mins, "phút")) if n]
    return f"{' '.join(parts)} làm việc"


def _method(value: Any) -> str:
    label = str(vietnamese(DeliveryMethod(value).label)) if value in DeliveryMethod.values else ""
    return label[:1].lower() + label[1:]


def context_for(dossier: Dossier, event: DossierEvent, kind: Kind) -> dict[str, Any]:
    """The template's values: plain strings and lists only (notices/rendering.py)."""
    receiving = dossier.receiving_agency
    place = ", ".join(part for part in (receiving.name, receiving.address) if part)
    values: dict[str, Any] = {
        "ma_ho_so": dossier.reference,
        "ten_thu_tuc": dossier.version.name,
        "nguoi_nop": dossier.applicant_name,
        "co_quan_tiep_nhan": receiving.name,
        "co_quan_giai_quyet": dossier.handling_agency.name,
        "trang_thai": vietnamese(STATUS_LABELS[Status(event.to_status)]),
        "thoi_diem": _when(event.at),
        "ngay_hen_tra": _when(event.appointment_after or dossier.appointment_at),
        "link_tra_cuu": lookup_url(dossier.reference),
        "link_ho_so": _site(reverse("web:portal_dossier", kwargs={"ref": dossier.reference})),
        "noi_dung_bo_sung": _items(event),
        "ly_do": event.reason,
        "ngay_hen_cu": "",
        "ngay_hen_moi": "",
        "noi_nhan_ket_qua": "",
        "ket_qua_dien_tu": [],
        "so_dien_thoai_co_quan": receiving.phone,
        "han_bo_sung": _day(_datum(event, "supply_by")) if kind == Kind.SUPPLEMENT else "",
        "thoi_gian_con_lai": working_time(_datum(event, "remaining_minutes")) if kind == Kind.PAUSED else "",
        "hinh_thuc_tra": _method(_datum(event, "method")) if kind == Kind.DELIVERED else "",
    }
    if kind == Kind.EXTENSION:
        extension = getattr(dossier, "extension", None)
        values["ngay_hen_cu"] = _when(
            extension.previous_appointment if extension else event.appointment_before
        )
        values["ngay_hen_moi"] = _when(extension.new_appointment if extension else event.appointment_after)
        values["ly_do"] = extension.reason if extension else event.reason
    if kind == Kind.RESULT:
        results = (
            ResultDocument.objects.filter(dossier=dossier).select_related("file").order_by("signed_at", "pk")
        )
        values["ket_qua_dien_tu"] = [
            {"ten": r.title, "link": _site(reverse("web:portal_file", kwargs={"file_uuid": r.file.uuid}))}
            for r in results
        ]
        values["noi_nhan_ket_qua"] = f"Bộ phận Một cửa — {place}" if place else "Bộ phận Một cửa"
    return values


def sample_context() -> dict[str, Any]:
    """Values of the right shapes, to check a template before it is saved."""
    return {
        "ma_ho_so": "000.00.11953.H31-260302-0001",
        "ten_thu_tuc": "Đăng ký khai sinh",
        "nguoi_nop": "Nguyễn Thị Dân",
        "co_quan_tiep_nhan": "Trung tâm Phục vụ hành chính công phường Phố Hiến",
        "co_quan_giai_quyet": "UBND phường Phố Hiến",
        "trang_thai": "Đã tiếp nhận",
        "thoi_diem": "09:00 ngày 02/03/2026",
        "ngay_hen_tra": "17:00 ngày 03/03/2026",
        "link_tra_cuu": _site("/tra-cuu/?ma=000.00.11953.H31-260302-0001"),
        "link_ho_so": _site("/ho-so-cua-toi/000.00.11953.H31-260302-0001/"),
        "noi_dung_bo_sung": ["Bản sao Giấy chứng sinh"],
        "ly_do": "Bản chụp bị mờ",
        "ngay_hen_cu": "17:00 ngày 03/03/2026",
        "ngay_hen_moi": "17:00 ngày 06/03/2026",
        "noi_nhan_ket_qua": "Bộ phận Một cửa — Trung tâm Phục vụ hành chính công phường Phố Hiến",
        "ket_qua_dien_tu": [{"ten": "Giấy khai sinh", "link": _site("/ho-so-cua-toi/tep/x/")}],
        "so_dien_thoai_co_quan": "0221 3862 000",
        "han_bo_sung": "16/03/2026",
        "thoi_gian_con_lai": "2 ngày 3 giờ làm việc",
        "hinh_thuc_tra": "trả tại bộ phận một cửa",
    }
