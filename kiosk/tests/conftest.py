from __future__ import annotations

from typing import Any

import pytest

from kiosk import services
from kiosk.models import Counter
from organization.models import Agency

CENTRE_A = "001.00.11953.H31"
CENTRE_B = "001.00.11977.H31"


@pytest.fixture
def centre(db: Any) -> Agency:
    """Commune A's centre with its default counters (1–3: one field each, 4: general with its own line
    that also serves 1–3's fields, 5: priority with its own line only)."""
    agency = Agency.objects.get(code=CENTRE_A)
    services.counters_ensure(agency)
    return agency


def counter(centre: Agency, number: int) -> Counter:
    return Counter.objects.get(centre=centre, number=number)


def field_line(centre: Agency, number: int) -> str:
    """The line key of the field served by counter ``number`` (1–3)."""
    return f"f{counter(centre, number).fields.get().pk}"
