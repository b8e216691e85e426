"""Dossiers filed on the national portal and pushed to the province (INTEGRATIONS.md, last line of
"National public-service portal": no public contract exists for that flow). To confirm with the
operator's current documents.

motcua's side of the contract, as designed here: the portal's coordination system POSTs one
``DongBoHoSoMC``-shaped object to ``POST /api/v1/portal/inbound`` (``integrations/dvcqg/inbound_api.py``)
with ``Authorization: Bearer <MOTCUA_DVCQG_INBOUND_TOKEN>``:

- ``madonvi``: the electronic identifier of the handling agency (as in every portal call), or of the
  service centre that receives it; ``MaHoSo`` (the portal's code, kept as the dossier's code — like
  every online dossier it has its code from its submission, here the portal's instead of one of our
  sequence, ADR 0021 — so that the later sync speaks of the same dossier and a repeated push is found by
  it), ``MaTTHC`` (a procedure in force in the province),
  ``ChuHoSo``, ``LoaiDoiTuong`` (1 citizen, 2 business…), ``SoGiayToChuHoSo`` / ``DinhDanhCHS``
  (``LoaiDinhDanh`` 1 = 12-digit personal id, 3 = tax code), ``NgayNopHoSo`` (``yyyyMMddHHmmss``, local
  time), ``KenhThucHien`` 2 and ``TrangThaiHoSo`` 1 when given;
- ``TaiLieuNop``: each paper's file as a download link (``DuongDanTaiTepTin``) motcua fetches, with
  ``MaThanhPhanHoSo`` naming the paper. The catalog has no national codes for papers (the national
  database exports none), so ``MaThanhPhanHoSo`` is the paper's number in the procedure's list of papers
  as the national database shows it (1 = the first): to agree with the operator. ``IsDeleted`` "True"
  is skipped; ``DuocLayTuKhoDMQG`` 1 marks the file as taken from the national data store,
  ``DuocTaiSuDung`` 1 as reused.

The dossier becomes an online dossier waiting for reception (submitted), with every paper of the
procedure listed and the files attached, through ``dossiers.services.dossier_create`` — its submission
event writes the sync to the portal like any online filing, so its status then flows back; it is
recorded as known to the portal (``PortalDossier``), so that sync is an update (``isUpdating`` "True"),
never a second creation. Every file is
fetched first (through ``integrations.http``, the one seam): a file that cannot be fetched refuses the
push and nothing is written. The dossier, its files and the exchange log's accepted row are written in
one transaction. A second push of the same ``MaHoSo`` changes nothing and answers the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from accounts.models import Applicant
from catalog.models import Channel, ComponentRequirement, Procedure
from documents.models import ComponentFile
from documents.services import component_file_add, file_store, upload_limits
from dossiers import services as dossier_services
from dossiers.models import Dossier
from integrations import http
from integrations.models import Exchange
from integrations.services import exchange_record, portal_dossier_accepted
from kernel.errors import DomainError
from kernel.text import nfc
from kernel.time import VN_TZ
from organization.models import Agency

PARTNER = "dvcqg"
OPERATION = "NhanHoSoTuCong"  # in the exchange log: a dossier the portal pushed to the province
INBOUND_OFF = "Tiếp nhận hồ sơ từ Cổng Dịch vụ công quốc gia chưa bật: đặt MOTCUA_DVCQG_INBOUND_TOKEN."
DOSSIER_CODE = re.compile(r"[0-9A-Z]+(?:\.[0-9A-Z]+)*-[0-9]{6}-[A-Z]{0,2}[0-9]{4,}")
DATE = re.compile(r"[0-9]{14}")
# A filing time a little ahead of our clock is the two clocks' drift, not a filing from the future.
CLOCK_SKEW = timedelta(minutes=10)


@dataclass
class Paper:
    """One file of ``TaiLieuNop``, checked, before it is fetched."""

    index: int
    file_id: str
    name: str
    requirement: ComponentRequirement
    url: str
    source: str
    data: bytes = b""


@dataclass
class InboundResult:
    """What motcua answers the portal: the dossier's code, and whether this push created it."""

    code: str
    created: bool
    files: int = 0

    def answer(self) -> dict[str, Any]:
        # The same answer for the first push and for any repeat of it.
        return {
            "error_code": 0,
            "message": f"Đã nhận hồ sơ {self.code}.",
            "result": {"MaHoSo": self.code, "TrangThaiHoSo": 1},
        }


@dataclass
class _Problems:
    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.items()))
            raise DomainError(
                "invalid",
                f"Hồ sơ từ Cổng không hợp lệ: {first[0]}: {first[1][0]}",
                status=422,
                fields=self.fields,
            )


def inbound_enabled() -> bool:
    return bool(settings.MOTCUA_DVCQG_INBOUND_TOKEN)


def _pushes(code: str | OuterRef) -> QuerySet[Exchange]:
    return Exchange.objects.filter(
        partner=PARTNER, operation=OPERATION, dossier_code=code, outcome=Exchange.Outcome.ACCEPTED
    )


def from_portal(code: str) -> bool:
    """Whether the dossier ``code`` was filed on the national portal and pushed here (the portal knows
    it already: its sync is an update, never a creation)."""
    return _pushes(code).exists()


def pushed_from_portal() -> Exists:
    """``from_portal`` as an annotation of a ``Dossier`` query, read with the dossier's row."""
    return Exists(_pushes(OuterRef("code")))


def _text(
    record: dict[str, Any], name: str, problems: _Problems, *, limit: int, required: bool = True
) -> str:
    value = record.get(name)
    if value is None or value == "":
        if required:
            problems.add(name, "Bắt buộc nhập.")
        return ""
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        problems.add(name, "Phải là chuỗi ký tự.")
        return ""
    text = nfc(str(value))
    if len(text) > limit:
        problems.add(name, f"Dài quá {limit} ký tự.")
    return text


def _flag(value: Any) -> int | None:
    """0/1 as a number or a string; None when it is neither."""
    if isinstance(value, bool):
        return None
    if value in (0, 1, "0", "1"):
        return int(value)
    return None


def _local(value: str) -> datetime | None:
    if not DATE.fullmatch(value):
        return None
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN_TZ)
    except ValueError:
        return None


def _places(madonvi: str, problems: _Problems) -> tuple[Agency | None, Agency | None]:
    """(receiving centre, handling agency or None to derive it) for the agency ``madonvi``."""
    agency = Agency.objects.filter(code=madonvi, is_active=True).select_related("unit").first()
    if agency is None:
        problems.add("madonvi", f"Không có cơ quan đang hoạt động mang mã định danh «{madonvi[:40]}».")
        return None, None
    if agency.kind == Agency.Kind.SERVICE_CENTRE:
        return agency, None
    centres = Agency.objects.filter(kind=Agency.Kind.SERVICE_CENTRE, is_active=True)
    if agency.level == Agency.Level.COMMUNE:
        centre = centres.filter(level=Agency.Level.COMMUNE, unit_id=agency.unit_id).order_by("code").first()
    else:
        centre = (
            centres.filter(level=Agency.Level.PROVINCE, province_id=agency.province_id)
            .order_by("code")
            .first()
        )
    if centre is None:
        problems.add(
            "madonvi", f"Chưa có Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ của {agency.name}."
        )
        return None, None
    return centre, agency


def _applicant(record: dict[str, Any], name: str, problems: _Problems) -> dossier_services.ApplicantData:
    identifiers = record.get("DinhDanhCHS") or []
    by_kind: dict[int, str] = {}
    if not isinstance(identifiers, list):
        problems.add("DinhDanhCHS", "Phải là danh sách [{LoaiDinhDanh, SoDinhDanh}].")
        identifiers = []
    for i, item in enumerate(identifiers):
        kind = item.get("LoaiDinhDanh") if isinstance(item, dict) else None
        number = item.get("SoDinhDanh") if isinstance(item, dict) else None
        if str(kind) not in ("1", "3") or not isinstance(number, (str, int)) or isinstance(number, bool):
            problems.add(
                f"DinhDanhCHS[{i}]",
                "Cần LoaiDinhDanh 1 (số định danh cá nhân) hoặc 3 (mã số thuế) và SoDinhDanh.",
            )
            continue
        by_kind[int(str(kind))] = str(number).strip()
    subject = str(record.get("LoaiDoiTuong") or "1")
    paper_number = str(record.get("SoGiayToChuHoSo") or "").strip()
    if subject == "2" or (3 in by_kind and 1 not in by_kind):
        tax_code = by_kind.get(3) or paper_number
        if not re.fullmatch(r"[0-9]{10}(?:-[0-9]{3})?", tax_code):
            problems.add(
                "DinhDanhCHS", "Doanh nghiệp cần mã số thuế (LoaiDinhDanh 3) gồm 10 chữ số (hoặc 10-3)."
            )
        return dossier_services.ApplicantData(name=name, kind=Applicant.Kind.ORGANIZATION, tax_code=tax_code)
    national_id = by_kind.get(1) or paper_number
    if not re.fullmatch(r"[0-9]{12}", national_id):
        problems.add(
            "DinhDanhCHS",
            "Công dân cần số định danh cá nhân (LoaiDinhDanh 1, hoặc SoGiayToChuHoSo) gồm đúng 12 chữ số.",
        )
    return dossier_services.ApplicantData(name=name, national_id=national_id)


def _papers(
    record: dict[str, Any], requirements: list[ComponentRequirement], code: str, problems: _Problems
) -> list[Paper]:
    items = record.get("TaiLieuNop") or []
    if not isinstance(items, list):
        problems.add("TaiLieuNop", "Phải là danh sách tệp.")
        return []
    papers: list[Paper] = []
    for i, item in enumerate(items):
        where = f"TaiLieuNop[{i}]"
        if not isinstance(item, dict):
            problems.add(where, "Phải là một đối tượng.")
            continue
        if str(item.get("IsDeleted", "False")) == "True":
            continue
        number = str(item.get("MaThanhPhanHoSo") or "").strip()
        if not number.isdigit() or not 1 <= int(number) <= len(requirements):
            problems.add(
                f"{where}.MaThanhPhanHoSo",
                f"Thủ tục {code} không có thành phần hồ sơ số «{number[:20]}» (có 1–{len(requirements)}).",
            )
            continue
        url = str(item.get("DuongDanTaiTepTin") or "").strip()
        if not url.startswith(("http://", "https://")):
            problems.add(f"{where}.DuongDanTaiTepTin", "Cần đường dẫn tải tệp http hoặc https.")
            continue
        name = nfc(str(item.get("TenTepDinhKem") or "")).strip()
        if not name:
            problems.add(f"{where}.TenTepDinhKem", "Bắt buộc nhập.")
            continue
        flags = {key: _flag(item.get(key, 0)) for key in ("DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG")}
        for key, value in flags.items():
            if value is None:
                problems.add(f"{where}.{key}", "Phải là 0 hoặc 1.")
        source = (
            ComponentFile.Source.NATIONAL
            if flags["DuocLayTuKhoDMQG"] == 1
            else ComponentFile.Source.REUSED
            if flags["DuocTaiSuDung"] == 1
            else ComponentFile.Source.UPLOADED
        )
        papers.append(
            Paper(
                index=i,
                file_id=str(item.get("TepDinhKemId") or ""),
                name=name[:200],
                requirement=requirements[int(number) - 1],
                url=url,
                source=source,
            )
        )
    return papers


def _existing(code: str) -> InboundResult | None:
    """The answer to a repeat: the dossier this push created before (None: not pushed before)."""
    if not code or not Dossier.objects.filter(code=code).exists():
        return None
    if not from_portal(code):
        raise DomainError(
            "duplicate_code",
            f"Mã hồ sơ {code} đã được dùng cho một hồ sơ khác của tỉnh, không phải hồ sơ nhận từ Cổng.",
            status=409,
        )
    return InboundResult(code=code, created=False)


def _refused(code: str, error: DomainError, at: datetime) -> DomainError:
    exchange_record(
        partner=PARTNER,
        operation=OPERATION,
        at=at,
        outcome=Exchange.Outcome.REFUSED,
        dossier_code=code[:60],
        code=error.code,
        answer=error.message,
    )
    return error


def inbound_dossier_accept(*, record: dict[str, Any], at: datetime | None = None) -> InboundResult:
    """Accept a dossier the national portal pushed: checked, its files fetched, then created as an online
    dossier waiting for reception, in one transaction. Raises ``DomainError`` (Vietnamese message, the
    fields named) when anything is wrong, having written nothing but the exchange log's refused row; a
    repeat answers like the first push."""
    at = at or timezone.now()
    code = nfc(str(record.get("MaHoSo") or "")).strip() if isinstance(record, dict) else ""
    try:
        if not isinstance(record, dict):
            raise DomainError("invalid", "Hồ sơ từ Cổng phải là một đối tượng JSON.", status=422)
        repeat = _existing(code)
        if repeat is not None:
            return repeat
        papers, data, filed_at = _checked(record, code, at)
        for paper in papers:
            try:
                paper.data = http.get_bytes(paper.url, max_bytes=upload_limits().max_bytes)
            except http.PartnerUnavailable as exc:
                raise DomainError(
                    "file_unavailable",
                    f"Không tải được tệp «{paper.name}» (TaiLieuNop[{paper.index}]): {exc}. Chưa ghi gì; hãy gửi lại.",
                    status=502,
                    fields={f"TaiLieuNop[{paper.index}].DuongDanTaiTepTin": [str(exc)]},
                ) from exc
        try:
            created = _create(data, papers, code, filed_at=filed_at, at=at)
        except DomainError as exc:
            if exc.code == "duplicate_code":  # the same push, twice at once: the other one won
                repeat = _existing(code)
                if repeat is not None:
                    return repeat
            raise
    except DomainError as exc:
        raise _refused(code, exc, at) from exc
    return created


def _checked(
    record: dict[str, Any], code: str, at: datetime
) -> tuple[list[Paper], dossier_services.DossierInput, datetime]:
    """Everything checked before anything is fetched or written: the papers to fetch, the filing, and
    its time (the portal's: the dossier was submitted then, not when it reached the province)."""
    problems = _Problems()
    if not DOSSIER_CODE.fullmatch(code) or len(code) > 60:
        problems.add(
            "MaHoSo", "Mã hồ sơ phải có dạng <mã định danh cơ quan>-<YYMMDD>-<số thứ tự ≥ 4 chữ số>."
        )
    madonvi = _text(record, "madonvi", problems, limit=35)
    procedure_code = _text(record, "MaTTHC", problems, limit=60)
    name = _text(record, "ChuHoSo", problems, limit=300)
    filed = _text(record, "NgayNopHoSo", problems, limit=14)
    filed_at = _local(filed) if filed else None
    if filed and filed_at is None:
        problems.add("NgayNopHoSo", "Ngày giờ phải theo dạng yyyyMMddHHmmss (giờ Việt Nam).")
    elif filed_at is not None and filed_at > at + CLOCK_SKEW:
        problems.add("NgayNopHoSo", "Thời điểm nộp ở tương lai.")
    if str(record.get("KenhThucHien", 2)) != "2":
        problems.add("KenhThucHien", "Hồ sơ nộp trên Cổng là hồ sơ trực tuyến (2).")
    if str(record.get("TrangThaiHoSo", 1)) != "1":
        problems.add("TrangThaiHoSo", "Hồ sơ mới từ Cổng phải ở trạng thái 1 (mới nộp, chưa tiếp nhận).")
    applicant = _applicant(record, name, problems)
    receiving, handling = _places(madonvi, problems) if madonvi else (None, None)
    procedure = (
        Procedure.objects.select_related("current_version").filter(code=procedure_code).first()
        if procedure_code
        else None
    )
    version = procedure.current_version if procedure else None
    if procedure_code and version is None:
        problems.add("MaTTHC", f"Thủ tục {procedure_code[:60]} không có hoặc chưa có hiệu lực tại tỉnh.")
    requirements = list(version.components.order_by("position")) if version else []
    papers = _papers(record, requirements, procedure_code, problems) if version else []
    problems.raise_any()
    assert receiving is not None
    assert filed_at is not None
    assert version is not None
    listed = [r for r in requirements if r.case_id is None]
    data = dossier_services.DossierInput(
        procedure_code=procedure_code,
        channel=Channel.ONLINE,
        receiving_agency=receiving,
        handling_agency=handling,
        applicant=applicant,
        code=code,
        components=[
            dossier_services.ComponentData(
                requirement_id=r.pk, originals=min(r.originals or 0, 99), copies=min(r.copies or 0, 99)
            )
            for r in dict.fromkeys([*listed, *(p.requirement for p in papers)])
        ],
        note="Hồ sơ nộp trên Cổng Dịch vụ công quốc gia",
    )
    return papers, data, min(filed_at, at)


@transaction.atomic
def _create(
    data: dossier_services.DossierInput, papers: list[Paper], code: str, *, filed_at: datetime, at: datetime
) -> InboundResult:
    dossier = dossier_services.dossier_create(data=data, actor=None, at=filed_at)
    by_requirement = {c.requirement_id: c for c in dossier.components.all()}
    for paper in papers:
        try:
            stored = file_store(data=paper.data, name=paper.name, actor=None)
        except DomainError as exc:
            raise DomainError(
                exc.code,
                f"Tệp «{paper.name}» (TaiLieuNop[{paper.index}]) bị từ chối: {exc.message}",
                status=422,
                fields={f"TaiLieuNop[{paper.index}]": [exc.message]},
            ) from exc
        component_file_add(
            component=by_requirement[paper.requirement.pk], stored=stored, source=paper.source, actor=None
        )
    # The portal knows the dossier already: its sync is an update from the first message (sync.py).
    portal_dossier_accepted(dossier_code=code, at=at)
    exchange_record(
        partner=PARTNER,
        operation=OPERATION,
        at=at,
        outcome=Exchange.Outcome.ACCEPTED,
        dossier_code=code,
        code="0",
        summary=f"{data.procedure_code}, {len(papers)} tệp",
    )
    return InboundResult(code=code, created=True, files=len(papers))
