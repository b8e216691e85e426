"""Citizen portal pages (online filing, my dossiers, data store, lookup)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from kernel.access import login_required_view
from web import lookup_views, notice_views, portal_filing, portal_views

urlpatterns: list[URLPattern | URLResolver] = []

# Online filing wizard (portal_filing) and the citizen's own dossiers and data store (portal_views).
urlpatterns += [
    path("nop-ho-so/", login_required_view(portal_filing.file_index), name="portal_file_index"),
    path("nop-ho-so/<str:code>/", login_required_view(portal_filing.file_place), name="portal_file_place"),
    path(
        "nop-ho-so/<str:code>/to-khai/", login_required_view(portal_filing.file_form), name="portal_file_form"
    ),
    path(
        "nop-ho-so/<str:code>/<uuid:ref>/giay-to/",
        login_required_view(portal_filing.file_components),
        name="portal_file_components",
    ),
    path(
        "nop-ho-so/<str:code>/<uuid:ref>/giay-to/<int:component_id>/",
        login_required_view(portal_filing.file_attach),
        name="portal_file_attach",
    ),
    path(
        "nop-ho-so/<str:code>/<uuid:ref>/sua/",
        login_required_view(portal_filing.file_edit),
        name="portal_file_edit",
    ),
    path(
        "nop-ho-so/<str:code>/<uuid:ref>/xem-lai/",
        login_required_view(portal_filing.file_review),
        name="portal_file_review",
    ),
    path(
        "nop-ho-so/<str:code>/<uuid:ref>/nop/",
        login_required_view(portal_filing.file_submit),
        name="portal_file_submit",
    ),
    path(
        "nop-ho-so/<str:code>/<uuid:ref>/huy/",
        login_required_view(portal_filing.file_cancel),
        name="portal_file_cancel",
    ),
    path("ho-so-cua-toi/", login_required_view(portal_views.my_dossiers), name="portal_my_dossiers"),
    path(
        "ho-so-cua-toi/tep/<uuid:file_uuid>/",
        login_required_view(portal_views.file_download),
        name="portal_file",
    ),
    path("ho-so-cua-toi/<str:ref>/", login_required_view(portal_views.dossier_detail), name="portal_dossier"),
    path(
        "ho-so-cua-toi/<str:ref>/ai-da-xem/",
        login_required_view(portal_views.dossier_accesses),
        name="portal_dossier_accesses",
    ),
    path(
        "ho-so-cua-toi/<str:ref>/bo-sung/<int:component_id>/",
        login_required_view(portal_views.supplement_attach),
        name="portal_supplement_attach",
    ),
    path(
        "ho-so-cua-toi/<str:ref>/gui-bo-sung/",
        login_required_view(portal_views.supplement_send),
        name="portal_supplement_send",
    ),
    path(
        "ho-so-cua-toi/<str:ref>/rut/",
        login_required_view(portal_views.dossier_withdraw),
        name="portal_withdraw",
    ),
    path(
        "ho-so-cua-toi/<str:ref>/bieu-mau/<slug:form>.pdf",
        login_required_view(portal_views.form_download),
        name="portal_form",
    ),
    path("kho-du-lieu/", login_required_view(portal_views.vault), name="portal_vault"),
]

# The citizen's inbox of notices and his choice of channels (notice_views).
urlpatterns += [
    path("thong-bao/", login_required_view(notice_views.inbox), name="notices"),
    path("thong-bao/da-doc/", login_required_view(notice_views.mark_all_read), name="notices_read_all"),
    path("thong-bao/cach-nhan/", login_required_view(notice_views.choose_channels), name="notices_channels"),
    path("thong-bao/<uuid:entry>/da-doc/", login_required_view(notice_views.mark_read), name="notice_read"),
]

# Public dossier lookup by code, and the address the forms' QR code opens (lookup_views).
urlpatterns += [
    path("tra-cuu/", lookup_views.lookup, name="lookup"),
    path("tra-cuu/<str:code>/", lookup_views.lookup_code, name="lookup_code"),
]
