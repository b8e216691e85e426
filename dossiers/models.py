"""Dossiers (hồ sơ) from filing to delivery of the result, with everything that happened to them.

Deadlines, appointment and classification facts are stored, indexed columns that only the services
of ``dossiers/services.py`` change; the history is an append-only event log. Nothing here is ever
deleted or rewritten (NĐ 61/2018 Art. 5: officers may not alter or delete dossier data).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import Channel, ComponentRequirement, Procedure, ProcedureCase, ProcedureVersion, Workflow
from dossiers.transitions import STATUS_LABELS, Status, vietnamese
from organization.models import Agency, Role


class Timing(models.TextChoices):
    """Result of a resolution or a hand-over against its due instant (docs/domain.md §4)."""

    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Giải quyết (có kết quả)")
    REFUSED = "refused", _("Từ chối giải quyết")


class DeliveryMethod(models.TextChoices):
    COUNTER = "counter", _("Trả tại bộ phận một cửa")
    POSTAL = "postal", _("Trả qua dịch vụ bưu chính")
    ONLINE = "online", _("Trả trực tuyến")


class AppendOnly(models.Model):
    """Rows that record history: created once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} is append-only")


class Dossier(models.Model):
    """A dossier filed for one procedure by one applicant. ``code`` is issued when an online dossier is
    submitted, and at reception for a counter or postal one (docs/domain.md §4 rule 2, ADR 0021); a
    draft has none and is known by ``uuid``. ``due_at`` is the statutory due instant,
    ``appointment_at`` what the applicant was told (they differ after an extension); ``approaching_at``
    is when one working day remains. While the clock is stopped (supplement, pause) ``clock_stopped_at``
    is set."""

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=60, unique=True, null=True, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=30,
        choices=[(s.value, label) for s, label in STATUS_LABELS.items()],
        default=Status.DRAFT,
    )
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    case = models.ForeignKey(
        ProcedureCase,
        verbose_name=_("trường hợp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    workflow = models.ForeignKey(
        Workflow,
        verbose_name=_("quy trình"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    receiving_agency = models.ForeignKey(
        Agency, verbose_name=_("nơi tiếp nhận"), on_delete=models.PROTECT, related_name="received_dossiers"
    )
    handling_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
    )
    province = models.ForeignKey(
        "organization.AdministrativeUnit",
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh của nơi tiếp nhận (để giới hạn phạm vi theo tỉnh)."),
    )

    applicant = models.ForeignKey(
        "accounts.Applicant", verbose_name=_("người nộp"), on_delete=models.PROTECT, related_name="dossiers"
    )
    # The applicant's particulars as filed: a later change of profile does not rewrite the dossier.
    applicant_name = models.CharField(_("họ tên người nộp"), max_length=300)
    applicant_id_number = models.CharField(_("số định danh / mã số thuế"), max_length=14)
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    # How the applicant asked to be told of this dossier (docs/domain.md §4 rule 11): by e-mail to
    # ``applicant_email``, by SMS to ``applicant_phone``; None: not said when filing, the applicant's
    # saved preference holds (notices.selectors.recipients). The portal's inbox needs no choice.
    notify_email = models.BooleanField(_("nhận thông báo qua thư điện tử"), null=True, blank=True)
    notify_sms = models.BooleanField(_("nhận thông báo qua SMS"), null=True, blank=True)
    representative_name = models.CharField(_("người được ủy quyền"), max_length=300, blank=True)
    representative_id_number = models.CharField(
        _("số định danh người được ủy quyền"), max_length=12, blank=True
    )
    note = models.TextField(_("ghi chú"), blank=True)
    search_text = models.CharField(
        _("chuỗi tìm kiếm"),
        max_length=500,
        editable=False,
        default="",
        help_text=_("Mã hồ sơ, họ tên, số định danh không dấu (tìm kiếm)."),
    )

    statutory_amount = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=8, decimal_places=2, null=True
    )
    statutory_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, blank=True)
    after_15h_next_day = models.BooleanField(
        _("nhận sau 15 giờ tính từ ngày làm việc tiếp theo"), default=False
    )

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True, db_index=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tiếp nhận"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    clock_start = models.DateTimeField(_("bắt đầu tính thời hạn"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True, db_index=True)
    approaching_at = models.DateTimeField(_("sắp đến hạn từ"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    clock_stopped_at = models.DateTimeField(_("dừng tính thời hạn từ"), null=True, blank=True)
    # When the statutory clock last started running (reception, supplement received, resume); None
    # while it is stopped. Kept by the dossier actions (dossiers/actions/clock.py); the reports count
    # overdue days from it.
    clock_running_since = models.DateTimeField(
        _("đang tính thời hạn từ"), null=True, blank=True, editable=False
    )

    resolved_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True)
    resolution_timing = models.CharField(
        _("tiến độ"), max_length=10, choices=Timing.choices, blank=True, db_index=True
    )
    resolution_note = models.TextField(_("nội dung kết quả / lý do"), blank=True)
    delivered_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    delivery_method = models.CharField(
        _("hình thức trả"), max_length=10, choices=DeliveryMethod.choices, blank=True
    )
    closed_at = models.DateTimeField(
        _("kết thúc lúc"), null=True, blank=True, help_text=_("Từ chối, rút hoặc dừng giải quyết.")
    )

    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    late_supplement_request = models.BooleanField(
        _("yêu cầu bổ sung quá 3 ngày làm việc"),
        default=False,
        help_text=_("Vi phạm: yêu cầu bổ sung sau 3 ngày làm việc kể từ khi tiếp nhận."),
    )
    extension_count = models.PositiveSmallIntegerField(_("số lần hẹn lại"), default=0)

    # Facts the service index counts (docs/domain.md §9); later features set them, imports may carry them.
    digitized = models.BooleanField(_("đã số hóa"), default=False)
    reused = models.BooleanField(_("tái sử dụng dữ liệu số"), default=False)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    e_result = models.BooleanField(_("kết quả điện tử"), default=False)
    rating = models.PositiveSmallIntegerField(_("mức hài lòng"), null=True, blank=True)
    imported = models.BooleanField(_("nhập từ hệ thống cũ"), default=False)
    # Set once at filing from the agencies' and the procedure's test mode (INTEGRATIONS.md "Test mode"):
    # stored so that reports, the index and the targets leave it out without a join.
    is_test = models.BooleanField(
        _("hồ sơ thử nghiệm"),
        default=False,
        editable=False,
        help_text=_("Nộp cho cơ quan hoặc thủ tục đang chạy thử: không tính vào báo cáo, chỉ số, chỉ tiêu."),
    )

    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at", "-created_at"]
        indexes = [
            models.Index(fields=["handling_agency", "status", "due_at"], name="dossier_handling_idx"),
            models.Index(fields=["receiving_agency", "status", "due_at"], name="dossier_receiving_idx"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due_idx"),
            # The overdue inbox (clock running, due before now, most urgent first) walks this small
            # index instead of every due instant: 1.3 s → 20 ms at 1M dossiers (bench/dossier_lifecycle.py).
            models.Index(
                fields=["due_at"],
                condition=models.Q(status__in=[Status.RECEIVED.value, Status.PROCESSING.value]),
                name="dossier_running_due_idx",
            ),
            models.Index(fields=["procedure", "received_at"], name="dossier_procedure_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(extension_count__lte=1), name="dossier_one_extension"),
        ]

    def __str__(self) -> str:
        return self.code or str(self.uuid)

    @property
    def reference(self) -> str:
        """What the API and the pages use to name the dossier: its code, or its uuid while it has none (a
        draft)."""
        return self.code or str(self.uuid)

    @property
    def status_label(self) -> str:
        """The status in Vietnamese whatever the page's language, as the API, the printed forms and the
        error messages give it; pages show ``get_status_display()`` (translated)."""
        return vietnamese(STATUS_LABELS[Status(self.status)])


class DossierEvent(AppendOnly):
    """One thing that happened to a dossier: who, when, from which state to which, why, and the due
    instant and appointment before and after (docs/domain.md §4 rule 7)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="events"
    )
    seq = models.PositiveIntegerField(_("số thứ tự"))
    action = models.CharField(_("thao tác"), max_length=40)
    at = models.DateTimeField(_("thời điểm"))
    # Set by dossiers.services._record before hashing (auto_now_add would change it after).
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    actor_name = models.CharField(_("người thực hiện"), max_length=300, blank=True)
    actor_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    from_status = models.CharField(_("trạng thái trước"), max_length=30, blank=True)
    to_status = models.CharField(_("trạng thái sau"), max_length=30)
    reason = models.TextField(_("lý do, nội dung"), blank=True)
    due_before = models.DateTimeField(_("hạn giải quyết trước"), null=True, blank=True)
    due_after = models.DateTimeField(_("hạn giải quyết sau"), null=True, blank=True)
    appointment_before = models.DateTimeField(_("ngày hẹn trả trước"), null=True, blank=True)
    appointment_after = models.DateTimeField(_("ngày hẹn trả sau"), null=True, blank=True)
    data = models.JSONField(_("dữ liệu kèm theo"), default=dict, blank=True)
    # The hash chain (dossiers/chain.py, ADR 0009): this event's hash covers its content and prev_hash,
    # the hash of the dossier's event before it. PostgreSQL itself refuses UPDATE and DELETE here.
    prev_hash = models.CharField(_("mã băm sự kiện trước"), max_length=64, blank=True)
    hash = models.CharField(_("mã băm"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_unique_seq")]
        # A day's anchor reads the events recorded that day (dossiers/history.py).
        indexes = [models.Index(fields=["recorded_at"], name="dossier_event_recorded_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.seq} {self.action}"


class HistoryAnchor(AppendOnly):
    """The daily anchor of the dossier history (ADR 0009): the root hash over the hashes of every event
    recorded that day (local date), their number, and a detached CMS signature of both made with the
    system's certificate. Published (``/api/v1/history/anchors``) so that anyone holding a copy can
    tell later whether the day's history was rewritten. Append-only like the events it vouches for."""

    day = models.DateField(_("ngày"), unique=True)
    root_hash = models.CharField(_("mã băm gốc"), max_length=64)
    event_count = models.PositiveIntegerField(_("số sự kiện"))
    signature = models.TextField(_("chữ ký (CMS, base64)"))
    signer_certificate = models.TextField(_("chứng thư ký (PEM)"))
    signer = models.CharField(_("người ký"), max_length=500)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("mốc nhật ký hồ sơ")
        verbose_name_plural = _("mốc nhật ký hồ sơ")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day} {self.root_hash[:12]}"


class DossierComponent(models.Model):
    """A paper filed with the dossier, against the procedure's component list (the receipt lists them)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="components"
    )
    requirement = models.ForeignKey(
        ComponentRequirement,
        verbose_name=_("thành phần hồ sơ theo thủ tục"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.TextField(_("tên giấy tờ"))
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    copies = models.PositiveSmallIntegerField(_("bản sao"), default=0)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("giấy tờ đã nộp")
        verbose_name_plural = _("giấy tờ đã nộp")
        ordering = ["dossier", "position"]

    def __str__(self) -> str:
        return self.name[:80]


class DossierStep(models.Model):
    """One step of the workflow being executed for a dossier, with its own deadline."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Chưa đến")
        ACTIVE = "active", _("Đang xử lý")
        DONE = "done", _("Đã xong")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="steps"
    )
    position = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("nội dung công việc"), max_length=500)
    role = models.CharField(_("vai trò thực hiện"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    parallel_group = models.CharField(_("nhóm song song"), max_length=20, blank=True)
    is_lead = models.BooleanField(_("cơ quan chủ trì"), default=False)
    duration_minutes = models.PositiveIntegerField(_("thời gian (phút làm việc)"))
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.WAITING)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được giao"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_steps",
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hoàn thành"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    timing = models.CharField(_("tiến độ"), max_length=10, choices=Timing.choices, blank=True)
    rounds = models.PositiveSmallIntegerField(
        _("số lượt xử lý"), default=0, help_text=_("Số lần bước được giao xử lý.")
    )

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "position"]
        constraints = [models.UniqueConstraint(fields=["dossier", "position"], name="dossier_step_unique")]
        indexes = [models.Index(fields=["agency", "state"], name="dossier_step_agency_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} bước {self.position}"


class Handover(AppendOnly):
    """One hand-over of the dossier between people or agencies, with the result of the giving step
    against its deadline: the rows of the process-control sheet (docs/domain.md §4 rule 6, form 06)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="handovers"
    )
    seq = models.PositiveIntegerField(_("số thứ tự"))
    at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("loại bàn giao"), max_length=30)
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản giao"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    from_name = models.CharField(_("người giao"), max_length=300, blank=True)
    from_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan giao"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    to_role = models.CharField(_("vai trò nhận"), max_length=30, blank=True)
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản nhận"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    to_name = models.CharField(_("người nhận"), max_length=300, blank=True)
    step_due = models.DateTimeField(_("hạn của bước"), null=True, blank=True)
    timing = models.CharField(_("tiến độ"), max_length=10, choices=Timing.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("bàn giao hồ sơ")
        verbose_name_plural = _("bàn giao hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="handover_unique_seq")]

    def __str__(self) -> str:
        return f"{self.dossier} bàn giao {self.seq}"


class SupplementRequest(models.Model):
    """A request to complete the dossier after reception: all missing items at once (NĐ 61/2018
    Art. 15.3). ``late`` records a request made more than 3 working days after reception;
    ``supply_by`` the date by which the applicant is asked to supply the items."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="supplement_requests"
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    items = models.JSONField(_("nội dung cần bổ sung"), default=list)
    reason = models.TextField(_("lý do"), blank=True)
    request_deadline = models.DateTimeField(_("hạn được yêu cầu bổ sung"), null=True)
    # The local date by which the applicant is asked to supply the items (docs/domain.md §4 rule 3): the
    # agency's decision, no legal text sets it; None on requests made before it was recorded.
    supply_by = models.DateField(_("hạn người nộp bổ sung"), null=True, blank=True)
    late = models.BooleanField(_("yêu cầu quá hạn"), default=False)
    due_before = models.DateTimeField(_("hạn giải quyết trước khi yêu cầu"), null=True)
    received_at = models.DateTimeField(_("nhận bổ sung lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nhận bổ sung"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_after = models.DateTimeField(_("hạn giải quyết sau khi bổ sung"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu bổ sung hồ sơ")
        verbose_name_plural = _("yêu cầu bổ sung hồ sơ")
        ordering = ["dossier", "requested_at"]

    def __str__(self) -> str:
        return f"{self.dossier} bổ sung {self.requested_at:%d/%m/%Y}"


class Extension(models.Model):
    """The one apology with a new appointment a late dossier may get (NĐ 61/2018 Art. 19.9)."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="extension"
    )
    at = models.DateTimeField(_("thời điểm"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lập"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    reason = models.TextField(_("lý do chậm"))
    due_at = models.DateTimeField(_("hạn giải quyết"))
    previous_appointment = models.DateTimeField(_("ngày hẹn cũ"), null=True)
    new_appointment = models.DateTimeField(_("ngày hẹn mới"))

    class Meta:
        verbose_name = _("phiếu xin lỗi, hẹn lại")
        verbose_name_plural = _("phiếu xin lỗi, hẹn lại")

    def __str__(self) -> str:
        return f"{self.dossier} hẹn lại {self.new_appointment:%d/%m/%Y}"


class Consultation(models.Model):
    """A request for another agency's opinion or part of the work, sent in parallel with the others
    (liên thông), with that agency's task and deadline; one agency leads (docs/domain.md §4 rule 6)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="consultations"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan được lấy ý kiến"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    is_lead = models.BooleanField(_("chủ trì"), default=False)
    task = models.TextField(_("nhiệm vụ"))
    requested_at = models.DateTimeField(_("gửi lúc"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    due_at = models.DateTimeField(_("hạn trả lời"))
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("ý kiến"), blank=True)
    timing = models.CharField(_("tiến độ"), max_length=10, choices=Timing.choices, blank=True)

    class Meta:
        verbose_name = _("liên thông, lấy ý kiến")
        verbose_name_plural = _("liên thông, lấy ý kiến")
        ordering = ["dossier", "requested_at"]
        indexes = [models.Index(fields=["agency", "answered_at"], name="consultation_agency_idx")]

    def __str__(self) -> str:
        return f"{self.dossier} → {self.agency}"


class DossierSequence(models.Model):
    """The last number issued by an agency on a local date: dossier codes are
    ``<agency e-ID>-<YYMMDD>-<NNNN>`` with no duplicate and no gap (docs/domain.md §4 rule 2)."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    day = models.DateField(_("ngày"))
    last = models.PositiveIntegerField(_("số cuối đã cấp"), default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.day}: {self.last}"
