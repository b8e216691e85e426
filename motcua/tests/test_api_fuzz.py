"""A property-based fuzzer (schemathesis) over the operations of the OpenAPI document, as an anonymous
caller (the operations open to anyone), a citizen and a one-stop officer (every operation): no answer is
a 5xx, every status is one the document lists for the operation, and every body matches the schema
documented for its status and content type.

It drives the WSGI application in process (no network, no server) inside the test's transaction;
uploaded files go to a folder under var/, removed afterwards. Bounded so it stays near a minute per
database on a 2-core machine: few examples per operation (fewer for the PDF and spreadsheet renderers),
no shrinking, no deadline, a fixed seed with derandomised generation (the same requests on every run,
so a failure in CI reproduces locally), no example database.

Checks on, and why the others are off:
- ``not_a_server_error``: the point (issue 11: "no input produces a server error").
- ``status_code_conformance``: each status is documented (routers declare theirs; ``motcua.api``
  adds the framework's 400/401/403/413/422).
- ``content_type_conformance``, ``response_schema_conformance``, ``response_headers_conformance``:
  what is documented is what is sent.
- off — ``negative_data_rejection``: pydantic's lax mode accepts on purpose what the JSON schema calls
  another type (``to=0`` is the date 1970-01-01, ``"yes"`` a boolean); the invalid inputs are still
  sent (negative mode), and must still not give a 5xx or an undocumented status.
- off — ``positive_data_acceptance``: a schema-valid request is refused by the rules all the time here
  (a random dossier code is a 404, a random action on it a 409).
- off — ``ignored_auth``, ``use_after_free``, ``ensure_resource_availability``, stateful links: the
  URL/OpenAPI walker of ``test_access_rules.py`` proves deny-by-default, and the API has no
  create-then-delete resources.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from accounts.models import User
from accounts.services import token_create

EXAMPLES = 4  # per operation and generation mode (valid, invalid), besides the coverage phase's cases
RENDERER_EXAMPLES = 1  # PDF and XLSX operations (see CONFIG)

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260213,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES,
            "deterministic": True,
            "no-shrink": True,
            "database": "none",
        },
        "phases": {"stateful": {"enabled": False}},
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
        },
        "operations": [
            {
                # Each request renders a document (~0.5 s): one example of each mode, and none of the
                # coverage phase's enumeration of every parameter's boundary values.
                "include-path-regex": r"\.(pdf|xlsx)$",
                "generation": {"max-examples": RENDERER_EXAMPLES},
                "phases": {"coverage": {"enabled": False}},
            }
        ],
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)
pytestmark = [pytest.mark.django_db, pytest.mark.heavy]
FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.fixture(autouse=True)
def _requests_share_the_test_connection():
    """The WSGI handler closes the database connection after each request, as in production; here the
    test's transaction lives on it (Django's own test client disconnects the same signal)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _portal_inbound_on(settings):
    """The portal's inbound endpoint on, so that its answers to any caller here are 401s: off, it answers
    503 on purpose ("chưa bật", integrations/tests/test_portal_inbound.py), which this check would count
    as a server error."""
    settings.MOTCUA_DVCQG_INBOUND_TOKEN = "fuzz-" + uuid.uuid4().hex


@pytest.fixture(autouse=True)
def _uploads_under_var(settings):
    root = Path(settings.VAR_DIR) / "test-media" / f"fuzz-{uuid.uuid4().hex}"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    yield
    shutil.rmtree(root, ignore_errors=True)


def bearer(user: User) -> dict[str, str]:
    raw, _token = token_create(user=user)
    return {"Authorization": f"Bearer {raw}"}


def _needs_a_caller(ctx) -> bool:
    """Operations that declare an authentication that is not optional. An anonymous call to one
    answers 401 before its input is read — proven for every route by the walker of
    ``test_access_matrix.py`` — so fuzzing its input as nobody would repeat the 401 some hundred times.
    (An exclusion: the configuration's per-operation section is itself an inclusion, and inclusions
    add up.)"""
    security = ctx.operation.definition.raw.get("security")
    return bool(security) and {} not in security


@schema.exclude(func=_needs_a_caller).parametrize()
@FUZZ
def test_api_as_anonymous(case):
    case.call_and_validate()


@schema.parametrize()
@FUZZ
def test_api_as_citizen(case, citizen):
    case.call_and_validate(headers=bearer(citizen))


@schema.parametrize()
@FUZZ
def test_api_as_officer(case, officer_a):
    case.call_and_validate(headers=bearer(officer_a))
