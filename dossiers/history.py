"""Reading the dossier history's integrity (ADR 0009): day roots for the anchors, and the verification
that recomputes every chain and every anchor. Writes (signing an anchor) are in ``dossiers/anchors.py``.

Verification walks the events once, ordered by dossier then sequence number, in chunks: memory stays
flat however many events there are (``bench/verify_history.py``). For each event it checks

- its content against its own hash: ``sha256(prev_hash + canonical)`` — a **changed** event;
- its sequence number against the one before it — missing numbers are **removed** events;
- its ``prev_hash`` against the hash of the event before it — an event not chained after its
  predecessor was **inserted** (or its predecessor's hash was rewritten);
- and, for every anchored day, the root over the day's event hashes (each recomputed from its content)
  against the signed anchor, and the anchor's signature itself. A history rewritten consistently by
  someone who can write the database (hashes recomputed, triggers dropped) passes the first three
  checks; it cannot pass this one without the system's signing key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet

from dossiers import chain, history_signing
from dossiers.models import Dossier, DossierEvent, HistoryAnchor
from kernel.errors import NotFound
from worktime.calendar import VN_TZ

CHUNK = 5000


class Problem:
    CHANGED = "changed"
    REMOVED = "removed"
    INSERTED = "inserted"
    ANCHOR = "anchor"


@dataclass(frozen=True)
class Finding:
    kind: str
    dossier_id: int | None
    seq: int | None
    detail: str


@dataclass
class Report:
    events: int = 0
    dossiers: int = 0
    anchors: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.findings

    def count(self, kind: str) -> int:
        return sum(1 for finding in self.findings if finding.kind == kind)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants [start, end) of a local (Asia/Ho_Chi_Minh) day."""
    start = datetime.combine(day, time(), tzinfo=VN_TZ)
    return start, datetime.combine(day + timedelta(days=1), time(), tzinfo=VN_TZ)


def recorded_day(instant: datetime) -> date:
    return instant.astimezone(VN_TZ).date()


def day_root(day: date) -> tuple[str, int]:
    """The root hash and number of the events recorded on ``day``, over their stored hashes, by dossier
    then sequence number (the order verification meets them in)."""
    start, end = day_bounds(day)
    hashes = (
        DossierEvent.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .order_by("dossier_id", "seq")
        .values_list("hash", flat=True)
        .iterator(chunk_size=CHUNK)
    )
    return chain.day_root(day, hashes)


def unanchored_days(*, before: date) -> list[date]:
    """Every day from the first recorded event up to ``before`` (excluded) without an anchor, empty
    days included: an anchor of nothing says that nothing was recorded."""
    first = DossierEvent.objects.order_by("recorded_at").values_list("recorded_at", flat=True).first()
    if first is None:
        return []
    anchored = set(HistoryAnchor.objects.filter(day__lt=before).values_list("day", flat=True))
    day, days = recorded_day(first), []
    while day < before:
        if day not in anchored:
            days.append(day)
        day += timedelta(days=1)
    return days


def _events(since: date | None) -> Iterator[dict[str, object]]:
    events = DossierEvent.objects.all()
    if since is not None:
        # Whole chains of the dossiers with an event recorded since then: a link needs its predecessor.
        touched = DossierEvent.objects.filter(recorded_at__gte=day_bounds(since)[0]).values("dossier_id")
        events = events.filter(dossier_id__in=touched)
    fields = ("pk", *chain.FIELDS, "prev_hash", "hash")
    yield from events.order_by("dossier_id", "seq").values(*fields).iterator(chunk_size=CHUNK)


def verify(*, since: date | None = None) -> Report:
    """Recompute every chain (of the dossiers with events recorded since ``since``) and every anchor of
    a day from ``since`` on; what does not match."""
    report = Report()
    anchors = HistoryAnchor.objects.order_by("day")
    if since is not None:
        anchors = anchors.filter(day__gte=since)
    anchor_list = list(anchors)
    roots = {anchor.day: chain.DayRoot(anchor.day) for anchor in anchor_list}
    dossier_id: object = None
    prev_seq, prev_hash = 0, chain.GENESIS
    for event in _events(since):
        report.events += 1
        seq = int(event["seq"])  # type: ignore[call-overload]
        if event["dossier_id"] != dossier_id:
            dossier_id, prev_seq, prev_hash = event["dossier_id"], 0, chain.GENESIS
            report.dossiers += 1
        did = int(dossier_id)  # type: ignore[call-overload]
        own = chain.event_hash(str(event["prev_hash"]), event)
        if seq > prev_seq + 1:
            missing = f"#{prev_seq + 1}" if seq == prev_seq + 2 else f"#{prev_seq + 1}–#{seq - 1}"
            report.findings.append(
                Finding(Problem.REMOVED, did, prev_seq + 1, f"sự kiện {missing} không còn (bị xóa)")
            )
        elif event["prev_hash"] != prev_hash:
            report.findings.append(
                Finding(
                    Problem.INSERTED,
                    did,
                    seq,
                    f"sự kiện #{seq} ({event['action']}) không nối với sự kiện trước nó (bị chèn)",
                )
            )
        if own != event["hash"]:
            report.findings.append(
                Finding(
                    Problem.CHANGED,
                    did,
                    seq,
                    f"nội dung sự kiện #{seq} ({event['action']}) không khớp mã băm của nó (bị sửa)",
                )
            )
        root = roots.get(recorded_day(event["recorded_at"]))  # type: ignore[arg-type]
        if root is not None:
            root.add(own)
        prev_seq, prev_hash = seq, str(event["hash"])
    for anchor in anchor_list:
        report.anchors += 1
        report.findings.extend(_check_anchor(anchor, roots[anchor.day]))
    return report


def _check_anchor(anchor: HistoryAnchor, root: chain.DayRoot) -> Iterator[Finding]:
    message = chain.anchor_message(anchor.day, anchor.root_hash, anchor.event_count)
    check = history_signing.signer().verify(message, _b64(anchor.signature))
    if not check.valid:
        yield Finding(Problem.ANCHOR, None, None, f"mốc ngày {anchor.day}: chữ ký không hợp lệ (mốc bị sửa)")
    if root.count != anchor.event_count:
        yield Finding(
            Problem.ANCHOR,
            None,
            None,
            f"mốc ngày {anchor.day}: {anchor.event_count} sự kiện được ký, nay còn {root.count} "
            f"({'bị xóa' if root.count < anchor.event_count else 'bị chèn'})",
        )
    elif root.hexdigest() != anchor.root_hash:
        yield Finding(
            Problem.ANCHOR, None, None, f"mốc ngày {anchor.day}: mã băm gốc không khớp (sự kiện bị sửa)"
        )


def _b64(value: str) -> bytes:
    import base64
    import binascii

    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return b""


LABELS = {
    Problem.CHANGED: "BỊ SỬA",
    Problem.REMOVED: "BỊ XÓA",
    Problem.INSERTED: "BỊ CHÈN",
    Problem.ANCHOR: "MỐC",
}


def report_lines(report: Report) -> list[str]:
    """One line per finding, naming the dossier (``manage.py verify_history``, the weekly job)."""
    names = dossier_names({f.dossier_id for f in report.findings if f.dossier_id is not None})
    lines = []
    for finding in report.findings:
        where = f"hồ sơ {names.get(finding.dossier_id, finding.dossier_id)}: " if finding.dossier_id else ""
        lines.append(f"{LABELS[finding.kind]:8} {where}{finding.detail}")
    return lines


def report_summary(report: Report, seconds: float) -> str:
    return (
        f"Đã kiểm tra {report.events} sự kiện của {report.dossiers} hồ sơ và {report.anchors} mốc "
        f"trong {seconds:.1f} giây: {report.count(Problem.CHANGED)} bị sửa, "
        f"{report.count(Problem.REMOVED)} bị xóa, {report.count(Problem.INSERTED)} bị chèn, "
        f"{report.count(Problem.ANCHOR)} mốc không khớp."
    )


def dossier_names(ids: set[int]) -> dict[int, str]:
    """What a report calls each dossier: its code, or its uuid while it has none."""
    return {
        pk: code or str(uuid)
        for pk, code, uuid in Dossier.objects.filter(pk__in=ids).values_list("pk", "code", "uuid")
    }


def anchors() -> QuerySet[HistoryAnchor]:
    """The published anchors, newest first."""
    return HistoryAnchor.objects.order_by("-day")


def anchor_on(day: date) -> HistoryAnchor:
    anchor = HistoryAnchor.objects.filter(day=day).first()
    if anchor is None:
        raise NotFound(f"Chưa có mốc nhật ký hồ sơ ngày {day:%d/%m/%Y}.")
    return anchor
