"""Reads of the public catalog. The catalog is public information: no scoping by user."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

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
from kernel.text import fold
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


def procedure_search(filters: CatalogFilters) -> QuerySet[Procedure]:
    """Procedures matching the filters. ``q`` matches codes and, without diacritics, names and fields:
    every word must appear ("giay phep xay dung" finds "Cấp giấy phép xây dựng")."""
    scope = filters.scope
    procedures = Procedure.objects.select_related("current_version__field", "latest_version__field")
    procedures = (
        procedures.filter(latest_version__isnull=False)
        if scope == "all"
        else procedures.filter(current_version__isnull=False)
    )
    if filters.q and filters.q.strip():
        text = filters.q.strip()
        words = fold(text).split()
        by_words = Q()
        for word in words:
            by_words &= Q(search_text__contains=word)
        if CODE_LIKE.match(text):
            by_words |= Q(code__startswith=text)
        procedures = procedures.filter(by_words)
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
    if filters.q and filters.q.strip():
        # Relevance first: the exact code, then the words as one phrase, then the rest by code.
        phrase = fold(filters.q.strip())
        procedures = procedures.annotate(
            rank=Case(
                When(code=filters.q.strip(), then=Value(0)),
                When(search_text__contains=phrase, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        return procedures.order_by("rank", "code")
    return procedures.order_by("code")


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
