from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from motcua.access import login_required_view, public
from web import verify_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("lich-lam-viec/", views.calendar_year, name="calendar_current"),
    path("lich-lam-viec/<int:year>/", views.calendar_year, name="calendar_year"),
    path(
        "dang-nhap/",
        public(views.SiteLoginView.as_view()),
        name="login",
    ),
    path("dang-xuat/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("tai-khoan/", login_required_view(views.account), name="account"),
    path("suc-khoe/", views.health, name="health"),
    path("xac-thuc/", verify_views.verify, name="verify"),
    path("xac-thuc/<uuid:verification_id>/", verify_views.verify_result, name="verify_result"),
    path("", include("web.urls_portal")),
    path("", include("web.urls_workspace")),
]
