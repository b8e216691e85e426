"""Reads of a dossier's personal data by staff are logged (who, when, which dossier, through which
unit), once per window; the applicant sees them on the portal and through the API, nobody else does."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from audit.models import PersonalDataAccess
from catalog.models import ProcedureVersion
from dossiers.models import Dossier
from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, vn

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def online(api, citizen, clock) -> Dossier:
    """The citizen's online birth registration, submitted to commune A's centre."""
    clock(vn(2026, 3, 2, 9, 0))
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    birth = version.components.get(name__startswith="Giấy chứng sinh")
    status, body = api(citizen).post(
        "dossiers",
        {
            "procedure": BIRTH_REGISTRATION,
            "channel": "online",
            "receiving_agency": COMMUNE_A_CENTRE,
            "components": [{"requirement": birth.pk}],
        },
    )
    assert status == 201, body
    return Dossier.objects.get(uuid=body["uuid"])


def test_an_officer_opening_the_dossier_is_logged_once_per_window(online, officer_a, citizen, api):
    client = logged_in(officer_a)
    assert client.get(f"/can-bo/ho-so/{online.reference}/").status_code == 200
    assert client.get(f"/can-bo/ho-so/{online.reference}/").status_code == 200  # a reload
    status, _ = api(officer_a).get(f"dossiers/{online.reference}")
    assert status == 200
    (row,) = PersonalDataAccess.objects.filter(dossier=online)
    assert row.actor == officer_a and row.kind == "dossier_view"
    assert row.agency.code == COMMUNE_A_CENTRE and row.role == "one_stop_officer"
    assert row.client_address == "127.0.0.1"
    # The applicant reading his own dossier is not an access to log.
    assert logged_in(citizen).get(f"/ho-so-cua-toi/{online.reference}/").status_code == 200
    assert api(citizen).get(f"dossiers/{online.reference}")[0] == 200
    assert PersonalDataAccess.objects.count() == 1


@override_settings(MOTCUA_ACCESS_LOG_WINDOW_SECONDS=0)
def test_without_a_window_every_read_is_logged(online, officer_a):
    client = logged_in(officer_a)
    for _ in range(2):
        assert client.get(f"/can-bo/ho-so/{online.reference}/").status_code == 200
    kinds = list(PersonalDataAccess.objects.filter(dossier=online).values_list("kind", flat=True))
    assert kinds == ["dossier_view", "dossier_view"]


def test_an_officer_who_may_not_see_the_dossier_reads_nothing_and_logs_nothing(online, officer_b, api):
    assert logged_in(officer_b).get(f"/can-bo/ho-so/{online.reference}/").status_code == 404
    assert api(officer_b).get(f"dossiers/{online.reference}")[0] == 404
    assert not PersonalDataAccess.objects.exists()


def test_the_applicant_sees_who_opened_his_dossier(online, officer_a, citizen, api):
    assert logged_in(officer_a).get(f"/can-bo/ho-so/{online.reference}/").status_code == 200
    response = logged_in(citizen).get(f"/ho-so-cua-toi/{online.reference}/ai-da-xem/")
    html = response.content.decode()
    assert response.status_code == 200 and "Ai đã xem hồ sơ của tôi" in html
    assert officer_a.display_name in html and "Xem hồ sơ" in html
    page = logged_in(citizen).get(f"/ho-so-cua-toi/{online.reference}/").content.decode()
    assert f"/ho-so-cua-toi/{online.reference}/ai-da-xem/" in page
    status, body = api(citizen).get(f"dossiers/{online.reference}/accesses")
    assert status == 200 and body["count"] == 1
    (item,) = body["items"]
    assert item["actor"] == officer_a.display_name and item["kind"] == "dossier_view"
    assert item["agency"] == COMMUNE_A_CENTRE and item["role"] == "one_stop_officer"


def test_nobody_but_the_applicant_sees_the_log(online, officer_a, leader_a, business, api):
    for user in (officer_a, leader_a, business):
        assert api(user).get(f"dossiers/{online.reference}/accesses")[0] == 404
        assert logged_in(user).get(f"/ho-so-cua-toi/{online.reference}/ai-da-xem/").status_code == 404
    assert Client().get(f"/ho-so-cua-toi/{online.reference}/ai-da-xem/").status_code == 302
