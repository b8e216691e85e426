"""``manage.py verify_history [--since YYYY-MM-DD]``: recompute the dossier history's hash chains and
anchors (ADR 0009); report every changed, removed or inserted event and every anchor that no longer
matches. Exit status 0 when all holds, 1 otherwise (a monitoring job alerts on it)."""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dossiers.history import Problem, dossier_names, verify

LABELS = {
    Problem.CHANGED: "BỊ SỬA",
    Problem.REMOVED: "BỊ XÓA",
    Problem.INSERTED: "BỊ CHÈN",
    Problem.ANCHOR: "MỐC",
}


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
        elapsed = time.monotonic() - started
        names = dossier_names({f.dossier_id for f in report.findings if f.dossier_id is not None})
        for finding in report.findings:
            where = (
                f"hồ sơ {names.get(finding.dossier_id, finding.dossier_id)}: " if finding.dossier_id else ""
            )
            self.stdout.write(f"{LABELS[finding.kind]:8} {where}{finding.detail}")
        summary = (
            f"Đã kiểm tra {report.events} sự kiện của {report.dossiers} hồ sơ và {report.anchors} mốc "
            f"trong {elapsed:.1f} giây: {report.count(Problem.CHANGED)} bị sửa, "
            f"{report.count(Problem.REMOVED)} bị xóa, {report.count(Problem.INSERTED)} bị chèn, "
            f"{report.count(Problem.ANCHOR)} mốc không khớp."
        )
        if report.clean:
            self.stdout.write(self.style.SUCCESS(summary))
            return
        self.stdout.write(self.style.ERROR(summary))
        sys.exit(1)
