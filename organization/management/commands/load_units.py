from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from organization.loaders import ADMIN_UNITS_DIR, load_units


class Command(BaseCommand):
    help = (
        "Nạp đơn vị hành chính (34 tỉnh, 3.321 xã) và đơn vị cũ của Hưng Yên, Thái Bình từ data/admin-units."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", default=str(ADMIN_UNITS_DIR))

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_units(Path(options["dir"]))
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.provinces} tỉnh, {result.communes} xã; {result.legacy} xã cũ, "
                f"{result.legacy_mapped} đã xác định xã mới."
            )
        )
