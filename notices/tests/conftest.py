"""The notices' fixtures: a real SMTP server on loopback (testing/smtp.py) that Django's SMTP backend
talks to (the plain helpers are in testing/notices.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from notices.channels import SMTP_BACKEND
from testing import smtp as smtp_server


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
