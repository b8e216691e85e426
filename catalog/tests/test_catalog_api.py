"""The public catalog: search folds diacritics and matches codes; filters; the full detail."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def codes(body):
    return [item["code"] for item in body["items"]]


@pytest.mark.parametrize("q", ["dang ky khai sinh", "Đăng ký khai sinh", "ĐĂNG KÝ KHAI SINH", "khai  sinh"])
def test_search_folds_diacritics(api, q):
    status, body = api().get("procedures", q=q)
    assert status == 200
    assert "1.001193" in codes(body)


def test_search_matches_codes_and_prefixes(api):
    assert codes(api().get("procedures", q="1.001193")[1]) == ["1.001193"]
    assert "1.001193" in codes(api().get("procedures", q="1.0011")[1])


def test_search_all_words_must_match(api):
    assert codes(api().get("procedures", q="khai sinh nuoc ngoai")[1]) == []


def test_default_scope_is_what_is_in_force_in_the_province(api):
    province = codes(api().get("procedures", page_size=100)[1])
    everything = codes(api().get("procedures", scope="all", page_size=100)[1])
    assert "1.004711" not in province  # a ministry-level procedure, not published in the province
    assert "1.004711" in everything and "1.115133" in everything
    assert set(province) < set(everything)


def test_filters(api):
    commune = codes(api().get("procedures", level="commune", page_size=100)[1])
    assert "1.001193" in commune and "1.003203" not in commune
    province = codes(api().get("procedures", level="province", page_size=100)[1])
    assert "1.003203" in province and "1.001193" not in province
    ho_tich = codes(api().get("procedures", field="ho-tich", page_size=100)[1])
    assert "1.001193" in ho_tich and "1.003203" not in ho_tich
    online = api().get("procedures", online="yes", page_size=100)[1]
    assert all(item["online_level"] in ("full", "partial") for item in online["items"])


def test_agency_filter(api):
    # A commune agency settles every commune-level procedure.
    by_commune = codes(api().get("procedures", agency="000.00.11953.H31", page_size=100)[1])
    assert "1.001193" in by_commune and "1.003203" not in by_commune
    # A department settles the procedures that name it.
    by_department = codes(api().get("procedures", agency="000.00.08.H31", page_size=100)[1])
    assert "1.003203" in by_department and "1.001193" not in by_department
    assert codes(api().get("procedures", agency="000.00.00.H99")[1]) == []


def test_pagination(api):
    status, body = api().get("procedures", page_size=2, page=1)
    assert status == 200 and len(body["items"]) == 2 and body["pages"] >= 2
    status, body = api().get("procedures", page=999)
    assert status == 400 and body["error"]["code"] == "page_out_of_range"
    status, body = api().get("procedures", page_size=1000)
    assert status == 422 and "page_size" in body["error"]["fields"]


def test_detail(api):
    status, body = api().get("procedures/1.001193")
    assert status == 200
    assert body["name"] == "Thủ tục đăng ký khai sinh"
    assert body["in_force"] is True and body["status"] == "in_force"
    assert body["field"] == {"code": "ho-tich", "name": "Hộ tịch"}
    assert {o["channel"] for o in body["options"]} == {"online", "postal", "counter"}
    assert body["components"] and body["results"] and body["legal_basis"]
    assert body["versions"][0]["number"] == 1
    workflow = body["workflows"][0]
    assert workflow["level"] == "commune"
    assert [s["role"] for s in workflow["steps"]] == ["one_stop_officer", "specialist", "leader", "clerk"]
    assert workflow["problems"] == []


def test_detail_of_department_procedure_names_the_department(api):
    _, body = api().get("procedures/1.003203")
    assert {"code": "000.00.08.H31", "name": "Sở Nông nghiệp và Môi trường"} in body["agencies"]


def test_unknown_procedure_and_version(api):
    status, body = api().get("procedures/9.999999")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = api().get("procedures/1.001193", version=42)
    assert status == 404
