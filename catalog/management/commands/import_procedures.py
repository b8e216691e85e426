"""``manage.py import_procedures PATH…``: import national procedure lists (XLSX) and detail pages (JSON)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from catalog.importer import ProcedureImporter, write_report


class Command(BaseCommand):
    help = (
        "Nhập danh mục TTHC quốc gia: tệp danh sách .xlsx và trang chi tiết .json (hoặc thư mục chứa chúng). "
        "Chạy lại nhiều lần không tạo trùng; nội dung thay đổi thành phiên bản mới."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="Tệp .xlsx, .json hoặc thư mục")
        parser.add_argument(
            "--report",
            help="Tệp CSV liệt kê các trường không phân tích được "
            "(mặc định var/reports/import_procedures-<thời điểm>.csv)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        interactive = sys.stderr.isatty()
        last = [0.0]

        def progress(done: int, total: int, code: str) -> None:
            now = time.monotonic()
            if done == total or now - last[0] >= (0.2 if interactive else 5.0):
                last[0] = now
                line = f"  {done}/{total} ({done * 100 // max(total, 1)}%) {code}"
                self.stderr.write(("\r" + line) if interactive else line, ending="" if interactive else "\n")
                if interactive and done == total:
                    self.stderr.write("")

        try:
            summary = ProcedureImporter(progress=progress).run(options["paths"])
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from exc
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        report = Path(options["report"] or settings.VAR_DIR / "reports" / f"import_procedures-{stamp}.csv")
        write_report(summary, report)
        elapsed = time.monotonic() - started
        out = self.stdout
        out.write(
            self.style.SUCCESS(
                f"Đã xử lý {summary.records} thủ tục từ {summary.files} tệp trong {elapsed:.1f} giây."
            )
        )
        out.write(
            f"  mới: {summary.created}, cập nhật (phiên bản mới): {summary.updated}, "
            f"không đổi: {summary.unchanged}, lỗi: {summary.failed}"
        )
        if summary.reread:
            out.write(
                f"  trong đó đọc lại thành phần hồ sơ (nguồn không đổi, ADR 0025): {summary.reread} — "
                "công bố các dự thảo này bằng quyết định của tỉnh"
            )
        out.write(
            f"  có trang chi tiết: {summary.details}; phân tích đầy đủ: {summary.details_fully_parsed} "
            f"({summary.fully_parsed_rate:.1%}); chỉ có trong danh sách: {summary.list_only}"
        )
        if summary.issues_by_field:
            out.write(
                "  trường chưa phân tích được (số lần): "
                + ", ".join(f"{name}: {count}" for name, count in summary.issues_by_field.most_common())
            )
        out.write(f"  báo cáo chi tiết: {report}")
