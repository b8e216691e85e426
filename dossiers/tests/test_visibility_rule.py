"""Who may see a dossier is written once, as the queryset ``visible_dossiers``; ``can_see`` asks it about
one row. For random demo personas and dossiers in varied states and agencies, both agree with each other
and with the rule of ADR 0003 restated below in plain Python, so that the rule itself drifting fails too.

The world is built once, inside the test, through the API as the people would; hypothesis then draws
(persona, dossier) pairs from it and only reads.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.models import User
from dossiers.models import Dossier
from dossiers.selectors import can_see, visible_dossiers
from organization.models import Agency, Membership, Role
from testing.dossiers import (
    BIRTH_REGISTRATION,
    COMMUNE_A_CENTRE,
    PARENTAGE,
    advance_to_last_step,
    counter_body,
    vn,
)
from testing.reference import DEMO_LOGINS

pytestmark = pytest.mark.django_db

JUSTICE = "000.00.04.H31"
PROVINCIAL_PROCEDURE = "1.000049"
PERSONAS = (
    *DEMO_LOGINS,
    "nghiviec.phohien",  # a one-stop officer of commune A whose account is disabled
    "chuyencongtac.phohien",  # an active account whose membership at commune A has ended
)
CITIZEN = {
    "name": "Nguyễn Thị Dân",
    "national_id": "033190001234",  # congdan's CCCD: a counter dossier with it is congdan's
    "address": "Số 5 đường Chùa Chuông, Phường Phố Hiến",
    "phone": "0912345678",
}

# ADR 0003: the roles that open dossiers, and among them the one that reaches the whole province.
WORKS_ON_DOSSIERS = {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK, Role.MONITOR}
WHOLE_PROVINCE = {Role.MONITOR}


def expected(user: User, dossier: Dossier) -> bool:
    """ADR 0003 and docs/domain.md §1, independently of dossiers.selectors: nobody inactive sees
    anything; a superuser sees everything; the applicant sees his own, draft or not; nobody else sees a
    draft; staff see a submitted dossier that touched an agency one of their active dossier roles
    reaches — its receiving or handling agency, an agency consulted on it or holding one of its steps.
    A role reaches its agency and every agency below it; the monitor every agency of its province."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    if dossier.applicant.user_id == user.pk:
        return True
    if dossier.status == "draft":
        return False
    agencies = {a.pk: a for a in Agency.objects.all()}
    reached: set[int] = set()
    for membership in Membership.objects.filter(user=user):
        agency = agencies[membership.agency_id]
        if not membership.is_active or not agency.is_active or membership.role not in WORKS_ON_DOSSIERS:
            continue
        if membership.role in WHOLE_PROVINCE:
            reached |= {a.pk for a in agencies.values() if a.province_id == agency.province_id}
            continue
        for candidate in agencies.values():
            walk: Agency | None = candidate
            while walk is not None:
                if walk.pk == agency.pk:
                    reached.add(candidate.pk)
                    break
                walk = agencies.get(walk.parent_id) if walk.parent_id else None
    touched = {dossier.receiving_agency_id, dossier.handling_agency_id}
    touched |= set(dossier.consultations.values_list("agency_id", flat=True))
    touched |= set(dossier.steps.values_list("agency_id", flat=True))
    return bool(touched & reached)


def _created(answer: tuple[int, Any]) -> dict[str, Any]:
    status, body = answer
    assert status in (200, 201), (status, body)
    return dict(body)


def build_dossiers(api: Any, clock: Any) -> dict[str, Dossier]:
    """Dossiers in varied states and places: drafts, submitted online, received at commune A, B or the
    province's centre, forwarded, consulted with a department, resolved."""
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    clock(vn(2026, 3, 2, 9, 0))
    online = {"procedure": BIRTH_REGISTRATION, "channel": "online", "receiving_agency": COMMUNE_A_CENTRE}
    refs: dict[str, str] = {}
    refs["draft_citizen"] = _created(api(users["congdan"]).post("dossiers", {**online, "draft": True}))[
        "uuid"
    ]
    refs["draft_business"] = _created(api(users["doanhnghiep"]).post("dossiers", {**online, "draft": True}))[
        "uuid"
    ]
    refs["submitted_online"] = _created(api(users["congdan"]).post("dossiers", online))["uuid"]
    officer_a = api(users["motcua.phohien"])
    refs["received_a"] = _created(officer_a.post("dossiers", counter_body()))["code"]
    refs["received_a_citizen"] = _created(officer_a.post("dossiers", counter_body(applicant=CITIZEN)))["code"]
    forwarded = _created(officer_a.post("dossiers", counter_body(procedure=PARENTAGE)))["code"]
    _created(officer_a.post(f"dossiers/{forwarded}/actions/forward", {"assignee": "chuyenvien.phohien"}))
    refs["forwarded_a"] = forwarded
    consulted = _created(officer_a.post("dossiers", counter_body(procedure=PARENTAGE)))["code"]
    _created(officer_a.post(f"dossiers/{consulted}/actions/forward", {"assignee": "chuyenvien.phohien"}))
    task = {"agency": JUSTICE, "task": "Xác minh yếu tố nước ngoài", "working_days": 2, "lead": True}
    _created(
        api(users["chuyenvien.phohien"]).post(f"dossiers/{consulted}/actions/consult", {"agencies": [task]})
    )
    refs["consulted_a"] = consulted
    resolved = _created(officer_a.post("dossiers", counter_body(applicant=CITIZEN)))["code"]
    advance_to_last_step(api, users["admin"], resolved)
    _created(
        api(users["lanhdao.phohien"]).post(f"dossiers/{resolved}/actions/resolve", {"outcome": "approved"})
    )
    refs["resolved_a"] = resolved
    refs["received_b"] = _created(api(users["motcua.tanhung"]).post("dossiers", counter_body()))["code"]
    refs["received_province"] = _created(
        api(users["motcua.tinh"]).post("dossiers", counter_body(procedure=PROVINCIAL_PROCEDURE))
    )["code"]
    dossiers = {}
    for key, reference in refs.items():
        dossier = Dossier.objects.filter(code=reference).first() or Dossier.objects.get(uuid=reference)
        dossiers[key] = dossier
    assert {d.status for d in dossiers.values()} >= {"draft", "submitted", "resolved"}
    return dossiers


def personas() -> dict[str, User]:
    centre_a = Agency.objects.get(code=COMMUNE_A_CENTRE)
    gone = User.objects.create_user(username="nghiviec.phohien", password=None, is_active=False)
    Membership.objects.create(user=gone, agency=centre_a, role=Role.ONE_STOP_OFFICER)
    moved = User.objects.create_user(username="chuyencongtac.phohien", password=None)
    Membership.objects.create(user=moved, agency=centre_a, role=Role.ONE_STOP_OFFICER, is_active=False)
    users = {u.username: u for u in User.objects.filter(username__in=PERSONAS)}
    assert set(users) == set(PERSONAS)
    return users


def test_can_see_and_visible_dossiers_are_one_rule(api, clock):
    dossiers = build_dossiers(api, clock)
    users = personas()

    def agree(username: str, key: str) -> bool:
        user = User.objects.get(pk=users[username].pk)  # fresh: no cached relation carries over
        dossier = Dossier.objects.select_related("applicant").get(pk=dossiers[key].pk)
        seen = can_see(user, dossier)
        assert seen == visible_dossiers(user).filter(pk=dossier.pk).exists(), (username, key)
        assert seen == expected(user, dossier), (username, key, seen)
        return seen

    @settings(max_examples=50, deadline=None, database=None)
    @given(username=st.sampled_from(PERSONAS), key=st.sampled_from(sorted(dossiers)))
    def random_pairs(username: str, key: str) -> None:
        agree(username, key)

    random_pairs()
    # The world is small: every pair once too, so that a rare disagreement is not left to chance.
    seen = {(username, key) for username in PERSONAS for key in dossiers if agree(username, key)}
    # The sweep is not vacuous: someone sees and someone is refused each kind of dossier.
    assert {key for _, key in seen} == set(dossiers)
    assert ("congdan", "draft_citizen") in seen and ("motcua.phohien", "draft_citizen") not in seen
    assert ("chuyenvien.stp", "consulted_a") in seen and ("chuyenvien.stp", "forwarded_a") not in seen
    assert ("motcua.tanhung", "received_b") in seen and ("motcua.tanhung", "received_a") not in seen
    assert ("kiemsoat", "received_b") in seen and ("qt.tinh", "received_b") not in seen
    assert not {key for username, key in seen if username in ("nghiviec.phohien", "chuyencongtac.phohien")}
