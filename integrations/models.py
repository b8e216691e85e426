"""What motcua exchanged with the national partners (INTEGRATIONS.md: "Every exchange is logged (what,
when, answer code, attempt) and visible to administrators")."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Exchange(models.Model):
    """One call to a partner and how it ended: accepted (the partner's success code), refused (its code
    and message kept), or failed on the wire (no answer, time-out). Written by the partner's client after
    each call, outside the business transaction; tied to the outbox message being delivered, if any, and
    to the dossier by its code. Never holds secrets or a whole payload — the operation and a short
    summary only."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("được chấp nhận")
        REFUSED = "refused", _("bị từ chối")
        FAILED = "failed", _("không gửi được")

    partner = models.CharField(_("hệ thống"), max_length=20, db_index=True)
    operation = models.CharField(_("nghiệp vụ"), max_length=60)
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, blank=True, db_index=True)
    message = models.ForeignKey(
        "outbox.OutboxMessage",
        verbose_name=_("tin chờ gửi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchanges",
    )
    attempt = models.PositiveIntegerField(_("lần gửi"), default=0)
    at = models.DateTimeField(_("thời điểm"), db_index=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    code = models.CharField(_("mã trả lời"), max_length=40, blank=True)
    answer = models.TextField(_("thông điệp trả lời"), blank=True)
    summary = models.CharField(_("tóm tắt"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("lượt trao đổi với hệ thống quốc gia")
        verbose_name_plural = _("nhật ký trao đổi với hệ thống quốc gia")
        indexes = [models.Index(fields=["partner", "outcome", "at"], name="exchange_partner_outcome_idx")]
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.partner} {self.operation} {self.dossier_code} {self.outcome}"


class PortalDossier(models.Model):
    """A dossier the national portal has accepted (its first ``DongBoHoSoMC``), by code: the sync sends
    every later change with ``isUpdating`` "True". Written once, when the portal first accepts it."""

    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True)
    accepted_at = models.DateTimeField(_("Cổng tiếp nhận lần đầu lúc"))

    class Meta:
        verbose_name = _("hồ sơ đã có trên Cổng DVCQG")
        verbose_name_plural = _("hồ sơ đã có trên Cổng DVCQG")

    def __str__(self) -> str:
        return self.dossier_code
