"""Shared test set-up: reference data loaded once per test database, named personas, an API client,
a frozen clock, files stored in the test's folder, a pool of signing keys, the kiosk's centre.

Personas (STYLE): a citizen and a business; the one-stop officer, specialist, leader, clerk and agency
admin of commune A (Phường Phố Hiến); the officer and specialist of commune B (Xã Tân Hưng), who must
not see commune A's data; the province admin and the monitor; a specialist and leader of a department.

Fixtures live in conftest.py files (this one for the whole suite, an app's ``tests/conftest.py`` for
its tests); plain helpers in the ``testing`` package. A test module never imports another test module
or a conftest.py (motcua/tests/test_test_imports.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from accounts.models import User

if TYPE_CHECKING:
    from testing.clients import ApiClient
    from testing.simulators import SimulatorHandle

# The shared helpers (testing/) assert like the tests do: with pytest's explanations. Registered before
# any test module imports them (this file does so only inside fixtures).
pytest.register_assert_rewrite("testing")


# Run first: the tests that take longest. The parallel workers (pytest-xdist's worksteal) start on
# two halves of the collection and take tests from the end of each other's queue, so a long test
# met last keeps one core busy while the other has finished; started first, the long ones overlap
# and the short ones fill in at the end.
FIRST_MARKERS = ("slow", "heavy", "browser")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not any(item.get_closest_marker(name) for name in FIRST_MARKERS))


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
    from testing.reference import load_reference_data

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
        from testing.reference import load_reference_data

        with django_db_blocker.unblock():
            load_reference_data()


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from kernel.generations import drop_kept

    cache.clear()
    drop_kept()  # what a process keeps across requests (kernel.generations): a test starts with none


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


@pytest.fixture
def api(client: Client, db: Any) -> Callable[..., ApiClient]:
    from testing.clients import ApiClient

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


# ---------------------------------------------------------------------------------------------------
# Files and keys


@pytest.fixture(scope="session", autouse=True)
def _media_per_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Files the tests store land in a folder of this test process (each worker of a parallel run has
    its own), not in ``var/media`` shared with the other workers and the demo; ``media_in_tmp`` gives
    a test a folder of its own."""
    from django.conf import settings
    from django.test import override_settings

    configured: dict[str, Any] = settings.STORAGES
    default = configured["default"]
    if default["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        yield  # an object store configured in the environment stays
        return
    root = tmp_path_factory.mktemp("media")
    storages = {**configured, "default": {**default, "OPTIONS": {"location": str(root)}}}
    with override_settings(STORAGES=storages, MEDIA_ROOT=root):
        yield


@pytest.fixture
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    """The test stores files in its own folder (the storage backend is re-created on change). Autouse in
    the apps whose tests store files (documents, web); elsewhere ask for it by name."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@functools.cache
def _key_pool() -> list[Any]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(4)]


@pytest.fixture(autouse=True)
def reused_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """RSA key generation is the slow part of the demo PKI: each test's CA and credentials draw from
    one pool of keys made once per session (distinct keys within a test)."""
    from documents.signing import credentials

    keys = iter(_key_pool())
    generate = credentials.new_key
    monkeypatch.setattr(credentials, "new_key", lambda: next(keys, None) or generate())


# ---------------------------------------------------------------------------------------------------
# The kiosk


@pytest.fixture
def centre(db: Any) -> Any:
    """Commune A's centre with its default counters (1–3: one field each, 4: general with its own line
    that also serves 1–3's fields, 5: priority with its own line only)."""
    from kiosk import services
    from organization.models import Agency
    from testing.kiosk import CENTRE_A

    agency = Agency.objects.get(code=CENTRE_A)
    services.counters_ensure(agency)
    return agency


# The partners' simulators (integrations/simulators): one server per test process on a free loopback port;
# ``simulators`` resets it and points motcua's partner settings at it for the test.
@pytest.fixture(scope="session")
def _simulator_server() -> Iterator[SimulatorHandle]:
    from integrations.simulators import server as simulator_server
    from testing.simulators import SimulatorHandle

    server = simulator_server.start()
    yield SimulatorHandle(server)
    server.shutdown()
    server.server_close()


@pytest.fixture
def simulators(_simulator_server: SimulatorHandle) -> Iterator[SimulatorHandle]:
    """The simulators, reset, with motcua's partner settings pointing at them for this test."""
    from django.test import override_settings

    from integrations.simulators.settings import environment

    _simulator_server.reset()
    with override_settings(**environment(_simulator_server.base_url), MOTCUA_PARTNER_TIMEOUT_SECONDS=2):
        yield _simulator_server
