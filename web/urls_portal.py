"""Citizen portal pages (online filing, my dossiers, data store, lookup)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
