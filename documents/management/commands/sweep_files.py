"""``manage.py sweep_files``: delete stored bytes that no file row owns (left by a transaction that
rolled back after the bytes were written). Content-addressed names make this safe: a name is owned
by exactly the row with that SHA-256."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from documents.models import Blob


def _walk(path: str) -> list[str]:
    directories, files = default_storage.listdir(path)
    found = [f"{path}/{name}" for name in files]
    for directory in directories:
        found += _walk(f"{path}/{directory}")
    return found


class Command(BaseCommand):
    help = "Xóa các tệp trong kho lưu trữ không thuộc bản ghi nào (sau giao dịch bị hủy)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="Chỉ xóa tệp cũ hơn (mặc định 60 phút: không đụng tới tệp đang được ghi).",
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not default_storage.exists("files"):
            self.stdout.write("Không có tệp nào.")
            return
        minutes = options["older_than_minutes"]
        cutoff = timezone.now() - timedelta(minutes=minutes) if minutes > 0 else None
        owned = set(Blob.objects.values_list("storage_name", flat=True))
        removed = 0
        for name in _walk("files"):
            if name in owned:
                continue
            try:
                modified = default_storage.get_modified_time(name)
            except (NotImplementedError, OSError):
                modified = None
            if cutoff is not None and modified is not None and modified > cutoff:
                continue
            removed += 1
            if not options["dry_run"]:
                default_storage.delete(name)
        verb = "Sẽ xóa" if options["dry_run"] else "Đã xóa"
        self.stdout.write(f"{verb} {removed} tệp không thuộc bản ghi nào.")
