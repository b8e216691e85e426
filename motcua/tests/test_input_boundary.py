"""No input produces a server error (issue 11): the input boundary (``motcua.middleware``) refuses NUL,
other control characters, invalid UTF-8 and lone surrogates in paths, query strings, form fields, JSON
bodies and the headers the code reads, with a 400 naming the field — the API's error shape under
/api/, the Vietnamese 400 page elsewhere. PostgreSQL is where a NUL used to give a 500; the suite runs
on both databases."""

from __future__ import annotations

import json
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from demo.loader import DEMO_PASSWORD
from kernel.input_text import MAX_JSON_DEPTH, BadText, check_json, form_pairs, parse_json

pytestmark = pytest.mark.django_db

# The examples of the issue, and their kin on every public page and API list.
NUL_URLS = [
    "/api/v1/procedures?q=%00",
    "/tra-cuu/?ma=%00",
    "/thu-tuc/?q=%00",
    "/api/v1/units?q=%00",
    "/api/v1/agencies?q=%00",
    "/api/v1/agencies/%00",
    "/api/v1/procedures/%00",
    "/api/v1/public/dossiers/%00",
    "/thu-tuc/%00/",
    "/tra-cuu/%00/",
    "/xac-thuc/?ma=%00",
    "/chi-so/?thang=%00",
    "/%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_anywhere_is_a_clean_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        error = response.json()["error"]
        assert error["code"] == "invalid_text"
        assert error["message"] == "Dữ liệu gửi lên có ký tự không hợp lệ."
        ((field, (detail,)),) = error["fields"].items()
        assert field in {"q", "path"}
        assert detail == "Có ký tự điều khiển không được phép (U+0000)."
    else:
        page = response.content.decode()
        assert "Yêu cầu không hợp lệ" in page and "U+0000" in page


def test_the_api_names_the_field(client):
    error = client.get("/api/v1/procedures?level=ok&q=a%00b").json()["error"]
    assert error["fields"] == {"q": ["Có ký tự điều khiển không được phép (U+0000)."]}
    error = client.get("/api/v1/procedures?q=%C3%28").json()["error"]  # a broken 2-byte sequence
    assert error["fields"] == {"q": ["Không phải văn bản UTF-8 hợp lệ."]}
    error = client.get("/api/v1/procedures?q%01=x").json()["error"]  # a bad name is shown escaped
    assert error["fields"] == {"q\\x01": ["Có ký tự điều khiển không được phép (U+0001)."]}


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("q=%1B", "U+001B"),  # ESC
        ("q=%7F", "U+007F"),  # DEL
        ("q=%C2%85", "U+0085"),  # C1 next line
        ("q=a%0Bb", "U+000B"),  # vertical tab
        ("q=%ED%A0%80", "UTF-8"),  # an encoded surrogate is invalid UTF-8
        ("q=%FF", "UTF-8"),
    ],
)
def test_control_characters_and_bad_encodings_in_queries(client, query, problem):
    response = client.get(f"/thu-tuc/?{query}")
    assert response.status_code == 400 and problem in response.content.decode()


def test_non_ascii_paths_and_queries_are_text(client, api):
    assert client.get("/thu-tuc/tháng-ba/").status_code == 404
    assert client.get("/thu-tuc/%FF/").status_code == 404  # Django keeps broken UTF-8 percent-encoded
    assert client.get("/thu-tuc/?q=tháng").status_code == 200


def test_ordinary_text_passes_and_tabs_and_line_breaks_in_values_too(client):
    assert client.get("/thu-tuc/", {"q": "khai\tsinh\r\n"}).status_code == 200
    response = client.get("/thu-tuc/?q%0A=x")  # but not in a name
    assert response.status_code == 400
    assert client.get("/api/v1/procedures", {"q": "Đăng ký khai sinh 🙂"}).status_code == 200


def test_json_bodies_are_checked_at_any_depth(api):
    status, body = api().post("auth/token", raw='{"username": "a\\u0000b", "password": "x"}')
    assert status == 400 and body["error"]["fields"] == {
        "username": ["Có ký tự điều khiển không được phép (U+0000)."]
    }
    status, body = api().post(
        "auth/token", raw='{"username": "a", "password": "x", "extra": [{"k": "\\ud800"}]}'
    )
    assert status == 400 and body["error"]["fields"] == {
        "extra.0.k": ["Có ký tự Unicode không hợp lệ (U+D800)."]
    }
    status, body = api().post("auth/token", raw='{"user\\u0007name": "a", "password": "x"}')
    assert status == 400 and list(body["error"]["fields"]) == ["user\\x07name"]
    status, body = api().post("auth/token", raw='{"username": "a", "password": NaN}')
    assert status == 400 and "NaN" in body["error"]["fields"]["body"][0]
    deep = "[" * (MAX_JSON_DEPTH + 5) + "]" * (MAX_JSON_DEPTH + 5)
    status, body = api().post("auth/token", raw=deep)
    assert status == 400 and "lồng sâu" in next(iter(body["error"]["fields"].values()))[0]
    status, body = api().post("auth/token", raw="[" * 100_000)  # past Python's recursion limit
    assert status == 400


def test_line_breaks_and_tabs_are_text_in_a_body(api):
    status, body = api().post("auth/token", {"username": "a\nb\tc\r\n", "password": "x"})
    assert status == 401  # checked as a login, not refused as text


def test_invalid_utf8_body_is_refused(client):
    response = client.post("/api/v1/auth/token", b'{"username": "\xff"}', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"body": ["Không phải văn bản UTF-8 hợp lệ."]}


def test_form_posts_are_checked_before_any_view(client):
    response = client.post("/dang-nhap/", {"username": "congdan\x00", "password": DEMO_PASSWORD})
    assert response.status_code == 400 and "username" in response.content.decode()
    response = client.post(
        "/dang-nhap/", "username=congdan%FF&password=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400 and "UTF-8" in response.content.decode()


def test_multipart_fields_are_checked_not_file_contents(client):
    pdf = SimpleUploadedFile("ban-sao.pdf", b"%PDF-1.4 \x00\x01 binary", content_type="application/pdf")
    response = client.post("/xac-thuc/", {"file": pdf, "note": "a\x1bb"})
    assert response.status_code == 400 and "note" in response.content.decode()
    # File contents are data; a control character in a file name Django's parser already drops.
    pdf = SimpleUploadedFile("ban\x00sao.pdf", b"%PDF-1.4 \x00\x01 binary", content_type="application/pdf")
    assert client.post("/xac-thuc/", {"file": pdf}).status_code == 200


def test_headers_read_as_text_are_checked_and_bad_cookies_dropped(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer mc_\x00"})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["Authorization"]
    client.cookies["sessionid"] = "abcdefgh\x00ijk"
    assert client.get("/thu-tuc/").status_code == 200  # the session cookie is ignored, not a 400


def test_decomposed_text_still_reaches_views_as_nfc(api):
    status, body = api().get("procedures", q=unicodedata.normalize("NFD", "Đăng ký khai sinh"))
    assert status == 200 and "1.001193" in [item["code"] for item in body["items"]]


def test_pure_helpers():
    assert form_pairs(b"q=a+b&x=%C3%A1&flag", "query") == [("q", "a b"), ("x", "á"), ("flag", "")]
    with pytest.raises(BadText) as caught:
        check_json(parse_json('{"a": {"b": ["ok", "\\u0085"]}}'))
    assert (caught.value.field, caught.value.problem, caught.value.char) == ("a.b.1", "control", 0x85)
    with pytest.raises(BadText):
        parse_json('{"n": 1e999}')


# Arbitrary text into the main query parameters of the public pages and the API: never a 5xx.
PAGES = {
    "/thu-tuc/": ("q", "level", "field", "agency", "online", "scope", "page"),
    "/tra-cuu/": ("ma",),
    "/chi-so/": ("thang", "agency"),
    "/lich-lam-viec/": ("year",),
    "/api/v1/procedures": ("q", "level", "field", "agency", "online", "ordering", "page", "page_size"),
    "/api/v1/units": ("q", "level", "province", "page"),
    "/api/v1/agencies": ("q", "level", "unit", "kind", "parent", "page"),
    "/api/v1/calendar/due": ("start", "amount", "unit"),
    "/api/v1/index": ("month", "agency"),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(sorted(PAGES)),
    values=st.lists(st.text(max_size=300), min_size=1, max_size=8),
)
def test_public_pages_and_api_never_answer_5xx_to_any_text(path, values):
    params = dict(zip(PAGES[path], values, strict=False))
    response = Client().get(path, params)
    assert response.status_code < 500, (path, params)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.text(min_size=1, max_size=200).filter(lambda s: "/" not in s and s not in {".", ".."}))
def test_public_paths_never_answer_5xx_to_any_code(code):
    from urllib.parse import quote

    for path in (
        "/thu-tuc/{}/",
        "/tra-cuu/{}/",
        "/tep-cong/{}/",
        "/api/v1/procedures/{}",
        "/api/v1/public/dossiers/{}",
    ):
        response = Client().get(path.format(quote(code.encode("utf-8", "surrogatepass"), safe="")))
        assert response.status_code < 500, (path, code)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
        max_leaves=20,
    )
)
def test_any_json_body_to_a_public_post_is_never_a_5xx(body):
    raw = json.dumps({"username": body, "password": body})
    response = Client().post("/api/v1/auth/token", raw, content_type="application/json")
    assert response.status_code < 500


def test_line_breaks_in_a_redirect_target_are_no_server_error(client, citizen):
    # A line break is text in a query value, but never reaches a Location header.
    response = client.post(
        "/dang-nhap/?next=/thu-tuc/%0D%0ASet-Cookie:%20x=1",
        {"username": "congdan", "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302 and "\n" not in response["Location"]
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/thu-tuc/\r\nX: y"})
    assert response.status_code == 302 and "\n" not in response["Location"]
