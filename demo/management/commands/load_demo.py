from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from accounts.selectors import DEMO_OTP_SECRET
from accounts.totp import grouped
from demo.history import anchor_history, load_history, publish_index, rank_procedures
from demo.loader import DEMO_PASSWORD, load_demo

DEFAULT_HISTORY = 800


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu tỉnh Hưng Yên (đơn vị, cơ quan, danh mục TTHC, quy trình, tài khoản demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reimport", action="store_true", help="Nhập lại danh mục TTHC dù đã có")
        parser.add_argument(
            "--history",
            type=int,
            default=DEFAULT_HISTORY,
            help=f"Số hồ sơ mẫu của 4 tháng gần đây (mặc định {DEFAULT_HISTORY}; 0 để bỏ qua)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo(say=self.stdout.write, reimport=options["reimport"])
        load_history(options["history"], say=self.stdout.write)
        rank_procedures(say=self.stdout.write)
        publish_index(say=self.stdout.write)
        anchor_history(say=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Xong: {result.procedures_in_force} thủ tục hiệu lực, {result.workflows} quy trình mới."
            )
        )
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD})"))
        width = max(len(login.username) for login in result.logins)
        for login in result.logins:
            self.stdout.write(f"  {login.username.ljust(width)}  {login.role} — {login.where}")
        if settings.MOTCUA_DEMO:
            self.stdout.write("")
            self.stdout.write(
                self.style.MIGRATE_HEADING(
                    "Xác thực hai bước của cán bộ demo (mọi tài khoản trừ congdan, doanhnghiep)"
                )
            )
            self.stdout.write(f"  Khóa bí mật chung (thêm vào ứng dụng xác thực): {grouped(DEMO_OTP_SECRET)}")
            self.stdout.write("  Hoặc lấy mã hiện tại: .venv/bin/python manage.py demo_otp <tên đăng nhập>")
