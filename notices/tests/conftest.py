"""The notices' fixtures: a real SMTP server on loopback (testing/smtp.py) that Django's SMTP backend
talks to, the outbox delivered through ``manage.py deliver_outbox``, and the notices of a dossier."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from dossiers.models import Dossier
from notices.channels import SMTP_BACKEND
from notices.models import Notice
from testing import smtp as smtp_server
from testing.dossiers import CITIZEN

EMAIL = "dan.nguyen@example.vn"
APPLICANT = {**CITIZEN, "email": EMAIL}  # congdan, with an e-mail address on the dossier


@pytest.fixture
def smtp(settings: Any) -> Iterator[smtp_server.Mailbox]:
    server = smtp_server.start()
    settings.EMAIL_BACKEND = SMTP_BACKEND
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    yield server.mailbox
    server.shutdown()
    server.server_close()


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
