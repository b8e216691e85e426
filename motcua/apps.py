"""The admin application with motcua's admin site (``motcua.admin_site``) as ``admin.site``."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class MotcuaAdminConfig(AdminConfig):
    default_site = "motcua.admin_site.MotcuaAdminSite"
