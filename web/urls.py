from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from kernel.access import login_required_view, public
from web import account_views, login_views, verify_views, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("lich-lam-viec/", views.calendar_year, name="calendar_current"),
    path("lich-lam-viec/<int:year>/", views.calendar_year, name="calendar_year"),
    path("dang-nhap/", public(login_views.SiteLoginView.as_view()), name="login"),
    path("dang-nhap/ma-xac-thuc/", login_views.login_verify, name="login_verify"),
    path("dang-nhap/dang-ky-xac-thuc/", login_views.login_enrol, name="login_enrol"),
    path("dang-nhap/mat-khau-moi/", login_views.login_new_password, name="login_new_password"),
    path("dang-xuat/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("tai-khoan/", login_required_view(account_views.account), name="account"),
    path(
        "tai-khoan/mat-khau/",
        login_required_view(account_views.PasswordChangeView.as_view()),
        name="password_change",
    ),
    path(
        "tai-khoan/ma-khoi-phuc/",
        login_required_view(account_views.recovery_codes_regenerate),
        name="recovery_codes_regenerate",
    ),
    path(
        "tai-khoan/ma-khoi-phuc/moi/",
        login_required_view(account_views.recovery_codes_new),
        name="recovery_codes_new",
    ),
    path(
        "tai-khoan/ma-truy-cap/<uuid:token_id>/thu-hoi/",
        login_required_view(account_views.token_revoke),
        name="token_revoke",
    ),
    path(
        "tai-khoan/dang-xuat-moi-noi/",
        login_required_view(account_views.logout_everywhere),
        name="logout_everywhere",
    ),
    path("quan-ly-dang-nhap/", login_required_view(account_views.login_admin), name="login_admin"),
    path("suc-khoe/", views.health, name="health"),
    path("xac-thuc/", verify_views.verify, name="verify"),
    path("xac-thuc/<uuid:verification_id>/", verify_views.verify_result, name="verify_result"),
    path("", include("web.urls_portal")),
    path("", include("web.urls_workspace")),
]
