"""manage.py rebuild_facts — recompute the report facts from the dossiers' history."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from reports.rebuild import rebuild_facts


class Command(BaseCommand):
    help = "Tính lại toàn bộ số liệu báo cáo từ lịch sử hồ sơ (sau khi chuyển đổi dữ liệu, hoặc để sửa chữa)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        verbose = options["verbosity"] >= 1
        dossiers, rows = rebuild_facts(progress=(lambda line: self.stderr.write(line)) if verbose else None)
        self.stdout.write(
            f"Đã tính lại số liệu: {dossiers:,} hồ sơ → {rows:,} dòng (ngày, tháng, năm) "
            f"trong {time.monotonic() - started:.1f} s."
        )
