"""Nobody climbs through the admin: each attempt an administrator could make to reach beyond his role is
refused with its reason, and the database is unchanged (issue 11). The pages each persona may open
are in test_admin_access.py; the rules themselves in organization/tests/test_admin_rules.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts.models import Applicant, User
from demo.loader import DEMO_PASSWORD
from organization.models import AdministrativeUnit, Agency, Membership
from organization.services import membership_grant
from testing.web import FormValues

pytestmark = pytest.mark.django_db

OFFICE = "000.00.01.H31"
PROVINCIAL_COMMITTEE = "000.00.00.H31"
COMMITTEE_A = "000.00.11953.H31"
CENTRE_A = "001.00.11953.H31"
COMMITTEE_B = "000.00.11977.H31"
NEW_PASSWORD = "Mat-khau-moi-2026!"


def user(username: str) -> User:
    return User.objects.get(username=username)


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def change_url(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(client: Client, url: str) -> dict[str, Any]:
    """What the browser would submit from the form on ``url``, as rendered."""
    response = client.get(url)
    assert response.status_code == 200, url
    form = FormValues()
    form.feed(response.content.decode())
    return {k: v for k, v in form.data.items() if "__prefix__" not in k}


def page_text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def snapshot() -> tuple[Any, ...]:
    """Everything an escalation could change: accounts' flags and passwords, roles, agencies."""
    return (
        sorted(User.objects.values_list("username", "password", "is_superuser", "is_staff", "is_active")),
        sorted(Membership.objects.values_list("user_id", "agency_id", "role", "is_active")),
        sorted(Agency.objects.values_list("code", "parent_id", "unit_id", "province_id", "is_active")),
        sorted(User.groups.through.objects.values_list("user_id", "group_id")),
    )


def add_membership_row(data: dict[str, Any], prefix: str, **fields: Any) -> dict[str, Any]:
    """An extra row of an inline formset."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": value for name, value in fields.items()})
    data.setdefault(f"{prefix}-{index}-is_active", "on")
    return data


# --- superuser status, staff status, groups ----------------------------------------------------------


def test_the_province_admin_cannot_make_himself_superuser():
    client = logged_in("qt.tinh")
    me = user("qt.tinh")
    url = change_url(me)
    data = form_data(client, url)
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(data)
    group = Group.objects.create(name="Mọi quyền")
    data.update({"is_superuser": "on", "is_staff": "on", "groups": [str(group.pk)], "phone": "0912000999"})
    response = client.post(url, data)
    assert response.status_code == 302  # his own phone number is his to change, nothing more
    me.refresh_from_db()
    assert (me.phone, me.is_superuser, me.is_staff, me.groups.count()) == ("0912000999", False, False, 0)


def test_no_administrator_is_offered_staff_status_or_groups():
    client = logged_in("admin")
    data = form_data(client, change_url(user("qt.phohien")))
    assert "is_superuser" in data or "is_active" in data
    assert not {"is_staff", "groups", "user_permissions"} & set(data)
    assert client.get("/quan-tri/auth/group/").status_code == 404  # groups grant nothing in motcua


def test_the_superuser_grants_superuser_status():
    client = logged_in("admin")
    target = user("chuyenvien.stp")
    data = form_data(client, change_url(target))
    data["is_superuser"] = "on"
    assert client.post(change_url(target), data).status_code == 302
    target.refresh_from_db()
    assert target.is_superuser


def test_adding_an_account_never_makes_a_superuser():
    client = logged_in("qt.tinh")
    before = snapshot()
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "moi.tinh",
            "full_name": "Cán Bộ Mới",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 200  # an administrator's new account is a staff account in an agency
    assert "agency" in response.context["adminform"].form.errors
    assert snapshot() == before
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "moi.tinh",
            "full_name": "Cán Bộ Mới",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agency": str(agency(OFFICE).pk),
            "role": "specialist",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    created = user("moi.tinh")
    assert (created.is_superuser, created.is_staff, created.check_password(NEW_PASSWORD)) == (
        False,
        False,
        True,
    )
    assert list(created.memberships.values_list("agency__code", "role")) == [(OFFICE, "specialist")]


def test_an_agency_admin_adds_accounts_only_in_his_commune_with_ordinary_roles():
    client = logged_in("qt.phohien")
    before = snapshot()
    for agency_code, role in (
        (COMMITTEE_B, "specialist"),
        (COMMITTEE_A, "agency_admin"),
        (COMMITTEE_A, "monitor"),
    ):
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "username": "moi.phohien",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
                "agency": str(agency(agency_code).pk),
                "role": role,
            },
        )
        assert response.status_code == 200, (agency_code, role)
        assert response.context["adminform"].form.errors, (agency_code, role)
    assert snapshot() == before
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "moi.phohien",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "agency": str(agency(CENTRE_A).pk),
            "role": "one_stop_officer",
        },
    )
    assert response.status_code == 302
    assert list(user("moi.phohien").memberships.values_list("agency__code", "role")) == [
        (CENTRE_A, "one_stop_officer")
    ]


# --- passwords -----------------------------------------------------------------------------------------


def password_url(target: User) -> str:
    return reverse("admin:auth_user_password_change", args=[target.pk])


def set_password(client: Client, target: User) -> Any:
    return client.post(
        password_url(target),
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
            "set-password": "1",
        },
    )


def test_the_province_admin_cannot_set_the_superusers_password():
    client = logged_in("qt.tinh")
    before = snapshot()
    superuser = user("admin")
    assert client.get(password_url(superuser)).status_code == 404  # he does not even see the account
    assert set_password(client, superuser).status_code == 404
    assert client.post(change_url(superuser), {"username": "admin", "is_superuser": ""}).status_code == 404
    assert snapshot() == before
    assert user("admin").check_password(DEMO_PASSWORD)


def test_only_the_superuser_sets_another_administrators_password():
    client = logged_in("qt.tinh")
    before = snapshot()
    response = set_password(client, user("qt.phohien"))
    assert response.status_code == 403
    assert "Chỉ quản trị hệ thống mới được đặt mật khẩu của người quản trị khác." in page_text(response)
    assert snapshot() == before
    response = set_password(logged_in("admin"), user("qt.phohien"))
    assert response.status_code == 302
    assert user("qt.phohien").check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("actor", "target"),
    [("qt.tinh", "chuyenvien.tanhung"), ("qt.tinh", "kiemsoat"), ("qt.phohien", "motcua.phohien")],
)
def test_administrators_set_the_passwords_of_the_staff_below_them(actor, target):
    response = set_password(logged_in(actor), user(target))
    assert response.status_code == 302
    assert user(target).check_password(NEW_PASSWORD)


def test_the_agency_admin_cannot_set_passwords_outside_his_commune_or_of_the_monitor():
    client = logged_in("qt.phohien")
    before = snapshot()
    for target in ("chuyenvien.tanhung", "kiemsoat", "qt.tinh", "congdan"):
        assert set_password(client, user(target)).status_code == 404, target
    assert snapshot() == before


def test_ones_own_password_is_changed_with_the_current_one():
    client = logged_in("qt.phohien")
    before = snapshot()
    response = set_password(client, user("qt.phohien"))
    assert response.status_code == 403
    assert "Đổi mật khẩu" in page_text(response)
    assert snapshot() == before
    # The admin's own "change password" is the site's one page, which checks the current password.
    assert client.get(reverse("admin:password_change"))["Location"] == reverse("web:password_change")
    response = client.post(
        reverse("web:password_change"),
        {"old_password": "sai-mat-khau", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200 and snapshot() == before
    response = client.post(
        reverse("web:password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert user("qt.phohien").check_password(NEW_PASSWORD)
    assert client.get(reverse("admin:index")).status_code == 200  # still logged in


# --- roles -----------------------------------------------------------------------------------------------


def add_membership(client: Client, username: str, agency_code: str, role: str) -> Any:
    return client.post(
        reverse("admin:organization_membership_add"),
        {
            "user": str(user(username).pk),
            "agency": str(agency(agency_code).pk),
            "role": role,
            "is_active": "on",
        },
    )


@pytest.mark.parametrize("role", ["province_admin", "agency_admin", "monitor"])
def test_the_agency_admin_grants_no_administrator_or_province_wide_role(role):
    client = logged_in("qt.phohien")
    before = snapshot()
    response = add_membership(client, "chuyenvien.phohien", COMMITTEE_A, role)
    assert response.status_code == 200
    assert "Chỉ quản trị" in page_text(response)
    assert snapshot() == before
    # Nor through the roles on the account's page.
    url = change_url(user("chuyenvien.phohien"))
    data = add_membership_row(
        form_data(client, url), "memberships", agency=str(agency(COMMITTEE_A).pk), role=role
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Chỉ quản trị" in page_text(response)
    assert snapshot() == before


def test_the_agency_admin_grants_an_ordinary_role_in_his_commune():
    client = logged_in("qt.phohien")
    assert add_membership(client, "chuyenvien.phohien", CENTRE_A, "one_stop_officer").status_code == 302
    url = change_url(user("motcua.phohien"))
    data = add_membership_row(
        form_data(client, url), "memberships", agency=str(agency(COMMITTEE_A).pk), role="clerk"
    )
    assert client.post(url, data).status_code == 302
    assert set(
        Membership.objects.filter(user__username__in=["chuyenvien.phohien", "motcua.phohien"]).values_list(
            "user__username", "agency__code", "role"
        )
    ) >= {("chuyenvien.phohien", CENTRE_A, "one_stop_officer"), ("motcua.phohien", COMMITTEE_A, "clerk")}


def test_only_the_superuser_appoints_a_province_admin():
    client = logged_in("qt.tinh")
    before = snapshot()
    response = add_membership(client, "chuyenvien.stp", OFFICE, "province_admin")
    assert response.status_code == 200
    assert "Chỉ quản trị hệ thống mới được giao hoặc thu hồi vai trò Quản trị tỉnh." in page_text(response)
    assert snapshot() == before
    assert add_membership(logged_in("admin"), "chuyenvien.stp", OFFICE, "province_admin").status_code == 302


def test_the_province_admin_appoints_and_removes_agency_admins():
    client = logged_in("qt.tinh")
    assert add_membership(client, "lanhdao.phohien", COMMITTEE_A, "agency_admin").status_code == 302
    appointed = Membership.objects.get(user__username="lanhdao.phohien", role="agency_admin")
    response = client.post(
        reverse("admin:organization_membership_delete", args=[appointed.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=appointed.pk).exists()


def test_the_agency_admin_cannot_reach_another_commune():
    client = logged_in("qt.phohien")
    before = snapshot()
    other = user("chuyenvien.tanhung")
    assert client.get(change_url(other)).status_code == 404
    assert client.post(change_url(other), {"username": other.username, "is_active": ""}).status_code == 404
    assert client.get(change_url(other.memberships.get())).status_code == 404
    response = add_membership(client, "chuyenvien.phohien", COMMITTEE_B, "specialist")
    assert response.status_code == 200 and "agency" in response.context["adminform"].form.errors
    response = add_membership(client, "chuyenvien.tanhung", COMMITTEE_A, "specialist")
    assert response.status_code == 200 and "user" in response.context["adminform"].form.errors
    assert snapshot() == before


def test_the_agency_admin_cannot_move_a_role_out_of_his_commune():
    client = logged_in("qt.phohien")
    before = snapshot()
    membership = user("chuyenvien.phohien").memberships.get()
    data = form_data(client, change_url(membership))
    data["agency"] = str(agency(COMMITTEE_B).pk)
    response = client.post(change_url(membership), data)
    assert response.status_code == 200 and "agency" in response.context["adminform"].form.errors
    assert snapshot() == before


def test_nobody_changes_his_own_roles():
    for username in ("qt.phohien", "qt.tinh"):
        client = logged_in(username)
        before = snapshot()
        own = user(username).memberships.get()
        response = client.post(
            change_url(own), {"user": own.user_id, "agency": own.agency_id, "role": "leader"}
        )
        assert response.status_code == 403, username
        response = client.post(
            reverse("admin:organization_membership_delete", args=[own.pk]), {"post": "yes"}
        )
        assert response.status_code == 403, username
        # Nor on his account's page, where his roles are shown read-only.
        data = add_membership_row(
            form_data(client, change_url(own.user)), "memberships", agency=str(own.agency_id), role="leader"
        )
        client.post(change_url(own.user), data)
        assert snapshot() == before, username


def test_someone_with_a_role_elsewhere_is_read_only_for_the_agency_admin():
    shared = User.objects.create_user("chung.hai.xa", password=DEMO_PASSWORD)
    membership_grant(actor=None, agency=agency(COMMITTEE_A), user=shared, role="specialist")
    membership_grant(actor=None, agency=agency(COMMITTEE_B), user=shared, role="specialist")
    client = logged_in("qt.phohien")
    before = snapshot()
    response = client.get(change_url(shared))
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert client.post(change_url(shared), form_data(client, change_url(shared))).status_code == 403
    response = set_password(client, shared)
    assert response.status_code == 403
    assert "Người này còn có vai trò ở cơ quan ngoài phạm vi quản lý của bạn." in page_text(response)
    mine = shared.memberships.get(agency__code=COMMITTEE_A)
    assert (
        client.post(
            reverse("admin:organization_membership_delete", args=[mine.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert snapshot() == before
    # The province admin reaches both communes: the account is his.
    assert set_password(logged_in("qt.tinh"), shared).status_code == 302


def test_a_citizens_account_is_nobodys_staff():
    before = snapshot()
    for username in ("qt.phohien", "qt.tinh"):
        response = add_membership(logged_in(username), "congdan", COMMITTEE_A, "specialist")
        assert response.status_code == 200, username
    assert snapshot() == before
    assert Applicant.objects.filter(user__username="congdan").exists()


def test_bulk_deletion_of_roles_is_all_or_nothing():
    client = logged_in("qt.phohien")
    before = snapshot()
    own = user("qt.phohien").memberships.get()
    member = user("chuyenvien.phohien").memberships.get()
    response = client.post(
        reverse("admin:organization_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [own.pk, member.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert snapshot() == before
    response = client.post(
        reverse("admin:organization_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [member.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=member.pk).exists()
    # Accounts are deleted by the superuser only: the action is not even offered.
    client = logged_in("qt.tinh")
    before = snapshot()
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "delete_selected", "_selected_action": [user("chuyenvien.tanhung").pk], "post": "yes"},
    )
    assert snapshot() == before


# --- agencies -------------------------------------------------------------------------------------------


def test_the_province_admin_keeps_agencies_in_his_province():
    client = logged_in("qt.tinh")
    before = snapshot()
    committee = agency(PROVINCIAL_COMMITTEE)
    url = change_url(committee)
    data = form_data(client, url)
    # Under one of its own descendants: a loop.
    data["parent"] = str(agency(COMMITTEE_A).pk)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "không được là chính cơ quan này hay một cơ quan trực thuộc nó" in page_text(response)
    # His own office moved to another province would take his reach with it.
    office = agency(OFFICE)
    data = form_data(client, change_url(office))
    data["unit"] = str(AdministrativeUnit.objects.get(code="01").pk)
    response = client.post(change_url(office), data)
    assert response.status_code == 200 and "unit" in response.context["adminform"].form.errors
    data = form_data(client, change_url(office))
    data["code"] = "VP-UBND"
    response = client.post(change_url(office), data)
    assert response.status_code == 200 and "code" in response.context["adminform"].form.errors
    assert snapshot() == before
    data = form_data(client, change_url(office))
    data["short_name"] = "VP UBND tỉnh"
    assert client.post(change_url(office), data).status_code == 302
    assert agency(OFFICE).short_name == "VP UBND tỉnh"


def test_the_agency_admin_reads_his_agencies_and_changes_none():
    client = logged_in("qt.phohien")
    before = snapshot()
    committee = agency(COMMITTEE_A)
    response = client.get(change_url(committee))
    assert response.status_code == 200 and not response.context["has_change_permission"]
    response = client.post(change_url(committee), {"code": committee.code, "name": "Đổi tên", "parent": ""})
    assert response.status_code == 403
    assert snapshot() == before


# --- history, autocomplete, the index ------------------------------------------------------------------


def test_a_version_page_is_read_only_for_everyone():
    client = logged_in("admin")
    target = user("kiemsoat")
    target.is_superuser = True
    target.save()  # a version in which the monitor was superuser
    target.is_superuser = False
    target.save()
    old = target.history.filter(is_superuser=True).get()
    url = reverse("admin:accounts_user_simple_history", args=[target.pk, old.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Khôi phục" not in page_text(page)
    before = snapshot()
    response = client.post(url, form_data(client, url))
    assert response.status_code == 403
    assert "Không khôi phục phiên bản cũ" in page_text(response)
    assert snapshot() == before
    assert not user("kiemsoat").is_superuser


def autocomplete(
    client: Client, app_label: str, model_name: str, field_name: str, term: str = ""
) -> set[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    ids = [item["id"] for item in response.json()["results"]]
    return set(User.objects.filter(pk__in=ids).values_list("username", flat=True))


def test_autocomplete_offers_only_the_people_within_reach():
    commune_a = {"qt.phohien", "chuyenvien.phohien", "lanhdao.phohien", "vanthu.phohien", "motcua.phohien"}
    client = logged_in("qt.phohien")
    assert autocomplete(client, "organization", "membership", "user") == commune_a
    assert autocomplete(client, "organization", "membership", "user", "tanhung") == set()
    # Any foreign key to accounts answers from the same list, whichever model names it.
    assert autocomplete(client, "accounts", "applicant", "user") == commune_a
    seen = autocomplete(logged_in("qt.tinh"), "organization", "membership", "user")
    assert {"chuyenvien.tanhung", "kiemsoat", "qt.phohien"} <= seen
    assert not {"admin", "congdan", "doanhnghiep"} & seen


def test_each_administrator_sees_his_own_part_of_the_admin():
    def models(username: str) -> set[str]:
        response = logged_in(username).get(reverse("admin:index"))
        return {m["object_name"] for app in response.context["app_list"] for m in app["models"]}

    assert models("qt.phohien") == {"User", "Agency", "Membership"}
    assert {"Procedure", "Agency", "Membership", "User", "Counter", "Target", "CalendarOverride"} <= models(
        "qt.tinh"
    )
    assert not {"Applicant", "ApiToken", "Dossier", "OutboxMessage", "SigningCredential"} & models("qt.tinh")


def test_the_site_links_to_the_admin_only_for_administrators():
    link = 'href="/quan-tri/"'
    for username, shown in (
        ("qt.phohien", True),
        ("qt.tinh", True),
        ("admin", True),
        ("motcua.phohien", False),
    ):
        assert (link in logged_in(username).get("/").content.decode()) is shown, username
