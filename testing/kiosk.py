"""The kiosk of commune A's centre: its counters, their lines, a ticket taken as a person does."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

CENTRE_A = "001.00.11953.H31"
CENTRE_B = "001.00.11977.H31"
KIOSK = f"/kiosk/{CENTRE_A}"


def counter(centre: Any, number: int) -> Any:
    from kiosk.models import Counter

    return Counter.objects.get(centre=centre, number=number)


def field_line(centre: Any, number: int) -> str:
    """The line key of the field served by counter ``number`` (1–3)."""
    return f"f{counter(centre, number).fields.get().pk}"


def take(centre: Any, line: str) -> Any:
    """Take a ticket as a person at the kiosk does (CSRF enforced, no login)."""
    from kiosk.models import QueueTicket

    client = Client(enforce_csrf_checks=True)
    html = client.get(f"{KIOSK}/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = client.post(f"{KIOSK}/lay-so/", {"csrfmiddlewaretoken": token, "line": line})
    assert response.status_code == 302, response.content.decode()
    ticket = QueueTicket.objects.latest("pk")
    assert response["Location"] == f"{KIOSK}/ve/{ticket.uuid}/"
    return ticket
