"""Notices to applicants: the templates administrators edit, the log of every notice and its delivery
result, the citizen's inbox on the portal, and the channels an applicant chose."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The events of a dossier the applicant is told of (issue 13 §4)."""

    RECEIVED = "received", _("Tiếp nhận hồ sơ")
    RETURNED = "returned", _("Hướng dẫn bổ sung, hoàn thiện trước khi tiếp nhận")
    SUPPLEMENT = "supplement", _("Yêu cầu bổ sung hồ sơ")
    PAUSED = "paused", _("Tạm dừng giải quyết")
    EXTENSION = "extension", _("Xin lỗi và hẹn lại ngày trả kết quả")
    RESULT = "result", _("Có kết quả")
    DELIVERED = "delivered", _("Đã trả kết quả")
    REFUSAL = "refusal", _("Từ chối")
    STOPPED = "stopped", _("Dừng giải quyết")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")


class Channel(models.TextChoices):
    INBOX = "inbox", _("Hộp thư trên Cổng")
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")


class NoticeTemplate(models.Model):
    """The text of one kind of notice on one channel: a subject and a body with placeholders
    (``{{ ma_ho_so }}``…) rendered by Django's template engine with only the notice's own values
    (notices/rendering.py). Seeded with default texts; administrators edit them through
    ``notices.services.template_update``, which refuses a text that does not render."""

    kind = models.CharField(_("loại thông báo"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    subject = models.CharField(
        _("tiêu đề"),
        max_length=300,
        blank=True,
        help_text=_("Tiêu đề thư điện tử và hộp thư; SMS không dùng."),
    )
    body = models.TextField(_("nội dung"))
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["kind", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "channel"], name="notice_template_kind_channel"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.get_channel_display()}"


class Notice(models.Model):
    """One notice of one dossier event on one channel, and how its delivery ended: sent, failed (with
    the reason) or skipped (with the reason: channel not chosen, no address, channel not configured).
    One row per (dossier, event, channel): the handler writes it right after the channel's attempt, so a
    retry never sends a channel again that was recorded already."""

    class Status(models.TextChoices):
        SENT = "sent", _("đã gửi")
        FAILED = "failed", _("gửi không được")
        SKIPPED = "skipped", _("không gửi")

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="notices"
    )
    event_seq = models.PositiveIntegerField(_("sự kiện số"))
    kind = models.CharField(_("loại thông báo"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=300, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    status = models.CharField(_("kết quả gửi"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    provider_id = models.CharField(_("mã của nhà cung cấp"), max_length=100, blank=True)
    at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        verbose_name = _("thông báo đã gửi")
        verbose_name_plural = _("nhật ký thông báo")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "event_seq", "channel"], name="notice_once_per_event_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.event_seq} {self.channel} {self.status}"


class InboxEntry(models.Model):
    """A notice in the citizen's inbox on the portal (``/thong-bao/``): only the account of the
    dossier's applicant sees it; read once opened or marked read."""

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="notice_inbox",
    )
    notice = models.OneToOneField(
        Notice, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="inbox_entry"
    )
    created_at = models.DateTimeField(_("nhận lúc"), db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thư trong hộp thư")
        verbose_name_plural = _("hộp thư của công dân")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="inbox_user_unread_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.notice}"


class ChannelChoice(models.Model):
    """The applicant's saved preference: e-mail, SMS. It holds for a dossier that did not say how its
    applicant is to be told (``Dossier.notify_email``, ``notify_sms`` None: filed through the API or
    the national portal without it) and fills the choice in when filing. Without a row both are on,
    each used when its address is known (notices.selectors.recipients). The portal's inbox is always
    on for an applicant with an account."""

    applicant = models.OneToOneField(
        "accounts.Applicant",
        verbose_name=_("người nộp"),
        on_delete=models.CASCADE,
        related_name="notice_channels",
    )
    email = models.BooleanField(_("thư điện tử"), default=True)
    sms = models.BooleanField(_("tin nhắn SMS"), default=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("kênh nhận thông báo")
        verbose_name_plural = _("kênh nhận thông báo")

    def __str__(self) -> str:
        return f"{self.applicant}"
