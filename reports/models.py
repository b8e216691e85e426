"""Per-day facts from which every report is summed (docs/domain.md §9), maintained in the same transaction as
the dossier change that causes them (``reports/facts.py``), never by a GROUP BY over all dossiers.

One row per (grain, period, handling agency, procedure, field, channel). The same increments go to
the day, the month and the year row, so that a quarter is three month rows and the stock at any date
(carried over, pending, overdue) is a prefix sum over at most a few thousand rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Procedure
from organization.models import Agency

# The counters of a fact row, in the order of the upsert statement.
COUNTERS = (
    "received",  # received on that day (the channel is part of the key)
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "stopped",  # stopped at the applicant's request after reception
    "pending_delta",  # +1 on the reception day, −1 on the resolution or stop day
    "overdue_delta",  # +1 on the first day whose end finds the clock running past due, −1 after the last
    "supplement_requests",
    "digitized",  # of the dossiers received that day, those digitised (counted on the reception day)
    "reused",
    "paid_online",
    "e_results",  # of the dossiers resolved that day, those with a signed electronic result
    "rated",  # of the dossiers resolved that day, those the applicant rated (1–5)
    "satisfied",  # … rated satisfied or very satisfied (4 or 5)
)

# Ratings at or above this count as satisfied (1 very dissatisfied … 5 very satisfied).
SATISFIED_RATING = 4


class Fact(models.Model):
    class Grain(models.TextChoices):
        DAY = "d", _("ngày")
        MONTH = "m", _("tháng")
        YEAR = "y", _("năm")

    grain = models.CharField(_("kỳ"), max_length=1, choices=Grain.choices)
    period = models.DateField(_("đầu kỳ"), help_text=_("Ngày đầu của ngày / tháng / năm."))
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan giải quyết"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    # The dossier version's field (lĩnh vực) id, 0 when none: part of the unique key, which a
    # nullable foreign key cannot be on every database.
    field_ref = models.IntegerField(_("mã số lĩnh vực"), default=0)
    channel = models.CharField(_("hình thức nộp"), max_length=10)

    received = models.IntegerField(_("tiếp nhận"), default=0)
    resolved_early = models.IntegerField(_("giải quyết trước hạn"), default=0)
    resolved_on_time = models.IntegerField(_("giải quyết đúng hạn"), default=0)
    resolved_late = models.IntegerField(_("giải quyết quá hạn"), default=0)
    stopped = models.IntegerField(_("dừng giải quyết"), default=0)
    pending_delta = models.IntegerField(_("thay đổi số đang giải quyết"), default=0)
    overdue_delta = models.IntegerField(_("thay đổi số quá hạn"), default=0)
    supplement_requests = models.IntegerField(_("yêu cầu bổ sung"), default=0)
    digitized = models.IntegerField(_("được số hóa"), default=0)
    reused = models.IntegerField(_("tái sử dụng dữ liệu số"), default=0)
    paid_online = models.IntegerField(_("thanh toán trực tuyến"), default=0)
    e_results = models.IntegerField(_("kết quả điện tử"), default=0)
    rated = models.IntegerField(_("được đánh giá"), default=0)
    satisfied = models.IntegerField(_("hài lòng"), default=0)

    class Meta:
        verbose_name = _("số liệu ngày")
        verbose_name_plural = _("số liệu ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "period", "agency", "procedure", "field_ref", "channel"], name="fact_key"
            )
        ]
        indexes = [models.Index(fields=["grain", "period"], name="fact_period_idx")]

    def __str__(self) -> str:
        return f"{self.grain} {self.period} {self.agency_id} {self.procedure_id} {self.channel}"
