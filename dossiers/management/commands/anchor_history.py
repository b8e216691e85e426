"""``manage.py anchor_history [--day YYYY-MM-DD]``: sign the daily anchor of the dossier history (ADR 0009).

Without ``--day``, every closed day not anchored yet (what the periodic job ``anchor_history`` does daily,
jobs/schedule.py).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dossiers import services
from kernel.errors import DomainError


class Command(BaseCommand):
    help = "Lập và ký mốc nhật ký hồ sơ của các ngày đã kết thúc chưa có mốc (hoặc của một ngày)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, help="Chỉ lập mốc ngày này (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["day"] is not None:
                anchors = [services.history_anchor(day=options["day"])]
            else:
                anchors = services.history_anchor_closed_days()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for anchor in anchors:
            self.stdout.write(f"  {anchor.day}: {anchor.event_count} sự kiện, mã băm gốc {anchor.root_hash}")
        self.stdout.write(self.style.SUCCESS(f"Đã lập {len(anchors)} mốc."))
