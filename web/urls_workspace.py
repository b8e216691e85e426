"""Officer workspace pages (inbox, counter reception, dossier page, actions, ledger). Every page needs a
login; the views themselves answer 403 to accounts without a role in an agency."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from kernel.access import login_required_view
from web import workspace_actions, workspace_reception, workspace_sync, workspace_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("can-bo/", login_required_view(workspace_views.inbox), name="workspace"),
    path("can-bo/ho-so/", login_required_view(workspace_views.inbox), name="workspace_inbox"),
    path(
        "can-bo/ho-so/<str:reference>/",
        login_required_view(workspace_views.dossier_page),
        name="workspace_dossier",
    ),
    path(
        "can-bo/ho-so/<str:reference>/bieu-mau/<slug:form>.pdf",
        login_required_view(workspace_views.dossier_form_pdf),
        name="workspace_form",
    ),
    path(
        "can-bo/ho-so/<str:reference>/thao-tac/<slug:action>/",
        login_required_view(workspace_actions.action_dialog),
        name="workspace_action",
    ),
    path(
        "can-bo/ho-so/<str:reference>/thao-tac/<slug:action>/xem-truoc/",
        login_required_view(workspace_actions.action_preview),
        name="workspace_preview",
    ),
    path(
        "can-bo/ho-so/<str:reference>/thanh-phan/<int:component_id>/<slug:kind>/",
        login_required_view(workspace_actions.component_dialog),
        name="workspace_component",
    ),
    path("can-bo/tiep-nhan/", login_required_view(workspace_reception.reception), name="workspace_reception"),
    path(
        "can-bo/tiep-nhan/giay-to/",
        login_required_view(workspace_reception.reception_components),
        name="workspace_reception_components",
    ),
    path(
        "can-bo/tiep-nhan/nguoi-nop/",
        login_required_view(workspace_reception.applicant_lookup),
        name="workspace_applicant_lookup",
    ),
    path(
        "can-bo/tiep-nhan/xong/<str:reference>/",
        login_required_view(workspace_reception.reception_done),
        name="workspace_reception_done",
    ),
    path("can-bo/so-theo-doi/", login_required_view(workspace_views.ledger), name="workspace_ledger"),
    # The monitor's: the sync ledger of every dossier, and the reconciliations with the national portal.
    path("can-bo/dong-bo/", login_required_view(workspace_sync.sync_ledger), name="workspace_sync_ledger"),
    path(
        "can-bo/dong-bo/doi-chieu/",
        login_required_view(workspace_sync.reconciliations),
        name="workspace_reconciliations",
    ),
]
