"""Queue tickets of a service centre (phiếu số thứ tự), its counters and their calling display."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.models import ProcedureField
from organization.models import Agency


class Counter(models.Model):
    """A counter (quầy) of a service centre. The calling display shows its number; it calls the tickets
    of the lines it serves — procedure fields, and its own line when ``own_line`` is set (a named
    counter such as the priority counter gets a button of its own on the kiosk)."""

    centre = models.ForeignKey(
        Agency,
        verbose_name=_("trung tâm"),
        on_delete=models.PROTECT,
        related_name="counters",
        limit_choices_to={"kind": Agency.Kind.SERVICE_CENTRE},
    )
    number = models.PositiveSmallIntegerField(_("số quầy"))
    name = models.CharField(_("tên quầy"), max_length=200)
    fields = models.ManyToManyField(
        ProcedureField, verbose_name=_("lĩnh vực phục vụ"), blank=True, related_name="+"
    )
    own_line = models.BooleanField(
        _("nhận số riêng"),
        default=False,
        help_text=_("Máy lấy số có nút riêng cho quầy này (ví dụ quầy ưu tiên)."),
    )
    own_line_label = models.CharField(
        _("tên nút lấy số riêng"),
        max_length=200,
        blank=True,
        help_text=_("Để trống thì dùng tên quầy."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    history = HistoricalRecords(verbose_name=_("lịch sử quầy"), verbose_name_plural=_("lịch sử quầy"))

    class Meta:
        verbose_name = _("quầy")
        verbose_name_plural = _("quầy")
        ordering = ["centre", "number"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "number"], name="kiosk_counter_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.centre.short_name or self.centre.name} — {self.name}"

    @property
    def line_key(self) -> str:
        return f"q{self.pk}"

    @property
    def line_name(self) -> str:
        return self.own_line_label or self.name


class QueueTicket(models.Model):
    """A ticket taken at the kiosk: number ``number`` of line ``line`` at ``centre`` on local date
    ``day`` (numbers restart every day on every line, without duplicates or gaps). A counter calls it
    (``called``), may call it again, then marks it served or skipped (the person did not come)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Đang chờ")
        CALLED = "called", _("Đang được gọi")
        SERVED = "served", _("Đã phục vụ")
        SKIPPED = "skipped", _("Vắng mặt")

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    centre = models.ForeignKey(
        Agency, verbose_name=_("trung tâm"), on_delete=models.PROTECT, related_name="+"
    )
    # The line: "f<field id>" for a procedure field, "q<counter id>" for a named counter's own line.
    line = models.CharField(_("hàng chờ"), max_length=20)
    line_name = models.CharField(_("tên hàng chờ"), max_length=300)
    field = models.ForeignKey(
        ProcedureField,
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    line_counter = models.ForeignKey(
        Counter,
        verbose_name=_("quầy nhận số riêng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    day = models.DateField(_("ngày"))
    # The line's letter that day (TicketSequence.letter): "A001" and "B001" are told apart on the ticket,
    # the display and in the call. Empty on tickets issued before letters (shown as "0001").
    letter = models.CharField(_("chữ cái của hàng chờ"), max_length=2, blank=True, default="")
    number = models.PositiveIntegerField(_("số thứ tự"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.WAITING)
    issued_at = models.DateTimeField(_("lấy số lúc"))
    called_at = models.DateTimeField(_("gọi lần đầu lúc"), null=True, blank=True)
    announced_at = models.DateTimeField(_("gọi gần nhất lúc"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("số lần gọi lại"), default=0)
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("quầy gọi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ gọi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("phiếu số thứ tự")
        verbose_name_plural = _("phiếu số thứ tự")
        ordering = ["-day", "issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "line", "day", "number"], name="kiosk_ticket_unique_number"
            ),
            # What the person reads and hears is unique in the centre for the day.
            models.UniqueConstraint(
                fields=["centre", "day", "letter", "number"],
                condition=~Q(letter=""),
                name="kiosk_ticket_unique_shown_number",
            ),
            # A counter calls one person at a time.
            models.UniqueConstraint(
                fields=["counter"], condition=Q(status="called"), name="kiosk_ticket_one_called_per_counter"
            ),
            models.CheckConstraint(
                condition=Q(field__isnull=False, line_counter__isnull=True)
                | Q(field__isnull=True, line_counter__isnull=False),
                name="kiosk_ticket_one_line",
            ),
        ]
        indexes = [
            models.Index(fields=["centre", "day", "status", "issued_at"], name="kiosk_ticket_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.display_number} — {self.line_name} ({self.day:%d/%m/%Y})"

    @property
    def display_number(self) -> str:
        """``A001`` (the line's letter, at least three digits); ``0001`` for a ticket without a letter."""
        return f"{self.letter}{self.number:03d}" if self.letter else f"{self.number:04d}"


class TicketSequence(models.Model):
    """The last number issued on a line of a centre on a local date, and the line's letter that day
    (unique in the centre for the day); locked while a ticket is issued."""

    centre = models.ForeignKey(
        Agency, verbose_name=_("trung tâm"), on_delete=models.PROTECT, related_name="+"
    )
    line = models.CharField(_("hàng chờ"), max_length=20)
    day = models.DateField(_("ngày"))
    letter = models.CharField(_("chữ cái của hàng chờ"), max_length=2, blank=True, default="")
    last = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("bộ đếm số thứ tự")
        verbose_name_plural = _("bộ đếm số thứ tự")
        constraints = [
            models.UniqueConstraint(fields=["centre", "line", "day"], name="kiosk_sequence_unique"),
            models.UniqueConstraint(
                fields=["centre", "day", "letter"],
                condition=~Q(letter=""),
                name="kiosk_sequence_unique_letter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id} {self.line} {self.day}: {self.last}"
