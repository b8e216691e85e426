"""``manage.py run_scheduled [--list]``: the periodic jobs from cron instead of a worker (docs/adr/0022).

Without ``--list``, claims each job's latest slot that nobody claimed yet and runs it here, now: a cron
line every few minutes (``*/5 * * * *``) runs each job within minutes of its time, once, even with
workers keeping the same schedule. Exits with status 1 when a job it ran failed. ``--list`` prints the
schedule: each job, when it runs, its next slot and how its latest one went.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jobs.models import JobRun
from jobs.scheduler import process_name, tick
from jobs.selectors import job_states
from jobs.services import job_execute


def _local(instant: Any) -> str:
    return f"{timezone.localtime(instant):%H:%M %d/%m/%Y}"


def _outcome(run: JobRun) -> str:
    """The run's status and its summary (a failed or abandoned run without one: the last line of its
    error), reasons stored as msgids translated."""
    said = run.summary_text or (run.error_text.strip().splitlines() or [""])[-1]
    return f"{run.get_status_display()}. {said}".rstrip()


class Command(BaseCommand):
    help = "Chạy các việc định kỳ đến lượt mà chưa tiến trình nào nhận (--list: xem lịch)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--list", action="store_true", help="In lịch các việc định kỳ và lượt gần nhất")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["list"]:
            for state in job_states(now=now):
                job, last = state.job, state.last
                self.stdout.write(
                    f"{job.name}: {job.label} — {job.when()}; lượt tới {_local(state.next_slot)}"
                )
                if last is None:
                    self.stdout.write("  chưa chạy lần nào")
                else:
                    attempt = f" (lần {last.attempt})" if last.attempt > 1 else ""
                    self.stdout.write(f"  lượt {_local(last.slot)}{attempt}: {_outcome(last)}")
            return
        failed = 0
        for run in tick(now=now, by=f"run_scheduled {process_name()}", queue=False):
            done = job_execute(run)
            self.stdout.write(f"{done.job} ({_local(done.slot)}): {_outcome(done)}")
            if done.status == JobRun.Status.FAILED:
                failed += 1
                self.stderr.write(done.error)
        if failed:
            raise CommandError(f"{failed} việc định kỳ bị lỗi.")
