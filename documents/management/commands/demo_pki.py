"""``manage.py demo_pki [--all] [--agency CODE ...]``: the demo certificate authority and the agencies'
demo signing credentials (documents/signing/credentials.py). Idempotent: existing credentials are kept."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.signing import demo_pki_agencies, demo_pki_setup
from organization.models import Agency


class Command(BaseCommand):
    help = (
        "Tạo CA thử nghiệm (lưu trong cơ sở dữ liệu) và chứng thư ký số thử nghiệm cho các cơ quan có "
        "người dùng; chạy lại không thay đổi chứng thư đã có."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Mọi cơ quan đang hoạt động")
        parser.add_argument(
            "--agency", action="append", default=[], help="Mã định danh cơ quan (lặp lại được)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MOTCUA_DEMO_PKI:
            raise CommandError("MOTCUA_DEMO_PKI đang tắt: không tạo chứng thư thử nghiệm.")
        if options["agency"]:
            agencies = list(Agency.objects.filter(code__in=options["agency"]).order_by("code"))
            missing = set(options["agency"]) - {a.code for a in agencies}
            if missing:
                raise CommandError(f"Không có cơ quan: {', '.join(sorted(missing))}.")
        elif options["all"]:
            agencies = list(Agency.objects.filter(is_active=True).order_by("code"))
        else:
            agencies = list(demo_pki_agencies())
        ca, issued = demo_pki_setup(agencies)
        self.stdout.write(
            self.style.SUCCESS(
                f"CA: {ca.name} (sê-ri {ca.serial}). Chứng thư mới: {issued}; "
                f"đã có: {len(agencies) - issued}."
            )
        )
