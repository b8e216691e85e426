"""Writes to the organisation: agencies, staff accounts and their roles."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from accounts.passwords import password_problems
from motcua.errors import DomainError, Forbidden, NotFound
from motcua.text import fold, nfc
from organization.codes import agency_code_error
from organization.models import AdministrativeUnit, Agency, Membership, Role
from organization.selectors import user_can

# Roles that widen a person's reach to the whole province: only a province administrator grants them.
PROVINCE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.MONITOR})


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


@transaction.atomic
def membership_grant(*, actor: User | None, agency: Agency, user: User, role: str) -> Membership:
    """Give ``user`` a role in ``agency``. ``actor`` None means a system loader."""
    if role not in Role.values:
        raise DomainError(
            "invalid_role", f"Vai trò không hợp lệ: {role}.", fields={"role": ["Không hợp lệ."]}
        )
    if actor is not None:
        if not user_can(actor, "members.manage", agency):
            raise NotFound("Không tìm thấy cơ quan.")
        if role in PROVINCE_ROLES and not (actor.is_superuser or user_can(actor, "catalog.manage", agency)):
            raise Forbidden("Chỉ quản trị cấp tỉnh mới được giao vai trò này.")
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    return membership


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
    """Create a staff account in ``agency`` with one role; the actor needs ``members.manage`` there."""
    if actor is not None and not user_can(actor, "members.manage", agency):
        raise NotFound("Không tìm thấy cơ quan.")
    username = username.strip()
    if User.objects.filter(username=username).exists():
        raise DomainError(
            "username_taken",
            "Tên đăng nhập đã được sử dụng.",
            status=409,
            fields={"username": ["Đã tồn tại."]},
        )
    user = User(username=username, full_name=nfc(full_name), email=email, is_staff=False)
    # The account is about to hold a role: the staff rules apply although it has none yet.
    if validate and (problems := password_problems(user=user, password=password, staff=True)):
        raise DomainError("weak_password", "Mật khẩu chưa đủ mạnh.", fields={"password": problems})
    user.set_password(password)
    user.save()
    membership_grant(actor=actor, agency=agency, user=user, role=role)
    return user
