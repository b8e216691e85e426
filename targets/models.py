"""The yearly targets of administrative-procedure reform given to each unit (seed 000, appendix of
the 2024 letter; docs/domain.md §9): one row per (year, unit type, target), editable by administrators."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UnitType(models.TextChoices):
    """Which units a target is given to. A unit is a provincial department (sở, ban, ngành) or a
    commune People's Committee; ``all`` rows apply to both unless a row for the unit's own type
    exists for the same year and code."""

    DEPARTMENT = "department", _("Sở, ban, ngành")
    COMMUNE = "commune", _("UBND cấp xã")
    ALL = "all", _("Tất cả các đơn vị")


class Measure(models.TextChoices):
    """What the system measures for a target (``targets/progress.py`` computes each)."""

    FULL_ONLINE_SERVICES = "full_online_services", _("Tỷ lệ TTHC cung cấp DVCTT toàn trình")
    ONLINE_PAYMENT = "online_payment", _("Tỷ lệ hồ sơ có phí, lệ phí được thanh toán trực tuyến")
    ONLINE_DOSSIERS = "online_dossiers", _("Tỷ lệ hồ sơ tiếp nhận trực tuyến")
    DIGITIZATION = "digitization", _("Tỷ lệ hồ sơ được số hóa")
    PORTAL_SYNC = "portal_sync", _("Tỷ lệ kết quả đồng bộ lên Cổng DVCQG")
    E_RESULTS = "e_results", _("Tỷ lệ kết quả giải quyết điện tử")
    CERTIFIED_E_COPIES = "certified_e_copies", _("Tỷ lệ chứng thực bản sao điện tử từ bản chính")
    DATA_REUSE = "data_reuse", _("Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa")
    FEEDBACK_ON_TIME = "feedback_on_time", _("Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn")
    SATISFACTION = "satisfaction", _("Tỷ lệ người dân, doanh nghiệp hài lòng")


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"


def percent_text(value: Decimal) -> str:
    """80.00 → "80", 45.50 → "45.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class Target(models.Model):
    """A target given for a year to one type of unit: a rate in percent that each unit's ``measure``
    must reach (``gte``) or stay under (``lte``), with the document that sets it. Changing a target
    is an administrator's edit, kept in the history."""

    year = models.PositiveSmallIntegerField(_("năm"), validators=[MinValueValidator(2000)])
    unit_type = models.CharField(_("loại đơn vị"), max_length=20, choices=UnitType.choices)
    code = models.SlugField(_("mã chỉ tiêu"), max_length=40, help_text=_("Không đổi qua các năm."))
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    measure = models.CharField(_("cách đo"), max_length=30, choices=Measure.choices)
    comparison = models.CharField(
        _("so sánh"), max_length=3, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    threshold = models.DecimalField(
        _("chỉ tiêu (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    legal_basis = models.TextField(_("căn cứ giao chỉ tiêu"), blank=True)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    history = HistoricalRecords(verbose_name=_("lịch sử chỉ tiêu"), verbose_name_plural=_("lịch sử chỉ tiêu"))

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["year", "position", "code", "unit_type"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit_type", "code"], name="target_unique_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} — {self.name} {self.threshold_text}"

    @property
    def threshold_text(self) -> str:
        """ "≥ 80%", or just "100%" when nothing less will do."""
        value = percent_text(self.threshold).replace(".", ",")
        if self.comparison == Comparison.AT_LEAST and self.threshold >= 100:
            return f"{value}%"
        return f"{self.get_comparison_display()} {value}%"

    def reached(self, value: float) -> bool:
        limit = float(self.threshold)
        return value >= limit if self.comparison == Comparison.AT_LEAST else value <= limit
