"""What every page shows around its content (the header, the menu, the footer), given to the templates
by the ``site`` context processor. What it reads is read with the session's user where it can be
(``SiteReader``, accounts.reading) — the province's name — or answered from what the request already
holds (the user's memberships), so that a page's chrome costs no statement of its own (issue 12 §7)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet, Subquery
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from integrations.emc.page import page_script
from kernel.memo import keep, remember
from organization.admin_policy import has_admin_access
from organization.models import AdministrativeUnit
from organization.selectors import holds_roles

PROVINCE_NAME = "web.province_name"


def _province() -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.filter(code=settings.MOTCUA_PROVINCE_CODE)


def province_name() -> str:
    """The name of the province the site serves, once per request (with the session's user, when the
    request has one: ``SiteReader``)."""

    def read() -> str:
        province = _province().only("name").first()
        return province.name if province else ""

    return remember(PROVINCE_NAME, read)


class SiteReader:
    """The province's name read with the session's user (accounts.reading): every page shows it. Not
    with an API token's user: the API shows no page."""

    def annotate(self, queryset: QuerySet[Any], user: str) -> QuerySet[Any]:
        if user != "pk":
            return queryset
        return queryset.annotate(_site_province_name=Subquery(_province().values("name")[:1]))

    def shape(self) -> tuple[str, ...]:
        return ("_site_province_name", settings.MOTCUA_PROVINCE_CODE)

    def keep(self, row: Any, user: User) -> None:
        if "_site_province_name" in row.__dict__:
            keep(PROVINCE_NAME, row.__dict__.pop("_site_province_name") or "")


def site(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    # The session's user first (every page's menu shows him or the login): the province's name is
    # read with him.
    signed_in = bool(user is not None and user.is_authenticated)
    return {
        "site_name": settings.MOTCUA_SITE_NAME,
        # EMC's tracking snippet (None when EMC is off): public pages carry it, staff pages leave out
        # the block that shows it.
        "emc_script": page_script(),
        "province_name": province_name(),
        # The workspace's links, for those who hold a role (asked only when a page shows the menu).
        "holds_roles": SimpleLazyObject(lambda: signed_in and isinstance(user, User) and holds_roles(user)),
        # The link to the admin, for those it opens for (asked only when a page shows the menu).
        "can_use_admin": SimpleLazyObject(lambda: has_admin_access(request.user)),
    }
