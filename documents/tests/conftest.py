"""Fixtures of the document tests: every test stores files in a folder of its own; a received dossier
to attach files to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from testing.dossiers import BIRTH_REGISTRATION, counter_body, vn


@pytest.fixture(autouse=True)
def _media(media_in_tmp: Path) -> Path:
    return media_in_tmp


@pytest.fixture
def dossier(api: Any, officer_a: Any, clock: Any) -> dict[str, Any]:
    """A birth registration received at the counter of commune A, with one paper to attach files to."""
    from catalog.models import Procedure

    clock(vn(2026, 3, 2, 9, 0))
    requirement = Procedure.objects.get(code=BIRTH_REGISTRATION).current_version.components.first()
    status, body = api(officer_a).post(
        "dossiers", counter_body(components=[{"requirement": requirement.pk, "originals": 1}])
    )
    assert status == 201, body
    return dict(body)
