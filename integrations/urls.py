from __future__ import annotations

from django.urls import path

from integrations import views

urlpatterns = [
    path("<str:token>/", views.portal_file, name="portal_file"),
]
