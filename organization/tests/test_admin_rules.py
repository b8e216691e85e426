"""Who may manage whose account and roles, checked in the services every admin page and the API call:
nobody manages an account of his own rank or above, grants a role he could not hold over others, or
reaches an agency outside his province or commune (docs/adr/0007)."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from accounts.services import user_set_password, user_update
from demo.loader import DEMO_PASSWORD
from kernel.errors import DomainError, Forbidden, NotFound
from organization.models import AdministrativeUnit, Agency, Membership
from organization.selectors import (
    Authority,
    account_refusal,
    admin_reach,
    membership_refusal,
    password_refusal,
    visible_users,
)
from organization.services import (
    agency_save,
    membership_grant,
    membership_revoke,
    membership_update,
    staff_user_create,
    unit_update,
)
from testing.reference import DEMO_LOGINS

pytestmark = pytest.mark.django_db

OFFICE = "000.00.01.H31"
PROVINCIAL_COMMITTEE = "000.00.00.H31"
COMMITTEE_A = "000.00.11953.H31"
CENTRE_A = "001.00.11953.H31"
COMMITTEE_B = "000.00.11977.H31"
STAFF = DEMO_LOGINS


def user(username: str) -> User:
    return User.objects.get(username=username)


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def managed_by(actor: str) -> set[str]:
    reach = admin_reach(user(actor))
    return {name for name in STAFF if name != actor and account_refusal(reach, user(name)) is None}


def test_whose_accounts_each_administrator_manages():
    assert managed_by("admin") == set(STAFF) - {"admin"}
    # Everyone of the province below him: not the superuser, not the citizens.
    assert managed_by("qt.tinh") == {
        "kiemsoat",
        "motcua.tinh",
        "chuyenvien.stp",
        "lanhdao.stp",
        "motcua.phohien",
        "chuyenvien.phohien",
        "lanhdao.phohien",
        "vanthu.phohien",
        "qt.phohien",
        "motcua.tanhung",
        "chuyenvien.tanhung",
    }
    # The ordinary staff of his commune's committee and service centre.
    assert managed_by("qt.phohien") == {
        "motcua.phohien",
        "chuyenvien.phohien",
        "lanhdao.phohien",
        "vanthu.phohien",
    }
    for nobody in ("kiemsoat", "lanhdao.phohien", "congdan"):
        assert managed_by(nobody) == set(), nobody


def test_the_reasons_an_account_is_not_his():
    reach = admin_reach(user("qt.phohien"))
    assert (
        account_refusal(reach, user("admin"))
        == "Chỉ quản trị hệ thống mới quản lý được tài khoản quản trị hệ thống."
    )
    assert "người nộp hồ sơ" in str(account_refusal(reach, user("congdan")))
    assert account_refusal(reach, user("chuyenvien.tanhung")) == (
        "Người này còn có vai trò ở cơ quan ngoài phạm vi quản lý của bạn."
    )
    assert "ngang hoặc cao hơn" in str(account_refusal(admin_reach(user("qt.tinh")), user("qt.tinh")))
    orphan = User.objects.create_user("khong.vai.tro", password=DEMO_PASSWORD)
    assert "chưa có vai trò" in str(account_refusal(reach, orphan))


def test_a_revoked_administrator_role_still_protects_the_account():
    """A suspended role can be restored by its own administrator: it still counts."""
    membership_grant(actor=None, agency=agency(CENTRE_A), user=user("motcua.phohien"), role="agency_admin")
    Membership.objects.filter(user__username="motcua.phohien", role="agency_admin").update(is_active=False)
    assert account_refusal(admin_reach(user("qt.phohien")), user("motcua.phohien")) is not None
    assert account_refusal(admin_reach(user("qt.tinh")), user("motcua.phohien")) is None


def test_passwords_of_administrators_are_the_superusers():
    tinh = admin_reach(user("qt.tinh"))
    assert (
        password_refusal(tinh, user("qt.phohien"))
        == "Chỉ quản trị hệ thống mới được đặt mật khẩu của người quản trị khác."
    )
    assert password_refusal(tinh, user("kiemsoat")) is None  # the monitor is no administrator
    assert password_refusal(tinh, user("chuyenvien.tanhung")) is None
    assert "Đổi mật khẩu" in str(password_refusal(tinh, user("qt.tinh")))
    assert "Đổi mật khẩu" in str(password_refusal(admin_reach(user("admin")), user("admin")))
    assert password_refusal(admin_reach(user("admin")), user("qt.tinh")) is None


@pytest.mark.parametrize(
    ("actor", "agency_code", "role", "refusal"),
    [
        ("qt.phohien", COMMITTEE_A, "specialist", None),
        ("qt.phohien", CENTRE_A, "one_stop_officer", None),  # the centre is below the committee
        ("qt.phohien", COMMITTEE_A, "agency_admin", Forbidden),
        ("qt.phohien", COMMITTEE_A, "monitor", Forbidden),
        ("qt.phohien", COMMITTEE_A, "province_admin", Forbidden),
        ("qt.phohien", COMMITTEE_B, "specialist", NotFound),
        ("qt.tinh", COMMITTEE_B, "agency_admin", None),
        ("qt.tinh", OFFICE, "monitor", None),
        ("qt.tinh", OFFICE, "province_admin", Forbidden),
        ("admin", OFFICE, "province_admin", None),
        ("lanhdao.phohien", COMMITTEE_A, "clerk", NotFound),
        ("qt.tinh", OFFICE, "emperor", DomainError),
    ],
)
def test_which_roles_each_administrator_grants_where(actor, agency_code, role, refusal):
    candidate = User(username="moi")
    error = membership_refusal(
        admin_reach(user(actor)), user=candidate, agency=agency(agency_code), role=role, new_account=True
    )
    assert type(error) is refusal if refusal else error is None


def test_the_membership_services_refuse_and_change_nothing():
    tri, tinh = user("qt.phohien"), user("qt.tinh")
    member = user("chuyenvien.phohien").memberships.get()
    with pytest.raises(NotFound):
        membership_update(
            actor=tri,
            membership=member,
            user=member.user,
            agency=agency(COMMITTEE_B),
            role="specialist",
            is_active=True,
        )
    with pytest.raises(Forbidden, match="Chỉ quản trị cấp tỉnh"):
        membership_update(
            actor=tri,
            membership=member,
            user=member.user,
            agency=member.agency,
            role="agency_admin",
            is_active=True,
        )
    with pytest.raises(Forbidden, match="chính mình"):
        membership_revoke(actor=tri, membership=tri.memberships.get())
    peer = user("chuyenvien.stp")  # made a second province admin by the superuser
    appointed = membership_grant(actor=user("admin"), agency=agency(OFFICE), user=peer, role="province_admin")
    with pytest.raises(
        Forbidden, match="Chỉ quản trị hệ thống mới được giao hoặc thu hồi vai trò Quản trị tỉnh"
    ):
        membership_revoke(actor=tinh, membership=appointed)
    with pytest.raises(Forbidden, match="ngang hoặc cao hơn"):  # nor any other role of his peer
        membership_revoke(actor=tinh, membership=peer.memberships.get(role="specialist"))
    with pytest.raises(Forbidden, match="người nộp hồ sơ"):
        membership_grant(actor=tinh, agency=agency(COMMITTEE_A), user=user("congdan"), role="specialist")
    with pytest.raises(Forbidden, match="ngoài phạm vi"):
        membership_grant(
            actor=tri, agency=agency(COMMITTEE_A), user=user("chuyenvien.tanhung"), role="specialist"
        )
    member.refresh_from_db()
    assert (member.agency.code, member.role, member.is_active) == (COMMITTEE_A, "specialist", True)
    moved = membership_update(
        actor=tri, membership=member, user=member.user, agency=agency(CENTRE_A), role="clerk", is_active=False
    )
    assert (moved.agency.code, moved.role, moved.is_active) == (CENTRE_A, "clerk", False)
    membership_revoke(actor=tri, membership=moved)
    assert not Membership.objects.filter(pk=moved.pk).exists()


def test_staff_accounts_are_created_under_the_same_rules():
    tri = user("qt.phohien")
    with pytest.raises(Forbidden):
        staff_user_create(
            actor=tri,
            agency=agency(COMMITTEE_A),
            username="pho.qt",
            full_name="",
            password="Mot-mat-khau-dai-9",
            role="agency_admin",
        )
    with pytest.raises(NotFound):
        staff_user_create(
            actor=tri,
            agency=agency(COMMITTEE_B),
            username="pho.qt",
            full_name="",
            password="Mot-mat-khau-dai-9",
            role="clerk",
        )
    with pytest.raises(DomainError, match="Tên đăng nhập đã được sử dụng"):
        staff_user_create(
            actor=tri,
            agency=agency(COMMITTEE_A),
            username="QT.TINH",
            full_name="",
            password="Mot-mat-khau-dai-9",
            role="clerk",
        )
    assert not User.objects.filter(username="pho.qt").exists()
    created = staff_user_create(
        actor=tri,
        agency=agency(CENTRE_A),
        username="pho.qt",
        full_name="Mới",
        password="Mot-mat-khau-dai-9",
        role="clerk",
    )
    assert not created.is_superuser and not created.is_staff
    assert account_refusal(admin_reach(tri), created) is None


def test_api_members_follow_the_same_rules(api, agency_admin_a):
    """The API's "give an existing account a role" no longer lets an agency admin pick up anyone."""
    for username in ("chuyenvien.tanhung", "congdan", "admin"):
        status, body = api(agency_admin_a).post(
            f"agencies/{COMMITTEE_A}/members", {"username": username, "role": "specialist"}
        )
        assert status == 403, username
        assert body["error"]["code"] == "forbidden"
    assert not Membership.objects.filter(
        user__username__in=["chuyenvien.tanhung", "congdan", "admin"], agency__code=COMMITTEE_A
    ).exists()


def test_account_updates():
    tinh, tri, superuser = user("qt.tinh"), user("qt.phohien"), user("admin")
    with pytest.raises(Forbidden, match="chính mình"):
        user_update(actor=tinh, user=tinh, is_superuser=True)
    with pytest.raises(Forbidden, match="chính mình"):
        user_update(actor=superuser, user=superuser, is_superuser=False)
    with pytest.raises(Forbidden, match="Chỉ quản trị hệ thống"):
        user_update(actor=tinh, user=tri, is_superuser=True)
    with pytest.raises(Forbidden, match="Chỉ quản trị hệ thống"):
        user_update(actor=tinh, user=tri, username="tri")
    with pytest.raises(Forbidden, match="ngoài phạm vi"):
        user_update(actor=tri, user=user("chuyenvien.tanhung"), is_active=False)
    with pytest.raises(DomainError, match="Thư điện tử không hợp lệ"):
        user_update(actor=tri, user=tri, email="khong-phai-thu")
    assert user_update(actor=tri, user=tri, full_name="Đinh Văn Trị", phone=" 0912 ").phone == "0912"
    assert not user_update(actor=tinh, user=tri, is_active=False).is_active  # an agency admin is below him
    assert user_update(actor=superuser, user=tinh, is_superuser=True, username="quan.tri.tinh").is_superuser
    tinh.refresh_from_db()
    assert not tinh.is_staff and tinh.groups.count() == 0


def test_passwords_are_set_in_one_place():
    tinh, tri = user("qt.tinh"), user("qt.phohien")
    with pytest.raises(DomainError, match="Mật khẩu hiện tại không đúng"):
        user_set_password(actor=tri, user=tri, password="Mot-mat-khau-dai-9")
    with pytest.raises(Forbidden, match="người quản trị khác"):
        user_set_password(actor=tinh, user=tri, password="Mot-mat-khau-dai-9")
    with pytest.raises(Forbidden):
        user_set_password(actor=tri, user=user("kiemsoat"), password="Mot-mat-khau-dai-9")
    with pytest.raises(DomainError, match="Mật khẩu chưa đạt yêu cầu"):
        user_set_password(actor=tinh, user=user("kiemsoat"), password="123")
    assert user("kiemsoat").check_password(DEMO_PASSWORD)
    user_set_password(actor=tri, user=tri, password="Mot-mat-khau-dai-9", old_password=DEMO_PASSWORD)
    assert user("qt.phohien").check_password("Mot-mat-khau-dai-9")
    user_set_password(actor=tinh, user=user("kiemsoat"), password=None)
    assert not user("kiemsoat").has_usable_password()


def test_agencies_stay_in_the_province_of_their_administrator():
    tinh = user("qt.tinh")
    office = agency(OFFICE)
    committee = agency(PROVINCIAL_COMMITTEE)
    hanoi = AdministrativeUnit.objects.get(code="01")
    fields: dict[str, Any] = {
        "code": office.code,
        "name": office.name,
        "kind": office.kind,
        "level": office.level,
        "unit": office.unit,
        "parent": office.parent,
    }
    with pytest.raises(Forbidden, match="Địa bàn của cơ quan phải thuộc tỉnh bạn quản trị"):
        agency_save(actor=tinh, agency=office, **{**fields, "unit": hanoi})
    with pytest.raises(DomainError, match="trực thuộc nó"):
        agency_save(
            actor=tinh, agency=committee, **{**fields, "code": committee.code, "parent": agency(COMMITTEE_A)}
        )
    with pytest.raises(DomainError, match="đã được dùng"):
        agency_save(actor=tinh, agency=office, **{**fields, "code": CENTRE_A})
    with pytest.raises(DomainError, match="kết thúc bằng mã cấp 1"):
        agency_save(actor=tinh, agency=office, **{**fields, "code": "VP-UBND"})
    with pytest.raises(NotFound):
        agency_save(actor=user("qt.phohien"), agency=agency(COMMITTEE_A), **{**fields, "code": COMMITTEE_A})
    assert agency(OFFICE).unit == office.unit
    created = agency_save(
        actor=tinh,
        agency=None,
        code="000.00.99.H31",
        name="Sở Thử Nghiệm",
        kind=Agency.Kind.DEPARTMENT,
        level=Agency.Level.PROVINCE,
        unit=office.unit,
        parent=committee,
    )
    assert (created.province, created.name_folded) == (office.unit.province, "so thu nghiem")
    assert admin_reach(tinh).at(created) == Authority.PROVINCE


def test_units_are_corrected_only_in_the_administrators_province():
    tinh = user("qt.tinh")
    hanoi = AdministrativeUnit.objects.get(code="01")
    with pytest.raises(NotFound):
        unit_update(
            actor=tinh,
            unit=hanoi,
            name="Hà Nội",
            kind="Thành phố",
            latitude=None,
            longitude=None,
            area_km2=None,
        )
    pho_hien = AdministrativeUnit.objects.get(code="11953")
    saved = unit_update(
        actor=tinh,
        unit=pho_hien,
        name="Phường Phố Hiến",
        kind="Phường",
        latitude=None,
        longitude=None,
        area_km2=None,
    )
    assert saved.name_folded == "phuong pho hien"


def test_each_administrator_sees_the_people_of_his_reach():
    assert set(visible_users(admin_reach(user("qt.phohien"))).values_list("username", flat=True)) == {
        "qt.phohien",
        "motcua.phohien",
        "chuyenvien.phohien",
        "lanhdao.phohien",
        "vanthu.phohien",
    }
    seen = set(visible_users(admin_reach(user("qt.tinh"))).values_list("username", flat=True))
    assert "chuyenvien.tanhung" in seen and not {"admin", "congdan", "doanhnghiep"} & seen
    assert visible_users(admin_reach(user("lanhdao.phohien"))).count() == 0
