"""Formats of the identifiers the national systems use. Pure functions, no Django."""

from __future__ import annotations

import re

# QĐ 20/2020/QĐ-TTg: dot-separated groups of [0-9A-Z], at most 35 characters, ending in the
# level-1 code of a ministry (G..) or a province (H..), e.g. 000.00.01.H22.
AGENCY_CODE_RE = re.compile(r"^(?:[0-9A-Z]+\.)*[GH][0-9A-Z]{1,3}$")
AGENCY_CODE_MAX_LENGTH = 35


def agency_code_error(code: str) -> str | None:
    """Why ``code`` is not a valid agency electronic identifier, or None when it is."""
    if not code:
        return "Mã định danh không được để trống."
    if len(code) > AGENCY_CODE_MAX_LENGTH:
        return f"Mã định danh dài tối đa {AGENCY_CODE_MAX_LENGTH} ký tự."
    if not AGENCY_CODE_RE.match(code):
        return (
            "Mã định danh gồm các nhóm chữ số hoặc chữ in hoa ngăn cách bởi dấu chấm, "
            "kết thúc bằng mã cấp 1 của bộ (G..) hoặc tỉnh (H..), ví dụ 000.00.01.H22."
        )
    return None
