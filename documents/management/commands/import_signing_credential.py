"""``manage.py import_signing_credential AGENCY_CODE FILE.p12 [--passphrase-env VAR]``: configure the
PKCS#12 a licensed CA issued to an agency. The passphrase comes from an environment variable, never
from the command line (which other users and the shell history see)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from documents.signing import credential_import
from kernel.errors import DomainError
from organization.models import Agency


class Command(BaseCommand):
    help = "Cấu hình chứng thư ký số (PKCS#12) thật cho một cơ quan."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("agency", help="Mã định danh cơ quan, ví dụ 000.00.11953.H31")
        parser.add_argument("file", type=Path, help="Tệp .p12 / .pfx")
        parser.add_argument(
            "--passphrase-env", metavar="VAR", help="Tên biến môi trường chứa mật khẩu của tệp PKCS#12"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(code=options["agency"]).first()
        if agency is None:
            raise CommandError(f"Không có cơ quan {options['agency']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        passphrase = ""
        if variable := options["passphrase_env"]:
            if variable not in os.environ:
                raise CommandError(f"Biến môi trường {variable} chưa được đặt.")
            passphrase = os.environ[variable]
        try:
            credential = credential_import(agency=agency, data=path.read_bytes(), passphrase=passphrase)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{agency.name}: {credential.subject}, sê-ri {credential.serial}, "
                f"hết hạn {credential.not_after:%d/%m/%Y}."
            )
        )
