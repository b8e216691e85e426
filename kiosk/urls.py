"""Kiosk and screens of a service centre, under ``/kiosk/<centre code>/`` (the centre's agency code)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from kernel.access import login_required_view
from kiosk import views

app_name = "kiosk"

urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:centre>/", views.kiosk_home, name="home"),
    path("<str:centre>/lay-so/", views.ticket_take, name="take"),
    path("<str:centre>/ve/<uuid:ticket>/", views.ticket_page, name="ticket"),
    path("<str:centre>/ve/<uuid:ticket>.pdf", views.ticket_pdf, name="ticket_pdf"),
    path("<str:centre>/man-hinh/", views.display, name="display"),
    path("<str:centre>/man-hinh/bang/", views.display_part, name="display_part"),
    path("<str:centre>/quay/", login_required_view(views.counter_choose), name="counter_choose"),
    path("<str:centre>/quay/<int:number>/", login_required_view(views.counter_console), name="counter"),
    path(
        "<str:centre>/quay/<int:number>/<slug:action>/",
        login_required_view(views.counter_action),
        name="counter_action",
    ),
    path("<str:centre>/tra-cuu/", views.lookup, name="lookup"),
]
