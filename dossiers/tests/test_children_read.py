"""A dossier's children read with its row (kernel.jsonrows, issue 12 §7) are the rows the ORM reads:
every column, typed the same (instants aware, booleans, JSON), their related objects attached — on
SQLite and on PostgreSQL — and using them reads nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from catalog.models import ProcedureVersion
from dossiers import selectors
from dossiers.models import Dossier
from kernel.jsonrows import instances
from organization.models import Membership
from organization.selectors import active_memberships, keep_memberships, with_memberships
from testing.dossiers import BIRTH_REGISTRATION, counter_body, vn

pytestmark = pytest.mark.django_db

JUSTICE = "000.00.04.H31"


def _columns(obj: Any) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_children_read_with_the_row_are_the_rows(api, officer_a, specialist_a, clock) -> None:
    clock(vn(2026, 3, 2, 9, 0))
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    papers = [
        {"requirement": r.pk, "originals": 1, "copies": 2} for r in version.components.order_by("pk")[:2]
    ]
    code = api(officer_a).post("dossiers", counter_body(components=papers))[1]["code"]
    api(officer_a).post(f"dossiers/{code}/actions/forward", {"assignee": "chuyenvien.phohien"})
    task = {"agency": JUSTICE, "task": "Xác minh", "working_days": 2, "lead": True}
    status, body = api(specialist_a).post(f"dossiers/{code}/actions/consult", {"agencies": [task]})
    assert status == 200, body

    dossier = selectors.dossier_get(user=specialist_a, reference=code, children=True)
    plain = Dossier.objects.get(code=code)
    with CaptureQueriesContext(connection) as captured:
        read = {
            "steps": list(dossier.steps.all()),
            "components": list(dossier.components.all()),
            "consultations": list(dossier.consultations.all()),
            "events": list(dossier.events.all()),
        }
        agencies = [s.agency.code for s in read["steps"]] + [c.agency.code for c in read["consultations"]]
        assignees = [s.assignee.username if s.assignee else None for s in read["steps"]]
        actors = [e.actor_agency.code if e.actor_agency else None for e in read["events"]]
    assert captured.captured_queries == []
    expected = {
        "steps": list(plain.steps.order_by("position", "pk")),
        "components": list(plain.components.order_by("position", "pk")),
        "consultations": list(plain.consultations.order_by("pk")),
        "events": list(plain.events.order_by("seq")),
    }
    for name, rows in expected.items():
        assert [_columns(r) for r in read[name]] == [_columns(r) for r in rows], name
    assert all(r.dossier is dossier for rows in read.values() for r in rows)
    assert read["events"] and read["consultations"] and read["steps"] and read["components"]
    assert agencies == [s.agency.code for s in expected["steps"]] + [JUSTICE]
    assert assignees == [s.assignee.username if s.assignee else None for s in expected["steps"]]
    assert actors == [e.actor_agency.code if e.actor_agency else None for e in expected["events"]]
    # Typed as the ORM types them: aware instants, booleans, the JSON of the event's data.
    assert read["events"][-1].data == expected["events"][-1].data != {}
    assert read["consultations"][0].is_lead is True


def test_memberships_read_with_the_user_are_the_memberships(officer_a) -> None:
    user = with_memberships(User.objects.filter(pk=officer_a.pk)).get()
    found = user.__dict__["_json_memberships"]
    assert found
    keep_memberships(user, user)  # outside a request nothing is kept: active_memberships reads them
    expected = active_memberships(officer_a)
    read = sorted(instances(Membership, found), key=lambda m: m.pk)
    assert [_columns(m) for m in read] == [_columns(m) for m in expected]
    assert [_columns(m.agency) for m in read] == [_columns(m.agency) for m in expected]


def test_what_filing_reads_with_the_procedure_are_the_rows(officer_a, citizen) -> None:
    from accounts.models import Applicant
    from catalog.models import WorkflowStep
    from catalog.selectors import active_workflow
    from dossiers.filing_read import read_for_filing
    from organization.models import Agency
    from testing.dossiers import COMMUNE_A_CENTRE

    centre = Agency.objects.get(code=COMMUNE_A_CENTRE)
    with CaptureQueriesContext(connection) as captured:
        read = read_for_filing(
            procedure_code=BIRTH_REGISTRATION,
            receiving=centre,
            handling=None,
            components=True,
            case_id=None,
            applicant={"user_id": citizen.pk},
        )
        assert read.procedure is not None
        version = read.procedure.current_version
        assert version is not None
        found = {
            "options": list(version.options.all()),
            "components": list(version.components.all()),
            "agencies": list(version.agencies.all()),
        }
        parent = centre.parent
    assert len(captured.captured_queries) == 1
    # The workflow reception takes, read with its steps (kept across requests: kernel.generations).
    assert centre.parent_id is not None
    workflow = active_workflow(read.procedure.pk, "commune", centre.parent_id)
    assert workflow is not None
    found["steps"] = list(workflow.steps.all())
    plain = ProcedureVersion.objects.get(pk=version.pk)
    expected = {
        "options": list(plain.options.order_by("position", "pk")),
        "components": list(plain.components.order_by("position", "pk")),
        "agencies": list(plain.agencies.order_by("pk")),
        "steps": list(WorkflowStep.objects.filter(workflow=workflow).order_by("position", "pk")),
    }
    found["agencies"].sort(key=lambda a: a.pk)
    for name, rows in expected.items():
        # The same columns, decimals at their scale (1.00, not 1) as the ORM reads them.
        assert [repr(_columns(r)) for r in found[name]] == [repr(_columns(r)) for r in rows], name
    assert found["options"] and found["components"] and found["steps"]
    assert parent is not None and _columns(parent) == _columns(Agency.objects.get(pk=parent.pk))
    assert parent.pk == centre.parent_id
    assert read.applicants is not None
    assert [_columns(a) for a in read.applicants] == [_columns(Applicant.objects.get(user=citizen))]
