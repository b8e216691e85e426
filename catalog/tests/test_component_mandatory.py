"""Which papers of a procedure are mandatory: decided from the national catalog's wording when it is
imported, applied once to existing imported rows by a data migration, then the administrator's word."""

from __future__ import annotations

import importlib
import unicodedata

import pytest
from django.apps import apps

from catalog import services
from catalog.models import ComponentRequirement, Procedure, ProcedureVersion
from catalog.parsing import component_is_mandatory, component_is_situational

Case = tuple[str, str, int | None, int | None]

migration = importlib.import_module("catalog.migrations.0002_component_mandatory_from_wording")

# Real lines of "Thành phần hồ sơ" from the shipped catalog (data/procedures/national), with their
# procedure code and quantity (originals, copies); the longest are cut after the part the rule reads.
OPTIONAL: list[Case] = [
    # Conditional openings, after any list marker.
    ("1.001193", "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.", 1, None),
    ("1.001266", "(i) Trường hợp ủy quyền cho cá nhân thực hiện thủ tục đăng ký hộ kinh doanh, kèm theo hồ sơ đăng ký hộ kinh doanh phải có văn bản ủy quyền cho cá nhân thực hiện thủ tục liên quan đến đăng ký hộ kinh doanh.", 1, None),
    ("1.003814", "Trong trường hợp sản phẩm quy định tại Điều 14 Nghị định số 15/2018/NĐ-CP thì phải có giấy chứng nhận đáp ứng các quy định về an toàn thực phẩm do cơ quan có thẩm quyền của nước xuất khẩu cấp (bản chính)", 1, 1),
    ("1.007037", "Đối với NNT chưa gửi hóa đơn điện tử đến cơ quan thuế thì NNT phải nộp thêm: Bảng kê hoá đơn, chứng từ hàng hoá, dịch vụ mua vào mẫu số 01-1/HT ban hành kèm theo Phụ lục I Thông tư số 80/2021/TT-BTC", 1, None),
    ("3.000060", "c) Riêng đối với tạm ứng 01 tháng sinh hoạt phí cho học viên tại Việt Nam trước khi đi học tại Nhật Bản, Trung tâm Vệ tinh Quốc gia gửi thêm công văn thông báo về tài khoản", 1, None),
    ("2.002189", "Nếu công dân Việt Nam đã ly hôn hoặc hủy việc kết hôn tại cơ quan có thẩm quyền nước ngoài thì phải nộp Trích lục về việc đã ghi vào Sổ hộ tịch việc ly hôn hoặc hủy việc kết hôn (Trích lục ghi chú ly hôn).", 1, None),
    ("2.001655", "Khi cơ quan quản lý nhà nước chuyên ngành liên quan yêu cầu trình Hộ chiếu của hành khách (nếu có).", 1, None),
    ("1.008596", "+ Tùy từng trường hợp, hồ sơ đề nghị xóa nợ phải có thêm các tài liệu sau:", 1, None),
    # A note, not a paper.
    ("1.003576", "Lưu ý: - Hồ sơ đăng ký thuốc thú y sản xuất ở nước ngoài phải được viết bằng tiếng Việt hoặc tiếng Anh.", 1, 1),
    # "(nếu có)" closing the first clause.
    ("1.012834", "Giấy chứng nhận kiểm dịch động vật (nếu có);", 1, None),
    ("2.001583", "Danh sách chủ sở hữu hưởng lợi của doanh nghiệp (nếu có)", 1, None),
    ("1.008345", "Tài liệu chứng minh (nếu có): Bản sao chứng từ nộp ngân sách nhà nước của người nộp thuế hoặc bản sao các quyết định, thông báo, chứng từ có liên quan.", 0, 1),
    ("1.002372", "Bản trích sao các loại Nhật ký của tàu thuyền có liên quan đến vụ việc (01 bản, nếu có)", 0, 1),
    ("1.009628", "Bản sao Giấy chứng nhận đăng ký đầu tư hoặc Quyết định chấp thuận chủ trương đầu tư (nếu có); bản sao Quyết định chấp thuận nhà đầu tư (nếu có)", 1, None),
    ("3.000083", "Giấy tờ xác định việc bồi thường của cơ quan bảo hiểm hoặc thỏa thuận bồi thường của người gây hỏa hoạn (nếu có", 1, None),
    # Asks for no paper: 0 originals and 0 copies, or no quantity at all.
    ("1.000080", "Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ đăng ký hộ tịch theo quy định của pháp luật hộ tịch, không được yêu cầu người đăng ký hộ tịch nộp thêm giấy tờ mà pháp luật hộ tịch không quy định phải nộp .", 0, None),
    ("1.011435", "Trường hợp nộp hồ sơ qua hệ thống đăng ký trực tuyến thì hồ sơ đăng ký bao gồm thông tin phải được kê khai thể hiện trên giao diện đăng ký trực tuyến (khoản 5 Điều 46 Nghị định số 99/2022/NĐ-CP).", None, None),
]  # fmt: skip
MANDATORY: list[Case] = [
    ("1.000110", "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan về việc sinh.", 1, None),
    # A condition inside the name often qualifies the form of a paper everyone files.
    ("1.013217", "Đơn đề nghị cấp chứng chỉ hành nghề theo Mẫu số 1 Phụ lục số IV Nghị định số 175/2024/NĐ-CP là bản gốc trong trường hợp nộp trực tiếp hoặc thông qua dịch vụ bưu chính; tệp tin chụp từ bản gốc trong trường hợp nộp trực tuyến.", 1, 1),
    ("1.002420", "02 ảnh màu đối với trường hợp nộp hồ sơ trực tiếp hoặc qua đường bưu điện, 01 tệp (file) ảnh đối với trường hợp nộp hồ sơ trên môi trường điện tử cỡ 3cm x 4cm, nền trắng, chụp trong vòng 06 tháng gần nhất;", 1, 1),
    # "(nếu có)" qualifying one item of a list, not the paper.
    ("1.009537", "Báo cáo kết quả thực hiện phương án tổ chức lại, bao gồm Danh sách cổ đông, thành viên góp vốn của công ty sau tổ chức lại, kết quả thực hiện chuyển nhượng (nếu có), kết quả chào bán cổ phần (nếu có);", 1, None),
    ("1.009505", "Báo cáo kết quả thực hiện phương án hợp nhất, sáp nhập, kết quả thực hiện chuyển nhượng (nếu có), kết quả chào bán chứng chỉ quỹ (nếu có);", 1, None),
    ("1.003978", "Nộp cho Kiểm dịch động vật: Bản khai kiểm dịch động vật (nếu có) theo mẫu", 1, 1),
    # Not conditional words once the diacritics are read: "nêu" (state), "khí" (gas). Invented lines.
    ("", "Nêu rõ lý do đề nghị cấp lại giấy phép", 1, None),
    ("", "Khí tượng thủy văn: báo cáo kết quả quan trắc", 1, None),
]  # fmt: skip


def _ids(cases: list[Case]) -> list[str]:
    return [f"{code or 'invented'}:{name[:40]}" for code, name, _, _ in cases]


@pytest.mark.parametrize(("code", "name", "originals", "copies"), OPTIONAL, ids=_ids(OPTIONAL))
def test_conditional_papers_notes_and_lines_without_paper_are_optional(code, name, originals, copies):
    assert component_is_mandatory(name, originals, copies) is False
    assert migration.component_is_mandatory(name, originals, copies) is False  # the frozen copy agrees


@pytest.mark.parametrize(("code", "name", "originals", "copies"), MANDATORY, ids=_ids(MANDATORY))
def test_papers_everyone_files_are_mandatory(code, name, originals, copies):
    assert component_is_mandatory(name, originals, copies) is True
    assert migration.component_is_mandatory(name, originals, copies) is True


def test_the_wording_is_read_in_any_unicode_form():
    name = "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản"
    assert component_is_mandatory(unicodedata.normalize("NFD", name), 1, None) is False
    assert component_is_mandatory("TRƯỜNG\xa0HỢP   trẻ em bị bỏ rơi", 1, None) is False


def _version(procedure: str) -> ProcedureVersion:
    version = Procedure.objects.get(code=procedure).latest_version
    assert version is not None
    return version


def _flag(procedure: str, name_start: str) -> bool:
    version = Procedure.objects.get(code=procedure).latest_version
    return version.components.get(name__startswith=name_start).mandatory


@pytest.mark.django_db
def test_the_import_stores_conditional_papers_and_notes_as_optional():
    assert _flag("1.001193", "Giấy chứng sinh; trường hợp") is True
    assert _flag("1.001193", "Hộ chiếu/Thẻ căn cước công dân") is True
    assert _flag("1.001193", "Trường hợp trẻ em bị bỏ rơi") is False
    assert _flag("1.002755", "Đối với Quân đội nhân dân") is False
    # Notes are no papers at all now (docs/adr/0025): kept as the version's text.
    assert not _version("1.002755").components.filter(name__startswith="Lưu ý:").exists()
    assert _flag("1.003203", "Các tài liệu liên quan khác kèm theo (nếu có)") is False
    assert "- Người tiếp nhận có trách nhiệm" in _version("1.001193").component_notes  # guidance
    # Every imported line of the fixture set follows the rule.
    imported = list(
        ComponentRequirement.objects.filter(version__source=ProcedureVersion.Source.NATIONAL_PORTAL)
    )
    assert all(c.mandatory == component_is_mandatory(c.name, c.originals, c.copies) for c in imported)
    assert {c.mandatory for c in imported} == {True, False}


@pytest.mark.django_db
def test_a_version_entered_by_hand_keeps_the_flag_it_was_given():
    procedure = Procedure.objects.create(code="9.000001")
    data = services.VersionData(
        name="Thủ tục nhập tay",
        components=[
            services.ComponentData(section="", name="Trường hợp ủy quyền: văn bản ủy quyền", originals=1)
        ],
    )
    version = services.version_create(procedure=procedure, data=data)
    assert version.components.get().mandatory is True


@pytest.mark.django_db
def test_the_migration_makes_imported_conditional_rows_optional_and_keeps_the_administrators_flags():
    version = Procedure.objects.get(code="1.001193").latest_version
    rows = version.components.all()
    rows.update(mandatory=True)  # as every imported row was before the rule
    birth = rows.get(name__startswith="Giấy chứng sinh")
    birth.mandatory = False  # an administrator cleared it: the migration must not set it back
    birth.save(update_fields=["mandatory"])
    manual = services.version_create(
        procedure=Procedure.objects.create(code="9.000002"),
        data=services.VersionData(
            name="Thủ tục nhập tay",
            components=[
                services.ComponentData(section="", name="Trường hợp ủy quyền: văn bản ủy quyền", originals=1)
            ],
        ),
    )

    migration.mark_conditional_components_optional(apps, None)
    migration.mark_conditional_components_optional(apps, None)  # running it again changes nothing

    assert _flag("1.001193", "Trường hợp trẻ em bị bỏ rơi") is False
    assert _flag("1.001193", "Hộ chiếu/Thẻ căn cước công dân") is True
    assert _flag("1.001193", "Giấy chứng sinh; trường hợp") is False  # the administrator's flag
    others = version.components.exclude(pk=birth.pk)
    assert all(c.mandatory == component_is_mandatory(c.name, c.originals, c.copies) for c in others)
    assert manual.components.get().mandatory is True  # not imported: the rule does not apply


@pytest.mark.parametrize(
    ("name", "section", "situational"),
    [
        # 1.001193 (birth registration), the lines the national catalog marks as papers to file.
        (
            "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng",
            "",
            False,
        ),
        (
            "Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền thực hiện "
            "việc đăng ký khai sinh.",
            "Giấy tờ phải nộp:",
            True,
        ),
        (
            "Tờ khai đăng ký khai sinh theo mẫu (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp "
            "hoặc gửi hồ sơ qua hệ thống bưu chính);",
            "",
            True,
        ),
        ("Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước", "* Giấy tờ phải xuất trình:", True),
        ("Tờ khai đăng ký khai sinh theo mẫu", "", False),
        # "nêu" (state) is not "nếu" (if).
        ("Báo cáo nêu rõ lý do đề nghị", "", False),
    ],
)
def test_papers_that_depend_on_the_situation_or_the_channel(name, section, situational):
    assert component_is_situational(name, section) is situational
