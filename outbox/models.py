"""Messages that must reach someone outside the database: notifications to applicants, sync to the
national portal. Written in the same transaction as the change they announce, delivered later by a
worker that claims rows safely and retries (STYLE: outbox)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One message to deliver. ``key`` makes enqueueing idempotent; the worker never sends a message
    twice once ``delivered_at`` is set."""

    class Topic(models.TextChoices):
        NOTIFY_APPLICANT = "notify.applicant", _("Thông báo cho người nộp hồ sơ")
        PORTAL_SYNC = "portal.sync", _("Đồng bộ Cổng Dịch vụ công quốc gia")

    topic = models.CharField(_("loại"), max_length=40, choices=Topic.choices, db_index=True)
    key = models.CharField(_("khóa chống trùng"), max_length=200, unique=True)
    payload = models.JSONField(_("nội dung"), default=dict)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True, db_index=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    available_at = models.DateTimeField(_("gửi từ"), db_index=True)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tin chờ gửi")
        verbose_name_plural = _("tin chờ gửi")
        indexes = [
            models.Index(fields=["delivered_at", "available_at"], name="outbox_pending_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"
