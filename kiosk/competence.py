"""Whether a service centre receives a procedure itself, read from the national catalog's wording of the
agency that carries it out (pure; no Django).

The national catalog marks a procedure's level ("Cấp thực hiện") after the 2025 reorganisation by where
it is carried out, not by who carries it out: 124 customs and 111 tax procedures carried out by "Chi cục
Hải quan khu vực" or "Thuế cơ sở" are marked "Cấp xã", the same as birth registration. A commune's
centre is the one-stop shop of its People's Committee (NĐ 61/2018 Art. 7): it receives the procedures
its committee (chairman, civil servants) or the province's departments settle, not those of the vertical
agencies (customs, tax, social insurance, police, treasury…), which receive at their own offices unless
the province links them to the centre (``ProcedureVersion.agencies``)."""

from __future__ import annotations

import re

from kernel.text import fold

# The centre's own administration: the People's Committee, its chairman and civil servants, the
# province's departments and offices.
# "sở" folds to "so", as "cơ sở" (Thuế cơ sở) does.
_OWN_RE = re.compile(r"(?<!\w)(?:uy ban nhan dan|ubnd|chu tich|cong chuc|(?<!co )so|van phong)(?!\w)")
# Bodies outside the People's Committees' one-stop shops.
_OUTSIDE_RE = re.compile(
    r"(?<!\w)(?:hai quan|thue|bao hiem xa hoi|bhxh|cong an|kho bac|ngan hang|toa an|vien kiem sat"
    r"|thi hanh an|cuc|chi cuc|tong cuc|bo(?! phan)|cang vu|bien phong|quan doi)(?!\w)"
)


def received_by_own_administration(agency_text: str) -> bool:
    """Whether the agency named (the catalog's "Cơ quan thực hiện", else "Cơ quan có thẩm quyền") is the
    centre's own administration: yes when it names a People's Committee, its chairman or civil servants
    or a department; no when it names only outside bodies; yes when the catalog names none (the level
    alone then decides)."""
    text = fold(agency_text)
    if not text.strip() or _OWN_RE.search(text):
        return True
    return _OUTSIDE_RE.search(text) is None
