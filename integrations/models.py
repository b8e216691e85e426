"""What motcua exchanged with the national partners (INTEGRATIONS.md: "Every exchange is logged (what,
when, answer code, attempt) and visible to administrators")."""

from __future__ import annotations

from django.conf import settings
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


class ReconciliationRun(models.Model):
    """One comparison of our dossiers' statuses with what the national portal holds (``TraCuuHoSo``):
    the nightly run over a day's dossiers, or a monitor's check of the overdue list (queued as a background
    task, then run: ``finished_at`` empty until it ends). Records how many
    dossiers were looked up and, as ``Mismatch`` rows, those the portal does not know or shows in
    another status; ``error`` says why a run stopped short (the portal off, down, or refusing)."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("đối chiếu hồ sơ trong ngày")
        OVERDUE = "overdue", _("đối chiếu hồ sơ quá hạn")

    kind = models.CharField(_("loại đối chiếu"), max_length=10, choices=Kind.choices)
    day = models.DateField(_("ngày đối chiếu"), null=True, blank=True)
    started_at = models.DateTimeField(_("bắt đầu lúc"), db_index=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked = models.PositiveIntegerField(_("số hồ sơ đã tra cứu"), default=0)
    mismatched = models.PositiveIntegerField(_("số hồ sơ lệch"), default=0)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lượt đối chiếu với Cổng DVCQG")
        verbose_name_plural = _("các lượt đối chiếu với Cổng DVCQG")
        ordering = ["-started_at", "-pk"]
        constraints = [
            # A monitor's check of the overdue dossiers runs in the background: one at a time per monitor
            # (integrations/dvcqg/reconcile.py, ``overdue_check_request``).
            models.UniqueConstraint(
                fields=["started_by"],
                condition=models.Q(kind="overdue", finished_at__isnull=True, started_by__isnull=False),
                name="reconciliation_one_open_check_per_monitor",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.day or self.started_at:%d/%m/%Y}"

    @property
    def in_progress(self) -> bool:
        return self.finished_at is None


class Mismatch(models.Model):
    """A dossier whose status on the portal differs from ours, or that the portal does not know, when
    ``run`` looked it up. ``ours`` and ``theirs`` are portal status codes (1–10; ``theirs`` None: the
    portal does not know the code); ``waiting`` marks a dossier with sync messages not delivered yet
    (the portal lags behind: expected until the worker catches up)."""

    class Kind(models.TextChoices):
        UNKNOWN = "unknown", _("Cổng chưa có hồ sơ")
        STATUS = "status", _("trạng thái khác nhau")

    run = models.ForeignKey(
        ReconciliationRun,
        verbose_name=_("lượt đối chiếu"),
        on_delete=models.CASCADE,
        related_name="mismatches",
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=60, db_index=True)
    handling_agency = models.ForeignKey(
        "organization.Agency",
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("loại sai lệch"), max_length=10, choices=Kind.choices)
    ours = models.PositiveSmallIntegerField(_("trạng thái trên hệ thống"))
    theirs = models.PositiveSmallIntegerField(_("trạng thái trên Cổng"), null=True, blank=True)
    waiting = models.BooleanField(_("còn tin đồng bộ chưa gửi được"), default=False)

    class Meta:
        verbose_name = _("hồ sơ lệch với Cổng DVCQG")
        verbose_name_plural = _("hồ sơ lệch với Cổng DVCQG")
        ordering = ["run", "dossier_code"]

    def __str__(self) -> str:
        return f"{self.dossier_code}: {self.ours} / {self.theirs}"
