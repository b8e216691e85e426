"""Tests for catalog.parsing, on real excerpts of the national portal's detail pages.

Run without Django: ``pytest -p no:django catalog/tests/test_parsing*.py``.
"""

from __future__ import annotations

import json
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from catalog.parsing import (
    ASSUMED,
    CORRECTED,
    INCONSISTENT,
    MISSING,
    UNPARSED,
    UNSUPPORTED,
    ChannelRow,
    ComponentRow,
    FeeLine,
    LegalRow,
    ParsedDetail,
    ParseIssue,
    ResultRow,
    TimeSpec,
    parse_channels,
    parse_components,
    parse_detail,
    parse_fees,
    parse_legal_basis,
    parse_levels,
    parse_results,
    parse_time,
    read_list_xlsx,
)

FIXTURES = Path(__file__).parent / "fixtures"
H_CHANNELS = "Hình thức nộpThời gianPhí, lệ phíMô tả"
H_COMPONENTS = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"
H_LEGAL = "Tên văn bản pháp lýMã văn bản"


def load(code: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((FIXTURES / f"{code}.json").read_text(encoding="utf-8"))
    return data


def kinds(issues: list[ParseIssue] | tuple[ParseIssue, ...]) -> list[str]:
    return [issue.kind for issue in issues]


# --------------------------------------------------------------------------- time


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("20 Ngày làm việc", Decimal(20), "working_day"),
        ("3 Ngày làm việc", Decimal(3), "working_day"),
        ("20 Ngày", Decimal(20), "calendar_day"),
        ("15 ngày", Decimal(15), "calendar_day"),
        ("8 Giờ", Decimal(8), "working_hour"),
        ("4 giờ làm việc", Decimal(4), "working_hour"),
        ("1.5 Ngày làm việc", Decimal("1.5"), "working_day"),
        ("  2\xa0Ngày  ", Decimal(2), "calendar_day"),
    ],
)
def test_parse_time_with_unit(text: str, amount: Decimal, unit: str) -> None:
    spec, issues = parse_time(text)
    assert (spec.amount, spec.unit, spec.assumed) == (amount, unit, False)
    assert issues == []


def test_parse_time_bare_number_assumes_working_days_and_says_so() -> None:
    spec, issues = parse_time("7")
    assert spec == TimeSpec(Decimal(7), "working_day", "7", assumed=True)
    assert kinds(issues) == [ASSUMED]
    assert issues[0].reason == "Thời hạn không có đơn vị: «7» (giả định ngày làm việc)"
    assert issues[0].field == "time"


def test_parse_time_decimal_comma() -> None:
    spec, issues = parse_time("0,5")
    assert (spec.amount, spec.unit, spec.assumed) == (Decimal("0.5"), "working_day", True)
    assert kinds(issues) == [ASSUMED]


@pytest.mark.parametrize("text", ["Không có thông tin", "", "   ", "Không quy định", "Không", "0", "Giờ"])
def test_parse_time_missing(text: str) -> None:
    spec, issues = parse_time(text)
    assert spec.amount is None
    assert spec.unit is None
    assert kinds(issues) == [MISSING]
    assert issues[0].reason.startswith("Thiếu dữ liệu")


def test_parse_time_no_info_reason() -> None:
    _, issues = parse_time("Không có thông tin")
    assert issues[0].reason == "Thiếu dữ liệu: không có thông tin thời hạn"


@pytest.mark.parametrize("text", ["6 Tháng", "3 Tháng", "1 Năm"])
def test_parse_time_months_are_not_converted(text: str) -> None:
    spec, issues = parse_time(text)
    assert spec.amount is None
    assert spec.text == text
    assert kinds(issues) == [UNSUPPORTED]


def test_parse_time_range_takes_upper_bound() -> None:
    spec, issues = parse_time("15 - 20 ngày")
    assert (spec.amount, spec.unit) == (Decimal(20), "calendar_day")
    assert kinds(issues) == [ASSUMED]
    assert "cận trên 20" in issues[0].reason


def test_parse_time_free_text_is_not_understood() -> None:
    spec, issues = parse_time("Không phải trả kết quả cho người nộp thuế")
    assert spec.amount is None
    assert kinds(issues) == [UNPARSED]
    assert issues[0].reason.startswith("Không hiểu được thời hạn")


# --------------------------------------------------------------------------- fees


def test_parse_fees_free() -> None:
    assert parse_fees("Miễn phí") == (True, (), [])
    assert parse_fees("Miễn phí(Không có)") == (True, (), [])
    free, fees, issues = parse_fees("Miễn phí(Thông tư số 60/2023/TT-BTC ngày 07/9/2023 của Bộ Tài chính)")
    assert (free, fees, issues) == (True, (), [])


def test_parse_fees_no_info_is_missing() -> None:
    free, fees, issues = parse_fees("Không có thông tin")
    assert (free, fees) == (None, ())
    assert kinds(issues) == [MISSING]
    assert issues[0].reason == "Thiếu dữ liệu: không có thông tin phí, lệ phí"
    assert parse_fees("")[0] is None


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("100,000 Việt Nam Đồng", 100_000),
        ("1,200,000 Việt Nam Đồng(1.200.000đ/thẻ ABTC.)", 1_200_000),
        ("200,000 VNĐ(200.000đ/lần cấp.)", 200_000),
        ("1.200.000 VNĐ", 1_200_000),
        ("8,000 VNĐ", 8_000),
    ],
)
def test_parse_fees_amounts_with_thousand_separators(text: str, amount: int) -> None:
    free, fees, issues = parse_fees(text)
    assert free is False
    assert [fee.amount for fee in fees] == [amount]
    assert fees[0].text == text
    assert issues == []


def test_parse_fees_name_comes_from_the_note() -> None:
    _, fees, _ = parse_fees("50,000 Việt Nam Đồng(Luật Căn cước: 50.000 đồng/thẻ căn cước)")
    assert fees[0].amount == 50_000
    _, fees, _ = parse_fees("2,000 Việt Nam Đồng(phí đổi thẻ bảo hiểm y tế: 2.000 đồng/thẻ)")
    assert fees[0].name == "phí đổi thẻ bảo hiểm y tế"


def test_parse_fees_135_vnd_with_135000_dong_note_takes_the_note_and_reports_it() -> None:
    # Decision: the portal's "135 VNĐ" is a unit slip for 135.000 đồng when the note says so.
    text = "135 VNĐ(Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)"
    free, fees, issues = parse_fees(text)
    assert free is False
    assert fees == (FeeLine("Lệ phí cấp giấy phép lái xe", 135_000, text),)
    assert kinds(issues) == [INCONSISTENT]
    assert issues[0].reason == "Mức phí ghi «135 VNĐ» nhưng ghi chú ghi 135.000 đồng: lấy 135.000 đồng"


def test_parse_fees_small_amount_without_confirmation_is_unknown() -> None:
    free, fees, issues = parse_fees("830 Việt Nam Đồng((nộp 1 lần duy nhất ngay khi nhận công văn).)")
    assert free is None
    assert fees[0].amount is None
    assert kinds(issues) == [INCONSISTENT]
    # A note with a different amount (25.000.000đ is not 25 × 1.000) does not confirm either.
    _, fees, issues = parse_fees("25 VNĐ(25.000.000đ/giấy thông hành (áp dụng đến hết ngày 31/12/2026).)")
    assert fees[0].amount is None
    assert kinds(issues) == [INCONSISTENT]


def test_parse_fees_usd() -> None:
    text = "10 USD(10USD/giấy)"
    free, fees, issues = parse_fees(text)
    assert free is False
    assert fees == (FeeLine("", None, text, currency="USD", foreign_amount=Decimal(10)),)
    assert issues == []


def test_parse_fees_vnd_label_with_usd_note_becomes_usd() -> None:
    free, fees, issues = parse_fees(
        "155 VNĐ(Thẻ tạm trú có thời hạn từ trên 02 năm đến 05 năm: 155 USD/thẻ.)"
    )
    assert (fees[0].currency, fees[0].foreign_amount, fees[0].amount) == ("USD", Decimal(155), None)
    assert kinds(issues) == [INCONSISTENT]


def test_parse_fees_free_but_note_lists_amounts_is_inconsistent() -> None:
    text = "Miễn phí(- Lệ phí cấp giấy phép lái xe: 135.000 đồng/lần.)"
    free, fees, issues = parse_fees(text)
    assert (free, fees) == (True, ())
    assert kinds(issues) == [INCONSISTENT]
    # "mức phí: 0đ" is not an amount to pay.
    assert parse_fees("Miễn phí(mức phí: 0đ.)") == (True, (), [])


def test_parse_fees_old_portal_lines() -> None:
    text = (
        "Lệ phí : 20.000 Đồng (Lệ phí Cấp mới, cấp lại chứng chỉ chuyên môn: 20.000 đồng/giấy.); "
        "Phí : 50.000 Đồng (Phí sát hạch)"
    )
    free, fees, issues = parse_fees(text)
    assert free is False
    assert [(fee.name, fee.amount) for fee in fees] == [("Lệ phí", 20_000), ("Phí", 50_000)]
    assert issues == []
    free, fees, issues = parse_fees("Phí : Đồng Không thu lệ phí")
    assert free is None
    assert fees[0].amount is None
    assert kinds(issues) == [UNPARSED]


def test_parse_fees_not_understood_keeps_text() -> None:
    free, fees, issues = parse_fees("Theo quy định của Hội đồng nhân dân tỉnh")
    assert free is None
    assert fees == (FeeLine("", None, "Theo quy định của Hội đồng nhân dân tỉnh"),)
    assert kinds(issues) == [UNPARSED]


# --------------------------------------------------------------------------- channels


def test_parse_channels_simple_rows() -> None:
    text = (
        H_CHANNELS + "Trực tiếp20 Ngày làm việcKhông có thông tinTrực tuyến20 Ngày làm việcKhông có thông tin"
        "Dịch vụ bưu chính20 Ngày làm việcMiễn phí"
    )
    rows, issues = parse_channels(text)
    assert [row.channel for row in rows] == ["counter", "online", "postal"]
    assert all(row.time == TimeSpec(Decimal(20), "working_day", "20 Ngày làm việc") for row in rows)
    assert [row.free for row in rows] == [None, None, True]
    assert [issue.field for issue in issues] == ["channels[0].fee", "channels[1].fee"]
    assert kinds(issues) == [MISSING, MISSING]


def test_parse_channels_notes_and_descriptions() -> None:
    text = (
        H_CHANNELS
        + "Trực tuyến20 NgàyMiễn phí(Thông tư số 60/2023/TT-BTC ngày 07/9/2023)Nộp hồ sơ trực tuyến "
        "qua Cổng dịch vụ công quốc gia.Trực tiếp15 Ngày1,200,000 Việt Nam Đồng(1.200.000đ/thẻ ABTC.)"
        "Trực tiếp: nộp hồ sơ tại trụ sở Cục Quản lý xuất nhập cảnh."
    )
    rows, issues = parse_channels(text)
    assert issues == []
    assert rows == [
        ChannelRow(
            "online",
            TimeSpec(Decimal(20), "calendar_day", "20 Ngày"),
            True,
            (),
            "Miễn phí(Thông tư số 60/2023/TT-BTC ngày 07/9/2023)",
            "Nộp hồ sơ trực tuyến qua Cổng dịch vụ công quốc gia.",
        ),
        ChannelRow(
            "counter",
            TimeSpec(Decimal(15), "calendar_day", "15 Ngày"),
            False,
            (FeeLine("", 1_200_000, "1,200,000 Việt Nam Đồng(1.200.000đ/thẻ ABTC.)"),),
            "1,200,000 Việt Nam Đồng(1.200.000đ/thẻ ABTC.)",
            # a channel name inside a description does not start a row
            "Trực tiếp: nộp hồ sơ tại trụ sở Cục Quản lý xuất nhập cảnh.",
        ),
    ]


def test_parse_channels_same_channel_several_times_are_cases() -> None:
    # 1.003358: one row per card validity, each with its own fee.
    text = (
        H_CHANNELS
        + "Trực tuyến5 Ngày làm việc145 USD(Thẻ tạm trú có thời hạn không quá 02 năm: 145 USD/thẻ.)"
        "Trực tuyến: nộp hồ sơ trực tuyến.Trực tuyến5 Ngày làm việc155 USD(Thẻ tạm trú có thời hạn từ trên 02 "
        "năm đến 05 năm: 155 USD/thẻ.)Trực tuyến: nộp hồ sơ trực tuyến."
    )
    rows, issues = parse_channels(text)
    assert issues == []
    assert [row.channel for row in rows] == ["online", "online"]
    assert [row.fees[0].foreign_amount for row in rows] == [Decimal(145), Decimal(155)]
    assert [row.description for row in rows] == ["Trực tuyến: nộp hồ sơ trực tuyến."] * 2


def test_parse_channels_bare_number_time() -> None:
    rows, issues = parse_channels(H_CHANNELS + "Trực tuyến1Miễn phíTrực tiếp7Miễn phí(Không có)")
    assert [(row.time.amount, row.time.assumed) for row in rows] == [(Decimal(1), True), (Decimal(7), True)]
    assert [issue.field for issue in issues] == ["channels[0].time", "channels[1].time"]
    assert kinds(issues) == [ASSUMED, ASSUMED]


def test_parse_channels_time_glued_to_fee_is_cut_where_the_note_confirms() -> None:
    # 1.000014: time "1" (no unit) + fee "20 VNĐ" meaning 20.000 đồng.
    text = H_CHANNELS + "Trực tuyến120 VNĐ(20.000 vnđ /tờ khai)Trực tiếp120 VNĐ(20.000 vnđ /tờ khai)"
    rows, issues = parse_channels(text)
    assert [row.channel for row in rows] == ["online", "counter"]
    assert rows[0].time.amount == Decimal(1)
    assert rows[0].fee_text == "20 VNĐ(20.000 vnđ /tờ khai)"
    assert rows[0].fees[0].amount == 20_000
    reasons = [issue.reason for issue in issues if issue.field == "channels[0].time"]
    assert reasons[0] == (
        "Thời hạn và mức phí dính liền «120 VNĐ»: tách thành thời hạn «1» và phí «20 VNĐ» (khớp với ghi chú)"
    )
    assert set(kinds(issues)) == {ASSUMED, INCONSISTENT}


def test_parse_channels_unique_cut_of_glued_time_and_fee() -> None:
    rows, _ = parse_channels(H_CHANNELS + "Trực tuyến140,000 Việt Nam Đồng(- Xe ô tô từ 10 chỗ trở lên)")
    assert (rows[0].time.amount, rows[0].fees[0].amount) == (Decimal(1), 40_000)


def test_parse_channels_free_text_time_repeats_across_rows() -> None:
    # 1.007689: the time cell holds a sentence; it starts every row.
    sentence = "Không phải trả kết quả cho người nộp thuế"
    text = (
        H_CHANNELS + f"Trực tuyến{sentence}Miễn phíBằng phương thức điện tử.Dịch vụ bưu chính{sentence}"
        "Miễn phíGửi hồ sơ qua dịch vụ bưu chính công ích."
    )
    rows, issues = parse_channels(text)
    assert [row.channel for row in rows] == ["online", "postal"]
    assert [row.time.text for row in rows] == [sentence, sentence]
    assert [row.description for row in rows] == [
        "Bằng phương thức điện tử.",
        "Gửi hồ sơ qua dịch vụ bưu chính công ích.",
    ]
    assert kinds(issues) == [UNPARSED, UNPARSED]


def test_parse_channels_no_info_time_and_no_unit_phrases() -> None:
    text = H_CHANNELS + "Trực tiếpKhông có thông tin200,000 VNĐTrực tuyếnKhông quy địnhMiễn phíQua Cổng DVC"
    rows, issues = parse_channels(text)
    assert [(row.channel, row.time.amount, row.free) for row in rows] == [
        ("counter", None, False),
        ("online", None, True),
    ]
    assert rows[1].description == "Qua Cổng DVC"
    assert kinds(issues) == [MISSING, MISSING]


def test_parse_channels_no_info_fee_does_not_swallow_the_description() -> None:
    rows, _ = parse_channels(
        H_CHANNELS + "Trực tuyến14 Ngày làm việcKhông có thông tin(1) Trường hợp thay đổi tên"
    )
    assert rows[0].fee_text == "Không có thông tin"
    assert rows[0].description == "(1) Trường hợp thay đổi tên"


def test_parse_channels_unbalanced_note_is_reported() -> None:
    text = (
        H_CHANNELS + "Trực tiếp15 Ngày10,000,000 VNĐ(đồng (Miễn phí kể từ ngày 07/4/2026 đến 30/6/2026)"
        "30 ngày kể từ ngày nhận được hồ sơ hợp lệ"
    )
    rows, issues = parse_channels(text)
    assert rows[0].fees[0].amount == 10_000_000
    assert rows[0].description == "30 ngày kể từ ngày nhận được hồ sơ hợp lệ"
    assert [(issue.field, issue.kind) for issue in issues] == [("channels[0].fee", UNPARSED)]


@pytest.mark.parametrize("text", ["", "Không có thông tin", H_CHANNELS])
def test_parse_channels_empty(text: str) -> None:
    rows, issues = parse_channels(text)
    assert rows == []
    assert kinds(issues) == [MISSING]


def test_parse_channels_garbage_is_reported_not_raised() -> None:
    rows, issues = parse_channels("bảng gì đây")
    assert rows == []
    assert kinds(issues) == [UNPARSED, UNPARSED]


def test_parse_channels_keeps_newlines_in_descriptions_and_normalises_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Trực tuyến")
    text = H_CHANNELS + decomposed + "5 Ngày làm việcMiễn phí- Bước 1\n- Bước\xa02  "
    rows, issues = parse_channels(text)
    assert issues == []
    assert rows[0].channel == "online"
    assert rows[0].description == "- Bước 1\n- Bước 2"


# --------------------------------------------------------------------------- components


def test_parse_components_sections_forms_and_quantities() -> None:
    # 1.002817
    text = (
        "* Trường hợp cấp lại khi Giấy phép bị mất" + H_COMPONENTS + "Giấy đề nghị cấp lại Giấy phép theo mẫu"
        "TK 1.002817.docx1 bản chính,1 bản sao* Trường hợp cấp mới"
        + H_COMPONENTS
        + "Giấy đề nghị cấp Giấy phép"
        " theo mẫuTK 1.002817.docx1 bản chínhGiấy chứng nhận đăng ký xe ô tô0 bản chính,1 bản sao"
    )
    rows, issues = parse_components(text)
    assert issues == []
    assert rows == [
        ComponentRow(
            "* Trường hợp cấp lại khi Giấy phép bị mất",
            "Giấy đề nghị cấp lại Giấy phép theo mẫu",
            ("TK 1.002817.docx",),
            1,
            1,
            "1 bản chính,1 bản sao",
        ),
        ComponentRow(
            "* Trường hợp cấp mới",
            "Giấy đề nghị cấp Giấy phép theo mẫu",
            ("TK 1.002817.docx",),
            1,
            None,
            "1 bản chính",
        ),
        ComponentRow(
            "* Trường hợp cấp mới", "Giấy chứng nhận đăng ký xe ô tô", (), 0, 1, "0 bản chính,1 bản sao"
        ),
    ]


@pytest.mark.parametrize(
    ("segment", "name", "form"),
    [
        (
            "Văn bản đề nghị hủy tài khoản điện tử (NA20).Mau NA20-BCA.docx",
            "Văn bản đề nghị hủy tài khoản điện tử (NA20).",
            "Mau NA20-BCA.docx",
        ),
        ("Tờ khai (mẫu NA17)101-Mau A17 tam tru.doc", "Tờ khai (mẫu NA17)", "101-Mau A17 tam tru.doc"),
        ("Bản khai lý lịch;Mau02-ĐN(BHYT) (1).doc", "Bản khai lý lịch;", "Mau02-ĐN(BHYT) (1).doc"),
        (
            "Thẻ bảo hiểm y tế của đơn vị trực thuộc BộMau02-ĐN(BHYT).doc",
            "Thẻ bảo hiểm y tế của đơn vị trực thuộc Bộ",
            "Mau02-ĐN(BHYT).doc",
        ),
        (
            "Tờ trình theo Mẫu số 13 ban hành kèm theo Nghị định số 58/2024/NĐ-CPMus132.docx",
            "Tờ trình theo Mẫu số 13 ban hành kèm theo Nghị định số 58/2024/NĐ-CP",
            "Mus132.docx",
        ),
        (
            "Đơn khai báo theo mẫu 3 Thông tư số 01/2026/TT-BNNMT ngày 01/01/2026Mau 3. Don khai bao.docx",
            "Đơn khai báo theo mẫu 3 Thông tư số 01/2026/TT-BNNMT ngày 01/01/2026",
            "Mau 3. Don khai bao.docx",
        ),
        (
            "Đơn đề nghị cấp Giấy phép tiếp cận nguồn genĐơn ĐK cấp lại TCNG.docx",
            "Đơn đề nghị cấp Giấy phép tiếp cận nguồn gen",
            "Đơn ĐK cấp lại TCNG.docx",
        ),
        (
            "Đơn đề nghị theo mẫu quy địnhvăn bản đề nghị.docx",
            "Đơn đề nghị theo mẫu quy định",
            "văn bản đề nghị.docx",
        ),
        ("Mau TK01.tt73.2021.doc", "", "Mau TK01.tt73.2021.doc"),
    ],
)
def test_parse_components_form_split(segment: str, name: str, form: str) -> None:
    rows, issues = parse_components("--" + H_COMPONENTS + segment + "1 bản chính")
    assert (rows[0].name, rows[0].form) == (name, form)
    assert kinds(issues) == ([] if name else [UNPARSED])


def test_parse_components_quantity_inside_a_name_is_not_a_row() -> None:
    text = (
        "--"
        + H_COMPONENTS
        + "Giấy phép nhập khẩu: 01 bản chính1 bản chínhHợp đồng mua bán (01 bản chính hoặc "
        "01 bản sao có chứng thực)0 bản chính,1 bản sao"
    )
    rows, issues = parse_components(text)
    assert issues == []
    assert [(row.name, row.originals, row.copies) for row in rows] == [
        ("Giấy phép nhập khẩu: 01 bản chính", 1, None),
        ("Hợp đồng mua bán (01 bản chính hoặc 01 bản sao có chứng thực)", 0, 1),
    ]


def test_parse_components_quantity_glued_to_a_digit() -> None:
    text = "--" + H_COMPONENTS + "Bản khai cá nhân theo mẫu BM.NCC.20.031 bản chính"
    rows, issues = parse_components(text)
    assert (rows[0].name, rows[0].originals) == ("Bản khai cá nhân theo mẫu BM.NCC.20.03", 1)
    assert kinds(issues) == [ASSUMED]
    assert issues[0].field == "components[0]"
    # after a date the cut is certain: no issue
    rows, issues = parse_components(
        "--" + H_COMPONENTS + "Tờ khai theo Nghị định số 70/2024/NĐ-CP ngày 25/6/20241 bản chính"
    )
    assert (rows[0].name, rows[0].originals, issues) == (
        "Tờ khai theo Nghị định số 70/2024/NĐ-CP ngày 25/6/2024",
        1,
        [],
    )


def test_parse_components_trailing_row_without_quantity() -> None:
    text = "--" + H_COMPONENTS + "Đơn đề nghị1 bản chính(Trường hợp khai thác được thông tin)"
    rows, issues = parse_components(text)
    assert [(row.name, row.originals, row.quantity_text) for row in rows] == [
        ("Đơn đề nghị", 1, "1 bản chính"),
        ("(Trường hợp khai thác được thông tin)", None, ""),
    ]
    assert kinds(issues) == [MISSING]


@pytest.mark.parametrize("text", ["", "--", "----", "Không có thông tin"])
def test_parse_components_missing(text: str) -> None:
    assert parse_components(text)[0] == []
    assert kinds(parse_components(text)[1]) == [MISSING]


def test_parse_components_without_table_is_reported() -> None:
    rows, issues = parse_components("); nộp hồ sơ cho cơ quan BHXH.\nBước 2. Cơ quan BHXH tiếp nhận hồ sơ")
    assert rows == []
    assert kinds(issues) == [UNPARSED]


# --------------------------------------------------------------------------- results


def test_parse_results_drops_portal_ui_text() -> None:
    text = (
        "Giấy phép lái xeMã: KQ.G01.000185Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiện"
        "Tỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Nộp hồ sơ"
    )
    assert parse_results(text) == ([ResultRow("Giấy phép lái xe", "KQ.G01.000185", "")], [])


def test_parse_results_several_results_glued() -> None:
    text = (
        "Biển số xeMã: KQ.G01.000015Giấy chứng nhận đăng ký xeMã: KQ.G01.000014Từ khóaCấp lại thẻ căn cước"
        "Mô tả- Cơ quan thực hiện: Sở Xây dựng\n"
    )
    rows, issues = parse_results(text)
    assert issues == []
    assert rows == [
        ResultRow("Biển số xe", "KQ.G01.000015", ""),
        ResultRow(
            "Giấy chứng nhận đăng ký xe",
            "KQ.G01.000014",
            "- Cơ quan thực hiện: Sở Xây dựng",
            "Cấp lại thẻ căn cước",
        ),
    ]


@pytest.mark.parametrize(
    ("glued", "code", "name"),
    [
        ("KQ.G12.000099KBNN hoặc ngân hàng báo Có", "KQ.G12.000099", "KBNN hoặc ngân hàng báo Có"),
        ("KQ.G10.000246...văn bản trả lời..", "KQ.G10.000246", "văn bản trả lời.."),
        ("TP-G12.KQ.120Quyết định thu hồi", "TP-G12.KQ.120", "Quyết định thu hồi"),
        ("000.00.00.G12-KQ.032văn bản từ chối", "000.00.00.G12-KQ.032", "văn bản từ chối"),
        ("KQ.G01.000274- Chuyển hồ sơ", "KQ.G01.000274", "Chuyển hồ sơ"),
    ],
)
def test_parse_results_code_formats(glued: str, code: str, name: str) -> None:
    rows, issues = parse_results(f"Kết quả mộtMã: {glued}Mã: KQ.G01.000001")
    assert issues == []
    assert [(row.code, row.name) for row in rows] == [(code, "Kết quả một"), ("KQ.G01.000001", name)]


def test_parse_results_name_after_keywords_and_description() -> None:
    text = (
        "Giấy phépMã: KQ.G01.000001Từ khóaKhông có thông tinMô tảKhông có thông tinThông báo từ chối"
        "Mã: KQ.G01.000002Từ khóaKhông có thông tinMô tả- Gửi qua bưu chínhVăn bản khácMã: KQ.G01.000003"
    )
    rows, issues = parse_results(text)
    assert [(row.name, row.code, row.description) for row in rows] == [
        ("Giấy phép", "KQ.G01.000001", ""),
        ("Thông báo từ chối", "KQ.G01.000002", "- Gửi qua bưu chínhVăn bản khác"),
        ("", "KQ.G01.000003", ""),
    ]
    assert [(issue.field, issue.kind) for issue in issues] == [
        ("results[2]", UNPARSED),
        ("results[2]", UNPARSED),
    ]


def test_parse_results_without_code_and_empty() -> None:
    rows, issues = parse_results("Mã số cơ sở chăn nuôi.Mã: Chưa xác địnhTừ khóaKhông có thông tin")
    assert rows == [ResultRow("Mã số cơ sở chăn nuôi.", "", "")]
    assert kinds(issues) == [MISSING]
    rows, issues = parse_results("Quyết định giải quyết")
    assert rows == [ResultRow("Quyết định giải quyết", "", "")]
    assert kinds(issues) == [MISSING]
    assert parse_results("")[0] == []
    assert kinds(parse_results("Chọn cơ quan thực hiệnNộp hồ sơ")[1]) == [MISSING]


# --------------------------------------------------------------------------- legal basis


def test_parse_legal_basis_titles_and_numbers() -> None:
    # 1.000236, including a title ending with a year glued to the next number.
    text = (
        H_LEGAL
        + "Luật 51/2019/QH1451/2019/QH14Quy định mẫu giấy tờ liên quan đến việc nhập cảnh04/2015/TT-BCA"
        "Luật Xuất cảnh, nhập cảnh sửa đổi 202323/2023/QH15Thông tư số 22/2023/TT-BCA22/2023/TT-BCA"
        "Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt NamLuật 47/2014/QH13"
    )
    rows, issues = parse_legal_basis(text)
    assert issues == []
    assert rows == [
        LegalRow("Luật 51/2019/QH14", "51/2019/QH14"),
        LegalRow("Quy định mẫu giấy tờ liên quan đến việc nhập cảnh", "04/2015/TT-BCA"),
        LegalRow("Luật Xuất cảnh, nhập cảnh sửa đổi 2023", "23/2023/QH15"),
        LegalRow("Thông tư số 22/2023/TT-BCA", "22/2023/TT-BCA"),
        LegalRow(
            "Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt NamLuật",
            "47/2014/QH13",
        ),
    ]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Nghị định 123/2015/NĐ-CPLuật Hộ tịch60/2014/QH13",
            [("Nghị định", "123/2015/NĐ-CP"), ("Luật Hộ tịch", "60/2014/QH13")],
        ),
        (
            "Thông tư 85/2019/TT-BTC85/2019/TT-BTCsửa đổi bổ sung08/2025/TT-BTP",
            [("Thông tư 85/2019/TT-BTC", "85/2019/TT-BTC"), ("sửa đổi bổ sung", "08/2025/TT-BTP")],
        ),
        (
            "Nghị định 18/2026/NĐ-CP ngày 10/01/2026 của Chính phủ18/2026/NĐ-CP",
            [("Nghị định 18/2026/NĐ-CP ngày 10/01/2026 của Chính phủ", "18/2026/NĐ-CP")],
        ),
        (
            "Quyết định về thủ tục09/2023/QĐ-TTgNghị quyết66.7/2025/NQ-CP",
            [("Quyết định về thủ tục", "09/2023/QĐ-TTg"), ("Nghị quyết", "66.7/2025/NQ-CP")],
        ),
        (
            "quy định chính sách giai đoạn 2026 - 2030182/2025/NQ-HĐND",
            [("quy định chính sách giai đoạn 2026 - 2030", "182/2025/NQ-HĐND")],
        ),
        (
            "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an53/2025/TT-BCA",
            [("Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an", "53/2025/TT-BCA")],
        ),
        ("Thông tư 14/2018/TT-BTC14/2018/TT-BCT", [("Thông tư 14/2018/TT-BTC", "14/2018/TT-BCT")]),
        ("Nghị định số 105/2025/NĐ- CP", [("Nghị định số", "105/2025/NĐ-CP")]),
        ("Luật Lâm nghiệp227/NĐ-CP", [("Luật Lâm nghiệp", "227/NĐ-CP")]),
        (
            "Quyết định 24/2024/QĐ-UBND Sơn La 2024 mẫu hồ sơ24/2024",
            [("Quyết định 24/2024/QĐ-UBND Sơn La 2024 mẫu hồ sơ", "24/2024")],
        ),
        (
            "Quy định về quản lý phân bónNghị định 84/2019/NĐ-CP.",
            [("Quy định về quản lý phân bónNghị định", "84/2019/NĐ-CP")],
        ),
        (
            "Luật Địa chất54/2024/QH15Luật Địa chất54/2024/QH15",
            [("Luật Địa chất", "54/2024/QH15"), ("Luật Địa chất", "54/2024/QH15")],
        ),
    ],
)
def test_parse_legal_basis_variants(body: str, expected: list[tuple[str, str]]) -> None:
    rows, issues = parse_legal_basis(H_LEGAL + body)
    assert [(row.title, row.number) for row in rows] == expected
    assert issues == []


def test_parse_legal_basis_row_without_number() -> None:
    rows, issues = parse_legal_basis(H_LEGAL + "Luật Hóa chất06/2007/QH12Luật Hải quan")
    assert rows == [LegalRow("Luật Hóa chất", "06/2007/QH12"), LegalRow("Luật Hải quan", "")]
    assert [(issue.field, issue.kind) for issue in issues] == [("legal_basis[1]", MISSING)]


def test_parse_legal_basis_missing_and_broken() -> None:
    assert kinds(parse_legal_basis("Không có thông tin")[1]) == [MISSING]
    assert kinds(parse_legal_basis(H_LEGAL)[1]) == [MISSING]
    rows, issues = parse_legal_basis(": Thông tư 269/2016/TT-BTC ngày 14/11/2016 của Bộ Tài chính")
    assert rows == []
    assert kinds(issues) == [UNPARSED]


# --------------------------------------------------------------------------- levels


def test_parse_levels() -> None:
    assert parse_levels("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác") == (
        frozenset({"ministry", "province", "commune", "other"}),
        [],
    )
    assert parse_levels("Cấp xã") == (frozenset({"commune"}), [])
    levels, issues = parse_levels("Cấp huyện, Cấp tỉnh")
    assert levels == frozenset({"province"})
    assert kinds(issues) == [UNPARSED]
    assert kinds(parse_levels("")[1]) == [MISSING]


# --------------------------------------------------------------------------- detail (fixtures)


def test_parse_detail_clean_record_is_fully_parsed() -> None:
    detail = parse_detail(load("1.002817"))
    assert isinstance(detail, ParsedDetail)
    assert detail.fully_parsed
    assert detail.issues == ()
    assert detail.code == "1.002817"
    assert detail.levels == frozenset({"province"})
    assert detail.related == ""  # "Không có thông tin"
    assert detail.source_url.startswith("https://dichvucong.gov.vn/")
    assert [row.channel for row in detail.channels] == ["online", "postal", "counter"]
    assert {row.section for row in detail.components} == {
        "* Trường hợp cấp lại khi Giấy phép liên vận GMS hoặc sổ TAD bị hư hỏng, bị mất",
        "* Trường hợp cấp mới; cấp lại khi Giấy phép liên vận GMS hoặc sổ TAD hết thời hạn sử dụng hoặc còn thời "
        "hạn sử dụng nhưng hết trang đóng dấu xác nhận của các cơ quan quản lý tại cửa khẩu",
    }
    assert [row.code for row in detail.results] == ["KQ.G17.000301", "KQ.G17.000302"]
    assert detail.legal_basis[1] == LegalRow("Quy định về hoạt động vận tải đường bộ", "158/2024/NĐ-CP")
    assert set(detail.raw) >= {"ma_thu_tuc", "cach_thuc_thuc_hien", "raw_text"}


def test_parse_detail_fee_unit_slip() -> None:
    detail = parse_detail(load("3.000349"))
    assert detail.channels[0].fees[0].amount == 135_000
    assert [(issue.field, issue.kind) for issue in detail.issues] == [("channels[0].fee", INCONSISTENT)]
    assert not detail.fully_parsed


def test_parse_detail_recuts_fields_the_crawler_split_wrongly() -> None:
    # 1.001521: the crawler cut the steps at the words "Thành phần hồ sơ" inside them.
    record = load("1.001521")
    assert record["thanh_phan_ho_so"].startswith("); nộp hồ sơ")
    detail = parse_detail(record)
    assert [(issue.field, issue.kind) for issue in detail.issues] == [
        ("steps", CORRECTED),
        ("components", CORRECTED),
    ]
    assert detail.steps.endswith("huyện/tỉnh khác.")
    assert "Bước 3. Nhận kết quả giải quyết" in detail.steps
    assert len(detail.components) == 8
    assert all(row.originals == 1 for row in detail.components)
    assert detail.raw["thanh_phan_ho_so"] == record["thanh_phan_ho_so"]  # raw stays verbatim


def test_parse_detail_usd_fees_and_repeated_channels() -> None:
    detail = parse_detail(load("1.003358"))
    assert len(detail.channels) == 9
    assert {row.fees[0].currency for row in detail.channels} == {"USD"}
    assert kinds(detail.issues) == [INCONSISTENT] * 3


def test_parse_detail_free_text_time() -> None:
    detail = parse_detail(load("1.007689"))
    assert [row.time.amount for row in detail.channels] == [None] * 3
    assert kinds(detail.issues) == [UNPARSED] * 3
    assert detail.results[0].keywords == "Cá nhân cho thuê bất động sản, khai thuế"


def test_parse_detail_page_of_another_procedure_is_flagged() -> None:
    detail = parse_detail(load("3.000224"))
    assert detail.issues[0].field == "code"
    assert detail.issues[0].kind == INCONSISTENT
    assert "«1.014023»" in detail.issues[0].reason


def test_parse_detail_normalises_text() -> None:
    record = load("1.002817")
    record["ten_thu_tuc"] = unicodedata.normalize("NFD", "Cấp giấy phép\nliên vận\xa0 GMS")
    record["yeu_cau_dieu_kien"] = "- Điều kiện 1\n\n\n\n- Điều kiện 2 "
    record["co_quan_thuc_hien"] = "Không có thông tin"
    record.pop("raw_text")
    detail = parse_detail(record)
    assert detail.name == "Cấp giấy phép liên vận GMS"
    assert detail.requirements == "- Điều kiện 1\n\n- Điều kiện 2"
    assert detail.implementing_agency == ""
    assert detail.raw["ten_thu_tuc"] == unicodedata.normalize("NFC", record["ten_thu_tuc"])


@pytest.mark.parametrize("code", [None, "", "1.00008", "abc", "1.000080 x"])
def test_parse_detail_rejects_invalid_codes(code: str | None) -> None:
    record: dict[str, str | None] = {"ma_thu_tuc": code, "ten_thu_tuc": "Thủ tục"}
    with pytest.raises(ValueError):
        parse_detail(record)


def test_parse_detail_accepts_suffixed_codes_and_minimal_records() -> None:
    detail = parse_detail({"ma_thu_tuc": "1.000080.01", "ten_thu_tuc": "Thủ tục", "linh_vuc": "Hộ tịch"})
    assert detail.code == "1.000080.01"
    assert {issue.field for issue in detail.issues} == {
        "levels",
        "channels",
        "components",
        "results",
        "legal_basis",
    }
    assert set(kinds(detail.issues)) == {MISSING}


def test_issue_excerpts_are_short() -> None:
    for path in sorted(FIXTURES.glob("*.json")):
        for issue in parse_detail(json.loads(path.read_text(encoding="utf-8"))).issues:
            assert len(issue.excerpt) <= 200
            assert issue.reason


# --------------------------------------------------------------------------- list exports


def test_read_list_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nDANH SÁCH THỦ TỤC HÀNH CHÍNH", None, None, None, None])
    sheet.append(["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"])
    sheet.append(
        [
            "1.014966",
            " Cấp lại chứng chỉ ",
            "Bộ Tư pháp",
            "Chủ tịch UBND cấp tỉnh\nSở Tư Pháp\n\n",
            "Quản tài viên",
        ]
    )
    sheet.append([None, None, None, None, None])
    sheet.append(["1.00008", "Mã sai", "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    sheet.append(["", "Không có mã", "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    sheet.append(["1.014966", "Trùng", "Bộ Tư pháp", "Sở Tư pháp", "Hộ tịch"])
    sheet.append(
        [
            "2.000001.H29",
            unicodedata.normalize("NFD", "Đăng ký khai sinh"),
            "Bộ Tư pháp",
            "UBND cấp xã",
            "Hộ tịch",
        ]
    )
    path = tmp_path / "danh-sach.xlsx"
    workbook.save(path)

    rows, issues = read_list_xlsx(path)
    assert [(row.code, row.name, row.implementing_agencies, row.row_number) for row in rows] == [
        ("1.014966", "Cấp lại chứng chỉ", ("Chủ tịch UBND cấp tỉnh", "Sở Tư Pháp"), 3),
        ("2.000001.H29", "Đăng ký khai sinh", ("UBND cấp xã",), 8),
    ]
    assert rows[0].issuing_body == "Bộ Tư pháp"
    assert rows[0].field == "Quản tài viên"
    assert [issue.field for issue in issues] == [
        "xlsx:danh-sach.xlsx:5",
        "xlsx:danh-sach.xlsx:6",
        "xlsx:danh-sach.xlsx:7",
    ]
    assert issues[0].reason == "Mã thủ tục không hợp lệ: «1.00008»"
    assert kinds(issues) == [UNPARSED, UNPARSED, INCONSISTENT]


def test_read_list_xlsx_without_header(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["1.000001", "Tên"])
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    rows, issues = read_list_xlsx(str(path))
    assert rows == []
    assert [issue.field for issue in issues] == ["xlsx:x.xlsx"]
