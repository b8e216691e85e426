"""``manage.py import_dossiers FILE.jsonl [--report rejected.csv]``: dossier history import (docs/domain.md §10)."""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dossiers.importer import DUPLICATE, DUPLICATE_LABEL, ImportSummary, Rejection, import_lines


class Command(BaseCommand):
    help = (
        "Nhập lịch sử hồ sơ từ hệ thống cũ (mỗi dòng một đối tượng JSON), xử lý lại từng sự kiện theo "
        "quy tắc của hệ thống; dòng vi phạm bị từ chối nguyên dòng."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="Tệp JSON Lines")
        parser.add_argument("--report", type=Path, help="Ghi các dòng bị từ chối ra tệp CSV")
        parser.add_argument("--progress-every", type=int, default=1000, help="Báo tiến độ sau mỗi N dòng")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        started = time.monotonic()

        def progress(summary: ImportSummary) -> None:
            elapsed = time.monotonic() - started
            self.stdout.write(
                f"  {summary.lines} dòng: nhập {summary.imported}, từ chối {summary.rejected} "
                f"({summary.lines / elapsed:.0f} dòng/giây)"
            )

        def rejected(rejection: Rejection) -> None:
            self.stdout.write(
                self.style.WARNING(
                    f"Dòng {rejection.line} ({rejection.code or 'không có mã'}): {rejection.message}"
                )
            )

        with path.open(encoding="utf-8-sig") as lines:
            summary = import_lines(
                lines, progress=progress, progress_every=options["progress_every"], on_reject=rejected
            )
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã đọc {summary.lines} dòng trong {elapsed:.1f} giây: nhập {summary.imported}, "
                f"từ chối {summary.rejected}."
            )
        )
        if summary.rejections:
            self.stdout.write("Từ chối theo lý do:")
            for error, count in summary.by_reason():
                label = f"{error} ({DUPLICATE_LABEL}, không thay đổi)" if error == DUPLICATE else error
                self.stdout.write(f"  {label}: {count}")
        report: Path | None = options["report"]
        if report is not None:
            with report.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "code", "error", "reason"])
                for r in summary.rejections:
                    writer.writerow([r.line, r.code, r.error, r.message])
            self.stdout.write(f"Đã ghi {summary.rejected} dòng bị từ chối vào {report}.")
