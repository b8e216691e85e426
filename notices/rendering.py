"""The notices' templates rendered by Django's template engine, sandboxed: an engine of its own with no
template loader (no ``include`` or ``extends`` can reach a file), no context processor, no library to
``load``, and a context of plain values only (strings, lists of strings) — a template sees what the
notice gives it and nothing else. Tags that would show more than that (``debug``) or reach for other
templates are refused when the template is saved."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import Lexer, Template, TokenType

# Each placeholder a template may use, with what it holds (shown to administrators in the admin).
PLACEHOLDERS: dict[str, str] = {
    "ma_ho_so": "Mã hồ sơ",
    "ten_thu_tuc": "Tên thủ tục",
    "nguoi_nop": "Họ tên người nộp",
    "co_quan_tiep_nhan": "Nơi tiếp nhận",
    "co_quan_giai_quyet": "Cơ quan giải quyết",
    "trang_thai": "Trạng thái hồ sơ",
    "thoi_diem": "Thời điểm của sự kiện (giờ:phút ngày/tháng/năm)",
    "ngay_hen_tra": "Ngày hẹn trả kết quả",
    "link_tra_cuu": "Đường dẫn tra cứu hồ sơ trên Cổng",
    "link_ho_so": "Đường dẫn trang hồ sơ trong mục «Hồ sơ của tôi»",
    "noi_dung_bo_sung": "Danh sách giấy tờ, nội dung cần bổ sung (dùng {% for muc in noi_dung_bo_sung %})",
    "ly_do": "Lý do (bổ sung, hẹn lại, từ chối, dừng, rút hồ sơ); việc người nộp cần làm khi tạm dừng",
    "ngay_hen_cu": "Ngày hẹn trả trước khi hẹn lại",
    "ngay_hen_moi": "Ngày hẹn trả mới",
    "noi_nhan_ket_qua": "Nơi và cách nhận kết quả",
    "ket_qua_dien_tu": "Danh sách kết quả điện tử: mỗi mục có .ten và .link",
    "so_dien_thoai_co_quan": "Số điện thoại nơi tiếp nhận",
    "han_bo_sung": "Hạn người nộp bổ sung hồ sơ (ngày/tháng/năm; yêu cầu bổ sung)",
    "thoi_gian_con_lai": "Thời gian giải quyết còn lại khi tạm dừng (ví dụ «2 ngày 3 giờ làm việc»)",
    "hinh_thuc_tra": "Hình thức trả kết quả (tại bộ phận một cửa, qua bưu chính, trực tuyến)",
}

# Tags that would show more than the notice's values (debug), reach other templates or load libraries.
FORBIDDEN_TAGS = frozenset({"debug", "load", "include", "extends", "block"})
_UNKNOWN = "\x00UNKNOWN:%s\x00"

# No loaders (nothing to include or extend), no libraries beyond the built-in tags and filters.
_engine = Engine(loaders=[], libraries={}, autoescape=False, string_if_invalid="")
_checking = Engine(loaders=[], libraries={}, autoescape=False, string_if_invalid=_UNKNOWN)


class TemplateRefused(Exception):
    """The template cannot be used; ``message`` says why in Vietnamese, precisely."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _scan(text: str, part: str) -> None:
    """Refuse, before compiling, the tags a notice may not use and a placeholder or tag left unclosed
    (Django would print it as plain text)."""
    for token in Lexer(text).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.split() else ""
            if name in FORBIDDEN_TAGS:
                raise TemplateRefused(f"{part}: không được dùng thẻ {{% {name} %}} trong mẫu thông báo.")
        elif token.token_type == TokenType.TEXT:
            for opening in ("{{", "{%", "{#"):
                if opening in token.contents:
                    start = token.contents.index(opening)
                    piece = token.contents[start : start + 40].splitlines()[0]
                    line = (token.lineno or 1) + token.contents[:start].count("\n")
                    raise TemplateRefused(
                        f"{part}: «{piece}» ở dòng {line} chưa được đóng đúng (thiếu }}}} hoặc %}})."
                    )


def _compile(engine: Engine, text: str, part: str) -> Template:
    _scan(text, part)
    try:
        return engine.from_string(text)
    except TemplateSyntaxError as error:
        raise TemplateRefused(f"{part}: lỗi cú pháp mẫu — {error}") from error


def render_text(text: str, context: Mapping[str, Any]) -> str:
    """``text`` rendered with ``context`` (plain values only), NFC, with surrounding blank lines dropped."""
    try:
        rendered = _compile(_engine, text, "Mẫu").render(Context(dict(context), autoescape=False))
    except TemplateRefused:
        raise
    except Exception as error:  # a filter failing on this notice's values: a failure, not a retry
        raise TemplateRefused(f"Mẫu không hiển thị được với dữ liệu của hồ sơ — {error}") from error
    return unicodedata.normalize("NFC", rendered.strip())


def check_text(text: str, part: str, sample: Mapping[str, Any]) -> None:
    """Refuse ``text`` unless it compiles, uses no forbidden tag, renders with ``sample`` and names only
    known placeholders. ``part`` names the field in the message ("Tiêu đề", "Nội dung")."""
    template = _compile(_checking, text, part)
    try:
        rendered = template.render(Context(dict(sample), autoescape=False))
    except Exception as error:  # a filter given a bad argument fails only when rendering
        raise TemplateRefused(f"{part}: không hiển thị được — {error}") from error
    if "\x00UNKNOWN:" in rendered:
        names = sorted({piece.split("\x00", 1)[0] for piece in rendered.split("\x00UNKNOWN:")[1:]})
        raise TemplateRefused(
            f"{part}: không có biến {', '.join('{{ ' + n + ' }}' for n in names)}. "
            f"Các biến dùng được: {', '.join(sorted(PLACEHOLDERS))}."
        )
