"""The service index of QĐ 766/QĐ-TTg (docs/domain.md §9): its methodology as effective-dated data, and the
monthly publications the monitor freezes.

Weights, targets and the way each sub-indicator is measured are rows, never constants in code: the
month's methodology is the latest one effective on the month's first day.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Measure(models.TextChoices):
    """How a sub-indicator is computed (``serviceindex/compute.py``). Facts the system does not
    capture yet give "no data" (``NOT_CAPTURED`` in compute.py) rather than an invented value."""

    PUBLICATION_ON_TIME = "publication_on_time", _("TTHC công bố đúng hạn (chưa có dữ liệu)")
    PUBLICATION_UPDATED = (
        "publication_updated_on_time",
        _("TTHC cập nhật, công khai đúng hạn trên CSDL quốc gia (chưa có dữ liệu)"),
    )
    CATALOG_COMPLETE = "catalog_complete", _("TTHC công khai đầy đủ bộ phận tạo thành (danh mục)")
    PORTAL_SYNC = "portal_sync", _("Hồ sơ đồng bộ lên Cổng DVCQG (được Cổng xác nhận)")
    PROGRESS = "progress", _("Hồ sơ đã giải quyết đúng hạn và đang giải quyết trong hạn")
    RESOLVED_ON_TIME = "resolved_on_time", _("Hồ sơ đã giải quyết trước hạn, đúng hạn")
    FULL_ONLINE_SERVICES = "full_online_services", _("TTHC cung cấp DVCTT toàn trình (danh mục)")
    ONLINE_SERVICES_USED = "online_services_used", _("DVCTT có phát sinh hồ sơ trực tuyến")
    ONLINE_DOSSIERS = "online_dossiers", _("Hồ sơ nộp trực tuyến")
    PAYMENT_INTEGRATED = "payment_integrated", _("TTHC có phí, lệ phí có hồ sơ thanh toán trực tuyến")
    ONLINE_PAYMENT = "online_payment", _("Hồ sơ có phí, lệ phí thanh toán trực tuyến")
    E_RESULTS = "e_results", _("Hồ sơ có kết quả điện tử")
    DIGITIZATION = "digitization", _("Hồ sơ được số hóa")
    DATA_REUSE = "data_reuse", _("Hồ sơ tái sử dụng dữ liệu số hóa")
    DATA_STORE_LINKED = "data_store_linked", _("Hồ sơ kết nối kho dữ liệu trên Cổng DVCQG (chưa có dữ liệu)")
    POPULATION_DATA = "population_data", _("Ứng dụng dữ liệu dân cư (chưa có dữ liệu)")
    FEEDBACK_ON_TIME = "feedback_on_time", _("Phản ánh, kiến nghị xử lý đúng hạn (chưa có dữ liệu)")
    FEEDBACK_SATISFACTION = (
        "feedback_satisfaction",
        _("Hài lòng trong xử lý phản ánh, kiến nghị (chưa có dữ liệu)"),
    )
    SATISFACTION = "satisfaction", _("Hài lòng trong tiếp nhận, giải quyết TTHC")


class Methodology(models.Model):
    """A version of the index's methodology: its groups and sub-indicators with points and targets,
    in force from ``effective_from`` until the next methodology's date. Publications keep the
    methodology they were computed with; changing weights means adding a methodology, not editing
    one that months were published under."""

    name = models.CharField(_("tên bộ chỉ số"), max_length=300)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=500)
    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords(
        verbose_name=_("lịch sử bộ chỉ số phục vụ"), verbose_name_plural=_("lịch sử bộ chỉ số phục vụ")
    )

    class Meta:
        verbose_name = _("bộ chỉ số phục vụ")
        verbose_name_plural = _("bộ chỉ số phục vụ")
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"{self.name} (từ {self.effective_from:%d/%m/%Y})"


class Indicator(models.Model):
    """A sub-indicator (chỉ số thành phần) with its group. ``measure`` names how the system computes
    it; ``target`` is the rate in percent at which it earns its full points."""

    methodology = models.ForeignKey(
        Methodology, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE, related_name="indicators"
    )
    group_code = models.CharField(_("mã nhóm"), max_length=20)
    group_name = models.CharField(_("tên nhóm"), max_length=200)
    group_points = models.DecimalField(_("điểm của nhóm"), max_digits=5, decimal_places=2)
    code = models.CharField(_("mã chỉ số"), max_length=20)
    name = models.CharField(_("tên chỉ số"), max_length=300)
    points = models.DecimalField(
        _("điểm tối đa"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)]
    )
    target = models.DecimalField(
        _("chỉ tiêu (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Đạt tỷ lệ này trở lên được điểm tối đa; thấp hơn: tỷ lệ × điểm ÷ chỉ tiêu."),
    )
    measure = models.CharField(_("cách tính"), max_length=40, choices=Measure.choices)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)
    note = models.TextField(_("nguồn, giải thích"), blank=True)
    history = HistoricalRecords(
        verbose_name=_("lịch sử chỉ số thành phần"), verbose_name_plural=_("lịch sử chỉ số thành phần")
    )

    class Meta:
        verbose_name = _("chỉ số thành phần")
        verbose_name_plural = _("chỉ số thành phần")
        ordering = ["methodology", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="indicator_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class IndexPublication(models.Model):
    """A month's index as frozen and published by the monitor: the whole computed table (every unit's
    indicators, numerators, denominators, scores and ranks) in ``data``, never recomputed."""

    month = models.DateField(_("tháng"), unique=True, help_text=_("Ngày đầu tháng."))
    methodology = models.ForeignKey(
        Methodology, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT, related_name="publications"
    )
    frozen_at = models.DateTimeField(_("công bố lúc"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người công bố"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    data = models.JSONField(_("bảng chỉ số"), default=dict)

    class Meta:
        verbose_name = _("công bố chỉ số tháng")
        verbose_name_plural = _("công bố chỉ số tháng")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"Chỉ số tháng {self.month:%m/%Y}"
