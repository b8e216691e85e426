"""What filing a dossier reads (dossiers/creation.py), in one statement (issue 12 §7, ADR 0015).

The procedure is read anyway; what filing uses of its version in force — the processing options, the
agencies linked to it, the papers it lists, the case named — come with it as JSON columns
(kernel.jsonrows); the workflow reception takes is kept across requests (catalog.selectors,
kernel.generations). So do
two rows the procedure does not link to but the filing needs: the receiving centre's parent (the
commune that handles the centre's dossiers) and the applicant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Subquery

from accounts.models import Applicant
from catalog.models import (
    ComponentRequirement,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessingOption,
)
from kernel.jsonrows import adopt, instances, json_row, json_rows, own_fields
from organization.models import Agency

M = TypeVar("M", bound=models.Model)

_LINK = ProcedureVersion.agencies.through
_AGENCY = tuple(f"agency__{name}" for name in own_fields(Agency))


@dataclass
class FilingRead:
    """What ``read_for_filing`` found. The procedure's version keeps its options, linked agencies and
    (when asked) papers as its prefetched relations."""

    procedure: Procedure | None
    cases: list[ProcedureCase] | None = None  # the case named, if any (None: none was named)
    applicants: list[Applicant] | None = None  # the applicant found, if any (None: not looked for)


def read_for_filing(
    *,
    procedure_code: str,
    receiving: Agency,
    handling: Agency | None,
    components: bool,
    case_id: int | None,
    applicant: dict[str, Any] | None,
) -> FilingRead:
    """The procedure ``procedure_code`` with its version in force and, in the same statement: the
    version's options and linked agencies; its papers (``components``); the case ``case_id``;
    ``receiving``'s parent, kept on it, when the handling agency
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
    if "parent" in found:
        parent.set_cached_value(receiving, _one(Agency, found["parent"], db))
    if "applicant" in found:
        read.applicants = [] if found["applicant"] is None else [_one(Applicant, found["applicant"], db)]
    return read


def _one(model: type[M], row: dict[str, Any], db: str) -> M:
    (found,) = instances(model, [row], db)
    return found


def _in_order(row: Any) -> tuple[int, int]:
    return (row.position, row.pk)
