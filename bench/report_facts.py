"""Reports benchmark (issue 5 §5): the summary from the maintained facts against the same numbers counted
straight from the dossiers, at 10 million dossiers on PostgreSQL (a script that prints figures, not a test).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_reports \\
        .venv/bin/python bench/report_facts.py --dossiers 10000000 [--jobs 2] [--reuse] [--rebuild]

(default 200,000 dossiers; 10 million on 2 cores: ~30 min to load, ~30 min to rebuild the facts.)

1. Set-up: migrate, load the reference data (units, Hưng Yên agencies, the shipped national catalog
   published in the province; ``demo/loader.py``), then generate ``--dossiers`` dossiers with set-based
   SQL (``INSERT … SELECT … FROM generate_series`` with deterministic hash-based draws, in chunks, with
   the secondary indexes and foreign keys dropped during the load and rebuilt after it). Receptions run
   from 2017-01-02 to ``AS_OF`` (Friday 2026-11-20 17:00) with a growing volume, over the 104 commune
   People's Committees (through their service centres) and the provincial departments (through the
   provincial centre), a skewed mix of procedures per level, the three channels (online growing from
   4 % to 90 %). Lifecycles: forwarded 1–3 times, resolved early / on time / late (late falling from ~6 %
   to <1 %), delivered; supplement requests (clock restarted when supplied, stopped when never supplied),
   pauses (resumed with the remaining time, or stopped), stops at the applicant's request, online dossiers
   refused or withdrawn before reception; what would happen after ``AS_OF`` has not happened, which leaves
   a pending tail (some overdue). Every dossier column, every event (``from_status`` / ``to_status`` /
   ``due_before`` / ``due_after`` / ``seq`` as ``dossiers/services.py`` writes them) and every supplement
   request agree with each other. Simplification: working time is Monday–Friday 08:00–17:00 without the
   lunch break or public holidays, and a statutory time is a whole number of working days; no workflow
   steps, hand-overs or outbox rows. Refuses a database holding dossiers that are not the benchmark's.
   ``--jobs`` connections load chunks in parallel (a chunk's dossier codes do not depend on the others).
2. ``reports.rebuild.rebuild_facts(workers=--jobs)`` builds the facts from the events (timed).
3. The last full quarter's summary for the whole province (ungrouped and per agency), the same quarter
   five years back (the stocks from the prefix sums) and the last full month's service index of every
   unit (``serviceindex.compute.compute_month``; the summary of the month per agency when it does not
   exist): facts against the naive count from the dossiers, min / median of ``--repeat`` /
   ``--naive-repeat`` runs after one untimed run; exits 1 unless they agree exactly.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from accounts.models import Applicant  # noqa: E402
from catalog.importer import ProcedureImporter  # noqa: E402
from catalog.models import Procedure, ProcedureVersion  # noqa: E402
from catalog.services import statutory_option  # noqa: E402
from demo.loader import load_agencies, publish_catalog  # noqa: E402
from dossiers.guard import history_purge  # noqa: E402
from dossiers.models import Dossier, DossierEvent, DossierSequence, SupplementRequest  # noqa: E402
from kernel.text import fold  # noqa: E402
from organization.loaders import load_units  # noqa: E402
from organization.models import Agency  # noqa: E402
from reports.models import Fact  # noqa: E402
from reports.rebuild import rebuild_facts  # noqa: E402
from reports.summary import GroupBy, summary, summary_naive  # noqa: E402
from worktime.calendar import VN_TZ  # noqa: E402

NOTE = "[bench:reports]"
BENCH_PREFIX = "[bench:"
PROVINCE_CENTRE = "000.00.02.H31"
ID_PREFIX = "0997"  # applicants' ID numbers: no real province code (dossier_lifecycle uses 0998/0999)

# The working-time axis: a dossier instant is "seconds of working time since the first opening", working
# time being Monday–Friday 08:00–17:00 local; AS_OF is the end of the last working day.
FIRST_DAY = date(2017, 1, 2)  # a Monday
LAST_DAY = date(2026, 11, 20)  # a Friday
DAY = 9 * 3600
GROWTH = 4.0  # dossiers per day in the last year ÷ in the first
COMMUNE_SHARE = 0.68
SLOTS_COMMUNE, SLOTS_PROCEDURE = 1024, 16384
ZIPF = 1.2  # procedure popularity: weight 1 / rank^ZIPF

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Quang", "Thanh", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai", "Nam"]
GIVEN += ["Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt", "Yến"]

# Bulk-load session settings (reset before anything is measured).
LOAD_SETTINGS = {
    "synchronous_commit": "off",
    "work_mem": "256MB",
    "maintenance_work_mem": "2GB",
    "max_parallel_maintenance_workers": "2",
}


def say(message: str) -> None:
    print(message, flush=True)


def working_days(first: date, last: date) -> int:
    """Monday–Friday dates in [first, last] (first is a Monday)."""
    days = (last - first).days + 1
    return days // 7 * 5 + min(days % 7, 5)


WORKING_DAYS = working_days(FIRST_DAY, LAST_DAY)
TOTAL = WORKING_DAYS * DAY  # AS_OF on the axis: instants < TOTAL have happened
AS_OF = datetime.combine(LAST_DAY, datetime.min.time(), tzinfo=VN_TZ) + timedelta(hours=17)


def sql(statement: str, params: Sequence[Any] | dict[str, Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def fetch(statement: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def table(model: Any) -> str:
    return str(model._meta.db_table)


# ---------------------------------------------------------------------------------------------
# 1. Set-up


def check_database(force: bool) -> None:
    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    if table(Dossier) not in connection.introspection.table_names():
        return
    foreign = Dossier.objects.exclude(note__startswith=BENCH_PREFIX).count()
    if foreign and not force:
        raise SystemExit(
            f"Refusing to run: the database {connection.settings_dict['NAME']} holds {foreign} dossiers "
            "that are not the benchmark's. Use an empty database, or --force."
        )


def load_reference(catalog: Path) -> None:
    if not Agency.objects.filter(code=PROVINCE_CENTRE).exists():
        load_units()
        load_agencies()
    if not Procedure.objects.filter(current_version__isnull=False).exists():
        if not Procedure.objects.exists():
            ProcedureImporter().run([catalog])
        publish_catalog(lambda message: None)


@dataclass(frozen=True)
class ProcedureSlot:
    procedure_id: int
    version_id: int
    field_id: int | None
    working_days: int
    amount: Decimal
    unit: str
    after_15h: bool
    department_id: int | None


def _working_days(amount: Decimal, unit: str) -> int:
    """The statutory time as whole working days (the benchmark's simplified arithmetic)."""
    if unit == "working_hour":
        days = amount / 8
    elif unit == "calendar_day":
        days = amount * 5 / 7
    else:
        days = amount
    return min(60, max(1, int(days.to_integral_value(rounding=ROUND_CEILING))))


def procedure_mix(rng: random.Random) -> dict[str, list[ProcedureSlot]]:
    """For each level, the procedures in force in a seeded random order of popularity."""
    departments = list(
        Agency.objects.filter(
            level=Agency.Level.PROVINCE, kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.VERTICAL]
        )
        .order_by("code")
        .values_list("pk", flat=True)
    )
    in_force = Procedure.objects.filter(current_version__isnull=False).values("current_version")
    versions = (
        ProcedureVersion.objects.filter(pk__in=in_force)
        .prefetch_related("options", "agencies")
        .order_by("procedure__code")
    )
    mix: dict[str, list[ProcedureSlot]] = {"c": [], "p": []}
    for version in versions:
        option = statutory_option(version)
        if option is not None and option.time_amount is not None and option.time_unit:
            amount, unit = Decimal(option.time_amount), option.time_unit
        else:
            amount, unit = Decimal(5), "working_day"  # the officer gives one at reception
        linked = sorted(a.pk for a in version.agencies.all() if a.level == Agency.Level.PROVINCE)
        department = linked[0] if linked else departments[version.procedure_id % len(departments)]
        for level, applies in (("c", version.at_commune), ("p", version.at_province)):
            if applies:
                mix[level].append(
                    ProcedureSlot(
                        procedure_id=version.procedure_id,
                        version_id=version.pk,
                        field_id=version.field_id,
                        working_days=_working_days(amount, unit),
                        amount=amount,
                        unit=unit,
                        after_15h=version.after_15h_next_day,
                        department_id=department if level == "p" else None,
                    )
                )
    for procedures in mix.values():
        rng.shuffle(procedures)
    return mix


def slots(weights: Sequence[float], count: int) -> list[int]:
    """``count`` slots filled with item indexes in proportion to their weights (every slot used)."""
    total = sum(weights)
    out: list[int] = []
    cumulative = 0.0
    for index, weight in enumerate(weights):
        cumulative += weight
        while len(out) < min(count, round(cumulative / total * count)):
            out.append(index)
    while len(out) < count:
        out.append(len(weights) - 1)
    return out


def create_reference_tables(rng: random.Random, applicants: int) -> dict[str, int]:
    """Lookup tables the generator joins (unlogged, dropped after the load): commune slots, procedure
    slots, applicants."""
    centres = list(
        Agency.objects.filter(kind=Agency.Kind.SERVICE_CENTRE, level=Agency.Level.COMMUNE)
        .select_related("parent")
        .order_by("code")
    )
    communes = [(c, c.parent, rng.uniform(0.4, 2.5)) for c in centres if c.parent is not None]
    province_centre = Agency.objects.get(code=PROVINCE_CENTRE)
    sql("DROP TABLE IF EXISTS bench_commune_slot, bench_proc_slot, bench_applicant")
    sql(
        "CREATE UNLOGGED TABLE bench_commune_slot (slot int PRIMARY KEY, centre_id bigint, centre_code text, "
        "committee_id bigint, province_id bigint)"
    )
    rows: list[tuple[Any, ...]] = []
    for slot, index in enumerate(slots([w for _c, _p, w in communes], SLOTS_COMMUNE)):
        centre, committee, _w = communes[index]
        rows.append((slot, centre.pk, centre.code, committee.pk, centre.province_id))
    with connection.cursor() as cursor:
        cursor.executemany("INSERT INTO bench_commune_slot VALUES (%s, %s, %s, %s, %s)", rows)

    mix = procedure_mix(rng)
    sql(
        "CREATE UNLOGGED TABLE bench_proc_slot (lvl char(1), slot int, procedure_id bigint, version_id bigint, "
        "field_id bigint, wd int, amount numeric(8, 2), unit text, after15 boolean, department_id bigint, "
        "PRIMARY KEY (lvl, slot))"
    )
    rows.clear()
    for level, procedures in mix.items():
        weights = [1 / (rank + 1) ** ZIPF for rank in range(len(procedures))]
        for slot, index in enumerate(slots(weights, SLOTS_PROCEDURE)):
            p = procedures[index]
            rows.append(
                (
                    level,
                    slot,
                    p.procedure_id,
                    p.version_id,
                    p.field_id,
                    p.working_days,
                    p.amount,
                    p.unit,
                    p.after_15h,
                    p.department_id,
                )
            )
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO bench_proc_slot VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows
        )

    # Applicants: a pool whose ID numbers start with ID_PREFIX; the name is a function of the number.
    existing = Applicant.objects.filter(national_id__startswith=ID_PREFIX).count()
    name_sql = (
        "(%(family)s::text[])[1 + k %% 12] || ' ' || (%(middle)s::text[])[1 + (k / 12) %% 10] || ' ' || "
        "(%(given)s::text[])[1 + (k / 120) %% 22]"
    )
    names = {"family": FAMILY, "middle": MIDDLE, "given": GIVEN}
    if existing < applicants:
        sql(
            f"INSERT INTO {table(Applicant)} (uuid, kind, name, national_id, tax_code, address, phone, email, "
            "portal_user_id, created_at) "
            f"SELECT md5('bench:reports:applicant:' || k)::uuid, 'individual', {name_sql}, "
            f"'{ID_PREFIX}' || lpad(k::text, 8, '0'), '', 'Tỉnh Hưng Yên', '', '', '', now() "
            "FROM generate_series(%(first)s, %(last)s) AS k",
            {**names, "first": existing, "last": applicants - 1},
        )
    sql(
        "CREATE UNLOGGED TABLE bench_applicant (k int PRIMARY KEY, id bigint, name text, id_number text, "
        "folded text)"
    )
    folded = {key: [fold(v) for v in values] for key, values in names.items()}
    sql(
        "INSERT INTO bench_applicant SELECT k, a.id, a.name, a.national_id, "
        + name_sql.replace("%(family)s", "%(ffamily)s")
        .replace("%(middle)s", "%(fmiddle)s")
        .replace("%(given)s", "%(fgiven)s")
        + f" FROM (SELECT id, name, national_id, substr(national_id, 5)::int AS k FROM {table(Applicant)} "
        f"WHERE national_id LIKE '{ID_PREFIX}%%') a WHERE k < %(count)s",
        {
            "ffamily": folded["family"],
            "fmiddle": folded["middle"],
            "fgiven": folded["given"],
            "count": applicants,
        },
    )
    sql("ANALYZE bench_commune_slot")
    sql("ANALYZE bench_proc_slot")
    sql("ANALYZE bench_applicant")
    return {
        "communes": len(communes),
        "commune_procedures": len(mix["c"]),
        "province_procedures": len(mix["p"]),
        "province_centre": province_centre.pk,
        "applicants": applicants,
    }


# -- the generator --------------------------------------------------------------------------------

FUNCTIONS = [
    # A deterministic draw in [0, 1) for dossier i and salt k.
    """CREATE OR REPLACE FUNCTION pg_temp.rnd(i bigint, k bigint) RETURNS float8 LANGUAGE sql IMMUTABLE AS
    $$ SELECT (hashint8extended(i, k) & 281474976710655)::float8 / 281474976710656.0 $$""",
    # A point of the working-time axis as an instant.
    f"""CREATE OR REPLACE FUNCTION pg_temp.at(w bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE AS
    $$ SELECT ((DATE '{FIRST_DAY.isoformat()}' + ((w / {DAY}) / 5 * 7 + (w / {DAY}) % 5)::int)::timestamp
              + make_interval(secs => 28800 + w % {DAY})) AT TIME ZONE 'Asia/Ho_Chi_Minh' $$""",
]

# One chunk of dossiers [lo, hi): every draw, instant (working-time axis) and outcome.
PLAN_SQL = f"""
CREATE TEMP TABLE bench_coded ON COMMIT DROP AS
WITH base AS (
    SELECT i AS id,
           floor(ln(1 + ((i - 1 + pg_temp.rnd(i, 1)) / %(n)s) * ({GROWTH} - 1)) / ln({GROWTH}) * {TOTAL})::bigint
               AS w0,
           pg_temp.rnd(i, 2) < {COMMUNE_SHARE} AS communal,
           floor(pg_temp.rnd(i, 3) * {SLOTS_COMMUNE})::int AS cslot,
           floor(pg_temp.rnd(i, 4) * {SLOTS_PROCEDURE})::int AS pslot,
           floor(pg_temp.rnd(i, 28) * %(applicants)s)::int AS aslot
    FROM generate_series(greatest(1, %(lo)s::bigint - %(overlap)s), %(hi)s::bigint - 1) AS i
    OFFSET 0
), s1 AS (
    SELECT b.*, b.w0::float8 / {TOTAL} AS y,
           p.procedure_id, p.version_id, p.field_id, p.amount, p.unit, p.after15, p.wd::bigint * {DAY} AS dur,
           CASE WHEN b.communal THEN c.centre_id ELSE %(province_centre)s END AS receiving_id,
           CASE WHEN b.communal THEN c.centre_code ELSE '{PROVINCE_CENTRE}' END AS receiving_code,
           CASE WHEN b.communal THEN c.committee_id ELSE p.department_id END AS handling_id,
           c.province_id,
           a.id AS applicant_id, a.name AS applicant_name, a.id_number, a.folded,
           pg_temp.rnd(b.id, 5) AS rch
    FROM base b
    JOIN bench_commune_slot c ON c.slot = b.cslot
    JOIN bench_proc_slot p ON p.lvl = CASE WHEN b.communal THEN 'c' ELSE 'p' END AND p.slot = b.pslot
    JOIN bench_applicant a ON a.k = b.aslot
    OFFSET 0
), s2 AS (
    SELECT s.*,
           CASE WHEN s.rch < 0.04 + 0.86 * power(s.y, 1.6) THEN 'online'
                WHEN s.rch < 0.06 + 0.86 * power(s.y, 1.6) THEN 'postal' ELSE 'counter' END AS channel,
           1 + floor(pg_temp.rnd(s.id, 29) * 3)::int AS forwards,
           s.w0 + 300 + floor(pg_temp.rnd(s.id, 9) * 7200)::bigint AS t_f1,
           pg_temp.rnd(s.id, 8) < 0.07 AS supp,
           pg_temp.rnd(s.id, 11) < 0.9 AS supplied,
           pg_temp.rnd(s.id, 13) < 0.05 AS pause,
           pg_temp.rnd(s.id, 17) < 0.95 AS resumed,
           pg_temp.rnd(s.id, 18) < 0.012 AS stop_req,
           pg_temp.rnd(s.id, 14) < 0.006 + 0.05 * power(1 - s.y, 2) AS late
    FROM s1 s OFFSET 0
), s3 AS (
    SELECT s.*,
           CASE WHEN s.channel = 'online' AND pg_temp.rnd(s.id, 6) < 0.012
                THEN CASE WHEN pg_temp.rnd(s.id, 6) < 0.008 THEN 'refused' ELSE 'withdrawn' END
                ELSE '' END AS pre,
           s.t_f1 + 60 + floor(pg_temp.rnd(s.id, 10) * 4 * {DAY})::bigint AS t_sr
    FROM s2 s OFFSET 0
), s4 AS (
    SELECT s.*,
           s.t_sr + 3600 + floor(power(pg_temp.rnd(s.id, 12), 2) * 15 * {DAY})::bigint AS t_ss,
           s.t_sr + floor((20 + 40 * pg_temp.rnd(s.id, 31)) * {DAY})::bigint AS t_stop_s,
           s.w0 + s.dur AS due0
    FROM s3 s OFFSET 0
), s5 AS (
    SELECT s.*,
           CASE WHEN s.supp AND s.supplied THEN s.t_ss ELSE s.w0 END AS c1,
           CASE WHEN s.supp AND s.supplied THEN s.t_ss ELSE s.t_f1 END AS base_at,
           CASE WHEN s.supp AND s.supplied THEN s.t_ss + s.dur ELSE s.due0 END AS due1
    FROM s4 s OFFSET 0
), s6 AS (
    SELECT s.*,
           greatest(
               CASE WHEN s.late
                    THEN s.due1 + 60 + floor(power(pg_temp.rnd(s.id, 15), 2) * 40 * {DAY})::bigint
                    ELSE s.c1 + floor((0.08 + 0.92 * power(pg_temp.rnd(s.id, 15), 0.6)) * s.dur)::bigint END,
               s.base_at + 600) AS t1,
           {DAY} * (1 + floor(pg_temp.rnd(s.id, 16) * 10))::bigint AS pause_len
    FROM s5 s OFFSET 0
), s7 AS (
    SELECT s.*,
           s.base_at + greatest(1, (s.t1 - s.base_at) * 2 / 5) AS t_p,
           s.supp AND NOT s.supplied AS supp_stop,
           s.pause AND NOT (s.supp AND NOT s.supplied) AS paused
    FROM s6 s OFFSET 0
), s8 AS (
    SELECT s.*,
           s.t_p + s.pause_len AS t_r,
           s.t_p + floor((15 + 30 * pg_temp.rnd(s.id, 30)) * {DAY})::bigint AS t_stop_p,
           CASE WHEN s.paused AND s.resumed
                THEN CASE WHEN s.due1 > s.t_p THEN s.due1 + s.pause_len ELSE s.t_p + s.pause_len END
                ELSE s.due1 END AS due2,
           CASE WHEN s.paused AND s.resumed THEN s.t1 + s.pause_len ELSE s.t1 END AS t_end,
           s.paused AND NOT s.resumed AS pause_stop
    FROM s7 s OFFSET 0
), s9 AS (
    SELECT s.*,
           CASE WHEN s.paused AND s.resumed THEN s.t_r ELSE s.base_at END AS last_pre,
           s.pre = '' AS e_recv,
           s.pre = '' AND NOT s.supp_stop AND NOT s.pause_stop AS main
    FROM s8 s OFFSET 0
), s10 AS (
    SELECT s.*,
           s.last_pre + (s.t_end - s.last_pre) / 2 AS t_f2,
           s.last_pre + (s.t_end - s.last_pre) * 4 / 5 AS t_f3,
           s.t_end + 600 + floor(power(pg_temp.rnd(s.id, 20), 2) * 5 * {DAY})::bigint AS t_del,
           s.e_recv AND s.t_f1 < {TOTAL} AS e_f1,
           s.e_recv AND s.supp AND s.t_sr < {TOTAL} AS e_sr
    FROM s9 s OFFSET 0
), s11 AS (
    SELECT s.*,
           s.e_sr AND s.supplied AND s.t_ss < {TOTAL} AS e_ss,
           s.e_sr AND NOT s.supplied AND s.t_stop_s < {TOTAL} AS e_stop_s,
           s.e_recv AND s.paused AND s.t_p < {TOTAL} AS e_p,
           s.main AND s.forwards >= 2 AND s.t_f2 < {TOTAL} AS e_f2,
           s.main AND s.forwards >= 3 AND s.t_f3 < {TOTAL} AS e_f3,
           s.main AND s.t_end < {TOTAL} AS e_end
    FROM s10 s OFFSET 0
), s12 AS (
    SELECT s.*,
           s.e_p AND s.resumed AND s.t_r < {TOTAL} AS e_r,
           s.e_p AND NOT s.resumed AND s.t_stop_p < {TOTAL} AS e_stop_p,
           s.e_end AND NOT s.stop_req AS e_res,
           s.e_end AND NOT s.stop_req AND pg_temp.rnd(s.id, 19) < 0.97 AND s.t_del < {TOTAL} AS e_del
    FROM s11 s OFFSET 0
), s13 AS (
    SELECT s.*,
           CASE WHEN s.pre <> '' THEN s.pre
                WHEN s.e_stop_s OR s.e_stop_p OR (s.e_end AND s.stop_req) THEN 'stopped'
                WHEN s.e_del THEN 'delivered'
                WHEN s.e_res THEN 'resolved'
                WHEN s.e_p AND NOT s.e_r THEN 'paused'
                WHEN s.e_sr AND NOT s.e_ss THEN 'awaiting_supplement'
                WHEN s.e_f1 THEN 'processing'
                ELSE 'received' END AS status,
           CASE WHEN s.e_r THEN s.due2 WHEN s.e_ss THEN s.due1 ELSE s.due0 END AS due,
           CASE WHEN s.e_r THEN s.t_r WHEN s.e_ss THEN s.t_ss ELSE s.w0 END AS spell,
           CASE WHEN s.e_stop_s THEN s.t_stop_s WHEN s.e_stop_p THEN s.t_stop_p
                WHEN s.e_end AND s.stop_req THEN s.t_end END AS stop_at
    FROM s12 s OFFSET 0
), planned AS (
SELECT s.id, s.w0, s.y, s.channel, s.pre, s.status, s.forwards,
       s.procedure_id, s.version_id, s.field_id, s.amount, s.unit, s.after15,
       s.receiving_id, s.receiving_code, s.handling_id, s.province_id,
       s.applicant_id, s.applicant_name, s.id_number, s.folded,
       s.e_recv, s.e_f1, s.e_sr, s.e_ss, s.e_stop_s, s.e_p, s.e_r, s.e_stop_p, s.e_f2, s.e_f3, s.e_end,
       s.e_res, s.e_del, s.stop_req,
       s.e_sr AND s.t_sr > s.w0 + 3 * {DAY} AS late_request,
       -- instants
       CASE WHEN s.channel = 'online'
            THEN pg_temp.at(s.w0) - make_interval(secs => 600 + floor(pg_temp.rnd(s.id, 7) * 259200))
            ELSE pg_temp.at(s.w0) END AS submitted_at,
       pg_temp.at(s.w0) AS at_w0,
       CASE WHEN s.e_f1 THEN pg_temp.at(s.t_f1) END AS at_f1,
       CASE WHEN s.e_sr THEN pg_temp.at(s.t_sr) END AS at_sr,
       CASE WHEN s.e_sr THEN pg_temp.at(s.w0 + 3 * {DAY}) END AS at_request_deadline,
       CASE WHEN s.e_ss THEN pg_temp.at(s.t_ss) END AS at_ss,
       CASE WHEN s.e_p THEN pg_temp.at(s.t_p) END AS at_p,
       CASE WHEN s.e_r THEN pg_temp.at(s.t_r) END AS at_r,
       CASE WHEN s.e_f2 THEN pg_temp.at(s.t_f2) END AS at_f2,
       CASE WHEN s.e_f3 THEN pg_temp.at(s.t_f3) END AS at_f3,
       CASE WHEN s.e_end THEN pg_temp.at(s.t_end) END AS at_end,
       CASE WHEN s.e_del THEN pg_temp.at(s.t_del) END AS at_del,
       CASE WHEN s.stop_at IS NOT NULL THEN pg_temp.at(s.stop_at) END AS at_stop,
       CASE WHEN s.e_recv THEN pg_temp.at(s.due0) END AS at_due0,
       CASE WHEN s.e_ss THEN pg_temp.at(s.due1) END AS at_due1,
       CASE WHEN s.e_r THEN pg_temp.at(s.due2) END AS at_due2,
       CASE WHEN s.e_recv THEN pg_temp.at(s.due) END AS at_due,
       CASE WHEN s.e_recv THEN pg_temp.at(greatest(s.spell, s.due - {DAY})) END AS at_approaching,
       CASE WHEN s.e_recv THEN pg_temp.at(CASE WHEN s.e_ss THEN s.t_ss ELSE s.w0 END) END AS at_clock_start,
       CASE WHEN s.status IN ('received', 'processing') THEN pg_temp.at(s.spell) END AS at_running_since,
       CASE WHEN s.e_p THEN s.due1 - s.t_p END AS pause_remaining,
       CASE WHEN s.e_res THEN
           CASE WHEN s.t_end / {DAY} < s.due / {DAY} THEN 'early'
                WHEN s.t_end <= s.due THEN 'on_time' ELSE 'late' END
       ELSE '' END AS timing,
       CASE WHEN s.e_res THEN CASE WHEN pg_temp.rnd(s.id, 21) < 0.98 THEN 'approved' ELSE 'refused' END
            ELSE '' END AS outcome,
       s.e_recv AND pg_temp.rnd(s.id, 22) < 0.25 + 0.73 * s.y AS digitized,
       s.e_recv AND pg_temp.rnd(s.id, 23) < 0.02 + 0.55 * s.y * s.y AS reused,
       s.e_recv AND s.channel = 'online' AND pg_temp.rnd(s.id, 24) < 0.05 + 0.6 * s.y AS paid_online,
       s.e_res AND pg_temp.rnd(s.id, 25) < 0.05 + 0.93 * power(s.y, 1.5) AS e_result,
       CASE WHEN s.e_res AND pg_temp.rnd(s.id, 26) < 0.05 + 0.4 * s.y THEN
           CASE WHEN pg_temp.rnd(s.id, 27) < 0.72 THEN 5 WHEN pg_temp.rnd(s.id, 27) < 0.9 THEN 4
                WHEN pg_temp.rnd(s.id, 27) < 0.96 THEN 3 WHEN pg_temp.rnd(s.id, 27) < 0.98 THEN 2 ELSE 1 END
       END AS rating
FROM s13 s OFFSET 0
)
-- Codes: numbered per receiving agency and local day. Reception instants grow with the id, so the
-- dossiers of a day before this chunk are among the "overlap" ids before it, planned again here.
SELECT f.*,
       CASE WHEN f.e_recv THEN
           f.receiving_code || '-' || to_char(f.day, 'YYMMDD') || '-' || lpad(n::text, greatest(4, length(n::text)), '0')
       END AS code
FROM (
    SELECT p.*, (p.at_w0 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
           row_number() OVER (PARTITION BY p.e_recv, p.receiving_id,
               (p.at_w0 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date ORDER BY p.id) AS n
    FROM planned p
) f
WHERE f.id >= %(lo)s
ORDER BY f.id
"""

DOSSIER_COLUMNS = [
    "id",
    "uuid",
    "code",
    "status",
    "channel",
    "applicant_name",
    "applicant_id_number",
    "applicant_address",
    "applicant_phone",
    "applicant_email",
    "representative_name",
    "representative_id_number",
    "note",
    "search_text",
    "statutory_amount",
    "statutory_unit",
    "after_15h_next_day",
    "created_at",
    "submitted_at",
    "received_at",
    "clock_start",
    "due_at",
    "approaching_at",
    "appointment_at",
    "clock_stopped_at",
    "clock_running_since",
    "resolved_at",
    "outcome",
    "resolution_timing",
    "resolution_note",
    "delivered_at",
    "delivery_method",
    "closed_at",
    "supplement_count",
    "late_supplement_request",
    "extension_count",
    "digitized",
    "reused",
    "paid_online",
    "e_result",
    "rating",
    "imported",
    "updated_at",
    "applicant_id",
    "case_id",
    "created_by_id",
    "handling_agency_id",
    "procedure_id",
    "received_by_id",
    "receiving_agency_id",
    "version_id",
    "workflow_id",
    "province_id",
]

DOSSIER_VALUES = [
    "p.id",
    "md5('bench:reports:dossier:' || p.id)::uuid",
    "p.code",
    "p.status",
    "p.channel",
    "p.applicant_name",
    "p.id_number",
    "'Tỉnh Hưng Yên'",
    "''",
    "''",
    "''",
    "''",
    f"'{NOTE}'",
    "ltrim(coalesce(lower(p.code), '') || ' ' || p.folded || ' ' || p.id_number)",
    "p.amount",
    "p.unit",
    "p.after15",
    "p.submitted_at",
    "p.submitted_at",
    "CASE WHEN p.e_recv THEN p.at_w0 END",
    "p.at_clock_start",
    "p.at_due",
    "p.at_approaching",
    "p.at_due",
    # The clock stays stopped from the supplement request or pause; a stop stops it.
    """CASE p.status WHEN 'awaiting_supplement' THEN p.at_sr WHEN 'paused' THEN p.at_p
       WHEN 'stopped' THEN CASE WHEN p.e_stop_s THEN p.at_sr WHEN p.e_stop_p THEN p.at_p ELSE p.at_stop END
       END""",
    "p.at_running_since",
    "CASE WHEN p.e_res THEN p.at_end END",
    "p.outcome",
    "p.timing",
    """CASE WHEN p.pre = 'refused' THEN 'Hồ sơ không đủ điều kiện tiếp nhận'
       WHEN p.status = 'stopped' THEN 'Người nộp đề nghị dừng giải quyết'
       WHEN p.outcome = 'refused' THEN 'Không đủ điều kiện giải quyết' ELSE '' END""",
    "p.at_del",
    "CASE WHEN p.e_del THEN p.channel ELSE '' END",
    "CASE WHEN p.pre <> '' THEN p.at_w0 ELSE p.at_stop END",
    "p.e_sr::int",
    "p.late_request",
    "0",
    "p.digitized",
    "p.reused",
    "p.paid_online",
    "p.e_result",
    "p.rating",
    "false",
    """greatest(p.submitted_at, p.at_w0, p.at_f1, p.at_sr, p.at_ss, p.at_p, p.at_r, p.at_f2, p.at_f3,
       p.at_end, p.at_del, p.at_stop)""",
    "p.applicant_id",
    "NULL",
    "NULL",
    "p.handling_id",
    "p.procedure_id",
    "NULL",
    "p.receiving_id",
    "p.version_id",
    "NULL",
    "p.province_id",
]


@dataclass(frozen=True)
class EventSpec:
    exists: str  # SQL boolean over the plan row
    action: str
    at: str
    from_status: str
    to_status: str
    due_before: str = "NULL"
    due_after: str = "NULL"
    agency: str = "p.handling_id"
    reason: str = "''"
    data: str = "'{}'::jsonb"


_DUE = "CASE WHEN p.e_r THEN p.at_due2 WHEN p.e_ss THEN p.at_due1 ELSE p.at_due0 END"
_DUE_SUPP = "CASE WHEN p.e_ss THEN p.at_due1 ELSE p.at_due0 END"

# In the order they happen (each after the previous, when it happened before AS_OF), with what the
# services write: due_before only for the actions that pass it (supplement, pause, resume).
EVENTS = [
    EventSpec(
        "true",
        "'submit'",
        "p.submitted_at",
        "''",
        "'submitted'",
        agency="CASE WHEN p.channel = 'online' THEN NULL ELSE p.receiving_id END",
        data="jsonb_build_object('channel', p.channel)",
    ),
    EventSpec(
        "p.pre <> ''",
        "CASE WHEN p.pre = 'refused' THEN 'refuse' ELSE 'withdraw' END",
        "p.at_w0",
        "'submitted'",
        "p.pre",
        agency="p.receiving_id",
        reason="CASE WHEN p.pre = 'refused' THEN 'Hồ sơ không đủ điều kiện tiếp nhận' ELSE '' END",
    ),
    EventSpec(
        "p.e_recv",
        "'receive'",
        "p.at_w0",
        "'submitted'",
        "'received'",
        due_after="p.at_due0",
        agency="p.receiving_id",
        data="jsonb_build_object('code', p.code)",
    ),
    EventSpec(
        "p.e_f1",
        "'forward'",
        "p.at_f1",
        "'received'",
        "'processing'",
        due_after="p.at_due0",
        agency="p.receiving_id",
        data="jsonb_build_object('step', 1)",
    ),
    EventSpec(
        "p.e_sr",
        "'request_supplement'",
        "p.at_sr",
        "'processing'",
        "'awaiting_supplement'",
        due_before="p.at_due0",
        due_after="p.at_due0",
        reason="'Thiếu giấy tờ'",
        data="""jsonb_build_object('items', jsonb_build_array('Bản sao giấy tờ còn thiếu'),
                'late_request', p.late_request, 'request_deadline', p.at_request_deadline)""",
    ),
    EventSpec(
        "p.e_ss",
        "'receive_supplement'",
        "p.at_ss",
        "'awaiting_supplement'",
        "'processing'",
        due_before="p.at_due0",
        due_after="p.at_due1",
        agency="p.receiving_id",
    ),
    EventSpec(
        "p.e_stop_s",
        "'stop'",
        "p.at_stop",
        "'awaiting_supplement'",
        "'stopped'",
        due_after="p.at_due0",
        reason="'Người nộp đề nghị dừng giải quyết'",
    ),
    EventSpec(
        "p.e_p",
        "'pause'",
        "p.at_p",
        "'processing'",
        "'paused'",
        due_before=_DUE_SUPP,
        due_after=_DUE_SUPP,
        reason="'Chờ thực hiện nghĩa vụ tài chính'",
        data="jsonb_build_object('remaining_minutes', greatest(0, p.pause_remaining) / 60)",
    ),
    EventSpec(
        "p.e_r",
        "'resume'",
        "p.at_r",
        "'paused'",
        "'processing'",
        due_before=_DUE_SUPP,
        due_after="p.at_due2",
    ),
    EventSpec(
        "p.e_stop_p",
        "'stop'",
        "p.at_stop",
        "'paused'",
        "'stopped'",
        due_after=_DUE_SUPP,
        reason="'Người nộp đề nghị dừng giải quyết'",
    ),
    EventSpec(
        "p.e_f2",
        "'forward'",
        "p.at_f2",
        "'processing'",
        "'processing'",
        due_after=_DUE,
        data="jsonb_build_object('step', 2)",
    ),
    EventSpec(
        "p.e_f3",
        "'forward'",
        "p.at_f3",
        "'processing'",
        "'processing'",
        due_after=_DUE,
        data="jsonb_build_object('step', 3)",
    ),
    EventSpec(
        "p.e_end AND p.stop_req",
        "'stop'",
        "p.at_end",
        "CASE WHEN p.e_f1 THEN 'processing' ELSE 'received' END",
        "'stopped'",
        due_after=_DUE,
        reason="'Người nộp đề nghị dừng giải quyết'",
    ),
    EventSpec(
        "p.e_res",
        "'resolve'",
        "p.at_end",
        "'processing'",
        "'resolved'",
        due_after=_DUE,
        reason="CASE WHEN p.outcome = 'refused' THEN 'Không đủ điều kiện giải quyết' ELSE '' END",
        data="""jsonb_build_object('outcome', p.outcome, 'timing', p.timing,
                'early_return', p.timing = 'early')""",
    ),
    EventSpec(
        "p.e_del",
        "'deliver'",
        "p.at_del",
        "'resolved'",
        "'delivered'",
        due_after=_DUE,
        agency="p.receiving_id",
        data="jsonb_build_object('method', p.channel)",
    ),
]


def events_sql() -> str:
    """One row per (dossier, event that happened), in order: each column a CASE over the event number
    (a LATERAL VALUES list would compile its expressions again for every dossier)."""

    def case(values: Sequence[str], cast: str = "") -> str:
        branches = " ".join(f"WHEN {n} THEN {v}{cast}" for n, v in enumerate(values, 1))
        return f"CASE k {branches} END"

    seq = [
        "1 + " + " + ".join(["0", *[f"({e.exists})::int" for e in EVENTS[:n]]]) for n in range(len(EVENTS))
    ]
    columns = {
        "seq": case(seq),
        "action": case([e.action for e in EVENTS]),
        "at": case([e.at for e in EVENTS]),
        "from_status": case([e.from_status for e in EVENTS]),
        "to_status": case([e.to_status for e in EVENTS]),
        "due_before": case([e.due_before for e in EVENTS], "::timestamptz"),
        "due_after": case([e.due_after for e in EVENTS], "::timestamptz"),
        "agency": case([e.agency for e in EVENTS], "::bigint"),
        "reason": case([e.reason for e in EVENTS]),
        "data": case([e.data for e in EVENTS], "::jsonb"),
    }
    return f"""
INSERT INTO {table(DossierEvent)} (dossier_id, seq, action, at, recorded_at, actor_name, from_status,
    to_status, reason, due_before, due_after, appointment_before, appointment_after, data, actor_id,
    actor_agency_id)
SELECT e.id, e.seq, e.action, e.at, e.at, 'Cán bộ (dữ liệu benchmark)', e.from_status, e.to_status,
       e.reason, e.due_before, e.due_after, e.due_before, e.due_after, e.data, NULL, e.agency
FROM (
    SELECT p.id, {", ".join(f"{v} AS {k}" for k, v in columns.items())}
    FROM bench_coded p CROSS JOIN generate_series(1, {len(EVENTS)}) AS k
    WHERE {case([e.exists for e in EVENTS])}
) e
ORDER BY e.at, e.id, e.seq
"""


SEQUENCES_SQL = f"""
INSERT INTO {table(DossierSequence)} (agency_id, day, last)
SELECT receiving_agency_id, (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, count(*)
FROM {table(Dossier)} WHERE received_at IS NOT NULL AND note = '{NOTE}' GROUP BY 1, 2
ON CONFLICT (agency_id, day) DO UPDATE SET last = greatest({table(DossierSequence)}.last, excluded.last)
"""

SUPPLEMENT_SQL = f"""
INSERT INTO {table(SupplementRequest)} (dossier_id, requested_at, requested_by_id, items, reason,
    request_deadline, late, due_before, received_at, received_by_id, due_after)
SELECT p.id, p.at_sr, NULL, '["Bản sao giấy tờ còn thiếu"]'::jsonb, 'Thiếu giấy tờ', p.at_request_deadline,
       p.late_request, p.at_due0, p.at_ss, NULL, p.at_due1
FROM bench_coded p WHERE p.e_sr ORDER BY p.id
"""


# -- indexes and constraints around the bulk load ------------------------------------------------

LOADED_TABLES = [table(Dossier), table(DossierEvent), table(SupplementRequest)]
# Restored in phases: indexes (unique ones too) in parallel; then the constraints, instantly (USING
# INDEX, NOT VALID); then the foreign keys validated, in parallel.
BUILD, ATTACH, VALIDATE = 1, 2, 3


def drop_secondary(tables: Sequence[str]) -> None:
    """Drop every index and constraint but the primary keys (and the checks), keeping what recreates
    them in a table, so that an interrupted load can still restore them (``restore_secondary``)."""
    sql("CREATE TABLE IF NOT EXISTS bench_saved_ddl (id serial, phase int, tbl text, name text, ddl text)")
    saved: list[tuple[int, str, str, str]] = []
    for name in tables:
        for conname, kind, definition in fetch(
            "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY conname",
            [name],
        ):
            if kind == "u":  # "UNIQUE (code)"
                columns = definition.removeprefix("UNIQUE ")
                saved.append((BUILD, name, conname, f'CREATE UNIQUE INDEX "{conname}" ON "{name}" {columns}'))
                saved.append(
                    (
                        ATTACH,
                        name,
                        conname,
                        f'ALTER TABLE "{name}" ADD CONSTRAINT "{conname}" UNIQUE USING INDEX "{conname}"',
                    )
                )
            else:
                saved.append(
                    (
                        ATTACH,
                        name,
                        conname,
                        f'ALTER TABLE "{name}" ADD CONSTRAINT "{conname}" {definition} NOT VALID',
                    )
                )
                saved.append(
                    (VALIDATE, name, conname, f'ALTER TABLE "{name}" VALIDATE CONSTRAINT "{conname}"')
                )
        for index, definition in fetch(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('u', 'p')) "
            "ORDER BY 1",
            [name],
        ):
            saved.append((BUILD, name, index, definition))
    with transaction.atomic():
        for phase, tbl, name, ddl in saved:
            sql(
                "INSERT INTO bench_saved_ddl (phase, tbl, name, ddl) VALUES (%s, %s, %s, %s)",
                [phase, tbl, name, ddl],
            )
        for name in tables:
            for (conname,) in fetch(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('f', 'u')",
                [name],
            ):
                sql(f'ALTER TABLE "{name}" DROP CONSTRAINT "{conname}"')
            for (index,) in fetch(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = %s::regclass "
                "AND NOT indisprimary",
                [name],
            ):
                sql(f"DROP INDEX {index}")


def run_parallel(
    jobs: int, items: Sequence[Any], work: Callable[[Any], None], setup: Callable[[], None]
) -> None:
    """``work`` on every item from ``jobs`` threads, each with its own database connection (Django's
    are per thread) prepared by ``setup``; the first error stops the others and is raised."""
    queue = list(reversed(items))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            setup()
            while True:
                with lock:
                    if errors or not queue:
                        return
                    item = queue.pop()
                work(item)
        except BaseException as exc:  # reported by the main thread
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(max(1, jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def restore_secondary(jobs: int) -> None:
    """Recreate what ``drop_secondary`` dropped."""
    if "bench_saved_ddl" not in connection.introspection.table_names():
        return

    def execute(row: tuple[int, str, str, str]) -> None:
        pk, tbl, name, ddl = row
        started = time.perf_counter()
        sql(ddl)
        sql("DELETE FROM bench_saved_ddl WHERE id = %s", [pk])
        say(f"    {tbl}: {name} ({time.perf_counter() - started:.1f} s)")

    for phase in (BUILD, ATTACH, VALIDATE):
        rows = fetch("SELECT id, tbl, name, ddl FROM bench_saved_ddl WHERE phase = %s ORDER BY id", [phase])
        # Biggest tables first, so that the threads finish together.
        rows.sort(key=lambda r: (LOADED_TABLES.index(r[1]) if r[1] in LOADED_TABLES else 9) != 1)
        run_parallel(jobs if phase != ATTACH else 1, rows, execute, lambda: session(LOAD_SETTINGS))
    sql("DROP TABLE bench_saved_ddl")


def session(settings: dict[str, str] | None) -> None:
    for name, value in (settings or LOAD_SETTINGS).items():
        sql(f"SET {name} = '{value}'" if settings else f"RESET {name}")


def purge() -> None:
    """Empty the dossier tables (only benchmark dossiers are there: ``check_database``). The history
    tables refuse TRUNCATE without the purge switch (dossiers/guard.py, ADR 0009)."""
    with history_purge():
        sql(
            f"TRUNCATE {table(Dossier)}, {table(DossierEvent)}, {table(SupplementRequest)}, "
            f"{table(DossierSequence)}, {table(Fact)} CASCADE"
        )


def vacuum(name: str) -> None:
    sql(f'VACUUM (ANALYZE) "{name}"')


def max_per_day(target: int) -> int:
    """An upper bound of the dossiers received on one working day (the density at the end of the axis)."""
    density = math.log(GROWTH) * GROWTH / (GROWTH - 1) / WORKING_DAYS
    return int(target * density * 1.25) + 100


def load_dossiers(target: int, seed: int, chunk: int, jobs: int) -> None:
    rng = random.Random(seed)
    applicants = max(20_000, min(1_000_000, target // 20))
    started = time.perf_counter()
    ref = create_reference_tables(rng, applicants)
    say(
        f"  reference: {ref['communes']} communes, {ref['commune_procedures']} commune-level and "
        f"{ref['province_procedures']} province-level procedures in force, {applicants:,} applicants "
        f"({time.perf_counter() - started:.1f} s)"
    )
    drop_secondary(LOADED_TABLES)
    dossier_sql = (
        f"INSERT INTO {table(Dossier)} ({', '.join(DOSSIER_COLUMNS)}) "
        f"SELECT {', '.join(DOSSIER_VALUES)} FROM bench_coded p ORDER BY p.id"
    )
    event_sql = events_sql()
    say(
        f"  generating {target:,} dossiers received {FIRST_DAY} … {LAST_DAY} (AS_OF {AS_OF:%Y-%m-%d %H:%M}), "
        f"chunks of {chunk:,}, {jobs} connection{'s' if jobs > 1 else ''} in parallel…"
    )
    totals = {"dossiers": 0, "events": 0, "requests": 0}
    lock = threading.Lock()
    load_started = time.perf_counter()
    overlap = max_per_day(target)

    def setup() -> None:
        for statement in FUNCTIONS:
            sql(statement)
        session(LOAD_SETTINGS)

    def load_chunk(lo: int) -> None:
        hi = min(target + 1, lo + chunk)
        params = {
            "lo": lo,
            "hi": hi,
            "n": target,
            "overlap": overlap,
            "applicants": applicants,
            "province_centre": ref["province_centre"],
        }
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(PLAN_SQL, params)
            cursor.execute(dossier_sql)
            dossiers = cursor.rowcount
            cursor.execute(event_sql)
            events = cursor.rowcount
            cursor.execute(SUPPLEMENT_SQL)
            requests = cursor.rowcount
        with lock:
            totals["dossiers"] += dossiers
            totals["events"] += events
            totals["requests"] += requests
            elapsed = time.perf_counter() - load_started
            rows = sum(totals.values())
            say(
                f"    {totals['dossiers']:>11,} dossiers {totals['events']:>12,} events "
                f"{totals['requests']:>9,} supplement requests — {elapsed:7.1f} s, "
                f"{totals['dossiers'] / elapsed:,.0f} dossiers/s, {rows / elapsed:,.0f} rows/s"
            )

    run_parallel(jobs, list(range(1, target + 1, chunk)), load_chunk, setup)
    sql("DROP TABLE IF EXISTS bench_commune_slot, bench_proc_slot, bench_applicant")
    inserted = time.perf_counter() - load_started
    rows = sum(totals.values())
    say(
        f"  inserted {totals['dossiers']:,} dossiers, {totals['events']:,} events, {totals['requests']:,} "
        f"supplement requests ({rows:,} rows) in {inserted:.0f} s: {totals['dossiers'] / inserted:,.0f} "
        f"dossiers/s, {rows / inserted:,.0f} rows/s"
    )
    say(f"  indexes and constraints ({jobs} connections):")
    index_started = time.perf_counter()
    restore_secondary(jobs)
    indexed = time.perf_counter() - index_started
    session(LOAD_SETTINGS)
    sql(SEQUENCES_SQL)
    statements = connection.ops.sequence_reset_sql(
        no_style(), [Dossier, DossierEvent, SupplementRequest, DossierSequence, Applicant]
    )
    for statement in statements:
        sql(statement)
    analyze_started = time.perf_counter()
    names = [*LOADED_TABLES, table(DossierSequence), table(Applicant)]
    run_parallel(jobs, names, vacuum, lambda: session(LOAD_SETTINGS))
    analyzed = time.perf_counter() - analyze_started
    session(None)
    total = time.perf_counter() - started
    say(
        f"  load: inserts {inserted:.0f} s, indexes + keys {indexed:.0f} s, sequences + VACUUM ANALYZE "
        f"{analyzed:.0f} s; total {total:.0f} s ({total / 60:.1f} min) → {totals['dossiers'] / total:,.0f} "
        f"dossiers/s, {rows / total:,.0f} rows/s overall"
    )


def describe() -> None:
    """What was generated, in a few lines (statuses, channels, timings)."""
    for label, column in (("status", "status"), ("channel", "channel"), ("timing", "resolution_timing")):
        rows = fetch(f"SELECT {column}, count(*) FROM {table(Dossier)} GROUP BY 1 ORDER BY 2 DESC")
        say(f"  {label}: " + ", ".join(f"{k or '—'} {v:,}" for k, v in rows))
    rows = fetch(
        f"SELECT extract(year FROM received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::int, count(*), "
        "round(100.0 * count(*) FILTER (WHERE channel = 'online') / count(*), 1) "
        f"FROM {table(Dossier)} WHERE received_at IS NOT NULL GROUP BY 1 ORDER BY 1"
    )
    say("  received per year (online %): " + ", ".join(f"{y} {n:,} ({p}%)" for y, n, p in rows))
    (top,) = fetch(
        f"SELECT round(100.0 * sum(n) FILTER (WHERE rank <= 30) / sum(n), 1), count(*) FROM "
        f"(SELECT count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS rank FROM {table(Dossier)} "
        "GROUP BY procedure_id) t"
    )
    say(f"  procedures used: {top[1]}; the 30 most used take {top[0]}% of the dossiers")


def check_sample(every: int) -> None:
    """Cross-check a sample of dossiers against their last event (status, due instant, order)."""
    bad = fetch(
        f"""SELECT count(*) FILTER (WHERE e.to_status <> d.status),
                   count(*) FILTER (WHERE e.due_after IS DISTINCT FROM d.due_at),
                   count(*)
            FROM {table(Dossier)} d
            JOIN LATERAL (SELECT to_status, due_after FROM {table(DossierEvent)} x
                          WHERE x.dossier_id = d.id ORDER BY seq DESC LIMIT 1) e ON true
            WHERE d.id %% %s = 0""",
        [every],
    )[0]
    (disorder,) = fetch(
        f"""SELECT count(*) FROM {table(DossierEvent)} a JOIN {table(DossierEvent)} b
            ON b.dossier_id = a.dossier_id AND b.seq = a.seq + 1
            WHERE a.dossier_id %% %s = 0 AND (b.at < a.at OR b.from_status <> a.to_status)""",
        [every],
    )[0]
    say(
        f"  sample of {bad[2]:,} dossiers: {bad[0]} with a status ≠ last event, {bad[1]} with a due ≠ last "
        f"event's, {disorder} event pairs out of order or not chained"
    )
    if bad[0] or bad[1] or disorder:
        raise SystemExit("The generated history is inconsistent.")


# ---------------------------------------------------------------------------------------------
# 2. Facts


def build_facts(workers: int) -> None:
    started = time.perf_counter()
    last = [started]

    def progress(line: str) -> None:
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            say(f"    {time.perf_counter() - started:7.1f} s  {line}")

    dossiers, rows = rebuild_facts(progress=progress, workers=workers)
    elapsed = time.perf_counter() - started
    say(
        f"  rebuild_facts(): {dossiers:,} dossiers → {rows:,} fact rows in {elapsed:.1f} s "
        f"({elapsed / 60:.1f} min, {dossiers / elapsed:,.0f} dossiers/s)"
    )
    sql(f'VACUUM (ANALYZE) "{table(Fact)}"')
    describe_facts()


def describe_facts() -> None:
    rows = fetch(f"SELECT grain, count(*) FROM {table(Fact)} GROUP BY 1 ORDER BY 1")
    sizes = fetch(
        "SELECT pg_size_pretty(pg_total_relation_size(%s)), pg_size_pretty(pg_total_relation_size(%s)), "
        "pg_size_pretty(pg_total_relation_size(%s))",
        [table(Fact), table(Dossier), table(DossierEvent)],
    )[0]
    say(
        "  fact rows per grain: "
        + ", ".join(f"{dict(Fact.Grain.choices)[g]} ({g}) {n:,}" for g, n in rows)
        + f"; sizes with indexes: facts {sizes[0]}, dossiers {sizes[1]}, events {sizes[2]}"
    )


# ---------------------------------------------------------------------------------------------
# 3. Measurements


@dataclass
class Timing:
    what: str
    fast: list[float]
    naive: list[float]
    agree: bool
    note: str = ""


def timed(function: Callable[[], Any], repeat: int) -> tuple[Any, list[float]]:
    samples = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        samples.append(time.perf_counter() - started)
    return result, samples


def compare(
    what: str, fast: Callable[[], Any], naive: Callable[[], Any], repeat: int, naive_repeat: int
) -> Timing:
    fast()  # warm-up (cache, plans), not timed
    fast_result, fast_samples = timed(fast, repeat)
    naive_result, naive_samples = timed(naive, naive_repeat)
    agree = fast_result == naive_result
    timing = Timing(what, fast_samples, naive_samples, agree)
    say(
        f"  {what}: facts min {min(fast_samples) * 1000:.1f} ms, median {statistics.median(fast_samples) * 1000:.1f} ms"
        f" ({repeat}×); naive min {min(naive_samples) * 1000:.0f} ms, median "
        f"{statistics.median(naive_samples) * 1000:.0f} ms ({naive_repeat}×); "
        + ("identical" if agree else "DIFFERENT")
    )
    if not agree:
        show_difference(fast_result, naive_result)
    return timing


def show_difference(fast: Any, naive: Any) -> None:
    if isinstance(fast, dict) and isinstance(naive, dict):
        keys = sorted(set(fast) | set(naive), key=str)
        shown = 0
        for key in keys:
            if fast.get(key) != naive.get(key):
                say(f"    {key!r}: facts {fast.get(key)!r}")
                say(f"    {' ' * len(repr(key))}  naive {naive.get(key)!r}")
                shown += 1
                if shown >= 5:
                    break
    else:
        say(f"    facts {fast!r}\n    naive {naive!r}")


def last_full_quarter(at: date) -> tuple[date, date]:
    first_month = (at.month - 1) // 3 * 3 + 1
    end = date(at.year, first_month, 1) - timedelta(days=1)
    return date(end.year, end.month - 2, 1), end


def last_full_month(at: date) -> tuple[date, date]:
    end = at.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def index_functions() -> tuple[Callable[[date], Any], Callable[[date], Any], str] | None:
    """The service index of a month for all units, from the facts and naively, when the module exists
    (``serviceindex/compute.py``: ``compute_month(month, naive=False | True)``)."""
    try:
        module = importlib.import_module("serviceindex.compute")
    except ImportError:
        return None
    compute = getattr(module, "compute_month", None)
    if compute is None:
        return None
    try:
        compute(AS_OF.date().replace(day=1) - timedelta(days=1))
    except module.NoMethodology:
        return None
    return (
        lambda month: compute(month),
        lambda month: compute(month, naive=True),
        "serviceindex.compute.compute_month(month) vs compute_month(month, naive=True)",
    )


def measure(repeat: int, naive_repeat: int, old_quarter: bool) -> list[Timing]:
    as_of = AS_OF.date()
    q_start, q_end = last_full_quarter(as_of)
    m_start, m_end = last_full_month(as_of)
    results = []
    say(f"  quarter {q_start} … {q_end}, whole province")
    results.append(
        compare(
            "quarterly summary, whole province",
            lambda: summary(q_start, q_end),
            lambda: summary_naive(q_start, q_end),
            repeat,
            naive_repeat,
        )
    )
    results.append(
        compare(
            "quarterly summary, per agency",
            lambda: summary(q_start, q_end, group_by=GroupBy.AGENCY),
            lambda: summary_naive(q_start, q_end, group_by=GroupBy.AGENCY),
            repeat,
            naive_repeat,
        )
    )
    if old_quarter:
        o_start, o_end = q_start.replace(year=q_start.year - 5), q_end.replace(year=q_end.year - 5)
        say(f"  quarter {o_start} … {o_end} (five years back), whole province")
        results.append(
            compare(
                f"quarterly summary {o_start:%Y-%m}, whole province",
                lambda: summary(o_start, o_end),
                lambda: summary_naive(o_start, o_end),
                repeat,
                naive_repeat,
            )
        )
    index = index_functions()
    if index is not None:
        fast_index, naive_index, label = index
        say(f"  month {m_start} … {m_end}: {label}")
        results.append(
            compare(
                "monthly service index, all units",
                lambda: fast_index(m_start),
                lambda: naive_index(m_start),
                repeat,
                naive_repeat,
            )
        )
    else:
        say(
            f"  month {m_start} … {m_end}: serviceindex/compute.py does not exist (yet): the monthly index "
            "inputs are timed as summary(month, group_by=AGENCY)"
        )
        results.append(
            compare(
                "monthly index inputs (summary per agency)",
                lambda: summary(m_start, m_end, group_by=GroupBy.AGENCY),
                lambda: summary_naive(m_start, m_end, group_by=GroupBy.AGENCY),
                repeat,
                naive_repeat,
            )
        )
    whole = summary(q_start, q_end)[None]
    say(
        f"  the quarter: carried over {whole.carried_over:,}, received {whole.received:,} "
        f"(online {whole.received_online:,}), resolved {whole.resolved:,} (late {whole.resolved_late:,}), "
        f"stopped {whole.stopped:,}, pending {whole.pending:,} (overdue {whole.pending_overdue:,}), "
        f"supplement requests {whole.supplement_requests:,}; balanced: {whole.balanced}"
    )
    return results


def explain(q_start: date, q_end: date) -> None:
    """EXPLAIN ANALYZE of the facts queries of the quarterly summary."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        summary(q_start, q_end)
    for query in captured.captured_queries:
        say(f"\n  {query['sql'][:300]}…")
        for (line,) in fetch(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}"):
            say("    " + line)


def print_table(results: Sequence[Timing]) -> None:
    say("")
    say(f"  {'what':<44} {'facts ms':>10} {'naive ms':>10} {'ratio':>8}  same")
    for r in results:
        fast, naive = statistics.median(r.fast) * 1000, statistics.median(r.naive) * 1000
        say(f"  {r.what:<44} {fast:10.1f} {naive:10.0f} {naive / fast:7.0f}×  {'yes' if r.agree else 'NO'}")
    say("  (medians; ratio = naive ÷ facts)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dossiers", type=int, default=200_000, help="dossiers to generate")
    parser.add_argument("--reuse", action="store_true", help="keep the dossiers already loaded if as many")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the facts even when reusing")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each facts query")
    parser.add_argument("--naive-repeat", type=int, default=3, help="timed runs of each naive query")
    parser.add_argument("--chunk", type=int, default=100_000, help="dossiers per INSERT … SELECT")
    parser.add_argument(
        "--jobs", type=int, default=2, help="parallel connections (load) and processes (rebuild)"
    )
    parser.add_argument("--catalog", type=Path, default=ROOT / "data" / "procedures")
    parser.add_argument("--seed", type=int, default=20261120)
    parser.add_argument("--check-every", type=int, default=997, help="cross-check one dossier in N")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the facts queries")
    parser.add_argument(
        "--no-old-quarter", action="store_true", help="skip the quarter five years back (prefix sums)"
    )
    parser.add_argument("--force", action="store_true", help="run even if non-benchmark dossiers exist")
    args = parser.parse_args(argv)

    settings = connection.settings_dict
    say(
        f"Database: {connection.vendor} {settings['NAME']} on {settings.get('HOST') or 'local'}; {os.cpu_count()} CPUs"
    )
    say("Load average at start: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    say("1. Set-up")
    started = time.perf_counter()
    check_database(args.force)
    call_command("migrate", verbosity=0)
    load_reference(args.catalog)
    say(f"  migrate + reference data: {time.perf_counter() - started:.1f} s")
    present = Dossier.objects.filter(note=NOTE).count()
    loaded = False
    if args.reuse and present == args.dossiers:
        restore_secondary(args.jobs)  # in case an earlier load was interrupted
        say(f"  --reuse: {present:,} benchmark dossiers present")
    else:
        if present:
            say(f"  {present:,} benchmark dossiers present: emptying the dossier tables")
            restore_secondary(args.jobs)
            purge()
        load_dossiers(args.dossiers, args.seed, args.chunk, args.jobs)
        loaded = True
    describe()
    check_sample(args.check_every)

    say("2. Facts")
    if loaded or args.rebuild or not Fact.objects.exists():
        build_facts(args.jobs)
    else:
        say("  --reuse: facts present, not rebuilt (--rebuild to force)")
        describe_facts()

    say("3. Reports: facts vs naive (min / median of the timed runs after one warm-up)")
    say("Load average: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    results = measure(args.repeat, args.naive_repeat, not args.no_old_quarter)
    if args.explain:
        explain(*last_full_quarter(AS_OF.date()))
    print_table(results)
    say("Load average at end: " + ", ".join(f"{v:.2f}" for v in os.getloadavg()))
    if not all(r.agree for r in results):
        say("FAILED: the facts and the dossiers disagree.")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
