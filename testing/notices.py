"""Plain helpers of the notices' tests: deliver the outbox, find a dossier's notices, receive a dossier at
the counter with an e-mail address (the fixtures are in notices/tests/conftest.py)."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command

from dossiers.models import Dossier
from notices.models import Notice
from testing.dossiers import CITIZEN

EMAIL = "dan.nguyen@example.vn"
APPLICANT = {**CITIZEN, "email": EMAIL}  # congdan, with an e-mail address on the dossier


def deliver() -> str:
    out = StringIO()
    call_command("deliver_outbox", "--until-empty", stdout=out)
    return out.getvalue()


def dossier(reference: str) -> Dossier:
    return Dossier.objects.filter(code=reference).first() or Dossier.objects.get(uuid=reference)


def notices(reference: str, **filters: Any) -> list[Notice]:
    return list(Notice.objects.filter(dossier=dossier(reference), **filters).order_by("event_seq", "channel"))


def counter(api: Any, officer: Any, procedure: str = "1.001193", **applicant: Any) -> str:
    """A dossier of congdan received at commune A's counter (applicant fields overridden)."""
    from testing.dossiers import counter_body

    body = counter_body(procedure=procedure, applicant={**APPLICANT, **applicant})
    status, created = api(officer).post("dossiers", body)
    assert status == 201, created
    return str(created["code"])
