"""``manage.py verify_history [--since YYYY-MM-DD]``: recompute the dossier history's hash chains and
anchors (ADR 0009); report every changed, removed or inserted event and every anchor that no longer
matches. Exit status 0 when all holds, 1 otherwise (a monitoring job alerts on it)."""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dossiers.history import report_lines, report_summary, verify


class Command(BaseCommand):
    help = "Kiểm tra toàn vẹn nhật ký hồ sơ (chuỗi mã băm và mốc hằng ngày); mã thoát khác 0 khi có sai lệch."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            type=date.fromisoformat,
            help="Chỉ kiểm tra hồ sơ có sự kiện ghi nhận từ ngày này và các mốc từ ngày này (YYYY-MM-DD)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        report = verify(since=options["since"])
        summary = report_summary(report, time.monotonic() - started)
        for line in report_lines(report):
            self.stdout.write(line)
        if report.clean:
            self.stdout.write(self.style.SUCCESS(summary))
            return
        self.stdout.write(self.style.ERROR(summary))
        sys.exit(1)
