"""Importing the national data: idempotent, versioned, reporting what it could not parse."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalog import services
from catalog.importer import REREAD_NOTE, ProcedureImporter
from catalog.models import ComponentRequirement, Procedure, ProcedureSource, ProcedureVersion

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"


def test_reimport_changes_nothing():
    versions = ProcedureVersion.objects.count()
    summary = ProcedureImporter().run([DATA])
    assert summary.created == summary.updated == summary.failed == 0
    assert summary.unchanged == summary.records == Procedure.objects.count()
    assert ProcedureVersion.objects.count() == versions


def test_the_fixture_set_was_imported_with_its_tables():
    procedure = Procedure.objects.get(code="1.001193")
    version = procedure.current_version
    assert version.name == "Thủ tục đăng ký khai sinh"
    assert version.field.name == "Hộ tịch"
    assert version.at_commune and not version.at_province
    assert version.issuing_body == "Bộ Tư pháp"  # from the list export
    channels = {o.channel for o in version.options.all()}
    assert channels == {"online", "postal", "counter"}
    assert version.components.count() > 0
    assert version.results.exists()
    assert version.legal_basis.filter(number__contains="/").exists()
    assert version.source_record.raw["detail"]["ma_thu_tuc"] == "1.001193"


def test_time_without_unit_is_kept_assumed_and_reported():
    version = Procedure.objects.get(code="1.001193").latest_version
    counter = version.options.get(channel="counter")
    assert counter.time_amount == 1 and counter.time_unit == "working_day" and counter.time_assumed
    assert any(
        issue["field"].startswith("cach_thuc_thuc_hien") or "thời hạn" in issue["reason"].lower()
        for issue in version.parse_issues
    )


def test_list_only_procedures_are_imported_and_flagged():
    version = Procedure.objects.get(code="1.115133").latest_version
    assert version.source == "national_list"
    assert version.name == "Thủ tục chấp thuận nguyên tắc thành lập quỹ tín dụng nhân dân"
    assert [i["field"] for i in version.parse_issues] == ["detail"]


def test_changed_source_makes_a_new_draft_version(tmp_path):
    source = DATA / "national" / "bo-tu-phap" / "1.001193.json"
    record = json.loads(source.read_text())
    record["ten_thu_tuc"] = "Thủ tục đăng ký khai sinh (sửa đổi)"
    (tmp_path / "1.001193.json").write_text(json.dumps(record, ensure_ascii=False))
    summary = ProcedureImporter().run([tmp_path])
    assert summary.updated == 1
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.latest_version.number == 2
    assert procedure.latest_version.status == "draft"
    assert procedure.current_version.number == 1  # still in force until a decision amends it
    assert (
        procedure.latest_version.source_record.raw["list"]["issuing_body"] == "Bộ Tư pháp"
    )  # the list data is kept
    again = ProcedureImporter().run([tmp_path])
    assert again.unchanged == 1 and procedure.versions.count() == 2


def test_the_sources_live_apart_from_the_version_and_a_copy_keeps_them(province_admin):
    """A version carries no sources (no page, action or sync decodes them); a copy made for editing keeps
    the sources of what it copied, so that importing the same files again still finds them."""
    assert "raw" not in {f.name for f in ProcedureVersion._meta.get_fields()}
    procedure = Procedure.objects.get(code="1.001193")
    current = procedure.current_version
    assert current is not None
    original = current.source_record.raw
    draft = services.version_clone_as_draft(version=current, actor=province_admin)
    assert ProcedureSource.objects.get(version=draft).raw == original
    summary = ProcedureImporter().run([DATA / "lists"])
    assert summary.failed == 0
    procedure.refresh_from_db()
    assert procedure.latest_version == draft and draft.components.exists()


def test_importing_only_the_list_keeps_what_the_detail_gave():
    summary = ProcedureImporter().run([DATA / "lists"])
    assert summary.unchanged == 5 and summary.updated == 0
    assert Procedure.objects.get(code="1.001193").latest_version.components.exists()


def test_command_shows_summary_and_writes_report(tmp_path, capsys):
    report = tmp_path / "report.csv"
    call_command("import_procedures", str(DATA), "--report", str(report))
    out = capsys.readouterr().out
    assert "không đổi: 17" in out
    assert "phân tích đầy đủ" in out
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert {"code", "file", "field", "reason", "excerpt"} <= set(rows[0])
    assert any(r["code"] == "1.115133" and r["field"] == "detail" for r in rows)
    assert any("danh-sach-mau.xlsx" in r["field"] or "danh-sach-mau.xlsx" in r["file"] for r in rows)


def test_command_refuses_missing_or_unknown_paths(tmp_path):
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("import_procedures", str(tmp_path / "khong-co"))
    other = tmp_path / "notes.txt"
    other.write_text("x")
    with pytest.raises(CommandError, match="Không nhận dạng"):
        call_command("import_procedures", str(other))


def test_broken_json_file_is_reported_not_fatal(tmp_path):
    shutil.copy(DATA / "national" / "bo-tu-phap" / "1.000080.json", tmp_path / "1.000080.json")
    (tmp_path / "hong.json").write_text("{khong phai json")
    summary = ProcedureImporter().run([tmp_path])
    assert summary.failed == 1 and summary.unchanged == 1
    assert any(row.field == "file" for row in summary.report)


# --------------------------------------------------------------------------- reading again (docs/adr/0025)


def test_the_papers_are_imported_apart_from_the_notes_with_every_template():
    version = Procedure.objects.get(code="1.001193").current_version
    assert version.components.count() == 8
    assert "Cơ quan đăng ký hộ tịch từ chối giải quyết" in version.component_notes
    assert not version.components.filter(name__startswith="Cơ quan đăng ký hộ tịch từ chối").exists()
    assert all(isinstance(c.form_names, list) for c in ComponentRequirement.objects.all())


def _as_an_older_parser_stored_it(version: ProcedureVersion) -> None:
    """The version as the importer before ADR 0025 wrote it: its notes as papers, no notes text."""
    last = version.components.order_by("-position").first()
    ComponentRequirement.objects.create(
        version=version,
        section="* Lưu ý:",
        name="Cơ quan đăng ký hộ tịch từ chối giải quyết …",
        originals=0,
        quantity_text="0 bản chính",
        mandatory=False,
        position=last.position + 1,
    )
    ProcedureVersion.objects.filter(pk=version.pk).update(component_notes="")


def test_unchanged_sources_read_differently_now_make_one_new_draft():
    procedure = Procedure.objects.get(code="1.001193")
    in_force = procedure.current_version
    assert in_force is not None
    _as_an_older_parser_stored_it(in_force)
    summary = ProcedureImporter().run([DATA])
    assert (summary.updated, summary.reread, summary.created) == (1, 1, 0)
    procedure.refresh_from_db()
    draft = procedure.latest_version
    assert draft.number == in_force.number + 1 and draft.status == ProcedureVersion.Status.DRAFT
    assert draft.change_note == REREAD_NOTE and draft.content_hash == in_force.content_hash
    assert draft.components.count() == 8 and draft.component_notes
    assert procedure.current_version == in_force  # in force until a decision amends it (ADR 0002)
    assert in_force.components.count() == 9  # dossiers keep the version they were filed under

    again = ProcedureImporter().run([DATA])
    assert again.updated == again.reread == 0 and procedure.versions.count() == draft.number


def test_a_version_an_administrator_edited_is_not_read_again_but_reported(province_admin):
    procedure = Procedure.objects.get(code="1.001193")
    assert procedure.current_version is not None
    draft = services.version_clone_as_draft(version=procedure.current_version, actor=province_admin)
    _as_an_older_parser_stored_it(draft)
    summary = ProcedureImporter().run([DATA])
    assert summary.updated == 0
    procedure.refresh_from_db()
    assert procedure.latest_version == draft
    (row,) = [r for r in summary.report if r.code == "1.001193" and r.field == "version"]
    assert "do quản trị sửa" in row.reason
