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

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NotRequired, TypedDict

from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value, When

from accounts.models import Applicant
from catalog.models import Channel
from documents.models import ComponentFile, Digitization, ResultDocument
from dossiers.models import DeliveryMethod, Dossier, DossierEvent, DossierStep, Handover, SupplementRequest
from dossiers.transitions import PORTAL_STATUS, TRANSITIONS, Action, Status, vietnamese
from integrations.dvcqg.links import file_link, uuid_link
from integrations.fees import LePhi, portal_fee_columns, portal_fees
from integrations.models import PortalDossier
from kernel.jsonrows import adopt, instances, json_rows
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


# What ``dossier_record`` and ``progress_events`` read of the dossier, all in the dossier's own statement
# (ADR 0015's children as JSON; docs/adr/0018 addendum): one statement per message, not one per table.
DOSSIER_COLUMNS = (
    "uuid", "code", "status", "channel", "procedure_id", "version_id", "case_id", "handling_agency_id",
    "applicant_id", "applicant_name", "applicant_id_number", "submitted_at", "received_at",
    "appointment_at", "delivered_at", "resolved_at", "closed_at", "delivery_method", "digitized",
    "paid_online", "procedure__code", "version__name", "version__field__code", "version__field__name",
    "handling_agency__code", "handling_agency__name", "applicant__kind", "applicant__portal_user_id",
)  # fmt: skip
# Each filed paper's files (every version: the last is sent) with the paper's digitisation.
PAPER_COLUMNS = [
    "component_id", "component__position", "version", "source", "file__uuid", "file__name",
    "component__digitization__status",
]  # fmt: skip
SUPPLEMENT_COLUMNS = [
    "id", "requested_at", "items", "reason", "received_at", "due_before", "due_after",
    "requested_by__full_name", "requested_by__first_name", "requested_by__last_name",
    "requested_by__username",
]  # fmt: skip
RESULT_COLUMNS = ["id", "verification_id", "title", "signed_at", "file__uuid"]


@dataclass
class PortalRead:
    """A dossier with everything its sync sends, read in one statement (``dossier_for_portal``):
    ``known`` — the portal accepted it already (``PortalDossier``); its papers as sent; its fees;
    the process-control sheet's hand-overs (instant and statutory end of the step, in order); its
    steps' names by position. Its supplement requests and results are its prefetched relations."""

    dossier: Dossier
    known: bool
    papers: list[TaiLieu]
    fees: list[LePhi]
    handovers: list[tuple[datetime, datetime | None]]
    steps: dict[int, str]


def dossier_for_portal(code: str) -> PortalRead | None:
    """The dossier ``code`` with everything ``dossier_record`` and ``progress_events`` read, in one
    statement; None when there is no such dossier."""
    dossier = (
        Dossier.objects.select_related("procedure", "version__field", "handling_agency", "applicant")
        .only(*DOSSIER_COLUMNS)
        .annotate(
            known=Exists(PortalDossier.objects.filter(dossier_code=OuterRef("code"))),
            paper_rows=json_rows(ComponentFile.objects.all(), "component__dossier", PAPER_COLUMNS),
            supplement_rows=json_rows(SupplementRequest.objects.all(), "dossier", SUPPLEMENT_COLUMNS),
            result_rows=json_rows(ResultDocument.objects.all(), "dossier", RESULT_COLUMNS),
            handover_rows=json_rows(Handover.objects.all(), "dossier", ["seq", "at", "step_due"]),
            step_rows=json_rows(DossierStep.objects.all(), "dossier", ["position", "name"]),
            **portal_fee_columns(),
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        return None
    row: Any = dossier  # the annotations
    supplements = instances(SupplementRequest, row.supplement_rows)
    adopt(dossier, "supplement_requests", sorted(supplements, key=lambda r: (r.requested_at, r.pk)))
    results = instances(ResultDocument, row.result_rows)
    adopt(dossier, "results", sorted(results, key=lambda r: (r.signed_at, r.pk)))
    handovers = sorted(instances(Handover, row.handover_rows), key=lambda h: (h.at, h.seq))
    return PortalRead(
        dossier=dossier,
        known=bool(row.known),
        papers=_papers(row.paper_rows or []),
        fees=portal_fees(case_id=dossier.case_id, options=row.fee_options, items=row.fee_items),
        handovers=[(h.at, h.step_due) for h in handovers],
        steps={int(s["position"]): str(s["name"]) for s in row.step_rows or []},
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


def _papers(rows: list[dict[str, Any]]) -> list[TaiLieu]:
    """Each filed paper's current file (its last version), in the papers' order, with a link the
    portal can fetch and the digitisation, reuse and national-store flags (from how the file came, or
    the paper's digitisation record)."""
    current: dict[int, dict[str, Any]] = {}
    for row in rows:
        held = current.get(row["component_id"])
        if held is None or row["version"] > held["version"]:
            current[row["component_id"]] = row
    papers: list[TaiLieu] = []
    for row in sorted(current.values(), key=lambda r: (r["component__position"], r["component_id"])):
        source, status = str(row["source"]), row["component__digitization__status"]
        file_uuid = uuid.UUID(str(row["file__uuid"]))  # SQLite keeps it as 32 hex digits
        papers.append(
            {
                "TepDinhKemId": str(file_uuid),
                "TenTepDinhKem": str(row["file__name"]),
                "IsDeleted": "False",
                "DuongDanTaiTepTin": uuid_link(file_uuid),
                "DuocSoHoa": int(
                    source == ComponentFile.Source.DIGITIZED or status == Digitization.Status.DIGITIZED
                ),
                "DuocTaiSuDung": int(
                    source == ComponentFile.Source.REUSED or status == Digitization.Status.REUSED
                ),
                "DuocLayTuKhoDMQG": int(
                    source == ComponentFile.Source.NATIONAL or status == Digitization.Status.NATIONAL
                ),
            }
        )
    return papers


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


def dossier_record(read: PortalRead) -> dict[str, Any]:
    """The ``DongBoHoSoMC`` object of the dossier as it is now (read with ``dossier_for_portal``)."""
    dossier = read.dossier
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
    papers = read.papers
    record["HoSoCoThanhPhanSoHoa"] = int(dossier.digitized or any(p["DuocSoHoa"] for p in papers))
    # Online payment goes through the portal's payment platform (INTEGRATIONS.md): 1.
    record["DuocThanhToanTrucTuyen"] = 1 if dossier.paid_online else 0
    identifiers = _identifiers(dossier)
    if identifiers:
        record["DinhDanhCHS"] = identifiers
    if papers:
        record["TaiLieuNop"] = papers
    fees = read.fees
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


# The most senior first (ROLE_ORDER); a role outside it after them all.
_ROLE_RANK = Case(
    *[When(role=role, then=Value(rank)) for rank, role in enumerate(ROLE_ORDER)],
    default=Value(len(ROLE_ORDER)),
    output_field=IntegerField(),
)


def _senior_role() -> Subquery:
    """An annotation of a ``DossierEvent`` query: the actor's most senior active role at the acting
    agency (NULL: none), read with the event rather than in a statement per event."""
    roles = Membership.objects.filter(
        user_id=OuterRef("actor_id"), agency_id=OuterRef("actor_agency_id"), is_active=True
    )
    return Subquery(roles.annotate(rank=_ROLE_RANK).order_by("rank", "pk").values("role")[:1])


EVENT_COLUMNS = (
    "dossier_id", "seq", "action", "at", "to_status", "reason", "data", "due_after", "actor_id",
    "actor_name", "actor_agency_id", "actor_agency__name",
)  # fmt: skip


def events_for_portal(dossier: Dossier, seqs: Iterable[int]) -> QuerySet[DossierEvent]:
    """The dossier's events numbered ``seqs``, in order, with what ``progress_event`` reads of them (the
    acting agency, the actor's title) in one statement."""
    return (
        DossierEvent.objects.filter(dossier=dossier, seq__in=list(seqs))
        .select_related("actor_agency")
        .only(*EVENT_COLUMNS)
        .annotate(actor_role=_senior_role())
        .order_by("seq")
    )


def _title(event: DossierEvent) -> str:
    """ChucDanh: the actor's role at the acting agency (the most senior of his roles there)."""
    if event.actor_id is None or event.actor_agency_id is None:
        return ""
    if "actor_role" in event.__dict__:  # read with the event (events_for_portal)
        held = event.__dict__["actor_role"]
        return vietnamese(Role(held).label) if held in ROLE_ORDER else ""
    roles = set(
        Membership.objects.filter(
            user_id=event.actor_id, agency_id=event.actor_agency_id, is_active=True
        ).values_list("role", flat=True)
    )
    for role in ROLE_ORDER:
        if role in roles:
            return vietnamese(role.label)
    return ""


def progress_events(read: PortalRead, events: Sequence[DossierEvent]) -> list[dict[str, Any]]:
    """The ``CapNhatTienDoHoSoMC`` events of ``events`` (of the dossier, in order).

    NgayBatDau is when the dossier came to the hand that acted — the process-control sheet's last
    hand-over before the event (none: the event's own instant); NgayKetThucTheoQuyDinh the statutory
    end of the step the event hands over (the hand-over written with it), else the dossier's due
    instant as the event left it, else left out."""
    return [progress_event(read.dossier, event, read.handovers, read.steps) for event in events]


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
