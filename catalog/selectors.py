"""Reads of the public catalog. The catalog is public information: no scoping by user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, F, IntegerField, Lookup, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Length

from catalog import search
from catalog.models import (
    ComponentRequirement,
    Procedure,
    ProcedureVersion,
    ProcessingOption,
    Workflow,
    WorkflowStep,
)
from kernel.errors import NotFound
from kernel.generations import bump, bump_on, current
from kernel.jsonrows import adopt, instances, json_rows, own_fields
from organization.models import Agency

CODE_LIKE = re.compile(r"^\d+(\.[0-9A-Za-z]*)*$")
LEVEL_FLAGS = {
    "ministry": "at_ministry",
    "province": "at_province",
    "commune": "at_commune",
    "other": "at_other",
}


@dataclass(frozen=True)
class CatalogFilters:
    q: str | None = None
    level: str | None = None
    field: str | None = None
    agency: str | None = None
    online: str | None = None
    scope: str = "province"
    ordering: str = "code"


def _on_shown(scope: str, **lookups: object) -> Q:
    """A condition on the version a procedure shows: the one in force in the province, or (scope
    "all") the latest version of procedures not in force here."""
    current = Q(**{f"current_version__{k}": v for k, v in lookups.items()})
    if scope != "all":
        return current
    return current | Q(
        current_version__isnull=True, **{f"latest_version__{k}": v for k, v in lookups.items()}
    )


class _Like(Lookup[str]):
    """``lhs LIKE rhs`` with the pattern as given (catalog/search.py's patterns: ``%`` their only
    wildcard, nothing to escape). The keys are lower case, so SQLite's case-blind LIKE and
    PostgreSQL's case-sensitive one agree."""

    lookup_name = "like"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs}", (*lhs_params, *rhs_params)


class _TextMatch(Lookup[str]):
    """PostgreSQL's text search of a key: the expression of the GIN index of migration 0006, so the
    index serves it. The 'simple' configuration neither stems nor drops words: a key's words are its
    lexemes, and ``w:*`` asks for a word that starts with w — ``search.matches`` exactly."""

    lookup_name = "tsmatch"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"to_tsvector('simple'::regconfig, {lhs}) @@ to_tsquery('simple'::regconfig, {rhs})"
        return sql, (*lhs_params, *rhs_params)


def _found_by(words: list[str]) -> Q | _TextMatch:
    """Every word starts a word of the code, name or field (``search.matches``)."""
    if connection.vendor == "postgresql":
        return _TextMatch(F("search_text"), Value(search.tsquery(words)))
    condition = Q()
    for word in words:
        condition &= Q(_Like(F("search_text"), Value(f"% {word}%")))
    return condition


def _tier(words: list[str]) -> Case:
    """The match tier of the name (catalog/search.py ``rank``), computed by the database."""
    found = search.patterns(words)
    name = F("name_key")
    head = Q()
    for pattern in found.head:
        head |= Q(_Like(name, Value(pattern)))
    each = Q()
    for pattern in found.each:
        each &= Q(_Like(name, Value(pattern)))
    return Case(
        When(name_key=found.exact, then=Value(0)),
        When(_Like(name, Value(found.starts)), then=Value(1)),
        *([When(head, then=Value(2))] if found.head else []),
        When(_Like(name, Value(found.phrase)), then=Value(3)),
        When(_Like(name, Value(found.in_order)), then=Value(4)),
        When(each, then=Value(5)),
        default=Value(search.PARTIAL),
        output_field=IntegerField(),
    )


def procedure_search(filters: CatalogFilters) -> QuerySet[Procedure]:
    """Procedures matching the filters. ``q`` matches codes and, without diacritics, the words of names
    and fields: every word must start a word there ("giay phep xay dung" finds "Cấp giấy phép xây
    dựng"). The one search of the portal, the API, the kiosk and the counter (docs/adr/0024).

    With a query, best first: the code itself, then how well the name matches (``catalog.search``:
    the name is the query, starts with it, holds it, holds its words in order, holds them all), then how
    many dossiers the province received for the procedure in the last 12 months (``filed_count``), then
    the level nearest the citizen (commune, then province: with no dossiers yet, a ward's house permit
    before a ministry's railway permit), then the shorter name (fewer words the query did not ask for:
    "Cấp lại thẻ căn cước" before "Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)"), then the name."""
    scope = filters.scope
    procedures = Procedure.objects.select_related("current_version__field", "latest_version__field")
    procedures = (
        procedures.filter(latest_version__isnull=False)
        if scope == "all"
        else procedures.filter(current_version__isnull=False)
    )
    text = (filters.q or "").strip()
    words = search.query_words(text)
    code_like = bool(CODE_LIKE.match(text))
    if text:
        found = _found_by(words) if words else Q(pk__in=[])
        if code_like:
            found = Q(found) | Q(code__startswith=text)
        procedures = procedures.filter(found)
    if filters.level:
        procedures = procedures.filter(_on_shown(scope, **{LEVEL_FLAGS[filters.level]: True}))
    if filters.field:
        procedures = procedures.filter(_on_shown(scope, field__code=filters.field))
    if filters.online:
        levels = ["full", "partial"] if filters.online == "yes" else [filters.online]
        procedures = procedures.filter(_on_shown(scope, online_level__in=levels))
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency).first()
        if agency is None:
            return procedures.none()
        condition = _on_shown(scope, agencies=agency)
        if agency.level == Agency.Level.COMMUNE:
            condition |= _on_shown(scope, at_commune=True)
        procedures = procedures.filter(condition)
    procedures = procedures.distinct()
    if filters.ordering == "name" and scope != "all":
        return procedures.order_by("current_version__name", "code")
    if not text:
        return procedures.order_by("code")
    code_tier = Case(
        When(code=text, then=Value(0)),
        *([When(code__startswith=text, then=Value(1))] if code_like else []),
        default=Value(2),
        output_field=IntegerField(),
    )
    nearness = Case(
        When(_on_shown(scope, at_commune=True), then=Value(0)),
        When(_on_shown(scope, at_province=True), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    procedures = procedures.annotate(
        code_tier=code_tier,
        name_tier=_tier(words) if words else Value(search.PARTIAL),
        nearness=nearness,
    )
    return procedures.order_by(
        "code_tier", "name_tier", "-filed_count", "nearness", Length("name_key"), "name_key", "code"
    )


def procedure_get(code: str, version_number: int | None = None) -> tuple[Procedure, ProcedureVersion]:
    """The procedure and the version to show: the given number, else the one in force, else the latest."""
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise NotFound("Không tìm thấy thủ tục.")
    versions = procedure.versions.select_related("field").prefetch_related(
        "cases",
        Prefetch(
            "options", queryset=ProcessingOption.objects.select_related("case").prefetch_related("fees")
        ),
        Prefetch("components", queryset=ComponentRequirement.objects.select_related("case")),
        "results",
        "legal_basis",
        "agencies",
    )
    if version_number is not None:
        version = versions.filter(number=version_number).first()
    else:
        pk = procedure.current_version_id or procedure.latest_version_id
        version = versions.filter(pk=pk).first() if pk else None
    if version is None:
        raise NotFound("Không tìm thấy phiên bản thủ tục.")
    return procedure, version


def procedure_workflows(procedure: Procedure) -> list[Workflow]:
    return list(
        procedure.workflows.filter(status=Workflow.Status.ACTIVE)
        .select_related("agency")
        .prefetch_related(Prefetch("steps", queryset=WorkflowStep.objects.select_related("agency")))
        .order_by("level", "agency__code")
    )


# The active workflows, with their steps and the steps' agencies: kept across requests while none of
# them is written (kernel.generations). Bulk writes (steps made in one INSERT, workflows retired in
# one UPDATE) call ``workflows_changed``.
WORKFLOWS = "catalog.workflows"
bump_on(WORKFLOWS, Workflow, WorkflowStep, Agency)
_WORKFLOW_COLUMNS = [f.attname for f in Workflow._meta.concrete_fields]
_WORKFLOW_STEP_FIELDS = (*own_fields(WorkflowStep), *(f"agency__{name}" for name in own_fields(Agency)))


def workflows_changed() -> None:
    bump(WORKFLOWS)


def active_workflow(procedure_id: int, level: str, agency_id: int) -> Workflow | None:
    """The workflow a dossier of the procedure handled by the agency follows — the agency's own
    active one, else the province's general one at that level — with its steps (and their agencies)
    kept as its ``steps``. Each call answers new instances."""

    def read() -> dict[str, Any] | None:
        return (
            Workflow.objects.filter(procedure_id=procedure_id, status=Workflow.Status.ACTIVE, level=level)
            .filter(Q(agency_id=agency_id) | Q(agency__isnull=True))
            .annotate(_json_steps=json_rows(WorkflowStep.objects.all(), "workflow", _WORKFLOW_STEP_FIELDS))
            .order_by(F("agency").asc(nulls_last=True), "-number")
            .values(*_WORKFLOW_COLUMNS, "_json_steps")
            .first()
        )

    row = current(WORKFLOWS, read, key=(procedure_id, level, agency_id))
    if row is None:
        return None
    db = Workflow.objects.db
    workflow = Workflow.from_db(db, _WORKFLOW_COLUMNS, [row[name] for name in _WORKFLOW_COLUMNS])
    steps = instances(WorkflowStep, row["_json_steps"], db)
    adopt(workflow, "steps", sorted(steps, key=lambda s: (s.position, s.pk)), back="workflow")
    return workflow
