"""History verification benchmark (a script that prints figures, not a test): how many dossier events
per second ``manage.py verify_history`` recomputes (ADR 0009), on the demo data.

Usage::

    .venv/bin/python bench/verify_history.py [--history 800] [--runs 3]

Runs in a throw-away SQLite database under a temporary directory (or in ``BENCH_DATABASE_URL``, e.g. an
empty PostgreSQL database, when set), loads the demo (``load_demo --history N``: reference data, then N
dossiers of history through the importer), then times, wall clock, the full verification (every chain
and every anchor, streamed in chunks) and one day's anchor (root hash over the day's events plus the
CMS signature). Prints the number of events, the time per run (best and median) and events/second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = tempfile.TemporaryDirectory(prefix="motcua-bench-history-")
os.environ["MOTCUA_VAR_DIR"] = TMP.name
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ["MOTCUA_DEMO_PKI"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
os.environ.setdefault("MOTCUA_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from dossiers import services  # noqa: E402
from dossiers.history import verify  # noqa: E402
from dossiers.models import DossierEvent, HistoryAnchor  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--history", type=int, default=800, help="demo dossiers to load (default 800)")
    parser.add_argument("--runs", type=int, default=3, help="verification runs (default 3)")
    args = parser.parse_args()

    print(f"database: {connection.vendor}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", history=args.history, stdout=quiet)
    events = DossierEvent.objects.count()
    print(f"demo loaded in {time.perf_counter() - started:.1f} s: {events:,} events", flush=True)

    anchor_started = time.perf_counter()
    anchor = services.history_anchor(day=timezone.localdate(), now=timezone.now() + timedelta(days=1))
    anchored = time.perf_counter() - anchor_started
    print(
        f"anchor of the day ({anchor.event_count:,} events, root + CMS signature): {anchored * 1000:.0f} ms"
    )
    assert HistoryAnchor.objects.count() == 1

    times = []
    for _ in range(args.runs):
        run_started = time.perf_counter()
        report = verify()
        times.append(time.perf_counter() - run_started)
        assert report.clean, report.findings[:5]
        assert report.events == events
    best, median = min(times), statistics.median(times)
    print(
        f"verify_history over {events:,} events, {report.dossiers:,} dossiers, {report.anchors} anchor: "
        f"best {best:.2f} s, median {median:.2f} s → {events / best:,.0f} events/s "
        f"(a million events ≈ {1_000_000 / (events / best):.0f} s)"
    )


if __name__ == "__main__":
    main()
