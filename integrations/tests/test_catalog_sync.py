"""The catalog kept in step with the national database through the portal (LayDanhSachTTHC, LayThuTuc),
against the simulated portal over real HTTP: a changed procedure becomes a new draft version by the
importer's rules, an unchanged one keeps its version, and each refusal says why."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from catalog.models import Procedure, ProcedureVersion
from catalog.services import version_clone_as_draft
from integrations.dvcqg.catalog_sync import (
    CREATED,
    REFUSED,
    SYNC_NOTE,
    UNCHANGED,
    catalog_madonvi,
    catalog_sync,
    national_codes,
)
from integrations.models import Exchange
from kernel.errors import DomainError
from testing.dossiers import BIRTH_REGISTRATION

pytestmark = pytest.mark.django_db


def outcomes(report):
    return {row.code: row.outcome for row in report.rows}


def test_the_catalogs_calls_name_the_provinces_peoples_committee():
    assert catalog_madonvi() == "000.00.00.H31"


def test_an_unchanged_national_procedure_keeps_its_version(simulators):
    before = ProcedureVersion.objects.count()
    report = catalog_sync(codes=[BIRTH_REGISTRATION])
    assert outcomes(report) == {BIRTH_REGISTRATION: UNCHANGED}
    assert ProcedureVersion.objects.count() == before
    call = Exchange.objects.get(operation="LayThuTuc")
    assert call.outcome == Exchange.Outcome.ACCEPTED


def test_a_changed_national_procedure_becomes_a_new_draft_and_the_version_in_force_stays(simulators):
    procedure = Procedure.objects.get(code=BIRTH_REGISTRATION)
    in_force = procedure.current_version
    simulators.fault("dvcqg", change_procedure=BIRTH_REGISTRATION)
    report = catalog_sync(codes=[BIRTH_REGISTRATION])
    row = report.rows[0]
    assert (row.outcome, row.new_procedure) == (CREATED, False)
    procedure.refresh_from_db()
    draft = procedure.latest_version
    assert row.version == draft.number == in_force.number + 1
    assert draft.status == ProcedureVersion.Status.DRAFT
    assert draft.national_decision == "001/QĐ-MOPHONG"
    assert draft.name.endswith("(sửa đổi lần 1)")
    assert draft.change_note == SYNC_NOTE
    assert draft.source == ProcedureVersion.Source.NATIONAL_PORTAL
    # Parsed by the files' parser: the same times, fees and papers as the version in force.
    assert draft.options.count() == in_force.options.count()
    assert draft.components.count() == in_force.components.count()
    assert procedure.current_version == in_force
    assert "tạo phiên bản dự thảo số" in row.line()
    # Nothing changed since: the next run leaves it.
    assert outcomes(catalog_sync(codes=[BIRTH_REGISTRATION])) == {BIRTH_REGISTRATION: UNCHANGED}


def test_a_procedure_new_to_the_catalog_is_created_with_its_draft(simulators):
    assert not Procedure.objects.filter(code="1.000656").exists()
    row = catalog_sync(codes=["1.000656"]).rows[0]
    assert (row.outcome, row.new_procedure, row.version) == (CREATED, True, 1)
    procedure = Procedure.objects.get(code="1.000656")
    assert procedure.current_version is None
    assert procedure.latest_version.name == "Thủ tục đăng ký khai tử"
    assert "thủ tục mới" in row.line()


def test_an_unknown_or_malformed_code_is_refused_with_the_reason(simulators):
    report = catalog_sync(codes=["1.999999", "khong-phai-ma"])
    rows = {row.code: row for row in report.rows}
    assert rows["1.999999"].outcome == REFUSED
    assert "Không có thủ tục mã 1.999999 trong CSDL quốc gia" in rows["1.999999"].reason
    assert rows["khong-phai-ma"].outcome == REFUSED
    assert "không hợp lệ" in rows["khong-phai-ma"].reason
    assert not Procedure.objects.filter(code="1.999999").exists()


def test_a_draft_an_administrator_is_editing_is_not_overwritten(simulators, superuser):
    procedure = Procedure.objects.get(code=BIRTH_REGISTRATION)
    in_force = procedure.current_version
    assert in_force is not None
    draft = version_clone_as_draft(version=in_force, actor=superuser)
    simulators.fault("dvcqg", change_procedure=BIRTH_REGISTRATION)
    row = catalog_sync(codes=[BIRTH_REGISTRATION]).rows[0]
    assert row.outcome == REFUSED
    assert f"phiên bản {draft.number} là dự thảo đang được quản trị sửa" in row.reason
    procedure.refresh_from_db()
    assert procedure.latest_version == draft


def test_the_portal_down_refuses_the_run_without_writing_or_waiting_on_each_procedure(simulators):
    simulators.fault("dvcqg", down_seconds=60)
    before = ProcedureVersion.objects.count()
    report = catalog_sync(codes=[BIRTH_REGISTRATION, "1.000656", "1.000894"])
    assert set(outcomes(report).values()) == {REFUSED}
    assert all("Cổng không trả lời" in row.reason for row in report.rows)
    assert ProcedureVersion.objects.count() == before
    assert Exchange.objects.filter(operation="LayThuTuc").count() == 1  # one try, not one per procedure


def test_the_national_list_gives_codes_and_names(simulators):
    listed = dict(national_codes())
    assert listed[BIRTH_REGISTRATION] == "Thủ tục đăng ký khai sinh"
    assert len(listed) == 6


def test_sync_catalog_all_reports_each_procedure(simulators):
    simulators.fault("dvcqg", change_procedure="1.000080")
    out = StringIO()
    call_command("sync_catalog", "--all", stdout=out)
    text = out.getvalue()
    assert "1.000080: tạo phiên bản dự thảo số 2" in text
    assert "1.000656: thủ tục mới, tạo phiên bản dự thảo số 1" in text
    assert f"{BIRTH_REGISTRATION}: không đổi" in text
    assert "tạo phiên bản dự thảo 3, không đổi 3, không đồng bộ được 0" in text


def test_sync_catalog_exits_non_zero_when_something_is_refused(simulators):
    out = StringIO()
    with pytest.raises(CommandError, match="1 thủ tục không đồng bộ được"):
        call_command("sync_catalog", "--code", "1.999999", "--code", BIRTH_REGISTRATION, stdout=out)
    assert "1.999999: không đồng bộ được" in out.getvalue()
    with pytest.raises(CommandError, match="--all"):
        call_command("sync_catalog")


def test_the_sync_says_so_when_the_portal_integration_is_off(settings):
    settings.MOTCUA_DVCQG_API_URL = ""
    with pytest.raises(DomainError, match="chưa bật"):
        catalog_sync(codes=[BIRTH_REGISTRATION])
    with pytest.raises(CommandError, match="chưa bật"):
        call_command("sync_catalog", "--all")


def test_a_province_administrator_syncs_selected_procedures_from_the_admin(
    simulators, client, province_admin
):
    simulators.fault("dvcqg", change_procedure=BIRTH_REGISTRATION)
    procedure = Procedure.objects.get(code=BIRTH_REGISTRATION)
    client.force_login(province_admin)
    response = client.post(
        reverse("admin:catalog_procedure_changelist"),
        {"action": "sync_national", "_selected_action": [procedure.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert f"{BIRTH_REGISTRATION}: tạo phiên bản dự thảo số 2" in html
    assert "tạo phiên bản dự thảo 1, không đổi 0" in html
    procedure.refresh_from_db()
    assert procedure.latest_version.status == ProcedureVersion.Status.DRAFT


def test_an_officer_cannot_sync_the_catalog_from_the_admin(client, officer_a):
    procedure = Procedure.objects.get(code=BIRTH_REGISTRATION)
    client.force_login(officer_a)
    response = client.post(
        reverse("admin:catalog_procedure_changelist"),
        {"action": "sync_national", "_selected_action": [procedure.pk]},
    )
    assert response.status_code == 403
    assert Procedure.objects.get(code=BIRTH_REGISTRATION).latest_version == procedure.latest_version
