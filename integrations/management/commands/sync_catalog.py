"""``manage.py sync_catalog [--code 1.001193 …] [--all]``: bring national procedures into the catalog
from the national database through the portal (integrations/dvcqg/catalog_sync.py) — a changed one as a
new draft version. ``--all`` is what the periodic job ``sync_catalog`` does nightly (jobs/schedule.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from integrations.dvcqg.catalog_sync import REFUSED, catalog_sync
from kernel.errors import DomainError


class Command(BaseCommand):
    help = (
        "Đồng bộ danh mục TTHC từ CSDL quốc gia qua Cổng Dịch vụ công quốc gia (LayThuTuc, LayDanhSachTTHC): "
        "nội dung thay đổi thành phiên bản dự thảo mới."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--code",
            action="append",
            default=[],
            metavar="MÃ",
            help="Mã thủ tục (lặp lại để đồng bộ nhiều thủ tục)",
        )
        parser.add_argument("--all", action="store_true", help="Mọi thủ tục trong danh sách TTHC quốc gia")

    def handle(self, *args: Any, **options: Any) -> None:
        codes: list[str] = options["code"]
        if not codes and not options["all"]:
            raise CommandError("Cần --code MÃ (một hay nhiều lần) hoặc --all.")
        try:
            report = catalog_sync(codes=codes, all_codes=options["all"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for row in report.rows:
            line = row.line()
            self.stdout.write(self.style.WARNING(line) if row.outcome == REFUSED else line)
        self.stdout.write(self.style.SUCCESS(report.summary()) if not report.refused else report.summary())
        if report.refused:
            # Non-zero for cron: something needs a look.
            raise CommandError(f"{report.refused} thủ tục không đồng bộ được.", returncode=2)
