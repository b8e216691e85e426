"""What filing a dossier reads (dossiers/creation.py), in one statement (issue 12 §7, ADR 0015).

The procedure is read anyway; what filing uses of its version in force — the processing options, the
agencies linked to it, the papers it lists, the case named — and, for a dossier received at once, the
workflows reception may take with their steps, come with it as JSON columns (kernel.jsonrows). So do
two rows the procedure does not link to but the filing needs: the receiving centre's parent (the
commune that handles the centre's dossiers) and the applicant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery

from accounts.models import Applicant
from catalog.models import (
    ComponentRequirement,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessingOption,
    Workflow,
    WorkflowStep,
)
from dossiers.actions.reception import WORKFLOW_STEP_FIELDS
from kernel.jsonrows import adopt, instances, json_row, json_rows, own_fields
from organization.models import Agency

M = TypeVar("M", bound=models.Model)

_LINK = ProcedureVersion.agencies.through
_AGENCY = tuple(f"agency__{name}" for name in own_fields(Agency))


@dataclass
class FilingRead:
    """What ``read_for_filing`` found. The procedure's version keeps its options, linked agencies and
    (when asked) papers as its prefetched relations; each workflow its steps."""

    procedure: Procedure | None
    cases: list[ProcedureCase] | None = None  # the case named, if any (None: none was named)
    applicants: list[Applicant] | None = None  # the applicant found, if any (None: not looked for)
    workflows: list[Workflow] = field(default_factory=list)  # those reception may take (when asked)


def read_for_filing(
    *,
    procedure_code: str,
    receiving: Agency,
    handling: Agency | None,
    components: bool,
    case_id: int | None,
    workflows: bool,
    applicant: dict[str, Any] | None,
) -> FilingRead:
    """The procedure ``procedure_code`` with its version in force and, in the same statement: the
    version's options and linked agencies; its papers (``components``); the case ``case_id``; the
    active workflows reception may take (``workflows``): the general ones and those of an agency that
    may handle the dossier — ``handling``, else the receiving centre, its parent or an agency linked
    to the version — with their steps; ``receiving``'s parent, kept on it, when the handling agency
    may be derived from it; the applicant matching ``applicant`` (a lookup), if asked."""
    version = "current_version"
    json: dict[str, Subquery] = {
        "options": json_rows(
            ProcessingOption.objects.all(), "version", own_fields(ProcessingOption), outer=version
        ),
        "agencies": json_rows(
            _LINK.objects.all(), "procedureversion", (*own_fields(_LINK), *_AGENCY), outer=version
        ),
    }
    if components:
        json["components"] = json_rows(
            ComponentRequirement.objects.all(), "version", own_fields(ComponentRequirement), outer=version
        )
    if case_id is not None:
        cases = ProcedureCase.objects.filter(pk=case_id)
        json["cases"] = json_rows(cases, "version", own_fields(ProcedureCase), outer=version)
    if workflows:
        candidates = [handling.pk] if handling else [receiving.pk, receiving.parent_id]
        linked = _LINK.objects.filter(procedureversion_id=OuterRef(OuterRef(version))).values("agency_id")
        json["workflows"] = json_rows(
            Workflow.objects.filter(status=Workflow.Status.ACTIVE).filter(_near(candidates, linked)),
            "procedure",
            own_fields(Workflow),
        )
        json["workflow_steps"] = json_rows(
            WorkflowStep.objects.filter(workflow__status=Workflow.Status.ACTIVE).filter(
                _near(candidates, linked, "workflow__")
            ),
            "workflow__procedure",
            WORKFLOW_STEP_FIELDS,
        )
    parent = Agency._meta.get_field("parent")
    if (
        handling is None
        and receiving.kind == Agency.Kind.SERVICE_CENTRE
        and receiving.parent_id is not None
        and not parent.is_cached(receiving)
    ):
        json["parent"] = json_row(Agency.objects.filter(pk=receiving.parent_id), own_fields(Agency))
    if applicant is not None:
        json["applicant"] = json_row(
            Applicant.objects.filter(**applicant).order_by("pk"), own_fields(Applicant)
        )

    procedure = (
        Procedure.objects.select_related(version)
        .filter(code=procedure_code)
        .annotate(**{f"_json_{name}": value for name, value in json.items()})
        .first()
    )
    if procedure is None:
        return FilingRead(None)
    db = procedure._state.db or "default"
    found = {name: procedure.__dict__.pop(f"_json_{name}") for name in json}
    read = FilingRead(procedure)
    current = procedure.current_version
    if current is not None:
        options = instances(ProcessingOption, found["options"], db)
        adopt(current, "options", sorted(options, key=_in_order), back="version")
        adopt(current, "agencies", [link.agency for link in instances(_LINK, found["agencies"], db)])
        if "components" in found:
            papers = instances(ComponentRequirement, found["components"], db)
            adopt(current, "components", sorted(papers, key=_in_order), back="version")
        if "cases" in found:
            read.cases = instances(ProcedureCase, found["cases"], db)
    if "workflows" in found:
        steps = instances(WorkflowStep, found["workflow_steps"], db)
        for workflow in instances(Workflow, found["workflows"], db):
            its = sorted((s for s in steps if s.workflow_id == workflow.pk), key=_in_order)
            adopt(workflow, "steps", its, back="workflow")
            read.workflows.append(workflow)
    if "parent" in found:
        parent.set_cached_value(receiving, _one(Agency, found["parent"], db))
    if "applicant" in found:
        read.applicants = [] if found["applicant"] is None else [_one(Applicant, found["applicant"], db)]
    return read


def _near(candidates: Sequence[int | None], linked: QuerySet[Any], via: str = "") -> Q:
    """Workflows (``via``: from their steps) of no agency, of one of ``candidates``, or of ``linked``."""
    return (
        Q(**{f"{via}agency__isnull": True})
        | Q(**{f"{via}agency__in": [pk for pk in candidates if pk is not None]})
        | Q(**{f"{via}agency__in": linked})
    )


def _one(model: type[M], row: dict[str, Any], db: str) -> M:
    (found,) = instances(model, [row], db)
    return found


def _in_order(row: Any) -> tuple[int, int]:
    return (row.position, row.pk)
