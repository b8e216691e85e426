"""Fixtures of the page tests: every test stores files in a folder of its own; an online dossier as
the citizen submitted it, and one received at commune A's centre."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from testing.dossiers import BIRTH_REGISTRATION, COMMUNE_A_CENTRE, online_dossier, vn


@pytest.fixture(autouse=True)
def _media(media_in_tmp: Path) -> Path:
    return media_in_tmp


@pytest.fixture
def online(api: Any, citizen: Any, clock: Any) -> Any:
    """An online birth registration the citizen submitted with two papers, one with a file."""
    from catalog.models import ProcedureVersion
    from dossiers.models import Dossier

    clock(vn(2026, 3, 2, 9, 0))
    version = ProcedureVersion.objects.get(procedure__code=BIRTH_REGISTRATION, status="in_force")
    birth, form = (
        version.components.get(name__startswith="Giấy chứng sinh"),
        version.components.get(name__startswith="Tờ khai đăng ký khai sinh"),
    )
    status, body = api(citizen).post(
        "dossiers",
        {
            "procedure": BIRTH_REGISTRATION,
            "channel": "online",
            "receiving_agency": COMMUNE_A_CENTRE,
            "components": [{"requirement": birth.pk}, {"requirement": form.pk}],
        },
    )
    assert status == 201, body
    return Dossier.objects.get(uuid=body["uuid"])


@pytest.fixture
def received(api: Any, citizen: Any, officer_a: Any, clock: Any) -> Any:
    """Filed at 9:00 and received at 10:00 on Monday 2 March 2026: the result is due at 10:00 on 3 March."""
    from dossiers.models import Dossier

    clock(vn(2026, 3, 2, 9, 0))
    reference = online_dossier(api, citizen)
    clock(vn(2026, 3, 2, 10, 0))
    status, body = api(officer_a).post(f"dossiers/{reference}/actions/receive", {})
    assert status == 200, body
    return Dossier.objects.get(code=body["code"])
