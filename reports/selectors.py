"""Who may see which numbers: a report covers the handling agencies the caller reaches."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from accounts.models import User
from catalog.models import Channel, Procedure, ProcedureField
from kernel.errors import Forbidden, NotFound
from organization.models import Agency
from organization.selectors import agency_subtree, user_scope
from reports.summary import GroupBy, ReportScope


def report_scope(user: User | AnonymousUser, agency_code: str | None = None) -> ReportScope:
    """The caller's agencies (and the agencies below them), narrowed to ``agency_code``'s subtree.
    Citizens and users without a role see no report."""
    scope = user_scope(user)
    if not scope.everything and not scope.agency_ids:
        raise Forbidden("Chỉ cán bộ, công chức của cơ quan có thẩm quyền được xem báo cáo.")
    if agency_code:
        agency = Agency.objects.filter(code=agency_code.strip()).first()
        if agency is None:
            raise NotFound(f"Không tìm thấy cơ quan có mã {agency_code}.")
        if not scope.allows(agency):
            raise Forbidden(f"Bạn không được xem báo cáo của {agency.name}.")
        return ReportScope(everything=False, agency_ids=frozenset(agency_subtree([agency.pk])))
    if scope.everything:
        return ReportScope()
    return ReportScope(everything=False, agency_ids=scope.local_ids, province_ids=scope.province_ids)


def group_labels(group_by: GroupBy | None, keys: list[Any]) -> dict[Any, tuple[str, str]]:
    """(code, name) of each group key, for tables and exports."""
    if group_by is None:
        return {None: ("", "Tổng số")}
    if group_by is GroupBy.AGENCY:
        return {a.pk: (a.code, a.name) for a in Agency.objects.filter(pk__in=keys)}
    if group_by is GroupBy.FIELD:
        labels = {f.pk: (f.code, f.name) for f in ProcedureField.objects.filter(pk__in=keys)}
        return {**labels, 0: ("", "Chưa xác định lĩnh vực")}
    if group_by is GroupBy.PROCEDURE:
        procedures = Procedure.objects.filter(pk__in=keys).select_related("current_version", "latest_version")
        return {p.pk: (p.code, p.shown_version.name if p.shown_version else p.code) for p in procedures}
    return {c.value: (c.value, str(c.label)) for c in Channel}
