"""``manage.py reset_second_factor USERNAME [--unlock]``: on the server, for the one nobody is above — a
superuser who lost both the phone and the recovery codes. Recorded as done by a server command."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.models import User


class Command(BaseCommand):
    help = (
        "Đặt lại xác thực hai bước của một tài khoản (xóa ứng dụng xác thực và mã khôi phục, kết thúc "
        "mọi phiên và mã truy cập); lần đăng nhập sau người đó đăng ký lại."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--unlock", action="store_true", help="Mở khóa đăng nhập nếu đang bị tạm khóa")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {options['username']}.")
        services.second_factor_reset(actor=None, user=user, address="manage.py")
        if options["unlock"]:
            services.login_unlock(actor=None, user=user, address="manage.py")
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã đặt lại xác thực hai bước của {user.username}; lần đăng nhập sau họ đăng ký lại."
            )
        )
