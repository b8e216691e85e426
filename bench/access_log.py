"""Access-log benchmark (a script that prints figures, not a test): what logging staff reads of
personal data (audit.services.record_access) costs.

Usage::

    .venv/bin/python bench/access_log.py [--requests 300] [--inserts 2000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_access .venv/bin/python bench/access_log.py

Without DATABASE_URL it runs in a throw-away SQLite database under a temporary directory; with it, the
database is migrated and the reference data loaded if missing (use a throw-away one). It prints:

1. ``record_access`` calls/s for the same officer and dossier: every call inserting
   (``MOTCUA_ACCESS_LOG_WINDOW_SECONDS=0``) and every call found within the window (one SELECT, no
   insert — a reload).
2. ``GET /api/v1/dossiers/{code}`` as a commune one-stop officer through the whole Django stack
   (``django.test.Client``, bearer token): requests/s and p50 / p95 with the log off, with the log on
   and every read inserting, and with the log on and reads de-duplicated (the default window).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if "DATABASE_URL" not in os.environ:
    TMP = tempfile.TemporaryDirectory(prefix="motcua-bench-access-")
    os.environ["MOTCUA_VAR_DIR"] = TMP.name
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

import dossiers.api  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts.services import token_create  # noqa: E402
from audit.models import PersonalDataAccess  # noqa: E402
from audit.services import Kind, record_access  # noqa: E402
from dossiers.models import Dossier  # noqa: E402


def setup() -> tuple[User, str]:
    call_command("migrate", verbosity=0)
    if not User.objects.filter(username="motcua.phohien").exists():
        from testing.reference import load_reference_data

        load_reference_data()
    officer = User.objects.get(username="motcua.phohien")
    raw, _ = token_create(user=officer)
    client = Client()
    body = {
        "procedure": "1.001193",
        "channel": "counter",
        "applicant": {"name": "Trần Văn Bình", "national_id": "033095004321", "phone": "0987654321"},
    }
    response = client.post(
        "/api/v1/dossiers", body, content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 201, response.content
    return officer, raw


def rate(count: int, run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    for _ in range(count):
        run()
    return count / (time.perf_counter() - started)


def bench_record(officer: User, dossier: Dossier, count: int) -> None:
    with override_settings(MOTCUA_ACCESS_LOG_WINDOW_SECONDS=0):
        before = PersonalDataAccess.objects.count()
        inserting = rate(count, lambda: record_access(actor=officer, kind=Kind.DOSSIER_VIEW, dossier=dossier))
        assert PersonalDataAccess.objects.count() - before == count
    with override_settings(MOTCUA_ACCESS_LOG_WINDOW_SECONDS=300):
        record_access(actor=officer, kind=Kind.DOSSIER_VIEW, dossier=dossier)
        before = PersonalDataAccess.objects.count()
        within = rate(count, lambda: record_access(actor=officer, kind=Kind.DOSSIER_VIEW, dossier=dossier))
        assert PersonalDataAccess.objects.count() == before
    print(
        f"record_access, {count} calls: inserting {inserting:,.0f}/s · within the window (no insert) {within:,.0f}/s"
    )


def bench_detail(raw: str, dossier: Dossier, count: int) -> None:
    client = Client()
    url = f"/api/v1/dossiers/{dossier.code}"
    headers = {"Authorization": f"Bearer {raw}"}
    original = dossiers.api.record_access

    def timed() -> list[float]:
        client.get(url, headers=headers)  # warm-up
        times = []
        for _ in range(count):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append(time.perf_counter() - started)
            assert response.status_code == 200
        return times

    def off(**kwargs: Any) -> None:
        return None

    rows: list[tuple[str, list[float]]] = []
    dossiers.api.record_access = off
    try:
        rows.append(("log off", timed()))
    finally:
        dossiers.api.record_access = original
    with override_settings(MOTCUA_ACCESS_LOG_WINDOW_SECONDS=0):
        rows.append(("log on, every read inserted", timed()))
    with override_settings(MOTCUA_ACCESS_LOG_WINDOW_SECONDS=300):
        rows.append(("log on, reloads de-duplicated", timed()))
    base = statistics.median(rows[0][1])
    print(f"GET /api/v1/dossiers/{{code}} as a one-stop officer, {count} requests each:")
    for label, times in rows:
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        print(
            f"  {label:32} {len(times) / sum(times):7.1f} req/s · p50 {p50 * 1000:6.2f} ms "
            f"· p95 {p95 * 1000:6.2f} ms · p50 vs off {100 * (p50 - base) / base:+5.1f}%"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--inserts", type=int, default=2000)
    args = parser.parse_args()
    officer, raw = setup()
    dossier = Dossier.objects.filter(receiving_agency__code="001.00.11953.H31").latest("pk")
    print(f"Database: {connection.vendor}")
    bench_record(officer, dossier, args.inserts)
    bench_detail(raw, dossier, args.requests)


if __name__ == "__main__":
    main()
