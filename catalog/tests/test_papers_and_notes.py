"""Papers told from the notes around them, and every template of a paper kept (docs/adr/0025)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.parsing import (
    ASSUMED,
    NOTE,
    PAPER,
    UNPARSED,
    ComponentRow,
    component_kind,
    parse_components,
    parse_detail,
    split_papers_and_notes,
)

H = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
SHIPPED = Path(__file__).resolve().parents[2] / "data" / "procedures" / "national"
SAMPLE = Path(__file__).parent / "papers_sample.json"


def _row(name: str, quantity: tuple[int | None, int | None] = (1, None), section: str = "", forms=()):
    originals, copies = quantity
    return ComponentRow(section, name, tuple(forms), originals, copies, "")


# --------------------------------------------------------------------------- the hand-checked sample


def _sample() -> dict[str, dict[str, object]]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def test_the_sample_spreads_over_ministries_levels_and_fields():
    sample = _sample()
    assert len(sample) == 30
    assert len({entry["ministry"] for entry in sample.values()}) == 5
    assert len({entry["field"] for entry in sample.values()}) == 30
    levels = {level.strip() for entry in sample.values() for level in str(entry["level"]).split(",")}
    assert {"Cấp bộ", "Cấp tỉnh", "Cấp xã"} <= levels


@pytest.mark.parametrize("code", sorted(_sample()))
def test_the_papers_are_exactly_those_of_the_official_page(code: str):
    """30 shipped procedures, each read by hand from its raw record: the expected names are the rows
    of the national page's papers table that name a paper to file (headings, conditions and
    explanations left out), in the page's order."""
    entry = _sample()[code]
    (path,) = SHIPPED.glob(f"*/{code}.json")
    detail = parse_detail(json.loads(path.read_text(encoding="utf-8")))
    assert [row.name for row in detail.components] == entry["papers"]


def test_birth_registration_keeps_eight_papers_and_its_notes_as_text():
    (path,) = SHIPPED.glob("*/1.001193.json")
    detail = parse_detail(json.loads(path.read_text(encoding="utf-8")))
    assert len(detail.components) == 8  # was 33 rows, 25 of them notes
    names = [row.name for row in detail.components]
    assert not any(name.startswith("Cơ quan đăng ký hộ tịch từ chối") for name in names)
    assert not any(name.startswith("Đối với việc xác định họ") for name in names)
    notes = detail.component_notes
    assert "- Cơ quan đăng ký hộ tịch từ chối giải quyết" in notes
    assert "- Đối với việc xác định họ, dân tộc, quê quán, đặt tên cho trẻ:" in notes
    # Each section's notes under its heading, in the page's order.
    assert notes.index("Giấy tờ phải nộp:") < notes.index("Giấy tờ phải xuất trình:") < notes.index("Lưu ý:")
    assert notes.count("\n- ") == 25
    assert notes.endswith(
        "\n\n- Người có yêu cầu đăng ký khai sinh thực hiện việc nộp/xuất trình (theo hình thức trực "
        "tiếp) hoặc tải lên (theo hình thức trực tuyến) các giấy tờ sau:"
    )


# --------------------------------------------------------------------------- the rules


@pytest.mark.parametrize(
    ("row", "kind", "certain"),
    [
        # Asks for a paper, even under a condition.
        (_row("Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi."), PAPER, True),
        (_row("Bản sao giấy chứng nhận đăng ký doanh nghiệp", (0, 1)), PAPER, True),
        (_row("Hóa đơn thương mại (nếu có):", (0, 1)), PAPER, True),
        (_row("Tờ khai", (0, None), forms=("Mau01.docx",)), PAPER, True),
        # "0 bản chính" with the quantity in the name.
        (_row("Tờ khai hải quan nhập khẩu: 02 bản chính;", (0, None)), PAPER, True),
        # A section of notes, and notes by their first word.
        (_row("Cá nhân có quyền lựa chọn …", (0, None), section="* Lưu ý:"), NOTE, True),
        (_row("Giấy tờ do cơ quan nước ngoài cấp", (1, 1), section="* Lưu ý :"), NOTE, True),
        (_row("Ghi chú: 01 bản tiếng Việt và 01 bản tiếng Anh", (0, None)), NOTE, True),
        (_row("Lưu ý: Trường hợp không khai thác được thông tin …", (1, None)), NOTE, True),
        # Headings.
        (_row("- Đối với việc xác định họ, dân tộc, quê quán, đặt tên cho trẻ:", (0, None)), NOTE, True),
        (_row("a.1.1) Hồ sơ của tổ chức trong nước đề nghị cấp giấy phép bao gồm :", (1, 1)), NOTE, False),
        (_row("2. Đề án phát hành trái phiếu bao gồm các nội dung cơ bản sau:", (1, None)), PAPER, False),
        # Explanations and rules with "0 bản chính".
        (_row("Cơ quan đăng ký hộ tịch từ chối giải quyết …", (0, None)), NOTE, True),
        (_row("Bản chụp các giấy tờ gửi kèm phải bảo đảm rõ nét", (0, None)), NOTE, True),
        (_row("Giấy tờ phải xuất trình", (0, None)), NOTE, True),
        # A paper's name with "0 bản chính": kept, but not certain.
        (_row("Quyết định công bố mở cảng cạn của Bộ trưởng Bộ Giao thông vận tải", (0, None)), PAPER, False),
        # A condition that names no paper, with a quantity.
        (
            _row("Trường hợp nhà đầu tư liên danh thì nhà đầu tư phải đáp ứng đủ điều kiện.", (1, 1)),
            NOTE,
            False,
        ),
    ],
)
def test_component_kind(row: ComponentRow, kind: str, certain: bool):
    assert component_kind(row) == (kind, certain)


def test_uncertain_rows_are_reported_and_notes_keep_their_headings():
    rows = [
        _row("Đơn đề nghị", section="* Giấy tờ phải nộp:"),
        _row("Trường hợp nộp qua bưu chính thì gửi kèm bản sao.", (0, None), section="* Giấy tờ phải nộp:"),
        _row("Quyết định thành lập", (0, None), section="* Giấy tờ phải nộp:"),
        _row("Cá nhân có quyền lựa chọn nơi nộp.", (0, None), section="* Lưu ý:"),
        _row("Người tiếp nhận không được yêu cầu thêm giấy tờ.", (0, None), section="* Lưu ý:"),
    ]
    papers, notes, issues = split_papers_and_notes(rows)
    assert [p.name for p in papers] == ["Đơn đề nghị", "Quyết định thành lập"]
    assert notes == (
        "Giấy tờ phải nộp:\n- Trường hợp nộp qua bưu chính thì gửi kèm bản sao.\n\n"
        "Lưu ý:\n- Cá nhân có quyền lựa chọn nơi nộp.\n- Người tiếp nhận không được yêu cầu thêm giấy tờ."
    )
    assert [(i.field, i.kind) for i in issues] == [("components[2]", ASSUMED)]
    assert "giữ là giấy tờ" in issues[0].reason


# --------------------------------------------------------------------------- several templates


@pytest.mark.parametrize(
    ("segment", "name", "forms"),
    [
        # 1.004167
        (
            "Văn bản đề nghị gia hạn hoặc điều chỉnh giấy phép theo Mẫu 06, Mẫu 08 Phụ lục I Nghị định số "
            "23/2026/NĐ-CP.Mau06.docxMau08.docx",
            "Văn bản đề nghị gia hạn hoặc điều chỉnh giấy phép theo Mẫu 06, Mẫu 08 Phụ lục I Nghị định số "
            "23/2026/NĐ-CP.",
            ("Mau06.docx", "Mau08.docx"),
        ),
        # 2.000021: five templates.
        (
            "Tài liệu theo các Mẫu 42, 43, 44, 46, 47, Phụ lục I, Nghị định số 23/2026/NĐ-CP"
            "Mau42.docxMau46.docxMau47.docxMau43.docxMau44.docx",
            "Tài liệu theo các Mẫu 42, 43, 44, 46, 47, Phụ lục I, Nghị định số 23/2026/NĐ-CP",
            ("Mau42.docx", "Mau46.docx", "Mau47.docx", "Mau43.docx", "Mau44.docx"),
        ),
        # 1.014242: file names with dates and dots in them.
        (
            "Bản đồ hiện trạng khu vực khai thác"
            "Mau 05-Phu luc_39.2025.TT-BNNMT_02.7.2025.docMau 08-Phu luc_39.2025.TT-BNNMT_02.7.2025.docx",
            "Bản đồ hiện trạng khu vực khai thác",
            (
                "Mau 05-Phu luc_39.2025.TT-BNNMT_02.7.2025.doc",
                "Mau 08-Phu luc_39.2025.TT-BNNMT_02.7.2025.docx",
            ),
        ),
        # 3.000152
        (
            "Đơn theo Mẫu số 17 (đối với tổ chức), Mẫu số 18 (đối với cá nhân) Phụ lục II kèm theo Nghị định "
            "số 91/2024/NĐ-CP ngày 18/7/2024 của Chính phủ;Mẫu số 17.docxMẫu số 18.docx",
            "Đơn theo Mẫu số 17 (đối với tổ chức), Mẫu số 18 (đối với cá nhân) Phụ lục II kèm theo Nghị định "
            "số 91/2024/NĐ-CP ngày 18/7/2024 của Chính phủ;",
            ("Mẫu số 17.docx", "Mẫu số 18.docx"),
        ),
        # One template, as before.
        ("Tờ khai (mẫu NA17)101-Mau A17 tam tru.doc", "Tờ khai (mẫu NA17)", ("101-Mau A17 tam tru.doc",)),
    ],
)
def test_every_template_of_a_paper_is_kept(segment: str, name: str, forms: tuple[str, ...]):
    rows, issues = parse_components("--" + H + segment + "1 bản chính")
    assert (rows[0].name, rows[0].forms) == (name, forms)
    assert issues == []


def test_an_address_ending_in_doc_stays_in_the_name():
    # 1.010737
    segment = (
        "Tờ khai theo mẫu của Công ước Basel tại địa chỉ: http://www.basel.int/forms/vCOP8.doc"
        "Mẫu to khai van chuyen CTNH sua.docx"
    )
    rows, issues = parse_components("--" + H + segment + "1 bản chính")
    assert rows[0].name.endswith("http://www.basel.int/forms/vCOP8.doc")
    assert rows[0].forms == ("Mẫu to khai van chuyen CTNH sua.docx",)
    assert issues == []


def test_a_template_left_in_the_name_is_reported():
    # 1.009517: "31 bản chính" glued after the first template; the "3" stays behind it.
    segment = "Bản thông tin cá nhân theo Mẫu số 91, Mẫu số 105;Mẫu số 91 bản thông tin.docx3Mẫu số 105.docx"
    rows, issues = parse_components("--" + H + segment + "1 bản chính")
    assert rows[0].forms[-1] == "Mẫu số 105.docx"
    assert UNPARSED in [issue.kind for issue in issues]
    assert any("Không tách được hết tên tệp mẫu" in issue.reason for issue in issues)


def test_shipped_procedures_lose_no_template():
    """Before, 114 papers in 75 shipped procedures kept only their last template."""
    several = 0
    for path in SHIPPED.glob("*/*.json"):
        detail = parse_detail(json.loads(path.read_text(encoding="utf-8")))
        several += sum(1 for row in detail.components if len(row.forms) > 1)
    assert several >= 100


# --------------------------------------------------------------------------- properties

_words = st.lists(
    st.sampled_from(["Văn", "bản", "đề", "nghị", "cấp", "giấy", "phép", "theo", "quy", "định", "hồ", "sơ"]),
    min_size=1,
    max_size=8,
).map(" ".join)
_template = st.sampled_from(
    ["Mau01.docx", "Mẫu số 02.doc", "Phụ lục II.pdf", "Mau 3. Don khai bao.docx", "TK 1.002817.docx"]
)


@settings(max_examples=200, deadline=None)
@given(_words, st.lists(_template, min_size=0, max_size=5), st.integers(min_value=1, max_value=9))
def test_templates_round_trip(name: str, forms: list[str], originals: int):
    text = "--" + H + "Đơn " + name + "." + "".join(forms) + f"{originals} bản chính"
    rows, issues = parse_components(text)
    assert issues == []
    assert [(row.name, row.forms, row.originals) for row in rows] == [
        ("Đơn " + name + ".", tuple(forms), originals)
    ]


_table_row = st.tuples(
    st.sampled_from(
        [
            "Đơn đề nghị",
            "Trường hợp ủy quyền thì nộp văn bản ủy quyền",
            "Đối với giấy tờ gửi kèm:",
            "Cơ quan tiếp nhận có trách nhiệm kiểm tra",
            "Quyết định thành lập",
            "Lưu ý: nộp bản chụp rõ nét",
        ]
    ),
    st.sampled_from([(0, None), (1, None), (0, 1), (1, 1)]),
    st.sampled_from(["", "* Giấy tờ phải nộp:", "* Lưu ý:"]),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_table_row, max_size=12))
def test_every_row_is_a_paper_or_a_note_line(table: list[tuple[str, tuple[int, int | None], str]]):
    rows = [_row(name, quantity, section) for name, quantity, section in table]
    papers, notes, issues = split_papers_and_notes(rows)
    note_lines = [line for line in notes.split("\n") if line.startswith("- ")]
    assert "\n\n\n" not in notes and not notes.startswith("\n")
    assert len(papers) + len(note_lines) == len(rows)
    assert [p for p in rows if p in papers] == papers  # the page's order
    assert all(issue.kind == ASSUMED for issue in issues)
