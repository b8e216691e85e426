"""Dossier lifecycle benchmark (a script that prints figures, not a test).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dossiers \\
        .venv/bin/python bench/dossier_lifecycle.py --background 100000 --lifecycles 300 [--workers 2]

1. Set-up (not measured, only timed): migrate, load the reference data (units, Hưng Yên agencies, a
   catalog, standard workflows, demo logins, plus benchmark staff in a few communes), then top the
   background up to ``--background`` dossiers with bulk inserts (COPY on PostgreSQL). Background rows
   are spread over the 104 communes and the provincial departments and over the last 12 months;
   due instants, approaching instants and early / on time / late come from the working-time calendar
   exactly as the services compute them; each row has its workflow steps and its state-change events
   (no per-step forward events, hand-overs or outbox rows). Refuses a database holding dossiers
   that are not the benchmark's unless ``--force``.
2. Lifecycles through the HTTP API with ``django.test.Client`` (the whole Django stack, middleware,
   bearer-token auth, django-ninja, no network socket): counter reception → forward through every
   workflow step → resolve → deliver → anonymous public lookup; and the online path submit → receive.
   ``--workers N`` runs N processes in parallel. Prints lifecycles/s, per-request p50 / p95 and the
   CPU time per lifecycle (client process + its PostgreSQL backend, read from /proc): on a shared
   machine other work lowers the throughput but hardly the CPU time, which gives the ceiling.
3. The inbox (``GET /api/v1/dossiers``, with and without ``overdue=true``) for a commune one-stop
   officer, a provincial department specialist and the province monitor: p50 / p95.
   ``--explain`` prints the PostgreSQL plans of those queries.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import multiprocessing
import os
import random
import resource
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, connections, models, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Applicant, User  # noqa: E402
from accounts.services import token_create  # noqa: E402
from catalog.importer import ProcedureImporter  # noqa: E402
from catalog.models import Procedure, Workflow  # noqa: E402
from catalog.services import to_minutes  # noqa: E402
from demo.loader import create_logins, create_workflows, load_agencies, publish_catalog  # noqa: E402
from dossiers.models import Dossier, DossierEvent, DossierSequence, DossierStep  # noqa: E402
from dossiers.selectors import InboxFilters, dossier_inbox  # noqa: E402
from dossiers.services import classify_resolution, format_code, local_date  # noqa: E402
from kernel.text import fold  # noqa: E402
from organization.loaders import load_units  # noqa: E402
from organization.models import Agency, Role  # noqa: E402
from organization.services import membership_grant  # noqa: E402
from worktime.calendar import WorkCalendar  # noqa: E402
from worktime.services import work_calendar  # noqa: E402

BACKGROUND_NOTE = "[bench:background]"
LIFECYCLE_NOTE = "[bench:lifecycle]"
BENCH_PREFIX = "[bench:"
PROVINCE_CENTRE = "000.00.02.H31"
# SQLite runs inside the client process: its time is in the "Django" figure.
DB_LABEL = {True: "PostgreSQL backend", False: "database (in-process)"}
LIFECYCLE_PROCEDURE = "1.001193"  # commune level, 1 working day, 4-step standard workflow
INBOX_USERS = (
    ("cán bộ một cửa xã (motcua.phohien)", "motcua.phohien"),
    ("chuyên viên Sở Tư pháp (chuyenvien.stp)", "chuyenvien.stp"),
    ("cán bộ kiểm soát tỉnh (kiemsoat)", "kiemsoat"),
)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam"]
GIVEN += ["Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"]


def say(message: str) -> None:
    print(message, flush=True)


def quantile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


# ---------------------------------------------------------------------------------------------
# 1. Set-up


def check_database(force: bool) -> None:
    """Refuse a database holding dossiers that are not the benchmark's, before changing anything."""
    if Dossier._meta.db_table not in connection.introspection.table_names():
        return
    foreign = Dossier.objects.exclude(note__startswith=BENCH_PREFIX).count()
    if foreign and not force:
        raise SystemExit(
            f"Refusing to run: the database {connection.settings_dict['NAME']} holds {foreign} dossiers "
            "that are not the benchmark's. Use an empty database, or --force."
        )
    if foreign:
        say(f"  --force: {foreign} non-benchmark dossiers present; the figures include them.")


def load_reference(catalog: Path, communes: int) -> None:
    if not Agency.objects.filter(code=PROVINCE_CENTRE).exists():
        load_units()
        load_agencies()
    if not Procedure.objects.filter(current_version__isnull=False).exists():
        ProcedureImporter().run([catalog])
    publish_catalog(lambda message: None)
    create_workflows()
    create_logins()
    create_bench_staff(communes)


def bench_communes(count: int) -> list[tuple[Agency, Agency]]:
    """(service centre, People's Committee) of the first ``count`` communes, Phố Hiến first."""
    centres = list(
        Agency.objects.filter(kind=Agency.Kind.SERVICE_CENTRE, level=Agency.Level.COMMUNE)
        .select_related("parent")
        .order_by("code")
    )
    centres.sort(key=lambda c: c.code != "001.00.11953.H31")
    return [(c, c.parent) for c in centres[:count] if c.parent is not None]


def _staff_name(role: str, centre: Agency) -> str:
    return f"bench.{role}.{centre.code.split('.')[2]}"


def create_bench_staff(count: int) -> None:
    """An officer, a specialist, a leader and a clerk in each benchmark commune."""
    for centre, committee in bench_communes(count):
        for role, agency in (
            (Role.ONE_STOP_OFFICER, centre),
            (Role.SPECIALIST, committee),
            (Role.LEADER, committee),
            (Role.CLERK, committee),
        ):
            user, created = User.objects.get_or_create(
                username=_staff_name(role, centre), defaults={"full_name": f"Bench {role}"}
            )
            if created:
                user.set_unusable_password()
                user.save()
            membership_grant(actor=None, agency=agency, user=user, role=role)


# -- background dossiers ----------------------------------------------------------------------


@dataclass
class ProcedureInfo:
    procedure_id: int
    version_id: int
    after_15h: bool
    times: dict[str, tuple[Decimal, str]]  # channel → statutory time
    workflow_id: int | None
    steps: list[tuple[int, str, str, int]]  # position, name, role, minutes


@dataclass
class Reference:
    communes: list[tuple[Agency, Agency, float]]  # centre, committee, weight
    province_centre: Agency
    departments: list[Agency]
    commune_procedures: list[ProcedureInfo]
    province_procedures: list[ProcedureInfo]
    applicants: list[tuple[int, str, str]]  # id, name, national id


def _procedure_info(procedure: Procedure, level: str) -> ProcedureInfo:
    version = procedure.current_version
    assert version is not None
    times: dict[str, tuple[Decimal, str]] = {}
    for option in version.options.order_by("position"):
        if option.time_amount is not None and option.time_unit and option.channel not in times:
            times[option.channel] = (Decimal(option.time_amount), option.time_unit)
    if not times:
        # No time in the catalog: the officer gives one at reception (processing_time).
        times = {"counter": (Decimal(5), "working_day")}
    workflow = Workflow.objects.filter(
        procedure=procedure, level=level, agency=None, status=Workflow.Status.ACTIVE
    ).first()
    steps = (
        [
            (s.position, s.name, s.role, to_minutes(s.duration_amount, s.duration_unit) or 0)
            for s in workflow.steps.order_by("position")
        ]
        if workflow
        else []
    )
    return ProcedureInfo(
        procedure.pk, version.pk, version.after_15h_next_day, times, workflow.pk if workflow else None, steps
    )


def reference(rng: random.Random, applicants: int) -> Reference:
    centres = Agency.objects.filter(kind=Agency.Kind.SERVICE_CENTRE, level=Agency.Level.COMMUNE)
    communes = [
        (c, c.parent, rng.uniform(0.4, 2.5)) for c in centres.select_related("parent").order_by("code")
    ]
    in_force = list(Procedure.objects.filter(current_version__isnull=False).select_related("current_version"))
    return Reference(
        communes=[(c, p, w) for c, p, w in communes if p is not None],
        province_centre=Agency.objects.get(code=PROVINCE_CENTRE),
        departments=list(
            Agency.objects.filter(
                level=Agency.Level.PROVINCE, kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.VERTICAL]
            ).order_by("code")
        ),
        commune_procedures=[
            _procedure_info(p, "commune")
            for p in in_force
            if p.current_version is not None and p.current_version.at_commune
        ],
        province_procedures=[
            _procedure_info(p, "province")
            for p in in_force
            if p.current_version is not None and p.current_version.at_province
        ],
        applicants=bench_applicants(rng, applicants),
    )


def bench_applicants(rng: random.Random, count: int) -> list[tuple[int, str, str]]:
    """A pool of applicants whose ID numbers start with 0999 (no real province code)."""
    existing = Applicant.objects.filter(national_id__startswith="0999").count()
    if existing < count:
        Applicant.objects.bulk_create(
            [
                Applicant(
                    kind=Applicant.Kind.INDIVIDUAL,
                    name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    national_id=f"0999{i:08d}",
                    address="Tỉnh Hưng Yên",
                )
                for i in range(existing, count)
            ],
            batch_size=5000,
        )
    return list(
        Applicant.objects.filter(national_id__startswith="0999").values_list("pk", "name", "national_id")
    )


class Table:
    """Rows for one model in its concrete column order, written by COPY (PostgreSQL) or INSERT."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.default
            elif f.null:
                self.defaults[f.attname] = None
            elif isinstance(f, models.CharField | models.TextField):
                self.defaults[f.attname] = ""
        self.rows: list[dict[str, Any]] = []
        self.written = 0

    def add(self, **values: Any) -> None:
        self.rows.append(values)

    def _tuple(self, row: dict[str, Any], postgres: bool) -> tuple[Any, ...]:
        out = []
        for f in self.fields:
            value = row[f.attname] if f.attname in row else self.defaults[f.attname]
            if isinstance(f, models.JSONField):
                value = json.dumps(value, ensure_ascii=False)
            elif not postgres:
                value = f.get_db_prep_save(value, connection)
            out.append(value)
        return tuple(out)

    def flush(self) -> None:
        if not self.rows:
            return
        table = self.model._meta.db_table
        columns = [f.column for f in self.fields]
        postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if postgres:
                raw = cursor.cursor  # the psycopg cursor under Django's wrapper
                names = ", ".join(f'"{c}"' for c in columns)
                with raw.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    for row in self.rows:
                        copy.write_row(self._tuple(row, True))
            else:
                marks = ", ".join(["%s"] * len(columns))
                names = ", ".join(f'"{c}"' for c in columns)
                cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    [self._tuple(row, False) for row in self.rows],
                )
        self.written += len(self.rows)
        self.rows = []


def _next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1


@dataclass
class Generator:
    rng: random.Random
    calendar: WorkCalendar
    ref: Reference
    now: datetime
    sequences: dict[tuple[int, date], int] = field(default_factory=dict)
    dossier_id: int = 0
    step_id: int = 0
    event_id: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def _instant(self) -> datetime:
        """A reception instant in working time during the last 12 months."""
        while True:
            at = self.now - timedelta(seconds=self.rng.uniform(0, 365 * 86400))
            at = self.calendar.next_opening(at.replace(second=0, microsecond=0))
            if at <= self.now:
                return at

    def _event(
        self, events: Table, seq: int, action: str, at: datetime, frm: str, to: str, **extra: Any
    ) -> None:
        events.add(
            id=self.event_id,
            dossier_id=self.dossier_id,
            seq=seq,
            action=action,
            at=at,
            recorded_at=at,
            actor_name="Hệ thống",
            from_status=frm,
            to_status=to,
            data=extra.pop("data", {}),
            **extra,
        )
        self.event_id += 1

    def dossier(self, dossiers: Table, steps: Table, events: Table) -> None:
        rng, cal = self.rng, self.calendar
        if rng.random() < 0.7:
            centre, committee, _ = rng.choices(self.ref.communes, weights=[w for *_, w in self.ref.communes])[
                0
            ]
            receiving, handling = centre, committee
            info = rng.choice(self.ref.commune_procedures)
        else:
            receiving, handling = self.ref.province_centre, rng.choice(self.ref.departments)
            info = rng.choice(self.ref.province_procedures)
        roll = rng.random()
        channel = "online" if roll < 0.85 else ("counter" if roll < 0.98 else "postal")
        if channel not in info.times:
            channel = next(iter(info.times))
        amount, unit = info.times[channel]
        reception = self._instant()
        submitted = reception - timedelta(minutes=rng.randint(5, 2880)) if channel == "online" else reception
        received: datetime | None = reception
        deadline = cal.deadline(reception, amount, unit, after_15h_next_day=info.after_15h)
        total = cal.working_minutes_between(deadline.start, deadline.due)
        approaching = cal.add_working_minutes(deadline.start, max(0, total - cal.minutes_per_day))
        applicant_id, name, national_id = rng.choice(self.ref.applicants)

        fate = rng.random()
        resolved_at = delivered_at = closed_at = stopped_at = None
        status = "processing"
        events_plan: list[tuple[str, datetime, str, dict[str, Any]]] = []
        if channel == "online" and fate < 0.01:
            # Withdrawn or refused before reception: no clock (a code all the same, from the submission).
            status = "withdrawn" if fate < 0.005 else "refused"
            closed_at = submitted + timedelta(minutes=rng.randint(10, 600))
            received = None
        elif fate < 0.013:
            status = "stopped"
            closed_at = cal.add_working_minutes(deadline.start, rng.randint(0, max(1, total)))
        elif fate < 0.016:
            status = "processing"  # stuck: pending for ever, overdue once past due
        else:
            late = rng.random() < 0.009
            if late:
                finish = cal.add_working_minutes(deadline.due, rng.randint(30, 3 * cal.minutes_per_day))
            else:
                finish = cal.add_working_minutes(deadline.start, int(total * rng.uniform(0.1, 0.98)))
            if finish <= self.now:
                status, resolved_at = "resolved", finish
                handed = finish + timedelta(minutes=rng.randint(10, 4320))
                if handed <= self.now and rng.random() < 0.97:
                    status, delivered_at = "delivered", handed
            else:
                extra = rng.random()
                status = (
                    "awaiting_supplement" if extra < 0.03 else ("paused" if extra < 0.04 else "processing")
                )
                if status != "processing":
                    stopped_at = max(reception, self.now - timedelta(minutes=rng.randint(1, 2880)))
        self.statuses[status] += 1

        # docs/domain.md §4 rule 2 (ADR 0021): an online dossier's code is issued at its submission, a
        # counter or postal one's at its reception (the same instant here).
        day = local_date(submitted)
        key = (receiving.pk, day)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        code = format_code(receiving.code, day, self.sequences[key])
        timing = classify_resolution(resolved_at, deadline.due) if resolved_at else ""
        clock_stopped = stopped_at or (closed_at if status == "stopped" else None)
        dossiers.add(
            id=self.dossier_id,
            uuid=_uuid(rng),
            code=code,
            status=status,
            channel=channel,
            procedure_id=info.procedure_id,
            version_id=info.version_id,
            workflow_id=info.workflow_id if received else None,
            receiving_agency_id=receiving.pk,
            province_id=receiving.province_id,
            handling_agency_id=handling.pk,
            applicant_id=applicant_id,
            applicant_name=name,
            applicant_id_number=national_id,
            applicant_address="Tỉnh Hưng Yên",
            note=BACKGROUND_NOTE,
            search_text=fold(f"{code} {name} {national_id}"),
            statutory_amount=amount,
            statutory_unit=unit,
            after_15h_next_day=info.after_15h,
            created_at=submitted,
            submitted_at=submitted,
            received_at=received,
            clock_start=deadline.start if received else None,
            due_at=deadline.due if received else None,
            approaching_at=approaching if received else None,
            appointment_at=deadline.due if received else None,
            clock_stopped_at=clock_stopped,
            resolved_at=resolved_at,
            outcome=("approved" if rng.random() < 0.98 else "refused") if resolved_at else "",
            resolution_timing=timing,
            delivered_at=delivered_at,
            delivery_method=("online" if channel == "online" else "counter") if delivered_at else "",
            closed_at=closed_at,
            supplement_count=1 if status == "awaiting_supplement" else 0,
            digitized=channel != "online" and rng.random() < 0.95,
            paid_online=channel == "online" and rng.random() < 0.5,
            e_result=resolved_at is not None,
            updated_at=delivered_at or resolved_at or closed_at or received or submitted,
        )

        # Events: the state changes.
        # The submission records the code it issued online (dossiers/creation.py), not at the counter.
        submit_data = {"channel": channel, **({"code": code} if channel == "online" else {})}
        events_plan.append(("submit", submitted, "submitted", submit_data))
        if received is not None:
            events_plan.append(("receive", received, "received", {"code": code}))
        if status in ("withdrawn", "refused"):
            assert closed_at is not None
            events_plan.append(("withdraw" if status == "withdrawn" else "refuse", closed_at, status, {}))
        if status == "stopped":
            assert closed_at is not None
            events_plan.append(("stop", closed_at, status, {}))
        if status in ("awaiting_supplement", "paused"):
            assert stopped_at is not None
            action = "request_supplement" if status == "awaiting_supplement" else "pause"
            events_plan.append((action, stopped_at, status, {}))
        if resolved_at is not None:
            events_plan.append(("resolve", resolved_at, "resolved", {"timing": timing}))
        if delivered_at is not None:
            events_plan.append(("deliver", delivered_at, "delivered", {}))
        previous = ""
        for seq, (action, at, to, data) in enumerate(events_plan, start=1):
            self._event(events, seq, action, at, previous, to, data=data)
            previous = to

        # Workflow steps: done up to the current one, then active, then waiting.
        if received is not None and info.steps:
            finished = status in ("resolved", "delivered")
            current = len(info.steps) if finished else rng.randrange(len(info.steps))
            end = resolved_at or closed_at or self.now
            span = max(timedelta(0), end - deadline.start)
            for i, (position, step_name, role, minutes) in enumerate(info.steps):
                started = deadline.start + span * i / len(info.steps)
                state = "done" if i < current else ("active" if i == current else "waiting")
                due = cal.add_working_minutes(started, minutes) if state != "waiting" else None
                done_at = deadline.start + span * (i + 1) / len(info.steps) if state == "done" else None
                steps.add(
                    id=self.step_id,
                    dossier_id=self.dossier_id,
                    position=position,
                    name=step_name,
                    role=role,
                    agency_id=receiving.pk if role == Role.ONE_STOP_OFFICER else handling.pk,
                    duration_minutes=minutes,
                    state=state,
                    started_at=started if state != "waiting" else None,
                    due_at=due,
                    finished_at=done_at,
                    timing=classify_resolution(done_at, due) if done_at and due else "",
                    rounds=1 if state != "waiting" else 0,
                )
                self.step_id += 1
        self.dossier_id += 1


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def load_background(target: int, seed: int, batch: int) -> None:
    existing = Dossier.objects.filter(note=BACKGROUND_NOTE).count()
    if existing >= target:
        say(f"  background: {existing} dossiers already loaded (target {target}), nothing to load.")
        return
    missing = target - existing
    rng = random.Random(seed + existing)
    started = time.perf_counter()
    ref = reference(rng, max(2000, target // 25))
    gen = Generator(rng=rng, calendar=work_calendar(), ref=ref, now=timezone.now())
    gen.sequences = {(s.agency_id, s.day): s.last for s in DossierSequence.objects.all()}
    gen.dossier_id, gen.step_id, gen.event_id = (
        _next_id(Dossier),
        _next_id(DossierStep),
        _next_id(DossierEvent),
    )
    dossiers, steps, events = Table(Dossier), Table(DossierStep), Table(DossierEvent)
    say(f"  background: {existing} present, loading {missing} (batches of {batch})…")
    with transaction.atomic():
        for i in range(missing):
            gen.dossier(dossiers, steps, events)
            if len(dossiers.rows) >= batch:
                for table in (dossiers, steps, events):
                    table.flush()
                if (i + 1) % (batch * 10) == 0:
                    rate = (i + 1) / (time.perf_counter() - started)
                    say(f"    {i + 1}/{missing} ({rate:.0f} dossiers/s)")
        for table in (dossiers, steps, events):
            table.flush()
        _save_sequences(gen.sequences)
        _reset_sequences()
    loaded = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Dossier, DossierStep, DossierEvent, Applicant, DossierSequence):
                cursor.execute(f'ANALYZE "{model._meta.db_table}"')
    total = time.perf_counter() - started
    say(
        f"  background loaded: {dossiers.written} dossiers, {steps.written} steps, {events.written} events "
        f"in {loaded:.1f} s ({dossiers.written / loaded:.0f} dossiers/s), ANALYZE included {total:.1f} s"
    )
    say("  statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(gen.statuses.items())))


def _save_sequences(sequences: dict[tuple[int, date], int]) -> None:
    table = DossierSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO "{table}" (agency_id, day, last) VALUES (%s, %s, %s) '
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = CASE WHEN excluded.last > "
            f'"{table}".last THEN excluded.last ELSE "{table}".last END',
            [(agency, day, last) for (agency, day), last in sequences.items()],
        )


def _reset_sequences() -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [Dossier, DossierStep, DossierEvent])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# ---------------------------------------------------------------------------------------------
# 2. Lifecycles through the API


@contextlib.contextmanager
def _nothing() -> Iterator[None]:
    yield None


class Api:
    """Times every call; refuses an unexpected status."""

    def __init__(self, timings: dict[str, list[float]], queries: dict[str, list[int]] | None = None) -> None:
        self.client = Client(HTTP_HOST="localhost")
        self.timings = timings
        self.queries = queries  # SQL statements per request, when counted (not during the timed runs)

    def call(self, name: str, method: str, path: str, token: str | None, body: Any, expect: int) -> Any:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        with CaptureQueriesContext(connection) if self.queries is not None else _nothing() as captured:
            started = time.perf_counter()
            if method == "GET":
                response = self.client.get(path, body or {}, headers=headers)
            else:
                response = self.client.post(
                    path, json.dumps(body or {}), content_type="application/json", headers=headers
                )
            self.timings[name].append(time.perf_counter() - started)
        if self.queries is not None and captured is not None:
            self.queries[name].append(len(captured.captured_queries))
        if response.status_code != expect:
            raise RuntimeError(f"{name}: {response.status_code} {response.content[:500]!r}")
        return response.json()


@dataclass(frozen=True)
class Crew:
    centre: str
    officer: str
    specialist: str
    leader: str
    clerk: str
    tokens: dict[str, str]


def crews(count: int, citizen_token: str) -> list[Crew]:
    result = []
    for centre, _committee in bench_communes(count):
        names = {role: _staff_name(role, centre) for role in Role.values}
        tokens = {
            names[role]: token_create(user=User.objects.get(username=names[role]), days=2)[0]
            for role in (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.CLERK)
        }
        tokens["citizen"] = citizen_token
        result.append(
            Crew(
                centre.code,
                names[Role.ONE_STOP_OFFICER],
                names[Role.SPECIALIST],
                names[Role.LEADER],
                names[Role.CLERK],
                tokens,
            )
        )
    return result


def counter_lifecycle(api: Api, crew: Crew, n: int) -> None:
    t = crew.tokens
    body = {
        "procedure": LIFECYCLE_PROCEDURE,
        "channel": "counter",
        "receiving_agency": crew.centre,
        "note": LIFECYCLE_NOTE,
        "applicant": {"name": "Nguyễn Văn Thử", "national_id": f"0998{n % 10**8:08d}"},
    }
    code = api.call(
        "counter: tiếp nhận (POST /dossiers)", "POST", "/api/v1/dossiers", t[crew.officer], body, 201
    )["code"]
    action = f"/api/v1/dossiers/{code}/actions/"
    api.call(
        "forward (một cửa → chuyên viên)",
        "POST",
        action + "forward",
        t[crew.officer],
        {"assignee": crew.specialist},
        200,
    )
    api.call(
        "forward (chuyên viên → lãnh đạo)",
        "POST",
        action + "forward",
        t[crew.specialist],
        {"assignee": crew.leader},
        200,
    )
    api.call(
        "forward (lãnh đạo → văn thư)",
        "POST",
        action + "forward",
        t[crew.leader],
        {"assignee": crew.clerk},
        200,
    )
    api.call(
        "resolve", "POST", action + "resolve", t[crew.clerk], {"outcome": "approved", "note": "Cấp giấy"}, 200
    )
    api.call("deliver", "POST", action + "deliver", t[crew.officer], {"method": "counter"}, 200)
    public = api.call(
        "public lookup (GET, ẩn danh)", "GET", f"/api/v1/public/dossiers/{code}", None, None, 200
    )
    assert public["status"] == "delivered", public


def online_path(api: Api, crew: Crew) -> None:
    t = crew.tokens
    body = {
        "procedure": LIFECYCLE_PROCEDURE,
        "channel": "online",
        "receiving_agency": crew.centre,
        "note": LIFECYCLE_NOTE,
    }
    submitted = api.call("online: nộp (POST /dossiers)", "POST", "/api/v1/dossiers", t["citizen"], body, 201)
    code = submitted["code"]
    assert code, submitted  # issued at submission (ADR 0021)
    assert submitted["reference"] == code, submitted
    received = api.call(
        "online: tiếp nhận (receive)",
        "POST",
        f"/api/v1/dossiers/{code}/actions/receive",
        t[crew.officer],
        {},
        200,
    )
    assert received["code"] == code, received  # reception keeps it


@dataclass
class WorkerResult:
    counter: int
    online: int
    counter_seconds: float
    online_seconds: float
    # CPU seconds spent by this client process (the whole Django stack) and by its PostgreSQL backend.
    counter_cpu: tuple[float, float]
    online_cpu: tuple[float, float]
    timings: dict[str, list[float]]


def _cpu(backend: int) -> tuple[float, float]:
    """(this process, PostgreSQL backend ``backend``) CPU seconds so far; the backend's from /proc,
    which needs the database on this machine (0 otherwise)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    try:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        db = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        db = 0.0
    return usage.ru_utime + usage.ru_stime, db


def _spent(before: tuple[float, float], after: tuple[float, float]) -> tuple[float, float]:
    return after[0] - before[0], after[1] - before[1]


def worker(args: tuple[int, int, int, list[Crew]]) -> WorkerResult:
    index, lifecycles, online, crew_list = args
    connections.close_all()
    # One persistent connection for the whole run (as behind a pool), so that its backend's CPU
    # time can be read.
    connection.settings_dict["CONN_MAX_AGE"] = None
    timings: dict[str, list[float]] = defaultdict(list)
    api = Api(timings)
    # Warm-up outside the measurement (URL resolver, schemas, connection).
    api.call("warm-up", "GET", "/api/v1/public/dossiers/KHONG-CO", None, None, 404)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0")
        backend = int(cursor.fetchone()[0])
    cpu0, started = _cpu(backend), time.perf_counter()
    for n in range(lifecycles):
        counter_lifecycle(api, crew_list[(index + n) % len(crew_list)], index * 10**6 + n)
    cpu1, counter_seconds = _cpu(backend), time.perf_counter() - started
    started = time.perf_counter()
    for n in range(online):
        online_path(api, crew_list[(index + n) % len(crew_list)])
    cpu2, online_seconds = _cpu(backend), time.perf_counter() - started
    timings.pop("warm-up", None)
    connections.close_all()
    return WorkerResult(
        lifecycles,
        online,
        counter_seconds,
        online_seconds,
        _spent(cpu0, cpu1),
        _spent(cpu1, cpu2),
        dict(timings),
    )


def count_queries(crew_list: list[Crew]) -> None:
    """One counter lifecycle and one online path, untimed, with the SQL statements of each request
    counted (as the test budgets count them, dossiers/tests/test_query_budgets.py; here no test
    transaction is around the request, so an action's transaction is BEGIN/COMMIT, not logged)."""
    queries: dict[str, list[int]] = defaultdict(list)
    api = Api(defaultdict(list), queries)
    api.call("warm-up", "GET", "/api/v1/public/dossiers/KHONG-CO", None, None, 404)
    counter_lifecycle(api, crew_list[0], 99 * 10**6)
    online_path(api, crew_list[0])
    queries.pop("warm-up", None)
    say("  SQL statements per request (one counter lifecycle and one online path, untimed):")
    for name, counts in queries.items():
        say(f"    {name:<42} {', '.join(str(c) for c in counts)}")


def measure_lifecycles(lifecycles: int, online: int, workers: int, communes: int) -> None:
    citizen_token = token_create(user=User.objects.get(username="congdan"), days=2)[0]
    crew_list = crews(communes, citizen_token)
    count_queries(crew_list)
    shares = [lifecycles // workers + (1 if i < lifecycles % workers else 0) for i in range(workers)]
    online_shares = [online // workers + (1 if i < online % workers else 0) for i in range(workers)]
    jobs = [(i, shares[i], online_shares[i], crew_list) for i in range(workers)]
    connections.close_all()
    started = time.perf_counter()
    if workers == 1:
        max_age = connection.settings_dict["CONN_MAX_AGE"]
        results = [worker(jobs[0])]
        connection.settings_dict["CONN_MAX_AGE"] = max_age
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(worker, jobs)
    wall = time.perf_counter() - started
    timings: dict[str, list[float]] = defaultdict(list)
    for result in results:
        for name, samples in result.timings.items():
            timings[name].extend(samples)
    counter_wall = max(r.counter_seconds for r in results)
    online_wall = max(r.online_seconds for r in results)
    requests = sum(len(s) for s in timings.values())
    cores = os.cpu_count() or 1
    say(
        f"  counter lifecycles: {lifecycles} in {counter_wall:.1f} s → {lifecycles / counter_wall:.2f} lifecycles/s "
        f"({workers} worker{'s' if workers > 1 else ''}, 7 requests each)"
    )
    app = sum(r.counter_cpu[0] for r in results) / lifecycles * 1000
    db = sum(r.counter_cpu[1] for r in results) / lifecycles * 1000
    say(
        f"    CPU per lifecycle: Django {app:.0f} ms + {DB_LABEL[connection.vendor == 'postgresql']} {db:.0f} ms "
        f"= {app + db:.0f} ms "
        f"→ ceiling on {cores} idle cores ≈ {cores * 1000 / (app + db):.1f} lifecycles/s"
    )
    if online:
        say(f"  online submit → receive: {online} in {online_wall:.1f} s → {online / online_wall:.2f} /s")
        app = sum(r.online_cpu[0] for r in results) / online * 1000
        db = sum(r.online_cpu[1] for r in results) / online * 1000
        say(
            f"    CPU per online path: Django {app:.0f} ms + {DB_LABEL[connection.vendor == 'postgresql']} "
            f"{db:.0f} ms = {app + db:.0f} ms"
        )
    say(f"  {requests} requests in {wall:.1f} s → {requests / wall:.1f} requests/s overall")
    say(f"  {'request':<42} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    everything: list[float] = []
    for name, samples in timings.items():
        everything.extend(samples)
        say(
            f"  {name:<42} {len(samples):5d} {ms(quantile(samples, 0.5))} {ms(quantile(samples, 0.95))} {ms(max(samples))}"
        )
    say(
        f"  {'all requests':<42} {len(everything):5d} {ms(quantile(everything, 0.5))} {ms(quantile(everything, 0.95))} {ms(max(everything))}"
    )


# ---------------------------------------------------------------------------------------------
# 3. Inbox


def measure_inbox(calls: int, seconds: float) -> None:
    api = Api(defaultdict(list))
    say(f"  {'inbox (GET /api/v1/dossiers)':<52} {'n':>4} {'count':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for label, username in INBOX_USERS:
        token = token_create(user=User.objects.get(username=username), days=1)[0]
        for overdue in (False, True):
            params = {"overdue": "true"} if overdue else {}
            name = f"{label}{' overdue' if overdue else ''}"
            first = api.call(name, "GET", "/api/v1/dossiers", token, params, 200)  # warm-up
            api.timings[name].clear()
            started = time.perf_counter()
            for _ in range(calls):
                api.call(name, "GET", "/api/v1/dossiers", token, params, 200)
                if time.perf_counter() - started > seconds:
                    break
            samples = api.timings[name]
            say(
                f"  {name:<52} {len(samples):4d} {first['count']:8d} {ms(quantile(samples, 0.5))} {ms(quantile(samples, 0.95))}"
            )


def explain_inbox() -> None:
    if connection.vendor != "postgresql":
        say("  --explain needs PostgreSQL.")
        return
    now = timezone.now()
    for label, username in INBOX_USERS:
        user = User.objects.get(username=username)
        for overdue in (None, True):
            queryset = dossier_inbox(user=user, filters=InboxFilters(overdue=overdue), at=now)
            say(f"\n  === {label}{' overdue=true' if overdue else ''}: page (LIMIT 20) ===")
            for line in _plan(queryset[:20]):
                say("  " + line)
            say(f"  === {label}{' overdue=true' if overdue else ''}: count ===")
            for line in _plan(queryset, count=True):
                say("  " + line)


def _plan(queryset: Any, count: bool = False) -> Iterator[str]:
    if count:
        # The statement ``.count()`` really runs (no ORDER BY, no select_related joins).
        with CaptureQueriesContext(connection) as captured:
            queryset.count()
        sql, params = captured.captured_queries[-1]["sql"], None
    else:
        sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        for (line,) in cursor.fetchall():
            # The agency id lists of a province-wide scope are long: shorten them.
            yield line if len(line) < 240 else line[:236] + " …"


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--background", type=int, default=100_000, help="background dossiers to have in the DB"
    )
    parser.add_argument("--lifecycles", type=int, default=300, help="counter lifecycles to run")
    parser.add_argument(
        "--online", type=int, default=None, help="online submit → receive paths (default: = lifecycles)"
    )
    parser.add_argument("--workers", type=int, default=1, help="parallel client processes")
    parser.add_argument(
        "--communes", type=int, default=8, help="communes whose benchmark staff run lifecycles"
    )
    parser.add_argument("--inbox-calls", type=int, default=200)
    parser.add_argument("--inbox-seconds", type=float, default=120.0, help="time cap per inbox series")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the inbox queries")
    parser.add_argument("--catalog", type=Path, default=ROOT / "catalog" / "tests" / "data")
    parser.add_argument("--batch", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--force", action="store_true", help="run even if non-benchmark dossiers exist")
    parser.add_argument("--skip", default="", help="comma list of phases to skip: lifecycles,inbox")
    args = parser.parse_args(argv)
    # Request logs (the warm-up's 404) and PDF-library chatter would drown the figures.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}

    settings = connection.settings_dict
    say(
        f"Database: {connection.vendor} {settings['NAME']} on {settings.get('HOST') or 'local'}; {os.cpu_count()} CPUs"
    )
    say(
        "Load average at start: "
        + ", ".join(f"{v:.2f}" for v in os.getloadavg())
        + " (other work skews figures)"
    )
    say("1. Set-up")
    started = time.perf_counter()
    check_database(args.force)
    call_command("migrate", verbosity=0)
    load_reference(args.catalog, args.communes)
    say(f"  migrate + reference data: {time.perf_counter() - started:.1f} s")
    load_background(args.background, args.seed, args.batch)
    say(f"  dossiers in the database: {Dossier.objects.count()}")
    if "lifecycles" not in skip:
        say("2. Lifecycles through the API (django.test.Client, in-process WSGI stack)")
        online = args.lifecycles if args.online is None else args.online
        measure_lifecycles(args.lifecycles, online, args.workers, args.communes)
    if "inbox" not in skip:
        say("3. Inbox query through the API (page of 20 + count)")
        measure_inbox(args.inbox_calls, args.inbox_seconds)
    if args.explain:
        say("4. EXPLAIN (ANALYZE, BUFFERS) of the inbox queries")
        explain_inbox()
    say("Load average at end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
