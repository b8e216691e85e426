"""Writes to the organisation: agencies, units, staff accounts and their roles.

Every write an administrator makes (the admin, the API) checks the actor's authority here
(``organization.selectors``: ``admin_reach``, ``membership_refusal``); ``actor=None`` means a system
loader. Each ``*_refusal`` function is the check without the write, for forms to show the reason
before anything is saved.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from accounts.passwords import password_problems
from kernel.errors import DomainError, Forbidden, NotFound
from kernel.text import fold, nfc
from organization.codes import agency_code_error
from organization.models import AdministrativeUnit, Agency, Membership
from organization.selectors import (
    SYSTEM_REACH,
    Authority,
    admin_reach,
    agency_subtree,
    membership_refusal,
)


def agency_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    level: str,
    unit: AdministrativeUnit,
    parent: Agency | None = None,
    short_name: str = "",
    address: str = "",
) -> Agency:
    """Create or update the agency with this electronic identifier (idempotent, for loaders)."""
    if error := agency_code_error(code):
        raise DomainError("invalid_agency_code", f"{code}: {error}", fields={"code": [error]})
    name = nfc(name)
    agency, _created = Agency.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "name_folded": fold(name),
            "short_name": nfc(short_name),
            "kind": kind,
            "level": level,
            "unit": unit,
            "province": unit.province,
            "parent": parent,
            "address": nfc(address),
        },
    )
    return agency


def agency_refusal(
    *,
    actor: User,
    agency: Agency | None,
    code: str,
    kind: str,
    level: str,
    unit: AdministrativeUnit,
    parent: Agency | None,
) -> DomainError | None:
    """Why ``actor`` may not create (``agency`` None) or change an agency to these values, or None.

    A province administrator keeps every agency he touches inside his province: he cannot move one
    out, bring one in from another province, or put his own office in another province (his reach
    follows his office's province)."""
    if error := agency_code_error(code):
        return DomainError("invalid_agency_code", f"{code}: {error}", fields={"code": [error]})
    taken = Agency.objects.filter(code=code)
    if agency is not None:
        taken = taken.exclude(pk=agency.pk)
    if taken.exists():
        message = "Mã định danh này đã được dùng cho cơ quan khác."
        return DomainError("agency_code_taken", message, status=409, fields={"code": [message]})
    if kind not in Agency.Kind.values:
        return DomainError("invalid_kind", "Loại cơ quan không hợp lệ.", fields={"kind": ["Không hợp lệ."]})
    if level not in Agency.Level.values:
        return DomainError("invalid_level", "Cấp không hợp lệ.", fields={"level": ["Không hợp lệ."]})
    if parent is not None and agency is not None and parent.pk in agency_subtree([agency.pk]):
        message = "Cơ quan cấp trên không được là chính cơ quan này hay một cơ quan trực thuộc nó."
        return DomainError("agency_cycle", message, fields={"parent": [message]})
    reach = admin_reach(actor)
    if reach.superuser:
        return None
    if agency is not None and reach.at(agency) < Authority.PROVINCE:
        return NotFound("Không tìm thấy cơ quan.")
    if unit.province.pk not in reach.province.province_ids:
        message = "Địa bàn của cơ quan phải thuộc tỉnh bạn quản trị."
        return Forbidden(message)
    if parent is not None and reach.at(parent) < Authority.PROVINCE:
        return Forbidden("Cơ quan cấp trên phải thuộc tỉnh bạn quản trị.")
    return None


@transaction.atomic
def agency_save(
    *,
    actor: User,
    agency: Agency | None,
    code: str,
    name: str,
    kind: str,
    level: str,
    unit: AdministrativeUnit,
    parent: Agency | None = None,
    short_name: str = "",
    address: str = "",
    phone: str = "",
    email: str = "",
    is_active: bool = True,
    is_test: bool | None = None,
) -> Agency:
    """Create (``agency`` None) or change an agency; superusers anywhere, province administrators in
    their province. ``is_test``: the agency runs in test mode (its dossiers are test dossiers, counted
    nowhere); None keeps what it was (off for a new agency)."""
    code = code.strip()
    if agency is not None:
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if error := agency_refusal(
        actor=actor, agency=agency, code=code, kind=kind, level=level, unit=unit, parent=parent
    ):
        raise error
    target = agency or Agency()
    name = nfc(name)
    target.code = code
    target.name = name
    target.name_folded = fold(name)
    target.short_name = nfc(short_name)
    target.kind = kind
    target.level = level
    target.unit = unit
    target.province = unit.province
    target.parent = parent
    target.address = nfc(address)
    target.phone = phone.strip()
    target.email = email.strip()
    target.is_active = is_active
    if is_test is not None:
        target.is_test = is_test
    target.save()
    return target


@transaction.atomic
def unit_update(
    *,
    actor: User,
    unit: AdministrativeUnit,
    name: str,
    kind: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    area_km2: Decimal | None,
) -> AdministrativeUnit:
    """Correct a unit's name, kind, position or area. Codes, levels and the hierarchy come from the
    statistics office's list (``organization.loaders``), not from administrators."""
    unit = AdministrativeUnit.objects.select_for_update().get(pk=unit.pk)
    reach = admin_reach(actor)
    if not reach.superuser and unit.province.pk not in reach.province.province_ids:
        raise NotFound("Không tìm thấy đơn vị hành chính.")
    name = nfc(name).strip()
    if not name:
        raise DomainError("name_required", "Tên không được để trống.", fields={"name": ["Bắt buộc nhập."]})
    unit.name = name
    unit.name_folded = fold(name)
    unit.kind = nfc(kind).strip()
    unit.latitude = latitude
    unit.longitude = longitude
    unit.area_km2 = area_km2
    unit.save()
    return unit


def _grant(*, agency: Agency, user: User, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


@transaction.atomic
def membership_grant(*, actor: User | None, agency: Agency, user: User, role: str) -> Membership:
    """Give ``user`` a role in ``agency``. ``actor`` None means a system loader."""
    reach = admin_reach(actor) if actor is not None else SYSTEM_REACH
    if error := membership_refusal(reach, user=user, agency=agency, role=role):
        raise error
    return _grant(agency=agency, user=user, role=role)


def membership_change_refusal(
    *, actor: User, membership: Membership | None, user: User, agency: Agency, role: str
) -> DomainError | None:
    """Why ``actor`` may not save this membership (``membership`` None: a new one), or None. Changing
    who, where or which role is taking the old role away and giving the new one: both must be his."""
    reach = admin_reach(actor)
    if membership is not None:
        if error := membership_refusal(
            reach, user=membership.user, agency=membership.agency, role=membership.role
        ):
            return error
        if (membership.user_id, membership.agency_id, membership.role) == (user.pk, agency.pk, role):
            return None
    return membership_refusal(reach, user=user, agency=agency, role=role)


@transaction.atomic
def membership_update(
    *, actor: User, membership: Membership, user: User, agency: Agency, role: str, is_active: bool
) -> Membership:
    """Change a membership: its person, agency, role, or whether it is in force."""
    membership = Membership.objects.select_for_update().select_related("user", "agency").get(pk=membership.pk)
    if error := membership_change_refusal(
        actor=actor, membership=membership, user=user, agency=agency, role=role
    ):
        raise error
    if Membership.objects.filter(user=user, agency=agency, role=role).exclude(pk=membership.pk).exists():
        raise DomainError("membership_exists", "Người này đã có vai trò này ở cơ quan này.", status=409)
    membership.user = user
    membership.agency = agency
    membership.role = role
    membership.is_active = is_active
    membership.save()
    return membership


@transaction.atomic
def membership_revoke(*, actor: User, membership: Membership) -> None:
    """Take a role away for good (the history keeps it); to suspend it, set it not in force."""
    membership = Membership.objects.select_for_update().select_related("user", "agency").get(pk=membership.pk)
    if error := membership_refusal(
        admin_reach(actor), user=membership.user, agency=membership.agency, role=membership.role
    ):
        raise error
    membership.delete()


@transaction.atomic
def staff_user_create(
    *,
    actor: User | None,
    agency: Agency,
    username: str,
    full_name: str,
    password: str,
    role: str,
    email: str = "",
    validate: bool = True,
) -> User:
    """Create a staff account in ``agency`` with one role, under the same rules as ``membership_grant``."""
    username = username.strip()
    candidate = User(username=username, full_name=nfc(full_name), email=email.strip(), is_staff=False)
    reach = admin_reach(actor) if actor is not None else SYSTEM_REACH
    if error := membership_refusal(reach, user=candidate, agency=agency, role=role, new_account=True):
        raise error
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(
            "username_taken",
            "Tên đăng nhập đã được sử dụng.",
            status=409,
            fields={"username": ["Đã tồn tại."]},
        )
    # The account is about to hold a role: the staff rules apply although it has none yet.
    if validate and (problems := password_problems(user=candidate, password=password, staff=True)):
        raise DomainError("weak_password", "Mật khẩu chưa đủ mạnh.", fields={"password": problems})
    candidate.set_password(password)
    candidate.save()
    _grant(agency=agency, user=candidate, role=role)
    return candidate
