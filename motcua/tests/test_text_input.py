"""Text is normalised to NFC on input; search folds diacritics."""

from __future__ import annotations

import re
import unicodedata
from typing import Final
from urllib.parse import quote

import pytest
from django.http import HttpResponse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from kernel.text import fold, nfc, slugify_vi
from motcua.middleware import InputBoundaryMiddleware

NFD: Final = "NFD"


def test_fold_and_slug():
    assert fold("Giấy phép ĐĂNG KÝ  khai sinh") == "giay phep dang ky khai sinh"
    assert slugify_vi("Hộ tịch") == "ho-tich"
    assert nfc("Hoa\u0300 a\xa0 b ") == "Hoà a b"


@given(st.text())
def test_nfc_is_the_normal_form_with_runs_of_space_collapsed(text):
    """What nfc is, written plainly (its own code collapses the spaces by splitting)."""
    plain = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\xa0", " ")).strip()
    assert nfc(text) == plain


@given(st.text())
def test_fold_drops_every_combining_mark(text):
    """What fold is, written plainly (its own code drops the marks by a table filled as it goes and
    collapses the spaces by splitting)."""
    decomposed = unicodedata.normalize(NFD, text.replace("đ", "d").replace("Đ", "d"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert fold(text) == re.sub(r"\s+", " ", plain.lower()).strip()


@given(st.text())
def test_fold_ignores_normal_form(text):
    assert fold(unicodedata.normalize(NFD, text)) == fold(unicodedata.normalize("NFC", text))


@pytest.mark.django_db
def test_decomposed_query_finds_the_procedure(api):
    status, body = api().get("procedures", q=unicodedata.normalize(NFD, "Đăng ký khai sinh"))
    assert status == 200
    assert "1.001193" in [item["code"] for item in body["items"]]


@pytest.mark.django_db
def test_json_bodies_are_stored_in_nfc(api, agency_admin_a):
    name = unicodedata.normalize(NFD, "Trịnh Thị Hoà")
    status, body = api(agency_admin_a).post(
        "agencies/000.00.11953.H31/members",
        {"username": "hoa.phohien", "full_name": name, "password": "Mot-mat-khau-dai-9", "role": "clerk"},
    )
    assert status == 201
    stored = User.objects.get(username="hoa.phohien").full_name
    assert stored == unicodedata.normalize("NFC", "Trịnh Thị Hoà")
    assert unicodedata.is_normalized("NFC", stored)


def test_form_posts_and_queries_reach_the_views_in_nfc(rf):
    """What a page's view reads from ``request.POST`` and ``request.GET`` is NFC, whatever the browser
    sent (a decomposed "Hoà" from a macOS keyboard is another string to the database)."""
    seen: dict[str, str] = {}

    def view(request):
        seen.update(note=request.POST["note"], q=request.GET["q"])
        return HttpResponse("ok")

    decomposed = unicodedata.normalize(NFD, "Trịnh Thị Hoà, ghi chú đã kiểm tra")
    request = rf.post(f"/can-bo/?q={quote(decomposed)}", {"note": decomposed})
    assert InputBoundaryMiddleware(view)(request).status_code == 200
    expected = unicodedata.normalize("NFC", decomposed)
    assert seen == {"note": expected, "q": expected}
    assert decomposed != expected
