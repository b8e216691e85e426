"""The periodic jobs, in one table (docs/adr/0022): each job's name, what it does, when it is due (local
time, Asia/Ho_Chi_Minh) and the function that does it.

A job function takes its slot (the instant it was due) and returns a one-line summary; it raises
``Failed`` when its work ended badly (the summary and what went wrong are kept) — anything else it
raises counts as failed too, with its traceback. A job that needs a partner that is not configured is
not started: its ``needs`` names what is missing, and the run is recorded as skipped with that reason.

The schedule is kept by ``manage.py run_tasks`` (jobs/scheduler.py), or by cron through ``manage.py
run_scheduled``; either way a slot runs once (jobs/services.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from time import monotonic

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dossiers import history
from dossiers.anchors import history_anchor_closed_days
from integrations.dvcqg.catalog_sync import REFUSED, catalog_sync
from integrations.dvcqg.client import PORTAL_OFF, portal_settings
from integrations.dvcqg.reconcile import reconcile_day
from integrations.services import exchange_log_prune
from jobs.retention import job_runs_prune, task_results_prune
from jobs.slots import Cadence, Daily, Weekly, latest_slot, next_slot
from kernel.errors import DomainError
from kernel.time import local_date
from reports.popularity import refresh_filed_counts
from worktime.calendar import VN_TZ

SUNDAY = 6
ERROR_LINES = 50  # lines of a job's findings kept with its run


class Failed(Exception):
    """The job ran and its work ended badly: ``summary`` what it did, ``error`` what went wrong."""

    def __init__(self, error: str, summary: str = "") -> None:
        super().__init__(error)
        self.error, self.summary = error, summary


# How long a run may stay queued (its task claimed) or running before it counts as abandoned — its
# process killed mid-job (jobs/services.py, ``runs_abandon``). Well above any job's longest run seen: a
# run still alive past it is taken for dead and its slot tried again.
DEFAULT_MAX_DURATION = timedelta(hours=1)


@dataclass(frozen=True)
class Job:
    name: str
    label: str | Promise
    cadence: Cadence
    work: Callable[[datetime], str]
    # What the job needs that may be missing: "" when all is there, else the reason to skip it — a msgid
    # (marked with ``gettext_noop``), stored as it is and translated when shown (``JobRun.summary_text``).
    needs: Callable[[], str] = lambda: ""
    max_duration: timedelta = DEFAULT_MAX_DURATION

    def latest_slot(self, now: datetime) -> datetime:
        return latest_slot(self.cadence, now, VN_TZ)

    def next_slot(self, now: datetime) -> datetime:
        return next_slot(self.cadence, now, VN_TZ)

    def when(self) -> str:
        """When it runs, in words (``run_scheduled --list``, the monitor's page of reconciliations)."""
        at = f"{self.cadence.at:%H:%M}"
        if isinstance(self.cadence, Weekly):
            return gettext("%(day)s hằng tuần, %(at)s") % {
                "day": WEEKDAY_NAMES[self.cadence.weekday],
                "at": at,
            }
        return gettext("hằng ngày, %(at)s") % {"at": at}


WEEKDAY_NAMES = [
    _("Thứ Hai"),
    _("Thứ Ba"),
    _("Thứ Tư"),
    _("Thứ Năm"),
    _("Thứ Sáu"),
    _("Thứ Bảy"),
    _("Chủ nhật"),
]


# A skip's reason, stored on the run as the integrations' msgid and translated when shown
# (``JobRun.summary_text``).
PORTAL_NEEDED = PORTAL_OFF


def portal_needed() -> str:
    return "" if portal_settings() is not None else PORTAL_NEEDED


def anchor_history(slot: datetime) -> str:
    """ADR 0009: sign the anchor of every closed day not anchored yet."""
    try:
        anchors = history_anchor_closed_days()
    except DomainError as exc:
        raise Failed(exc.message) from exc
    if not anchors:
        return "Không có ngày nào cần lập mốc."
    days = f"{anchors[0].day:%d/%m/%Y}" + (f"–{anchors[-1].day:%d/%m/%Y}" if len(anchors) > 1 else "")
    return f"Đã lập {len(anchors)} mốc ({days}), {sum(a.event_count for a in anchors)} sự kiện."


def reconcile_previous_day(slot: datetime) -> str:
    """The dossiers of the day before the slot, looked up on the national portal (``TraCuuHoSo``)."""
    day = local_date(slot) - timedelta(days=1)
    run = reconcile_day(day)
    summary = (
        f"Ngày {day:%d/%m/%Y}: đã tra cứu {run.checked} hồ sơ, {run.mismatched} hồ sơ lệch với Cổng "
        f"(lượt đối chiếu số {run.pk})."
    )
    if run.error:
        raise Failed(run.error, summary)
    return summary


def sync_catalog(slot: datetime) -> str:
    """Every procedure of the national database, brought into the catalog (ADR 0019)."""
    try:
        report = catalog_sync(all_codes=True)
    except DomainError as exc:
        raise Failed(exc.message) from exc
    if report.refused:
        refused = [row.line() for row in report.rows if row.outcome == REFUSED]
        raise Failed("\n".join(refused[:ERROR_LINES]), report.summary())
    return report.summary()


def prune_exchange_log(slot: datetime) -> str:
    """The exchange log's lines older than ``MOTCUA_EXCHANGE_LOG_DAYS`` days, deleted."""
    before = timezone.now() - timedelta(days=settings.MOTCUA_EXCHANGE_LOG_DAYS)
    deleted = exchange_log_prune(before=before)
    return f"Đã xóa {deleted} dòng nhật ký trao đổi ghi trước {timezone.localtime(before):%H:%M %d/%m/%Y}."


def rank_procedures(slot: datetime) -> str:
    """Each procedure's dossiers of the last 12 months, from the report facts: the order of equally
    good search matches (docs/adr/0024)."""
    filed, changed = refresh_filed_counts(local_date(slot))
    return f"{filed} thủ tục có hồ sơ trong 12 tháng gần nhất; cập nhật {changed} thủ tục."


def prune_task_results(slot: datetime) -> str:
    """The task queue's rows older than ``MOTCUA_TASK_RESULT_DAYS`` and the jobs' runs older than
    ``MOTCUA_JOB_RUN_DAYS``, deleted."""
    now = timezone.now()
    tasks_before = now - timedelta(days=settings.MOTCUA_TASK_RESULT_DAYS)
    runs_before = now - timedelta(days=settings.MOTCUA_JOB_RUN_DAYS)
    tasks, runs = task_results_prune(before=tasks_before), job_runs_prune(before=runs_before)
    return (
        f"Đã xóa {tasks} tác vụ nền xong trước {timezone.localtime(tasks_before):%H:%M %d/%m/%Y} và {runs} "
        f"lượt chạy việc định kỳ trước {timezone.localtime(runs_before):%H:%M %d/%m/%Y}."
    )


def verify_history(slot: datetime) -> str:
    """ADR 0009: every hash chain and anchor recomputed; a finding fails the run."""
    started = monotonic()
    report = history.verify()
    summary = history.report_summary(report, monotonic() - started)
    if not report.clean:
        raise Failed("\n".join(history.report_lines(report)[:ERROR_LINES]), summary)
    return summary


JOBS: tuple[Job, ...] = (
    Job("anchor_history", _("Ký mốc nhật ký hồ sơ các ngày đã qua"), Daily(time(1, 30)), anchor_history),
    Job(
        "reconcile_portal",
        _("Đối chiếu hồ sơ ngày hôm trước với Cổng DVCQG"),
        Daily(time(2, 0)),
        reconcile_previous_day,
        needs=portal_needed,
    ),
    Job(
        "sync_catalog",
        _("Đồng bộ danh mục TTHC từ CSDL quốc gia"),
        Daily(time(2, 15)),
        sync_catalog,
        needs=portal_needed,
        # One LayThuTuc per national procedure (some thousands), each with the portal's time-out.
        max_duration=timedelta(hours=4),
    ),
    Job(
        "verify_history",
        _("Kiểm tra toàn vẹn nhật ký hồ sơ"),
        Weekly(SUNDAY, time(3, 0)),
        verify_history,
        max_duration=timedelta(hours=3),  # every event of every dossier hashed again
    ),
    Job(
        "prune_exchange_log",
        _("Xóa nhật ký trao đổi quá thời hạn lưu"),
        Daily(time(3, 30)),
        prune_exchange_log,
    ),
    Job(
        "rank_procedures",
        _("Tính số hồ sơ của từng thủ tục để xếp kết quả tìm kiếm"),
        Daily(time(3, 45)),
        rank_procedures,
    ),
    Job(
        "prune_task_results",
        _("Xóa kết quả tác vụ nền và lượt chạy việc định kỳ quá thời hạn lưu"),
        Daily(time(4, 0)),
        prune_task_results,
    ),
)
BY_NAME = {job.name: job for job in JOBS}
