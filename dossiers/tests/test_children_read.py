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
