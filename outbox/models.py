"""Messages that must reach someone outside the database: notifications to applicants, sync to the
national portal. Written in the same transaction as the change they announce, delivered later by a
worker that claims rows safely and retries (STYLE: outbox; docs/adr/0016)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One message to deliver. ``key`` makes enqueueing idempotent. The worker (outbox/worker.py)
    claims a pending message for a while (``claimed_by`` until ``claimed_until``), hands it to the
    topic's handler, and records the outcome: delivered, to be tried again from ``available_at``, or
    dead (refused, or too many attempts) until an administrator retries or cancels it. Messages of one
    dossier and topic go out in creation order: a pending or dead one holds back those after it.

    ``waiting_for_partner``: the last attempt found the partner down (``outbox.delivery.PartnerDown``).
    The message waits for its back-off like any retry, but the first delivery of its topic that reaches
    the partner again makes it due at once, with every other message waiting for that partner (one
    UPDATE, ``outbox.services.release_waiting``); and while one failed so less than a rest ago, the topic
    is not claimed at all (docs/adr/0016)."""

    class Topic(models.TextChoices):
        NOTIFY_APPLICANT = "notify.applicant", _("Thông báo cho người nộp hồ sơ")
        PORTAL_SYNC = "portal.sync", _("Đồng bộ Cổng Dịch vụ công quốc gia")
        EMC_TRACKING = "emc.tracking", _("Báo cáo Hệ thống đo lường EMC")

    class Status(models.TextChoices):
        PENDING = "pending", _("chờ gửi")
        DELIVERED = "delivered", _("đã gửi")
        DEAD = "dead", _("gửi không được, chờ xử lý")
        CANCELLED = "cancelled", _("đã hủy")

    topic = models.CharField(_("loại"), max_length=40, choices=Topic.choices, db_index=True)
    key = models.CharField(_("khóa chống trùng"), max_length=200, unique=True)
    payload = models.JSONField(_("nội dung"), default=dict)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True, db_index=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING)
    available_at = models.DateTimeField(_("gửi từ"), db_index=True)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    last_attempt_at = models.DateTimeField(_("lần gửi gần nhất"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    claimed_by = models.CharField(_("tiến trình đang gửi"), max_length=100, blank=True)
    claimed_until = models.DateTimeField(_("giữ để gửi đến"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("đã gửi lúc"), null=True, blank=True)
    # A default in the database too: rows written by a server still running the previous version
    # during an upgrade leave the column out.
    waiting_for_partner = models.BooleanField(_("chờ đối tác hoạt động lại"), default=False, db_default=False)

    # Not a column: set by the worker when it starts an attempt (outbox.services.start_attempt) — an
    # attempt was started before this one, even if an administrator's "retry now" reset the count.
    started_before: bool = False

    class Meta:
        verbose_name = _("tin chờ gửi")
        verbose_name_plural = _("tin chờ gửi")
        indexes = [
            models.Index(fields=["status", "available_at"], name="outbox_due_idx"),
            models.Index(fields=["dossier_code", "topic", "status"], name="outbox_dossier_order_idx"),
            # The few messages waiting for a partner that was down: the claim's rest test and the
            # release read only these.
            models.Index(
                fields=["topic", "last_attempt_at"],
                name="outbox_waiting_idx",
                condition=models.Q(waiting_for_partner=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.key}"

    def tried_before(self) -> bool:
        """May an earlier attempt have reached the partner, its delivery unrecorded (a worker stopped
        between the partner's answer and the record)? Then a handler asks the partner, or its own
        exchange log, before sending again; otherwise it need not (docs/adr/0016, 0018)."""
        return self.attempts > 1 or bool(self.last_error) or self.started_before
