"""``manage.py demo_otp USERNAME``: the current second-factor code of a demo staff login, in demo mode.

It prints a code only for an account whose secret is the demo's published one (``DEMO_OTP_SECRET``, in
the README), which gives away nothing that is not public already. Outside demo mode (``MOTCUA_DEMO=0``,
the default when ``MOTCUA_DEMO_PKI=0``) it refuses, and so does the login: that secret then counts as
no second factor at all.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import totp
from accounts.models import SecondFactor
from accounts.selectors import DEMO_OTP_SECRET


class Command(BaseCommand):
    help = "In mã xác thực hai bước hiện tại của một tài khoản cán bộ demo (chỉ ở chế độ demo)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Tên đăng nhập demo, ví dụ motcua.phohien")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MOTCUA_DEMO:
            raise CommandError("Chế độ demo đang tắt (MOTCUA_DEMO=0): lệnh này không in mã xác thực.")
        username = options["username"]
        factor = SecondFactor.objects.filter(user__username=username).first()
        if factor is None:
            raise CommandError(
                f"Tài khoản {username} chưa đăng ký xác thực hai bước (hoặc không có): chạy "
                "'manage.py load_demo' để đăng ký các tài khoản cán bộ demo."
            )
        if factor.secret != DEMO_OTP_SECRET:
            raise CommandError(
                f"Tài khoản {username} dùng khóa bí mật riêng, không phải khóa demo công khai: "
                "lệnh này không in mã của nó."
            )
        now = time.time()
        left = totp.STEP_SECONDS - int(now) % totp.STEP_SECONDS
        self.stdout.write(totp.totp(DEMO_OTP_SECRET, now))
        self.stderr.write(f"(còn hiệu lực {left} giây; mỗi mã chỉ dùng được một lần)")
