"""The queries and the report built once for both files: the Biểu VI figures of a period and scope,
who the report is about, and ``report_build``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from catalog.models import Channel, OnlineLevel, Procedure
from dossiers.models import Dossier
from organization.models import Agency
from organization.selectors import user_scope
from reports.exports.tables import (
    CATALOG_NOTE,
    Figure,
    StatLine,
    _rate_figure,
    _resolution_figures,
    statistics_lines,
)
from reports.summary import Counts, GroupBy, ReportScope, start_of, summary
from worktime.calendar import VN_TZ

# ---------------------------------------------------------------------------------------------
# Queries


def statistics_figures(start: date, end: date, scope: ReportScope) -> dict[str, Figure]:
    """The Biểu VI figures the data holds (see the module docstring): the catalog's for the whole
    province, the dossiers' within ``scope`` and the period."""
    figures: dict[str, Figure] = {}

    in_force = Procedure.objects.filter(current_version__isnull=False)
    total = in_force.count()
    province = in_force.filter(current_version__at_province=True).count()
    commune = in_force.filter(current_version__at_commune=True).count()
    both = in_force.filter(current_version__at_province=True, current_version__at_commune=True).count()
    neither = in_force.filter(current_version__at_province=False, current_version__at_commune=False).count()
    details = []
    if both:
        details.append(f"{both} TTHC thực hiện ở cả cấp tỉnh và cấp xã")
    if neither:
        details.append(f"{neither} TTHC không ghi cấp tỉnh hoặc cấp xã")
    figures["procedures"] = Figure(total, "; ".join([CATALOG_NOTE, *details]))
    figures["procedures_province"] = Figure(province, CATALOG_NOTE)
    figures["procedures_commune"] = Figure(commune, CATALOG_NOTE)
    figures["procedures_boundary_free"] = Figure(
        in_force.filter(current_version__boundary_free=True).count(), CATALOG_NOTE
    )
    figures["services_full"] = Figure(
        in_force.filter(current_version__online_level=OnlineLevel.FULL).count(), CATALOG_NOTE
    )
    figures["procedures_with_fees"] = Figure(
        in_force.filter(current_version__options__fees__amount__gt=0).distinct().count(),
        f"{CATALOG_NOTE}; có khoản phí, lệ phí trên 0 đồng",
    )

    # II.3: resolved in the period, split by the handling agency's level.
    by_agency = summary(start, end, scope=scope, group_by=GroupBy.AGENCY)
    communes = set(
        Agency.objects.filter(pk__in=list(by_agency), level=Agency.Level.COMMUNE).values_list("pk", flat=True)
    )
    province_counts, commune_counts = Counts(), Counts()
    for key, counts in by_agency.items():
        (commune_counts if key in communes else province_counts).add(counts)
    figures.update(_resolution_figures("province", province_counts, "của cơ quan cấp tỉnh"))
    figures.update(_resolution_figures("commune", commune_counts, "của UBND cấp xã"))

    # III.3: dossiers received in the period, by the online level of the version they were filed under.
    received = Dossier.objects.filter(
        scope.q("handling_agency"),
        is_test=False,
        received_at__gte=start_of(start),
        received_at__lt=start_of(end + timedelta(days=1)),
    )
    online = Q(channel=Channel.ONLINE)
    levels = {
        row["version__online_level"]: (row["total"], row["online"])
        for row in received.values("version__online_level")
        .annotate(total=Count("pk"), online=Count("pk", filter=online))
        .order_by()
    }
    for level, prefix in ((OnlineLevel.FULL, "full"), (OnlineLevel.PARTIAL, "partial")):
        count, online_count = levels.get(level, (0, 0))
        note = f"Hồ sơ tiếp nhận trong kỳ của thủ tục có mức DVCTT {OnlineLevel(level).label.lower()}"
        figures[f"{prefix}_received"] = Figure(count, note)
        figures[f"{prefix}_online"] = Figure(online_count, f"{note}, nộp trực tuyến")
        figures[f"{prefix}_online_rate"] = _rate_figure(
            online_count, count, "Trực tuyến / tổng số", "Không có hồ sơ tiếp nhận trong kỳ"
        )
    services = received.filter(version__online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL])
    used = services.values("procedure_id").distinct().count()
    used_online = services.filter(online).values("procedure_id").distinct().count()
    service_note = "DVCTT (toàn trình, một phần) có hồ sơ tiếp nhận trong kỳ"
    figures["services_used"] = Figure(used, service_note)
    figures["services_used_online"] = Figure(used_online, f"{service_note} qua trực tuyến")
    figures["services_online_rate"] = _rate_figure(
        used_online, used, "Có hồ sơ trực tuyến / có hồ sơ", "Không có hồ sơ tiếp nhận trong kỳ"
    )
    return figures


def report_subject(user: User | AnonymousUser, agency_code: str | None) -> tuple[str, Agency | None]:
    """What the report covers, in words, and the agency whose name heads the PDF: the requested agency;
    else "Toàn tỉnh" under the provincial People's Committee for province-wide callers; else the
    agencies the caller works in."""
    agencies = Agency.objects.select_related("unit", "parent")
    if agency_code:
        agency = agencies.filter(code=agency_code.strip()).first()
        if agency is not None:
            return agency.name, agency
    scope = user_scope(user)
    if scope.everything or scope.province_ids:
        committees = agencies.filter(kind=Agency.Kind.PEOPLES_COMMITTEE, level=Agency.Level.PROVINCE)
        if scope.province_ids:
            committees = committees.filter(province_id__in=scope.province_ids)
        return "Toàn tỉnh", committees.order_by("code").first()
    if not isinstance(user, User):
        return "", None
    own = list(
        agencies.filter(pk__in=scope.local_ids, memberships__user=user, memberships__is_active=True)
        .distinct()
        .order_by("level", "code")
    )
    return "; ".join(agency.name for agency in own), own[0] if own else None


# ---------------------------------------------------------------------------------------------
# The report, built once for both files


@dataclass(frozen=True)
class Report:
    start: date
    end: date
    group_by: GroupBy
    scope_label: str
    issuer: Agency | None
    total: Counts
    rows: list[tuple[str, str, Counts]]
    statistics: list[StatLine]
    printed_at: datetime

    @property
    def period(self) -> str:
        return f"Kỳ báo cáo: từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def scope_line(self) -> str:
        return f"Phạm vi: {self.scope_label}"

    def filename(self, extension: str, agency_code: str | None = None) -> str:
        """ASCII only, e.g. ``bao-cao-tthc-2026-01-01-2026-03-31.xlsx``."""
        name = f"bao-cao-tthc-{self.start.isoformat()}-{self.end.isoformat()}"
        if agency_code:
            name += "-" + re.sub(r"[^A-Za-z0-9.]+", "-", agency_code.strip()).strip("-")
        return f"{name}.{extension}"

    def row_label(self, code: str, name: str) -> str:
        return f"{name} ({code})" if self.group_by is GroupBy.PROCEDURE and code and code != name else name


def report_build(
    *,
    user: User | AnonymousUser,
    agency_code: str | None,
    scope: ReportScope,
    start: date,
    end: date,
    group_by: GroupBy,
    total: Counts,
    rows: list[tuple[str, str, Counts]],
) -> Report:
    """The two tables for ``total`` and ``rows`` as ``summary_rows`` returned them."""
    label, issuer = report_subject(user, agency_code)
    return Report(
        start=start,
        end=end,
        group_by=group_by,
        scope_label=label or "Toàn tỉnh",
        issuer=issuer,
        total=total,
        rows=rows,
        statistics=statistics_lines(statistics_figures(start, end, scope)),
        printed_at=timezone.localtime(timezone.now(), VN_TZ),
    )
