"""Yearly exceptions to the public-holiday calendar that administrators maintain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CalendarOverride(models.Model):
    """A date that is, this year, not what the public-holiday rules say: an extra day off granted by
    the Government or the Chairman, or a make-up working day (usually a Saturday) that pays for a
    bridge holiday. Deadlines use these on top of the Vietnamese public holidays (docs/domain.md §4)."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ bổ sung")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    reason = models.CharField(
        _("căn cứ, lý do"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: Thông báo số .../TB-BNV về lịch nghỉ Tết."),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("lịch sử ngày nghỉ / làm bù"), verbose_name_plural=_("lịch sử lịch nghỉ, làm bù")
    )

    class Meta:
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("lịch nghỉ, làm bù")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} — {self.get_kind_display()}"
