"""Roles scope what people see and do: an officer of commune B never sees commune A's staff."""

from __future__ import annotations

import pytest

from organization.models import Agency, Membership
from organization.selectors import agency_ancestors, user_scope

pytestmark = pytest.mark.django_db

COMMUNE_A = "000.00.11953.H31"
CENTRE_A = "001.00.11953.H31"
COMMUNE_B = "000.00.11977.H31"


def test_agency_admin_sees_own_commune_staff_only(api, agency_admin_a):
    status, body = api(agency_admin_a).get(f"agencies/{COMMUNE_A}/members")
    assert status == 200
    assert {"chuyenvien.phohien", "lanhdao.phohien"} <= {m["username"] for m in body}
    status, body = api(agency_admin_a).get(f"agencies/{COMMUNE_B}/members")
    assert status == 404
    # The commune's service centre belongs to the commune: its staff are the admin's too.
    status, body = api(agency_admin_a).get(f"agencies/{CENTRE_A}/members")
    assert [m["username"] for m in body] == ["motcua.phohien"]


def test_officer_of_another_commune_cannot_see_commune_a(api, officer_b, specialist_b):
    for user in (officer_b, specialist_b):
        status, body = api(user).get(f"agencies/{COMMUNE_A}/members")
        assert status == 404
        assert body["error"]["code"] == "not_found"


def test_not_yours_answers_like_not_found(api, officer_b):
    _, missing = api(officer_b).get("agencies/000.00.00.H99/members")
    _, not_yours = api(officer_b).get(f"agencies/{COMMUNE_A}/members")
    assert missing == not_yours


def test_monitor_and_province_admin_reach_the_whole_province(api, monitor, province_admin):
    for user in (monitor, province_admin):
        assert api(user).get(f"agencies/{COMMUNE_A}/members")[0] == 200
        assert api(user).get(f"agencies/{COMMUNE_B}/members")[0] == 200
    scope = user_scope(monitor)
    assert scope.allows(Agency.objects.get(code=COMMUNE_B))


def test_agency_admin_creates_staff_in_own_agency(api, agency_admin_a):
    status, body = api(agency_admin_a).post(
        f"agencies/{COMMUNE_A}/members",
        {
            "username": "chuyenvien2.phohien",
            "full_name": "Trịnh Văn Mới",
            "password": "Mot-mat-khau-dai-9",
            "role": "specialist",
        },
    )
    assert status == 201, body
    assert body == {
        "username": "chuyenvien2.phohien",
        "full_name": "Trịnh Văn Mới",
        "role": "specialist",
        "is_active": True,
    }


def test_agency_admin_cannot_manage_another_commune(api, agency_admin_a):
    status, body = api(agency_admin_a).post(
        f"agencies/{COMMUNE_B}/members",
        {"username": "ke.gian", "password": "Mot-mat-khau-dai-9", "role": "leader"},
    )
    assert status == 404
    assert not Membership.objects.filter(user__username="ke.gian").exists()


def test_agency_admin_cannot_grant_province_wide_roles(api, agency_admin_a):
    status, body = api(agency_admin_a).post(
        f"agencies/{COMMUNE_A}/members", {"username": "chuyenvien.phohien", "role": "monitor"}
    )
    assert status == 403
    assert not Membership.objects.filter(user__username="chuyenvien.phohien", role="monitor").exists()


def test_officers_and_specialists_cannot_manage_members(api, officer_a, specialist_a):
    for user in (officer_a, specialist_a):
        status, _ = api(user).post(
            f"agencies/{CENTRE_A}/members",
            {"username": "x.y", "role": "clerk", "password": "Mot-mat-khau-dai-9"},
        )
        assert status == 404


def test_weak_password_and_duplicate_username_are_explained(api, agency_admin_a):
    status, body = api(agency_admin_a).post(
        f"agencies/{COMMUNE_A}/members", {"username": "moi.phohien", "password": "123", "role": "clerk"}
    )
    assert status == 400
    assert body["error"]["code"] == "weak_password" and body["error"]["fields"]["password"]
    status, body = api(agency_admin_a).post(
        f"agencies/{COMMUNE_A}/members", {"username": "moi2.phohien", "role": "clerk"}
    )
    assert status == 400 and body["error"]["fields"] == {"password": ["Bắt buộc nhập."]}
    status, body = api(agency_admin_a).post(
        f"agencies/{COMMUNE_A}/members", {"username": "congdan", "role": "nobody"}
    )
    assert status == 422 and "role" in body["error"]["fields"]


def test_the_agencies_above_a_unit_come_from_the_tree(django_assert_num_queries):
    centre = Agency.objects.get(code=CENTRE_A)
    chain = []
    current: Agency | None = centre
    while current is not None:
        chain.append(current.pk)
        current = current.parent
    assert len(chain) >= 2  # the centre, its commune (and above)
    with django_assert_num_queries(1):  # the tree, whatever the depth
        assert agency_ancestors(centre.pk) == chain
    top = Agency.objects.get(pk=chain[-1])
    assert agency_ancestors(top.pk) == [top.pk]
