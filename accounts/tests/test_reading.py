"""accounts.reading: the query that reads a request's user with what the apps above want of him is
built once per process, and built again when what a reader adds changes (here: the province whose
name every page shows, a setting)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts import reading
from accounts.models import User

pytestmark = pytest.mark.django_db


def _title(client: Client) -> str:
    page = client.get("/thu-tuc/").content.decode()
    return page[page.index("<title>") : page.index("</title>")]


def test_the_user_query_is_built_once_and_again_when_a_reader_changes(settings, citizen: User) -> None:
    client = Client()
    client.force_login(citizen)
    assert "Hưng Yên" in _title(client)
    built = dict(reading._built)
    assert "Hưng Yên" in _title(client)
    assert reading._built == built  # the second request filtered the kept query

    settings.MOTCUA_PROVINCE_CODE = "01"
    assert "Hà Nội" in _title(client)
