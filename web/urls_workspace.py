"""Officer workspace pages (inbox, counter reception, dossier page, actions, ledger)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
