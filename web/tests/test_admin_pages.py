"""Every admin page opens for those allowed: administrators manage the catalog, the organisation and the
calendar in the admin, with history."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from catalog.models import Procedure, PublicationDecision, Workflow
from organization.models import Agency

pytestmark = pytest.mark.django_db


def test_every_changelist_and_add_page_opens_for_the_superuser(client, superuser):
    client.force_login(superuser)
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        add = client.get(reverse("admin:{}_{}_add".format(*info)))
        assert add.status_code in (200, 403), info


def test_change_and_history_pages(client, superuser):
    client.force_login(superuser)
    procedure = Procedure.objects.get(code="1.001193")
    objects = [
        procedure,
        procedure.current_version,
        Agency.objects.get(code="000.00.04.H31"),
        Workflow.objects.filter(procedure=procedure).first(),
        PublicationDecision.objects.first(),
    ]
    for obj in objects:
        info = obj._meta.app_label, obj._meta.model_name
        assert client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk])).status_code == 200, info
        assert client.get(reverse("admin:{}_{}_history".format(*info), args=[obj.pk])).status_code == 200, (
            info
        )


def test_version_in_force_is_read_only_in_admin(client, superuser):
    client.force_login(superuser)
    version = Procedure.objects.get(code="1.001193").current_version
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    response = client.post(url, {"name": "Đổi tên trái phép"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.name == "Thủ tục đăng ký khai sinh"


def test_create_draft_action(client, superuser):
    client.force_login(superuser)
    procedure = Procedure.objects.get(code="1.001193")
    response = client.post(
        reverse("admin:catalog_procedure_changelist"),
        {"action": "make_draft", "_selected_action": [procedure.pk]},
        follow=True,
    )
    assert "đã tạo phiên bản dự thảo số 2" in response.content.decode()
    procedure.refresh_from_db()
    assert procedure.latest_version.status == "draft"


def test_province_admin_manages_the_catalog_in_admin(client, province_admin):
    client.force_login(province_admin)
    assert client.get(reverse("admin:catalog_procedure_changelist")).status_code == 200
    assert client.get(reverse("admin:worktime_calendaroverride_add")).status_code == 200


def test_workflow_page_shows_the_duration_check(client, superuser):
    client.force_login(superuser)
    workflow = Workflow.objects.get(procedure__code="1.003203", level="province")
    html = client.get(reverse("admin:catalog_workflow_change", args=[workflow.pk])).content.decode()
    assert "khớp thời hạn giải quyết" in html
