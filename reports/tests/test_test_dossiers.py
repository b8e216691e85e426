"""Test mode (INTEGRATIONS.md "Test mode"; issue 13 §2): an agency or a procedure marked "test" makes
its dossiers test dossiers, which are synced as tests and never count in reports, the service index or
the targets — facts and naive counts alike, and a rebuild of the facts keeps them out."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accounts.models import User
from catalog.models import Procedure
from catalog.services import procedure_set_test
from dossiers.importer import import_lines
from dossiers.models import Dossier
from kernel.errors import Forbidden
from organization.models import Agency
from organization.services import agency_save
from outbox.models import OutboxMessage
from reports.models import COUNTERS, Fact
from reports.rebuild import rebuild_facts
from reports.summary import GroupBy, summary, summary_naive
from serviceindex.compute import compute_month
from serviceindex.tests.scenario import COMMUNE_A, COMMUNE_A_CENTRE, COMMUNE_B, march_lines
from targets.progress import progress
from testing.dossiers import counter_body
from testing.web import FormValues

pytestmark = pytest.mark.django_db

MARCH = (date(2026, 3, 1), date(2026, 3, 31))
KEY = ("grain", "period", "agency_id", "procedure_id", "field_ref", "channel")


def _mark_agency(agency: Agency, admin: User, is_test: bool) -> None:
    agency_save(
        actor=admin,
        agency=agency,
        code=agency.code,
        name=agency.name,
        kind=agency.kind,
        level=agency.level,
        unit=agency.unit,
        parent=agency.parent,
        short_name=agency.short_name,
        address=agency.address,
        is_test=is_test,
    )


def _test_copies(prefix: str) -> list[str]:
    """The March history again, under other codes: the same receptions, resolutions, supplement,
    stop, flags and ratings, each of which would move a figure if it counted."""
    lines = []
    for line in march_lines():
        record = json.loads(line)
        record["code"] = record["code"].replace("H31-SI-", prefix)
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def _figures() -> dict[str, object]:
    first, last = MARCH
    return {
        # Rows whose counters all cancel out are left out (a rebuild does not write them).
        "facts": sorted(row for row in Fact.objects.values_list(*KEY, *COUNTERS) if any(row[len(KEY) :])),
        "summary": summary(first, last, group_by=GroupBy.AGENCY),
        "naive": summary_naive(first, last, group_by=GroupBy.AGENCY),
        "index": compute_month(first).as_dict(),
        "index_naive": compute_month(first, naive=True).as_dict(),
        "targets": [
            [(r.target.code, r.reading) for r in row.results]
            for row in progress(2026, start=first, end=last).units
        ],
    }


def test_test_dossiers_change_no_figure_of_reports_index_or_targets(superuser, clock) -> None:
    clock(date(2026, 4, 2).isoformat() + "T10:00:00+07:00")
    assert import_lines(march_lines()).imported == 9
    before = _figures()
    assert before["summary"][Agency.objects.get(code=COMMUNE_A).pk].received == 7  # the history counts

    # Commune A in test mode: its copy of the history is made of test dossiers.
    commune_a = Agency.objects.get(code=COMMUNE_A)
    _mark_agency(commune_a, superuser, True)
    copies = [line for line in _test_copies("H31-TA-") if json.loads(line)["handling_agency"] == COMMUNE_A]
    assert import_lines(copies).imported == 8
    # Commune B's copy, under a procedure in test mode (commune B itself is not).
    procedure_set_test(actor=superuser, procedure=Procedure.objects.get(code="1.001193"), is_test=True)
    copy_b = [line for line in _test_copies("H31-TB-") if json.loads(line)["handling_agency"] == COMMUNE_B]
    assert import_lines(copy_b).imported == 1
    assert Dossier.objects.filter(code__startswith="H31-TA-", is_test=True).count() == 8
    assert Dossier.objects.filter(code__startswith="H31-TB-", is_test=True).count() == 1
    assert Dossier.objects.filter(code__startswith="H31-SI-", is_test=True).count() == 0

    assert _figures() == before
    # A rebuild of the facts from the whole history leaves them out too.
    rebuild_facts()
    assert _figures() == before


def test_a_dossier_filed_with_a_test_agency_is_synced_as_a_test(api, officer_a, superuser) -> None:
    status, plain = api(officer_a).post("dossiers", counter_body())
    assert status == 201, plain
    _mark_agency(Agency.objects.get(code=COMMUNE_A_CENTRE), superuser, True)  # the receiving centre
    status, test = api(officer_a).post("dossiers", counter_body())
    assert status == 201, test

    def sync_payloads(code: str) -> list[object]:
        rows = OutboxMessage.objects.filter(topic=OutboxMessage.Topic.PORTAL_SYNC, dossier_code=code)
        return [m.payload["test"] for m in rows]

    assert Dossier.objects.get(code=test["code"]).is_test is True
    assert Dossier.objects.get(code=plain["code"]).is_test is False
    assert sync_payloads(test["code"]) and set(sync_payloads(test["code"])) == {True}
    assert sync_payloads(plain["code"]) and set(sync_payloads(plain["code"])) == {False}
    # Nothing of the test dossier's reception reached the facts: only the first dossier's.
    assert sum(Fact.objects.filter(grain=Fact.Grain.DAY).values_list("received", flat=True)) == 1


def test_test_mode_is_changed_by_province_administrators_only(officer_a, province_admin, superuser) -> None:
    procedure = Procedure.objects.get(code="1.001193")
    with pytest.raises(Forbidden):
        procedure_set_test(actor=officer_a, procedure=procedure, is_test=True)
    assert Procedure.objects.get(pk=procedure.pk).is_test is False
    procedure_set_test(actor=province_admin, procedure=procedure, is_test=True)
    assert Procedure.objects.get(pk=procedure.pk).is_test is True
    # An agency's other edits keep its test mode unless they say otherwise.
    agency = Agency.objects.get(code=COMMUNE_B)
    _mark_agency(agency, superuser, True)
    agency_save(
        actor=superuser,
        agency=agency,
        code=agency.code,
        name="Ủy ban nhân dân xã Tân Hưng",
        kind=agency.kind,
        level=agency.level,
        unit=agency.unit,
        parent=agency.parent,
    )
    assert Agency.objects.get(pk=agency.pk).is_test is True


def _edit_in_admin(client: Client, obj: Model, drop: str = "", **changes: Any) -> None:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    form = FormValues()
    form.feed(client.get(url).content.decode())
    data = {k: v for k, v in form.data.items() if "__prefix__" not in k and k != drop}
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_test_mode_is_switched_in_the_admin(superuser) -> None:
    client = Client()
    client.force_login(superuser)
    procedure = Procedure.objects.get(code="1.001193")
    _edit_in_admin(client, procedure, is_test="on")
    assert Procedure.objects.get(pk=procedure.pk).is_test is True
    agency = Agency.objects.get(code=COMMUNE_B)
    _edit_in_admin(client, agency, is_test="on")
    assert Agency.objects.get(pk=agency.pk).is_test is True
    _edit_in_admin(client, procedure, drop="is_test")  # the box unticked
    assert Procedure.objects.get(pk=procedure.pk).is_test is False
