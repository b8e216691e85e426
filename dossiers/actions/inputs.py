"""Reading an action's input from plain fields (an API body, a page's cleaned form): references by
code or username resolved with the same refusals everywhere."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields as dataclass_fields
from typing import Any, TypeVar

from accounts.models import User
from kernel.errors import DomainError
from organization.models import Agency
from organization.selectors import keep_memberships, with_memberships

T = TypeVar("T")


def required(value: Any, name: str) -> Any:
    if value in (None, "", []):
        raise DomainError(
            "field_required", f"Thao tác này cần trường «{name}».", fields={name: ["Bắt buộc nhập."]}
        )
    return value


def user_named(username: str | None) -> User | None:
    if not username:
        return None
    # With the memberships the checks of the named person ask for (one statement).
    user: User | None = with_memberships(User.objects.filter(username=username, is_active=True)).first()
    if user is not None:
        keep_memberships(user, user)
    if user is None:
        raise DomainError(
            "unknown_user", f"Không có cán bộ {username}.", fields={"assignee": ["Không tồn tại."]}
        )
    return user


def agency_coded(code: str, field: str) -> Agency:
    agency = Agency.objects.filter(code=code, is_active=True).first()
    if agency is None:
        raise DomainError(
            "unknown_agency", f"Không có cơ quan mã {code}.", fields={field: ["Không tồn tại."]}
        )
    return agency


def step_number(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def plain(cls: type[T]) -> Callable[[Mapping[str, Any]], T]:
    """The input read field by field, by name (absent and None take the default)."""
    names = [f.name for f in dataclass_fields(cls)]  # type: ignore[arg-type]

    def parse(values: Mapping[str, Any]) -> T:
        return cls(**{n: values[n] for n in names if values.get(n) is not None})

    return parse
