"""What motcua sends the national portal, in the portal's own field names (INTEGRATIONS.md,
``DongBoHoSoMC`` and ``CapNhatTienDoHoSoMC``). To confirm with the operator's current documents.

Only facts motcua holds are sent: an empty optional value is left out, never filled in with a
placeholder. Left out today because motcua does not hold them: ``TaiKhoanDuocXacThucVoiVNeID`` (no
single sign-on yet), ``MaThanhPhanHoSo`` and ``MaGiayToKetQua`` (the catalog has no national codes for
papers and results), ``MaPhiLePhi``, ``HinhThucThu`` and ``LoaiPhiLePhi`` (fees are known by name and
amount only), ``HinhThuc`` for a result delivered online (the contract has 0 counter and 1 post).

Dates travel as ``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from django.db.models import Prefetch

from accounts.models import Applicant
from catalog.models import Channel, FeeItem, ProcessingOption
from documents.models import ComponentFile, Digitization, ResultDocument
from dossiers.models import (
    DeliveryMethod,
    Dossier,
    DossierComponent,
    DossierEvent,
    Handover,
    SupplementRequest,
)
from dossiers.transitions import PORTAL_STATUS, TRANSITIONS, Action, Status, vietnamese
from integrations.dvcqg.links import file_link
from organization.models import Membership, Role
from worktime.calendar import VN_TZ

CHANNEL = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POSTAL: 3}  # KenhThucHien
APPLICANT_KIND = {Applicant.Kind.INDIVIDUAL: 1, Applicant.Kind.ORGANIZATION: 2}  # LoaiDoiTuong
RESULT_DELIVERY = {DeliveryMethod.COUNTER: 0, DeliveryMethod.POSTAL: 1}  # HinhThuc
PERSONAL_ID, TAX_CODE = 1, 3  # LoaiDinhDanh
# ChucDanh: the actor's role at the acting agency, the most senior first when he holds several.
ROLE_ORDER = [
    Role.LEADER,
    Role.SPECIALIST,
    Role.ONE_STOP_OFFICER,
    Role.CLERK,
    Role.MONITOR,
    Role.AGENCY_ADMIN,
    Role.PROVINCE_ADMIN,
]


def portal_time(instant: datetime) -> str:
    """``yyyyMMddHHmmss`` in Asia/Ho_Chi_Minh."""
    return instant.astimezone(VN_TZ).strftime("%Y%m%d%H%M%S")


def portal_status(status: str) -> int:
    """TrangThaiHoSo / TrangThai of an internal status (dossiers.transitions.PORTAL_STATUS)."""
    return PORTAL_STATUS[Status(status)]


def _dated(target: dict[str, Any], name: str, instant: datetime | None) -> None:
    if instant is not None:
        target[name] = portal_time(instant)


def _texted(target: dict[str, Any], name: str, value: str | None) -> None:
    if value:
        target[name] = value


# ---------------------------------------------------------------------------------------------------
# DongBoHoSoMC


class DinhDanh(TypedDict):
    LoaiDinhDanh: int
    SoDinhDanh: str


class TaiLieu(TypedDict):
    TepDinhKemId: str
    TenTepDinhKem: str
    IsDeleted: str
    DuongDanTaiTepTin: str
    DuocSoHoa: int
    DuocTaiSuDung: int
    DuocLayTuKhoDMQG: int
    MaThanhPhanHoSo: NotRequired[str]


class LePhi(TypedDict):
    TenPhiLePhi: str
    Gia: int


class HoSoBoSung(TypedDict):
    HoSoBoSungId: str
    NoiDungBoSung: str
    NgayBoSung: str
    TrangThaiBoSung: int
    NguoiYeuCauBoSung: NotRequired[str]
    NgayTiepNhanBoSung: NotRequired[str]
    NgayHenTraTruoc: NotRequired[str]
    NgayHenTraMoi: NotRequired[str]


class GiayToKetQua(TypedDict):
    TenGiayTo: str
    GiayToId: str
    DuongDanTepTinKetQua: str


# TrangThaiBoSung: the simulator's reading (to confirm with the operator): 0 awaited, 1 received.
SUPPLEMENT_AWAITED, SUPPLEMENT_RECEIVED = 0, 1


def dossier_for_portal(code: str) -> Dossier | None:
    """The dossier with everything ``dossier_record`` reads, in a few queries."""
    components = DossierComponent.objects.order_by("position").prefetch_related(
        Prefetch(
            "files",
            queryset=ComponentFile.objects.select_related("file__blob").order_by("version"),
        )
    )
    return (
        Dossier.objects.select_related("procedure", "version__field", "handling_agency", "applicant", "case")
        .prefetch_related(
            Prefetch("components", queryset=components),
            Prefetch(
                "supplement_requests",
                queryset=SupplementRequest.objects.select_related("requested_by").order_by("requested_at"),
            ),
            Prefetch("results", queryset=ResultDocument.objects.select_related("file").order_by("signed_at")),
        )
        .filter(code=code)
        .first()
    )


def _identifiers(dossier: Dossier) -> list[DinhDanh]:
    number = dossier.applicant_id_number
    if not number:
        return []
    if len(number) == 12 and number.isdigit() and dossier.applicant.kind == Applicant.Kind.INDIVIDUAL:
        return [{"LoaiDinhDanh": PERSONAL_ID, "SoDinhDanh": number}]
    if dossier.applicant.kind == Applicant.Kind.ORGANIZATION:
        return [{"LoaiDinhDanh": TAX_CODE, "SoDinhDanh": number}]
    return []


def _papers(dossier: Dossier) -> list[TaiLieu]:
    """Each filed paper's current file (its last version), with a link the portal can fetch and the
    digitisation, reuse and national-store flags."""
    components = list(dossier.components.all())
    digitized = {
        d.component_id: d.status
        for d in Digitization.objects.filter(component__in=components).only("component_id", "status")
    }
    papers: list[TaiLieu] = []
    for component in components:
        files = list(component.files.all())
        if not files:
            continue
        current = files[-1]
        how = digitized.get(component.pk)
        papers.append(
            {
                "TepDinhKemId": str(current.file.uuid),
                "TenTepDinhKem": current.file.name,
                "IsDeleted": "False",
                "DuongDanTaiTepTin": file_link(current.file),
                "DuocSoHoa": int(
                    current.source == ComponentFile.Source.DIGITIZED or how == Digitization.Status.DIGITIZED
                ),
                "DuocTaiSuDung": int(
                    current.source == ComponentFile.Source.REUSED or how == Digitization.Status.REUSED
                ),
                "DuocLayTuKhoDMQG": int(
                    current.source == ComponentFile.Source.NATIONAL or how == Digitization.Status.NATIONAL
                ),
            }
        )
    return papers


def _fees(dossier: Dossier) -> list[LePhi]:
    """The fees of the procedure version's processing option for the dossier's channel (and case),
    those with an amount."""
    options = ProcessingOption.objects.filter(version_id=dossier.version_id, channel=dossier.channel)
    option = options.filter(case_id=dossier.case_id).order_by("position").first() or (
        options.filter(case__isnull=True).order_by("position").first()
    )
    if option is None:
        return []
    items = FeeItem.objects.filter(option=option, amount__isnull=False).order_by("position")
    return [
        {"TenPhiLePhi": item.name or item.text, "Gia": int(item.amount or 0)}
        for item in items
        if item.name or item.text
    ]


def _supplements(dossier: Dossier) -> list[HoSoBoSung]:
    made: list[HoSoBoSung] = []
    for number, request in enumerate(dossier.supplement_requests.all(), start=1):
        content = "; ".join(str(item) for item in request.items)
        if request.reason:
            content = f"{content}. {request.reason}" if content else request.reason
        entry: HoSoBoSung = {
            "HoSoBoSungId": f"{dossier.code}-BS{number}",
            "NoiDungBoSung": content,
            "NgayBoSung": portal_time(request.requested_at),
            "TrangThaiBoSung": SUPPLEMENT_RECEIVED if request.received_at else SUPPLEMENT_AWAITED,
        }
        if request.requested_by is not None:
            entry["NguoiYeuCauBoSung"] = request.requested_by.display_name
        if request.received_at is not None:
            entry["NgayTiepNhanBoSung"] = portal_time(request.received_at)
        # The due instant before the request and the one set when the supplement came in (NĐ 61/2018
        # Art. 19.4: the time limit starts again).
        if request.due_before is not None:
            entry["NgayHenTraTruoc"] = portal_time(request.due_before)
        if request.due_after is not None:
            entry["NgayHenTraMoi"] = portal_time(request.due_after)
        made.append(entry)
    return made


def _results(dossier: Dossier) -> list[GiayToKetQua]:
    return [
        {
            "TenGiayTo": result.title,
            "GiayToId": str(result.verification_id),
            "DuongDanTepTinKetQua": file_link(result.file),
        }
        for result in dossier.results.all()
    ]


def dossier_record(dossier: Dossier) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` object of ``dossier`` as it is now (read with ``dossier_for_portal``)."""
    assert dossier.code, "the portal knows a dossier by its code (a draft has none)"
    status = Status(dossier.status)
    version = dossier.version
    record: dict[str, Any] = {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure.code,
        "TenTTHC": version.name,
    }
    if version.field is not None:
        record["MaLinhVuc"] = version.field.code
        record["TenLinhVuc"] = version.field.name
    record["KenhThucHien"] = CHANNEL[Channel(dossier.channel)]
    record["ChuHoSo"] = dossier.applicant_name
    _texted(record, "SoGiayToChuHoSo", dossier.applicant_id_number)
    record["LoaiDoiTuong"] = APPLICANT_KIND[Applicant.Kind(dossier.applicant.kind)]
    _texted(record, "MaDoiTuong", dossier.applicant.portal_user_id)
    _dated(record, "NgayNopHoSo", dossier.submitted_at)
    _dated(record, "NgayTiepNhan", dossier.received_at)
    _dated(record, "NgayHenTra", dossier.appointment_at)
    _dated(record, "NgayTra", dossier.delivered_at)
    # The end of processing (the portal's on-time test): the result, else a stop or refusal.
    end = dossier.resolved_at or (dossier.closed_at if status in (Status.STOPPED, Status.REFUSED) else None)
    _dated(record, "NgayKetThucXuLy", end)
    if status == Status.REFUSED:
        _dated(record, "NgayTuChoi", dossier.closed_at)
    record["TrangThaiHoSo"] = portal_status(status)
    if dossier.delivery_method in RESULT_DELIVERY:
        record["HinhThuc"] = RESULT_DELIVERY[DeliveryMethod(dossier.delivery_method)]
    record["DonViXuLy"] = dossier.handling_agency.name
    papers = _papers(dossier)
    record["HoSoCoThanhPhanSoHoa"] = int(dossier.digitized or any(p["DuocSoHoa"] for p in papers))
    # Online payment goes through the portal's payment platform (INTEGRATIONS.md): 1.
    record["DuocThanhToanTrucTuyen"] = 1 if dossier.paid_online else 0
    identifiers = _identifiers(dossier)
    if identifiers:
        record["DinhDanhCHS"] = identifiers
    if papers:
        record["TaiLieuNop"] = papers
    fees = _fees(dossier)
    if fees:
        record["DanhSachLePhi"] = fees
    supplements = _supplements(dossier)
    if supplements:
        record["DanhSachHoSoBoSung"] = supplements
    results = _results(dossier)
    if results:
        record["DanhSachGiayToKetQua"] = results
    return record


# ---------------------------------------------------------------------------------------------------
# CapNhatTienDoHoSoMC


def _content(event: DossierEvent, steps: dict[int, str]) -> str:
    """NoiDungXuLy: what was done (the action's name, and the step it concerns: two branches of a
    parallel step finished in the same second stay two events), then the officer's reason or note."""
    try:
        label = vietnamese(TRANSITIONS[Action(event.action)].label)
    except ValueError:
        label = event.action
    position = event.data.get("step") if isinstance(event.data, dict) else None
    if isinstance(position, int) and position in steps:
        label = f"{label} (bước {position}: {steps[position]})"
    return f"{label}: {event.reason}" if event.reason else label


def _title(event: DossierEvent) -> str:
    """ChucDanh: the actor's role at the acting agency (the most senior of his roles there)."""
    if event.actor_id is None or event.actor_agency_id is None:
        return ""
    roles = set(
        Membership.objects.filter(
            user_id=event.actor_id, agency_id=event.actor_agency_id, is_active=True
        ).values_list("role", flat=True)
    )
    for role in ROLE_ORDER:
        if role in roles:
            return vietnamese(role.label)
    return ""


def progress_events(dossier: Dossier, events: Sequence[DossierEvent]) -> list[dict[str, Any]]:
    """The ``CapNhatTienDoHoSoMC`` events of ``events`` (of ``dossier``, in order).

    NgayBatDau is when the dossier came to the hand that acted — the process-control sheet's last
    hand-over before the event (none: the event's own instant); NgayKetThucTheoQuyDinh the statutory
    end of the step the event hands over (the hand-over written with it), else the dossier's due
    instant as the event left it, else left out."""
    handovers = list(
        Handover.objects.filter(dossier=dossier).order_by("at", "seq").values_list("at", "step_due")
    )
    steps = dict(dossier.steps.values_list("position", "name"))
    return [progress_event(dossier, event, handovers, steps) for event in events]


def progress_event(
    dossier: Dossier,
    event: DossierEvent,
    handovers: Iterable[tuple[datetime, datetime | None]],
    steps: dict[int, str] | None = None,
) -> dict[str, Any]:
    rows = list(handovers)
    before = [at for at, _due in rows if at < event.at]
    step_due = [due for at, due in rows if at == event.at and due is not None]
    agency = event.actor_agency or dossier.handling_agency
    item: dict[str, Any] = {
        "MaHoSo": dossier.code,
        "NguoiXuLy": event.actor_name or "Hệ thống",
    }
    _texted(item, "ChucDanh", _title(event))
    item["ThoiDiemXuLy"] = portal_time(event.at)
    item["PhongBanXuLy"] = agency.name
    item["NoiDungXuLy"] = _content(event, steps or {})
    item["TrangThai"] = portal_status(event.to_status)
    item["NgayBatDau"] = portal_time(before[-1] if before else event.at)
    end = step_due[0] if step_due else event.due_after
    _dated(item, "NgayKetThucTheoQuyDinh", end)
    return item


def event_key(item: dict[str, Any]) -> tuple[str, str, str, str]:
    """What makes two progress events the same for the portal (the simulator's duplicate test)."""
    return (
        str(item.get("MaHoSo")),
        str(item.get("ThoiDiemXuLy")),
        str(item.get("TrangThai")),
        str(item.get("NoiDungXuLy")),
    )
