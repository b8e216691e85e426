"""Outbox delivery benchmark (a script that prints figures, not a test).

Usage::

    .venv/bin/python bench/outbox_delivery.py --lifecycles 500            # SQLite: one worker
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_outbox \\
        .venv/bin/python bench/outbox_delivery.py --lifecycles 10000 --workers 1,2

1. Set-up (timed, not measured): migrate, the reference data and ``--lifecycles`` dossiers with their
   state-change events, bulk-written by bench/dossier_lifecycle.py's background generator (85 % online;
   submitted → received → resolved → delivered for most, some refused, stopped, waiting for a supplement).
   Then, before each run, the outbox rows those events announce, written in bulk the way
   dossiers/actions/recording.py ``_announce`` writes them: a ``portal.sync`` row per event, bearing the
   dossier's code — an online dossier has it from its submission (ADR 0021), so its submission, and a
   refusal or withdrawal before reception, reach the portal; none for a counter or postal dossier's
   submission, announced with its reception — and an ``emc.tracking`` row per event of the EMC table.
   Notices to applicants are left out.
2. Each run starts the simulators (``manage.py run_simulators`` in a process of its own, reset) and the
   workers (``manage.py run_worker`` processes with the simulators' settings), waits until no message is
   pending, stops the workers and prints messages/s — over the wall time from the workers' start, and
   over the span of the recorded deliveries. Runs: ``throughput`` with each ``--workers`` count (2 or more
   need PostgreSQL); the fault runs with ``--fault-workers`` (default 2 on PostgreSQL, 1 on SQLite):
   ``kill`` (a worker SIGKILLed at random every 0.5–3 s and restarted; the lease is cut to
   ``--lease`` seconds so that another worker takes over what it held), ``outage`` (the portal down for
   ``--outage-minutes`` simulated minutes once a third is delivered), ``sessions`` (the portal expires
   its session every 100 calls).
   ``statements``: one worker in this process, no HTTP client of its own beyond the simulators', delivers
   each topic's backlog alone and counts the SQL statements it sends — claims, the handler's reads and
   exchange-log lines, the records, any release — per delivered message (what
   integrations/tests/test_delivery_query_budget.py holds for single messages, here over the whole mix
   of lifecycles: papers, supplements, results, refusals).
3. After each run, the required check: every message delivered (none pending, none dead), the portal
   simulator's duplicate events and events out of order both 0, the portal holding exactly the events of
   the coded dossiers, EMC every report. EMC's reports sent twice are printed beside it: EMC's contract
   gives no identifier or look-up to make a resend harmless (integrations/emc/handler.py), so a worker
   killed between EMC's answer and the exchange log's line repeats one.

Simulated time (the ``outage`` run): one simulated minute is ``60 / --time-scale`` real seconds. The portal
is told to be down for ``outage-minutes × 60 / time-scale`` real seconds, and the workers run with
``MOTCUA_OUTBOX_BACKOFF_SCALE = 1 / time-scale``, so that the back-off (30 s doubling to 1 h) keeps its
proportion to the outage; the lag after the outage — from the portal's return to the last delivery — is
printed in real seconds and in simulated minutes. Everything else (HTTP, the database) runs at real speed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import dossier_lifecycle as lifecycle  # noqa: E402 — sets Django up
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Max, Min  # noqa: E402
from django.test import override_settings  # noqa: E402

from dossiers.models import Dossier, DossierEvent  # noqa: E402
from dossiers.transitions import PORTAL_STATUS, Status, emc_status  # noqa: E402
from integrations.models import Exchange, PortalDossier  # noqa: E402
from integrations.simulators.settings import environment  # noqa: E402
from outbox.models import OutboxMessage  # noqa: E402

say = lifecycle.say
SYNC = OutboxMessage.Topic.PORTAL_SYNC
EMC = OutboxMessage.Topic.EMC_TRACKING
LOGS = ROOT / "var" / "bench-outbox"


# ---------------------------------------------------------------------------------------------
# 1. Set-up: dossiers with their events, and the outbox rows they announce


def write_rows(topics: set[str]) -> dict[str, int]:
    """Empty the outbox (and what the deliveries left: the exchange log, the portal's accepted dossiers),
    then write the rows of every benchmark dossier's events as ``_announce`` would."""
    Exchange.objects.all().delete()
    PortalDossier.objects.all().delete()
    OutboxMessage.objects.all().delete()
    dossiers = {
        d["pk"]: d
        for d in Dossier.objects.filter(note=lifecycle.BACKGROUND_NOTE).values(
            "pk",
            "uuid",
            "code",
            "channel",
            "delivery_method",
            "paid_online",
            "procedure__code",
            "handling_agency__code",
            "appointment_at",
        )
    }
    rows: list[OutboxMessage] = []
    written: dict[str, int] = {SYNC: 0, EMC: 0}
    # In the order the actions happened (the outbox's order, by row, is the order of writing).
    events = DossierEvent.objects.filter(dossier_id__in=list(dossiers)).order_by("at", "dossier_id", "seq")
    for event in events.values("dossier_id", "seq", "action", "at", "from_status", "to_status", "actor_name"):
        d = dossiers[event["dossier_id"]]
        if event["action"] == "submit" and d["channel"] != "online":
            continue  # filed and received at once: announced with the reception
        # Every event bears the dossier's code: an online dossier's from its submission (ADR 0021). (A
        # dossier without one — generated before that rule — is named by its uuid, as ``reference`` does.)
        coded = "" if d["code"] is None else str(d["code"])
        ref = coded or str(d["uuid"])
        common = {
            "dossier": ref,
            "procedure": d["procedure__code"],
            "status": event["to_status"],
            "portal_status": PORTAL_STATUS[Status(event["to_status"])],
            "action": event["action"],
            "seq": event["seq"],
            "at": event["at"].isoformat(),
            "agency": d["handling_agency__code"],
            "actor": event["actor_name"],
            "appointment": d["appointment_at"].isoformat() if d["appointment_at"] else None,
        }
        if SYNC in topics:
            rows.append(
                OutboxMessage(
                    topic=SYNC,
                    key=f"{d['uuid']}:{event['seq']}:sync",
                    dossier_code=coded or "",
                    payload=common,
                    available_at=event["at"],
                )
            )
            written[SYNC] += 1
        status = emc_status(event["action"], event["from_status"])
        if EMC in topics and status is not None and coded:
            rows.append(
                OutboxMessage(
                    topic=EMC,
                    key=f"{d['uuid']}:{event['seq']}:emc",
                    dossier_code=coded,
                    payload={
                        **common,
                        "uuid": str(d["uuid"]),
                        "emc_status": status,
                        "channel": d["channel"],
                        "delivery_method": d["delivery_method"] if event["action"] == "deliver" else "",
                        "paid_online": d["paid_online"],
                    },
                    available_at=event["at"],
                )
            )
            written[EMC] += 1
    OutboxMessage.objects.bulk_create(rows, batch_size=5000)
    return written


def expected_portal() -> tuple[int, int]:
    """(coded dossiers, their events) — what the portal must hold at the end: every event of a dossier
    with a code (an online one refused or withdrawn before reception included: coded from its
    submission) but the submission of one filed at the counter or by post (never announced)."""
    coded = Dossier.objects.filter(note=lifecycle.BACKGROUND_NOTE, code__isnull=False)
    events = DossierEvent.objects.filter(dossier__in=coded).exclude(
        action="submit", dossier__channel__in=["counter", "postal"]
    )
    return coded.count(), events.count()


# ---------------------------------------------------------------------------------------------
# 2. Processes: the simulators and the workers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Simulators:
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", data=json.dumps(body).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())

    def state(self, name: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/_state/{name}", timeout=10) as answer:
            return dict(json.loads(answer.read()))


def start_simulators(log: Path) -> Simulators:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_simulators", "--port", str(port)],
        cwd=ROOT,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    sims = Simulators(port, process)
    for _ in range(200):
        try:
            sims.state("dvcqg")
            return sims
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the simulators did not start")


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    log: Path
    kill_at: float | None = None  # set once the worker is delivering (the kill run)

    @property
    def ready(self) -> bool:
        """Started: it printed its first line (Django set up, the loop about to claim)."""
        return self.log.exists() and self.log.stat().st_size > 0


@dataclass
class Workers:
    env: dict[str, str]
    logs: Path  # each worker's output goes to <logs>-<n>.log
    workers: list[Worker] = field(default_factory=list)
    started: int = 0

    def start_one(self) -> Worker:
        log = self.logs.with_name(f"{self.logs.name}-{self.started}.log")
        self.started += 1
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--idle", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        worker = Worker(process, log)
        self.workers.append(worker)
        return worker

    def running(self) -> list[Worker]:
        return [w for w in self.workers if w.process.poll() is None]

    def stop(self) -> None:
        for worker in self.running():
            worker.process.send_signal(signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()


def pending(topics: set[str]) -> int:
    return OutboxMessage.objects.filter(topic__in=topics, status=OutboxMessage.Status.PENDING).count()


def wait_until_drained(topics: set[str], limit: float, during: Callable[[], None] | None = None) -> bool:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if during is not None:
            during()
        if pending(topics) == 0:
            return True
        time.sleep(0.25)
    return False


# ---------------------------------------------------------------------------------------------
# 3. Runs


@dataclass
class Options:
    topics: set[str]
    lease: int
    time_scale: float
    outage_minutes: float
    max_seconds: float


def run(name: str, workers: int, options: Options, fault: str = "") -> bool:
    """One run: fresh rows, fresh simulators, ``workers`` worker processes; prints its figures and the
    required check; True when the check passed."""
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in LOGS.glob(f"{name}-{workers}*.log"):
        old.unlink()
    log = LOGS / f"{name}-{workers}-simulators.log"
    written = write_rows(options.topics)
    total = sum(written.values())
    sims = start_simulators(log)
    env = {
        **os.environ,
        **environment(sims.url),
        "MOTCUA_PARTNER_TIMEOUT_SECONDS": "5",
        "PYTHONUNBUFFERED": "1",
    }
    if fault == "kill":
        env["MOTCUA_OUTBOX_LEASE_SECONDS"] = str(options.lease)
    if fault == "outage":
        env["MOTCUA_OUTBOX_BACKOFF_SCALE"] = repr(1 / options.time_scale)
    if fault == "sessions":
        sims.post("/_control/dvcqg", {"expire_session_every": 100})
    pool = Workers(env, LOGS / f"{name}-{workers}-worker")
    outage: dict[str, float] = {}
    kills = 0
    rng = random.Random(7)
    delivered_goal = total // 3

    def during() -> None:
        nonlocal kills
        now = time.monotonic()
        # A worker is killed at a random moment 0.5–4 s after it started delivering (not while Django
        # starts, which takes seconds on a loaded machine), then replaced at once.
        for worker in pool.running() if fault == "kill" else []:
            if worker.kill_at is None and worker.ready:
                worker.kill_at = now + rng.uniform(0.5, 4)
            elif worker.kill_at is not None and now >= worker.kill_at:
                worker.process.send_signal(signal.SIGKILL)
                worker.process.wait()
                kills += 1
                pool.start_one()
        if fault == "outage" and "down" not in outage:
            done = OutboxMessage.objects.filter(status=OutboxMessage.Status.DELIVERED).count()
            if done >= delivered_goal:
                seconds = options.outage_minutes * 60 / options.time_scale
                outage["calls_before"] = sims.state("dvcqg")["calls"]
                sims.post("/_control/dvcqg", {"down_seconds": seconds})
                outage["down"] = now
                outage["up"] = time.time() + seconds  # wall clock: compared with delivered_at
        if (
            fault == "outage"
            and "down" in outage
            and "calls_down" not in outage
            and time.time() >= outage["up"]
        ):
            # Calls the portal got while down (each left unanswered): how hard the workers hammered it.
            outage["calls_down"] = sims.state("dvcqg")["calls"] - outage["calls_before"]
            outage["backlog"] = pending({SYNC})

    say(
        f"  {name}, {workers} worker process(es): {total} messages ({written[SYNC]} portal.sync, {written[EMC]} emc.tracking)"
    )
    started = time.monotonic()
    try:
        for _ in range(workers):
            pool.start_one()
        drained = wait_until_drained(options.topics, options.max_seconds, during)
        wall = time.monotonic() - started
    finally:
        pool.stop()
        portal = sims.state("dvcqg")
        emc = sims.state("emc")
        sims.process.send_signal(signal.SIGINT)
        sims.process.wait(timeout=30)

    by_status = dict(
        OutboxMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    span = OutboxMessage.objects.filter(status=OutboxMessage.Status.DELIVERED).aggregate(
        first=Min("delivered_at"), last=Max("delivered_at")
    )
    delivered = by_status.get(OutboxMessage.Status.DELIVERED, 0)
    seconds = (span["last"] - span["first"]).total_seconds() if span["first"] and span["last"] else 0.0
    attempts = sum(OutboxMessage.objects.values_list("attempts", flat=True))
    say(
        f"    {delivered} delivered in {wall:.1f} s from the workers' start: {delivered / wall:.0f} messages/s; "
        f"over the deliveries' span ({seconds:.1f} s): {delivered / max(seconds, 1e-9):.0f} messages/s; "
        f"{attempts} attempts"
    )
    if fault == "kill":
        say(f"    workers killed (SIGKILL) and restarted: {kills}; lease {options.lease} s")
    if fault == "outage" and outage:
        last = OutboxMessage.objects.aggregate(last=Max("delivered_at"))["last"]
        # The workers' timestamps and this process's wall clock are the same machine's.
        lag = max(0.0, last.timestamp() - outage["up"]) if last else 0.0
        minute = 60 / options.time_scale
        most = OutboxMessage.objects.aggregate(most=Max("attempts"))["most"] or 0
        say(
            f"    portal down {options.outage_minutes:.0f} simulated min ({options.outage_minutes * minute:.1f} s real, "
            f"1 simulated min = {minute:.2f} s, back-off × 1/{options.time_scale:g}) once {delivered_goal} were "
            f"delivered; the lag drained {lag:.1f} s after it came back = {lag / minute:.1f} simulated min"
        )
        say(
            f"    most attempts of one message: {most} (its last back-off about {min(60.0, 30 * 2 ** max(most - 2, 0) / 60):g} "
            "simulated min, ± 20 %)"
        )
        if "calls_down" in outage:
            say(f"    calls to the portal while it was down (each unanswered): {outage['calls_down']}")
            up = datetime.fromtimestamp(outage["up"], tz=UTC)
            first = OutboxMessage.objects.filter(topic=SYNC, delivered_at__gte=up).aggregate(
                first=Min("delivered_at")
            )
            if first["first"] is not None:
                say(
                    f"    portal.sync messages pending when it came back: {outage['backlog']}; the first delivered "
                    f"{(first['first'] - up).total_seconds():.1f} s after its return"
                )
    if fault == "sessions":
        say(f"    portal sessions expired: {portal['sessions_expired']}, logins: {portal['logins']}")
    coded, events = expected_portal()
    checks = {
        "every message delivered": drained and delivered == total,
        "portal: no event twice": portal["duplicates"] == 0,
        "portal: order kept per dossier": portal["out_of_order"] == 0,
        "portal: every coded dossier and event": portal["dossiers"] == coded and portal["events"] == events,
        "EMC: every report": emc["accepted"] - emc["duplicates"] == written[EMC],
    }
    say(
        f"    check: pending {by_status.get('pending', 0)}, dead {by_status.get('dead', 0)}; portal "
        f"dossiers {portal['dossiers']}/{coded}, events {portal['events']}/{events}, duplicates "
        f"{portal['duplicates']}, out of order {portal['out_of_order']}; EMC reports "
        f"{emc['accepted'] - emc['duplicates']}/{written[EMC]}"
    )
    # EMC's contract has no identifier of a report and no look-up: the handler skips a report the exchange
    # log shows accepted, but a worker killed between EMC's answer and that log line sends it again.
    say(
        f"    EMC reports sent twice (same CodeProfile and Status): {emc['duplicates']}"
        + (" — workers killed between EMC's answer and the exchange log's line" if emc["duplicates"] else "")
    )
    failed = [name for name, ok in checks.items() if not ok]
    say("    REQUIRED CHECK " + ("PASSED" if not failed else "FAILED: " + "; ".join(failed)))
    return not failed


def statements(options: Options) -> bool:
    """Statements per delivered message, each topic's backlog delivered alone by one worker in this
    process (the same code as ``run_worker``), every statement the connection sends counted."""
    from integrations.dvcqg import sync
    from integrations.dvcqg.client import forget_sessions
    from integrations.emc import handler as emc_handler
    from outbox import delivery
    from outbox.worker import Worker

    LOGS.mkdir(parents=True, exist_ok=True)
    written = write_rows(options.topics)
    sims = start_simulators(LOGS / "statements-simulators.log")
    saved = delivery.handlers()
    count = [0]

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        count[0] += 1
        return execute(sql, params, many, context)

    say(
        f"  statements: {sum(written.values())} messages ({written[SYNC]} portal.sync, {written[EMC]} emc.tracking), 1 worker in this process"
    )
    passed = True
    try:
        with override_settings(**environment(sims.url), MOTCUA_PARTNER_TIMEOUT_SECONDS=5):
            forget_sessions()
            for topic in (SYNC, EMC):
                if topic not in options.topics:
                    continue
                delivery.replace_handlers({})
                if topic == SYNC:
                    sync.register()
                else:
                    assert emc_handler.connect()
                count[0] = 0
                started = time.perf_counter()
                with connection.execute_wrapper(counting):
                    tally = Worker().deliver_due()
                seconds = time.perf_counter() - started
                say(
                    f"    {topic}: {tally.delivered} delivered in {seconds:.1f} s ({tally.delivered / max(seconds, 1e-9):.0f}/s), "
                    f"{count[0]} statements: {count[0] / max(tally.delivered, 1):.2f} per delivered message "
                    "(the claims, by batches of 20, included)"
                )
                passed &= tally.delivered == written[topic]
    finally:
        delivery.replace_handlers(saved)
        forget_sessions()
        sims.process.send_signal(signal.SIGINT)
        sims.process.wait(timeout=30)
    say("    REQUIRED CHECK " + ("PASSED" if passed else "FAILED: not every message delivered"))
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lifecycles", type=int, default=10_000, help="dossier lifecycles (default 10,000)")
    parser.add_argument("--workers", default="", help="worker counts of the throughput runs, e.g. 1,2")
    parser.add_argument("--fault-workers", type=int, default=0, help="workers of the fault runs")
    parser.add_argument(
        "--runs", default="throughput,kill,outage,sessions", help="which runs, comma list (also: statements)"
    )
    parser.add_argument("--topics", default="portal,emc", help="portal,emc or one of them")
    parser.add_argument("--lease", type=int, default=10, help="the kill run's lease, seconds")
    parser.add_argument("--time-scale", type=float, default=60.0, help="simulated seconds per real second")
    parser.add_argument("--outage-minutes", type=float, default=30.0, help="simulated minutes of outage")
    parser.add_argument("--max-seconds", type=float, default=3600.0, help="give a run up after this")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog" / "tests" / "data")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--force", action="store_true", help="run even if non-benchmark dossiers exist")
    args = parser.parse_args(argv)
    postgres = connection.vendor == "postgresql"
    counts = [int(n) for n in (args.workers or ("1,2" if postgres else "1")).split(",")]
    fault_workers = args.fault_workers or (2 if postgres else 1)
    if not postgres and (max(counts) > 1 or fault_workers > 1):
        raise SystemExit("More than one worker needs PostgreSQL (DATABASE_URL=postgres://…).")
    names = {"portal": SYNC, "emc": EMC}
    options = Options(
        topics={names[t.strip()] for t in args.topics.split(",") if t.strip()},
        lease=args.lease,
        time_scale=args.time_scale,
        outage_minutes=args.outage_minutes,
        max_seconds=args.max_seconds,
    )
    runs = [r.strip() for r in args.runs.split(",") if r.strip()]

    db = connection.settings_dict
    say(f"Database: {connection.vendor} {db['NAME']}; {os.cpu_count()} CPUs; lifecycles {args.lifecycles}")
    say(
        "Load average at start: "
        + ", ".join(f"{v:.2f}" for v in os.getloadavg())
        + " (other work skews figures)"
    )
    say("1. Set-up")
    started = time.perf_counter()
    lifecycle.check_database(args.force)
    call_command("migrate", verbosity=0)
    lifecycle.load_reference(args.catalog, 1)
    lifecycle.load_background(args.lifecycles, args.seed, 5000)
    say(f"  set-up {time.perf_counter() - started:.1f} s; the processes' logs in {LOGS}")
    say("2. Runs")
    passed = True
    for name in runs:
        if name == "throughput":
            for count in counts:
                passed &= run("throughput", count, options)
        elif name in ("kill", "outage", "sessions"):
            passed &= run(name, fault_workers, options, fault=name)
        elif name == "statements":
            passed &= statements(options)
        else:
            raise SystemExit(f"unknown run {name!r}")
    say("Load average at end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
