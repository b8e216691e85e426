"""The counter's look-up of an applicant by CCCD or tax code: one-stop officers only, exact numbers
only, only people the counter may know (a portal account, or a dossier received at the officer's
centre), throttled per officer and logged with the number hashed, never in clear."""

from __future__ import annotations

import pytest
from django.test import override_settings

from audit.models import PersonalDataAccess
from audit.services import subject_hash
from testing.dossiers import counter_body
from testing.web import HX, page

pytestmark = pytest.mark.django_db

URL = "/can-bo/tiep-nhan/nguoi-nop/?id_number="
REGISTERED = "033190001234"  # the demo citizen, who has a portal account
STRANGER = "033088000777"


@pytest.fixture
def filed_at_b(api, officer_b):
    """Someone without an account who filed at commune B's counter."""
    body = counter_body(applicant={"name": "Lê Thị Xa", "national_id": STRANGER, "phone": "0911000777"})
    status, created = api(officer_b).post("dossiers", body)
    assert status == 201, created


def test_a_registered_citizen_is_found_and_the_lookup_is_logged_hashed(client, officer_a):
    status, html = page(client, officer_a, URL + REGISTERED, headers=HX)
    assert status == 200 and "Nguyễn Thị Dân" in html
    (row,) = PersonalDataAccess.objects.all()
    assert row.kind == "applicant_lookup" and row.actor == officer_a and row.found is True
    assert row.subject_hash == subject_hash(REGISTERED) and REGISTERED not in row.subject_hash
    assert row.subject_mask == "********1234" and row.dossier is None


def test_someone_known_only_at_another_centre_is_not_shown(client, officer_a, officer_b, filed_at_b):
    _, html = page(client, officer_a, URL + STRANGER, headers=HX)
    assert "Lê Thị Xa" not in html and "0911000777" not in html and "chưa có trong hệ thống" in html
    _, html = page(client, officer_b, URL + STRANGER, headers=HX)
    assert "Lê Thị Xa" in html and "0911000777" in html
    found = dict(PersonalDataAccess.objects.values_list("actor__username", "found"))
    assert found == {officer_a.username: False, officer_b.username: True}


def test_partial_numbers_find_nobody_and_are_not_counted(client, officer_a):
    for partial in ("0331", "03319000123", "0331900012345"):
        _, html = page(client, officer_a, URL + partial, headers=HX)
        assert "Nguyễn Thị Dân" not in html
    assert not PersonalDataAccess.objects.exists()


def test_only_one_stop_officers_may_look_up(client, specialist_a, leader_a, citizen):
    for user in (specialist_a, leader_a):
        status, html = page(client, user, URL + REGISTERED, headers=HX)
        assert status == 403 and "Nguyễn Thị Dân" not in html
    status, _ = page(client, citizen, URL + REGISTERED, headers=HX)
    assert status in (403, 404)
    assert not PersonalDataAccess.objects.exists()


@override_settings(MOTCUA_APPLICANT_LOOKUP_RATE="2/h")
def test_lookups_are_throttled_per_officer(client, officer_a, officer_b):
    for _ in range(2):
        assert page(client, officer_a, URL + REGISTERED, headers=HX)[0] == 200
    status, html = page(client, officer_a, URL + REGISTERED, headers=HX)
    assert status == 429 and "quá nhiều người nộp" in html and "Nguyễn Thị Dân" not in html
    assert page(client, officer_b, URL + REGISTERED, headers=HX)[0] == 200  # his own allowance
