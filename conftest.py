"""Shared test set-up: reference data loaded once per test database, named personas, an API client.

Personas (STYLE): a citizen and a business; the one-stop officer, specialist, leader, clerk and agency
admin of commune A (Phường Phố Hiến); the officer and specialist of commune B (Xã Tân Hưng), who must
not see commune A's data; the province admin and the monitor; a specialist and leader of a department.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from accounts.models import User
from accounts.services import token_create

TEST_DATA = Path(__file__).resolve().parent / "catalog" / "tests" / "data"
# The demo logins (demo/loader.py), in the order of the access tables.
DEMO_LOGINS = (
    "admin",
    "qt.tinh",
    "kiemsoat",
    "motcua.tinh",
    "chuyenvien.stp",
    "lanhdao.stp",
    "motcua.phohien",
    "chuyenvien.phohien",
    "lanhdao.phohien",
    "vanthu.phohien",
    "qt.phohien",
    "motcua.tanhung",
    "chuyenvien.tanhung",
    "congdan",
    "doanhnghiep",
)


def load_reference_data() -> None:
    from catalog.importer import ProcedureImporter
    from demo.loader import create_logins, create_workflows, load_agencies, publish_catalog
    from organization.loaders import load_units

    load_units()
    load_agencies()
    ProcedureImporter().run([TEST_DATA])
    publish_catalog(lambda message: None)
    create_workflows()
    create_logins()


@pytest.fixture(scope="session", autouse=True)
def _flush_purges_history() -> Iterator[None]:
    """The flush that ends a transactional test empties the dossier history, which the database
    refuses unless the purge switch is on (dossiers/guard.py, ADR 0009): the flush alone gets it."""
    from django.core.management.commands import flush

    from dossiers.guard import history_purge

    handle = flush.Command.handle

    def purging_handle(self: Any, **options: Any) -> None:
        with history_purge(options.get("database") or "default"):
            handle(self, **options)

    flush.Command.handle = purging_handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = handle  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing() -> None:
    """Passwords hashed with MD5 in the tests: PBKDF2's million rounds cost about 0.3 s per demo login
    set and per password login, and no test is about the hash itself (the production hashers stay
    behind it, so a hash made with them still verifies)."""
    from django.conf import settings
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *settings.PASSWORD_HASHERS]
    hashers.get_hashers.cache_clear()
    hashers.get_hashers_by_algorithm.cache_clear()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any, _fast_password_hashing: None) -> None:
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(scope="module")
def reference_data_kept(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """Put the shared reference data back after the flush that ends a transactional test of the module,
    if it was there before (a module fixture is torn down after the test's flush; a function-scoped one
    could reload before it)."""
    with django_db_blocker.unblock():
        present = User.objects.filter(username="admin").exists()
    yield
    if present:
        with django_db_blocker.unblock():
            load_reference_data()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def _persona(username: str) -> Callable[[Any], User]:
    @pytest.fixture
    def fixture(db: Any) -> User:
        return User.objects.get(username=username)

    return fixture


superuser = _persona("admin")
province_admin = _persona("qt.tinh")
monitor = _persona("kiemsoat")
officer_province = _persona("motcua.tinh")
specialist_dept = _persona("chuyenvien.stp")
leader_dept = _persona("lanhdao.stp")
officer_a = _persona("motcua.phohien")
specialist_a = _persona("chuyenvien.phohien")
leader_a = _persona("lanhdao.phohien")
clerk_a = _persona("vanthu.phohien")
agency_admin_a = _persona("qt.phohien")
officer_b = _persona("motcua.tanhung")
specialist_b = _persona("chuyenvien.tanhung")
citizen = _persona("congdan")
business = _persona("doanhnghiep")


class ApiClient:
    """Calls ``/api/v1`` as a user (bearer token) or anonymously; answers are (status, json)."""

    def __init__(self, client: Client, user: User | None) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        if user is not None:
            raw, _token = token_create(user=user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else f"/api/v1/{path}"

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        response = self.client.get(self._url(path), params, headers=self.headers)
        return response.status_code, _json(response)

    def post(self, path: str, body: Any = None, *, raw: str | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        response = self.client.post(
            self._url(path), data, content_type="application/json", headers=self.headers
        )
        return response.status_code, _json(response)


def current_otp(user: User) -> str:
    """A code ``user``'s second factor accepts now. Each step's code works once, so when this step's was
    used already (two logins within 30 s) it is the next step's, which is accepted too; with a frozen
    clock (``clock``) the used steps are forgotten instead — the replay rule has its own tests."""
    from accounts import totp
    from accounts.models import SecondFactor

    factor = SecondFactor.objects.get(user=user)
    now = totp.step_at(time.time())
    step = max(now, factor.last_step + 1)
    if step > now + totp.WINDOW:
        SecondFactor.objects.filter(pk=factor.pk).update(last_step=now - totp.WINDOW - 1)
        step = now
    return totp.hotp(totp.secret_bytes(factor.secret), step)


def web_login(client: Client, user: User, password: str | None = None, next: str = "") -> Any:
    """Log ``user`` in through the login pages (password, then the code for staff); the last response."""
    from demo.loader import DEMO_PASSWORD

    url = "/dang-nhap/" + (f"?next={next}" if next else "")
    response = client.post(url, {"username": user.username, "password": password or DEMO_PASSWORD})
    if response.status_code == 302 and response["Location"] == "/dang-nhap/ma-xac-thuc/":
        response = client.post("/dang-nhap/ma-xac-thuc/", {"code": current_otp(user)})
    return response


def _json(response: Any) -> Any:
    if not response.content:  # 204 No Content
        return None
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return response.content.decode()


@pytest.fixture
def api(client: Client, db: Any) -> Callable[..., ApiClient]:
    def make(user: User | None = None) -> ApiClient:
        return ApiClient(Client(), user)

    return make


@pytest.fixture
def clock() -> Iterator[Callable[[datetime], Any]]:
    """``clock(instant)`` moves the frozen time to ``instant`` (time does not tick)."""
    traveller: list[Any] = []

    def move(instant: datetime) -> None:
        if traveller:
            traveller.pop().stop()
        t = time_machine.travel(instant, tick=False)
        t.start()
        traveller.append(t)

    yield move
    if traveller:
        traveller.pop().stop()
