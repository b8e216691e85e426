"""``manage.py reconcile_portal [--date YYYY-MM-DD] [--overdue]``: compare our dossiers' statuses with
the national portal's (``TraCuuHoSo``) and record the mismatches (integrations/dvcqg/reconcile.py).

Without options, yesterday's dossiers (what the periodic job does nightly, jobs/schedule.py); ``--date``
another day; ``--overdue`` every overdue dossier of the province instead (what the monitor's button
queues for their scope). Exits with status 1 when the run stopped short (the portal off, down or refusing).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dossiers.models import Dossier
from dossiers.selectors import overdue_q
from integrations.dvcqg.reconcile import reconcile_day, reconcile_dossiers


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Ngày không hợp lệ: {text!r} (cần dạng YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Đối chiếu trạng thái hồ sơ với Cổng Dịch vụ công quốc gia (TraCuuHoSo) và ghi các hồ sơ lệch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Đối chiếu hồ sơ của ngày này (YYYY-MM-DD); mặc định: hôm qua")
        parser.add_argument("--overdue", action="store_true", help="Đối chiếu các hồ sơ đang quá hạn")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["overdue"]:
            if options["date"]:
                raise CommandError("Chọn một trong hai: --date hoặc --overdue.")
            run = reconcile_dossiers(Dossier.objects.filter(overdue_q(timezone.now())))
        else:
            day = _day(options["date"]) if options["date"] else timezone.localdate() - timedelta(days=1)
            run = reconcile_day(day)
        self.stdout.write(
            f"{run.get_kind_display()} ({run.day:%d/%m/%Y}): đã tra cứu {run.checked} hồ sơ, "
            f"{run.mismatched} hồ sơ lệch với Cổng."
        )
        for mismatch in run.mismatches.order_by("dossier_code"):
            theirs = "Cổng chưa có" if mismatch.theirs is None else f"trên Cổng {mismatch.theirs}"
            waiting = " (còn tin chưa gửi)" if mismatch.waiting else ""
            self.stdout.write(f"  {mismatch.dossier_code}: ở đây {mismatch.ours}, {theirs}{waiting}")
        if run.error:
            raise CommandError(run.error)
