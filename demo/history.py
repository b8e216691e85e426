"""A few months of dossier history for the demo, so that the inbox, the reports, the index and the
dashboards have something to show after ``make run``. Generated deterministically (a fixed seed),
imported through ``dossiers.importer`` like any migrated history (docs/domain.md §10): due instants and
classifications are computed by the system, never made up here."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from catalog.models import Procedure, ProcedureVersion, ProcessingOption
from demo.loader import COMMUNE_A, COMMUNE_B, commune_centre_code, commune_committee_code
from dossiers import services as dossier_services
from dossiers.importer import ImportSummary, import_lines
from dossiers.models import Dossier
from organization.models import Agency
from reports.popularity import refresh_filed_counts
from serviceindex import selectors as index_selectors
from serviceindex import services as index_services
from worktime.calendar import VN_TZ

PROVINCIAL_CENTRE = "000.00.02.H31"
SEED = 20260101
GIVEN = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Hoa"]
GIVEN += ["Đặng Văn Giang", "Bùi Thị Hạnh", "Đỗ Văn Khánh", "Ngô Thị Lan", "Dương Văn Minh", "Lý Thị Ngọc"]


def _commune_procedures(limit: int) -> list[str]:
    versions = (
        ProcedureVersion.objects.filter(procedure__current_version=F("pk"), at_commune=True)
        .select_related("field")
        .order_by("field__name", "procedure__code")
    )
    preferred = [v.procedure.code for v in versions if v.field and "hộ tịch" in v.field.name.lower()]
    others = [v.procedure.code for v in versions if v.procedure.code not in preferred]
    return (preferred[: limit // 2] + others)[:limit]


def _provincial_procedures(limit: int) -> list[tuple[str, str]]:
    """(procedure, department) for provincial procedures settled by exactly one department."""
    found: list[tuple[str, str]] = []
    procedures = Procedure.objects.filter(current_version__isnull=False).select_related("current_version")
    for procedure in procedures.order_by("code").iterator():
        version = procedure.current_version
        assert version is not None
        if version.at_commune:
            continue
        agencies = list(version.agencies.filter(is_active=True, kind=Agency.Kind.DEPARTMENT)[:2])
        if len(agencies) == 1 and version.agencies.count() == 1:
            found.append((procedure.code, agencies[0].code))
        if len(found) >= limit:
            break
    return found


def _working_instant(rng: random.Random, day: datetime) -> datetime:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day.replace(hour=rng.choice([8, 9, 10, 11, 13, 14, 15, 16]), minute=rng.choice([0, 15, 30, 45]))


def _later(rng: random.Random, at: datetime, max_days: float) -> datetime:
    candidate = at + timedelta(minutes=rng.randint(30, int(max_days * 24 * 60)))
    if rng.random() < 0.85:
        candidate = _working_instant(rng, candidate.replace(hour=0, minute=0))
        if candidate <= at:
            candidate = at + timedelta(minutes=30)
    return candidate


FINISHED = frozenset({"resolved", "delivered", "stopped", "withdrawn"})
# Who holds a pending demo dossier (issue 14 §11): the demo staff of communes A and B and of the
# Department of Justice; elsewhere the old system named the role only. Chosen by the line's number,
# not the random draw, so the rest of the history stays as it was.
HOLDERS = {
    commune_committee_code(COMMUNE_A): ("chuyenvien.phohien", "lanhdao.phohien"),
    commune_committee_code(COMMUNE_B): ("chuyenvien.tanhung", ""),
}
STEPS = (("Thẩm định hồ sơ", "specialist", 0), ("Trình lãnh đạo phê duyệt", "leader", 1))


def _current_step(n: int, record: dict[str, Any]) -> dict[str, str]:
    name, role, which = STEPS[n % 3 // 2]
    holder = HOLDERS.get(record["handling_agency"], ("", ""))[which]
    step = {"name": name, "role": role}
    if holder:
        step["holder"] = holder
    return step


def history_lines(count: int, *, now: datetime, days: int = 120, seed: int = SEED) -> list[str]:
    rng = random.Random(seed)
    communes = [COMMUNE_A, COMMUNE_B]
    others = list(
        Agency.objects.filter(level=Agency.Level.COMMUNE, kind=Agency.Kind.PEOPLES_COMMITTEE)
        .order_by("code")
        .values_list("unit__code", flat=True)
    )
    communes += rng.sample([c for c in others if c not in communes], min(10, len(others)))
    commune_procedures = _commune_procedures(60)
    provincial = _provincial_procedures(30)
    channels: dict[str, list[str]] = {}
    for code, channel in ProcessingOption.objects.filter(
        version__procedure__code__in=commune_procedures + [p for p, _d in provincial],
        version__procedure__current_version=F("version"),
        time_amount__isnull=False,
    ).values_list("version__procedure__code", "channel"):
        if channel not in channels.setdefault(code, []):
            channels[code].append(channel)
    for offered in channels.values():
        offered.sort()
    # Only procedures whose catalog entry states a processing time: the importer needs it.
    commune_procedures = [code for code in commune_procedures if code in channels][:16]
    provincial = [(code, dept) for code, dept in provincial if code in channels][:12]
    start = (now - timedelta(days=days)).astimezone(VN_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    lines: list[str] = []
    for n in range(count):
        record: dict[str, Any]
        if provincial and rng.random() < 0.2:
            procedure, department = rng.choice(provincial)
            record = {
                "procedure": procedure,
                "receiving_agency": PROVINCIAL_CENTRE,
                "handling_agency": department,
            }
        else:
            # The two demo communes take most dossiers, so their officers' inboxes are busy.
            ward = rng.choice(communes[:2]) if rng.random() < 0.6 else rng.choice(communes)
            record = {
                "procedure": rng.choice(commune_procedures),
                "receiving_agency": commune_centre_code(ward),
                "handling_agency": commune_committee_code(ward),
            }
        offered = channels.get(record["procedure"]) or ["counter"]
        weights = {"online": 5, "counter": 4, "postal": 1}
        channel = rng.choices(offered, weights=[weights[c] for c in offered])[0]
        at = _working_instant(rng, start + timedelta(days=rng.randrange(days)))
        if at >= now:
            continue
        events: list[dict[str, Any]] = [{"type": "received", "at": at}]
        if rng.random() < 0.15:
            at = _later(rng, at, 2)
            events.append({"type": "supplement_requested", "at": at, "items": ["Bản sao giấy tờ tùy thân"]})
            if rng.random() < 0.85:
                at = _later(rng, at, 6)
                events.append({"type": "supplement_received", "at": at})
        if events[-1]["type"] != "supplement_requested" and rng.random() < 0.08:
            at = _later(rng, at, 5)
            events.append({"type": "paused", "at": at, "reason": "Chờ thực hiện nghĩa vụ tài chính"})
            if rng.random() < 0.8:
                at = _later(rng, at, 4)
                events.append({"type": "resumed", "at": at})
        recent = at > now - timedelta(days=10)
        if events[-1]["type"] in {"received", "supplement_received", "resumed"} and (
            not recent or rng.random() < 0.6
        ):
            if rng.random() < 0.95:
                at = _later(rng, at, rng.choices([0.3, 1, 2, 5, 10], weights=[30, 30, 20, 12, 8])[0])
                outcome = "approved" if rng.random() < 0.95 else "refused"
                events.append({"type": "resolved", "at": at, "outcome": outcome, "note": "Đã giải quyết"})
                if rng.random() < 0.8:
                    at = _later(rng, at, 2)
                    events.append(
                        {"type": "delivered", "at": at, "method": rng.choice(["counter", "online"])}
                    )
            else:
                at = _later(rng, at, 5)
                events.append({"type": "stopped", "at": at, "reason": "Người nộp đề nghị dừng giải quyết"})
        events = [e for e in events if e["at"] < now]
        record.update(
            code=f"H31-DEMO-{n + 1:05d}",
            channel=channel,
            applicant={"name": rng.choice(GIVEN), "national_id": f"0331{rng.randint(10**7, 10**8 - 1)}"},
            events=[{**e, "at": e["at"].isoformat()} for e in events],
            digitized=channel != "online" and rng.random() < 0.85,
            reused=rng.random() < 0.4,
            paid_online=rng.random() < 0.5,
            e_result=rng.random() < 0.92,
        )
        if events and events[-1]["type"] not in FINISHED:
            record["current_step"] = _current_step(n, record)
        if rng.random() < 0.6:
            record["rating"] = rng.choices([5, 4, 3, 2, 1], weights=[60, 28, 7, 3, 2])[0]
        lines.append(json.dumps(record, ensure_ascii=False))
    return lines


def load_history(count: int, *, say: Callable[[str], Any] = print) -> ImportSummary | None:
    """Import ``count`` demo dossiers once (nothing happens when demo dossiers already exist)."""
    if count <= 0 or Dossier.objects.filter(code__startswith="H31-DEMO-").exists():
        return None
    lines = history_lines(count, now=timezone.now())
    # One outer transaction: each line is still all-or-nothing (a savepoint), without a disk sync per line.
    with transaction.atomic():
        summary = import_lines(lines, progress=lambda s: say(f"  {s.lines}/{len(lines)}"), progress_every=200)
    say(f"Lịch sử hồ sơ mẫu: {summary.imported} hồ sơ nhập, {summary.rejected} dòng bị từ chối.")
    return summary


def publish_index(months: int = 3, *, say: Callable[[str], Any] = print) -> int:
    """Publish the service index of the last ``months`` finished months that the demo history covers,
    as the demo monitor would from /chi-so/ (months already published are left as they are)."""
    monitor = User.objects.filter(username="kiemsoat").first()
    if monitor is None or not Dossier.objects.filter(code__startswith="H31-DEMO-").exists():
        return 0
    published = set(index_selectors.published_months())
    month = timezone.localdate().replace(day=1)
    done = 0
    for _ in range(months):
        month = (month - timedelta(days=1)).replace(day=1)
        if month not in published:
            index_services.publication_freeze(month=month, actor=monitor, at=timezone.now())
            done += 1
    if done:
        say(f"Chỉ số phục vụ: công bố {done} tháng gần đây.")
    return done


def rank_procedures(*, say: Callable[[str], Any] = print) -> int:
    """Each procedure's dossiers of the last 12 months, the history's included (what the nightly job
    does): a fresh demo's search puts the procedures it files most before the others that match as
    well. Answers how many procedures have dossiers."""
    filed, _ = refresh_filed_counts(timezone.localdate())
    say(f"Xếp hạng tìm kiếm: {filed} thủ tục có hồ sơ trong 12 tháng gần nhất.")
    return filed


def anchor_history(*, say: Callable[[str], Any] = print) -> int:
    """Sign the history anchors of the closed days not anchored yet (what the daily job does,
    ADR 0009). The demo history is recorded on the day it is loaded, so its first anchor comes the
    day after; re-running the loader later anchors the days in between."""
    anchors = dossier_services.history_anchor_closed_days()
    if anchors:
        say(f"Mốc nhật ký hồ sơ: ký {len(anchors)} ngày.")
    return len(anchors)
