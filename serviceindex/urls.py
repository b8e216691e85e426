"""Public pages of the service index, mounted at /chi-so/."""

from __future__ import annotations

from django.urls import path

from serviceindex import views

app_name = "serviceindex"

urlpatterns = [
    path("", views.index_latest, name="latest"),
    path("cong-bo/", views.index_freeze, name="freeze"),
    path("<str:month>/", views.index_month, name="month"),
    path("<str:month>/<str:agency_code>/", views.unit_detail, name="unit"),
    path("<str:month>/<str:agency_code>/<str:indicator_code>/", views.indicator_detail, name="indicator"),
]
