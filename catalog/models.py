"""What the procedures are: the catalog, its versions, the decisions that publish them in the
province, and the internal processes that become electronic workflows (docs/domain.md §3).

Every change to a procedure is a new ``ProcedureVersion``; a dossier keeps the version it was
received under. Only draft versions may be edited; a publication decision puts them in force.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organization.models import Agency, Role


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Dịch vụ bưu chính")


class TimeUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("ngày làm việc")
    WORKING_HOUR = "working_hour", _("giờ làm việc")
    CALENDAR_DAY = "calendar_day", _("ngày")


class ProcedureField(models.Model):
    """A field of state management (lĩnh vực), e.g. Hộ tịch; procedures are grouped by it."""

    code = models.SlugField(_("mã"), max_length=200, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=300)
    history = HistoricalRecords(verbose_name=_("lịch sử lĩnh vực"), verbose_name_plural=_("lịch sử lĩnh vực"))

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính) identified by its national code, e.g.
    ``1.001193``. Its content lives in versions; ``current_version`` is the one in force in the
    province (None when not published here or abolished), ``latest_version`` the newest one."""

    code = models.CharField(_("mã thủ tục"), max_length=60, unique=True)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("phiên bản đang hiệu lực"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    latest_version = models.ForeignKey(
        "ProcedureVersion",
        verbose_name=_("phiên bản mới nhất"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The search's keys (catalog/search.py): folded words, each between two spaces. PostgreSQL finds
    # procedures by a GIN index on ``to_tsvector('simple', search_text)`` (migration 0006).
    search_text = models.TextField(
        _("chuỗi tìm kiếm"), editable=False, default="", help_text=_("Mã, tên, lĩnh vực không dấu.")
    )
    name_key = models.TextField(
        _("tên để xếp hạng tìm kiếm"),
        editable=False,
        default="",
        help_text=_("Tên không dấu, bỏ chữ “Thủ tục” ở đầu: kết quả tìm kiếm xếp theo mức khớp với tên."),
    )
    filed_count = models.PositiveIntegerField(
        _("số hồ sơ tiếp nhận 12 tháng qua"),
        editable=False,
        default=0,
        help_text=_(
            "Số hồ sơ của thủ tục tiếp nhận trên địa bàn tỉnh trong 12 tháng gần nhất, tính hằng đêm từ số "
            "liệu báo cáo: thủ tục khớp như nhau thì thủ tục nộp nhiều hơn đứng trước."
        ),
    )
    is_test = models.BooleanField(
        _("đang chạy thử"),
        default=False,
        help_text=_(
            "Hồ sơ của thủ tục chạy thử là hồ sơ thử nghiệm: đồng bộ lên Cổng Dịch vụ công quốc gia "
            "dưới dạng hồ sơ thử và không được tính vào báo cáo, chỉ số phục vụ, chỉ tiêu."
        ),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        version = self.current_version or self.latest_version
        return f"{self.code} — {version.name}" if version else self.code

    @property
    def shown_version(self) -> ProcedureVersion | None:
        return self.current_version or self.latest_version


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không")


class ProcedureVersion(models.Model):
    """One immutable state of a procedure's content (name, field, levels, times, fees, components,
    results, legal basis). Drafts are editable; a publication decision puts a draft in force and
    retires the previous version (docs/domain.md §3: every change is a new version)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo / chưa công bố tại tỉnh")
        IN_FORCE = "in_force", _("Đang hiệu lực")
        SUPERSEDED = "superseded", _("Đã được sửa đổi, thay thế")
        ABOLISHED = "abolished", _("Đã bãi bỏ")

    class Source(models.TextChoices):
        NATIONAL_PORTAL = "national_portal", _("Cơ sở dữ liệu quốc gia về TTHC (trang chi tiết)")
        NATIONAL_LIST = "national_list", _("Danh sách TTHC quốc gia (XLSX)")
        MANUAL = "manual", _("Nhập tay")

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)

    name = models.TextField(_("tên thủ tục"))
    field = models.ForeignKey(
        ProcedureField,
        verbose_name=_("lĩnh vực"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="versions",
    )
    at_ministry = models.BooleanField(_("cấp bộ"), default=False)
    at_province = models.BooleanField(_("cấp tỉnh"), default=False)
    at_commune = models.BooleanField(_("cấp xã"), default=False)
    at_other = models.BooleanField(_("cơ quan khác"), default=False)
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    procedure_type = models.CharField(_("loại thủ tục"), max_length=300, blank=True)
    subjects = models.TextField(_("đối tượng thực hiện"), blank=True)
    national_decision = models.CharField(_("quyết định công bố của bộ"), max_length=200, blank=True)
    competent_agency_text = models.TextField(_("cơ quan có thẩm quyền"), blank=True)
    implementing_agency_text = models.TextField(_("cơ quan thực hiện"), blank=True)
    authorized_agency_text = models.TextField(_("cơ quan được ủy quyền"), blank=True)
    coordinating_agency_text = models.TextField(_("cơ quan phối hợp"), blank=True)
    reception_address = models.TextField(_("địa chỉ tiếp nhận"), blank=True)
    related_text = models.TextField(_("thủ tục liên quan"), blank=True)
    steps_text = models.TextField(_("trình tự thực hiện"), blank=True)
    requirements_text = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    # The notes the national page lists among the papers (headings, conditions, explanations): shown
    # to the applicant as guidance, never as papers to file (docs/adr/0025).
    component_notes = models.TextField(
        _("ghi chú về thành phần hồ sơ"),
        blank=True,
        help_text=_(
            "Hướng dẫn, điều kiện, giải thích đi kèm danh sách giấy tờ; không phải giấy tờ phải nộp."
        ),
    )
    online_level = models.CharField(
        _("mức dịch vụ công trực tuyến"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    boundary_free = models.BooleanField(
        _("không phụ thuộc địa giới hành chính"),
        default=False,
        help_text=_("Mọi Trung tâm PVHCC trong tỉnh đều tiếp nhận được."),
    )
    after_15h_next_day = models.BooleanField(
        _("nhận sau 15 giờ tính từ ngày làm việc tiếp theo"), default=False
    )
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan giải quyết tại tỉnh"), blank=True, related_name="procedure_versions"
    )

    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    source_url = models.URLField(_("đường dẫn nguồn"), max_length=500, blank=True)
    parse_issues = models.JSONField(_("trường chưa phân tích được"), default=list, blank=True)
    content_hash = models.CharField(_("mã băm nội dung"), max_length=64, editable=False, db_index=True)
    change_note = models.CharField(_("ghi chú thay đổi"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(
        verbose_name=_("lịch sử phiên bản thủ tục"), verbose_name_plural=_("lịch sử phiên bản thủ tục")
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="version_unique_number"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number}"

    @property
    def levels(self) -> list[str]:
        flags = {
            "ministry": self.at_ministry,
            "province": self.at_province,
            "commune": self.at_commune,
            "other": self.at_other,
        }
        return [name for name, on in flags.items() if on]

    @property
    def fully_parsed(self) -> bool:
        return not self.parse_issues


class ProcedureSource(models.Model):
    """The sources a version was imported from (``{"detail": …, "list": …}``, tens of kilobytes), kept
    apart from the version so that no page, action or sync that reads a version decodes them: only the
    catalog importer reads them back, to compare and to merge a partial re-import. Written once, with
    the version (catalog.services), never changed."""

    version = models.OneToOneField(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="source_record",
    )
    raw = models.JSONField(
        _("văn bản gốc"), default=dict, blank=True, help_text=_("Nội dung gốc từng trường khi nhập.")
    )

    class Meta:
        verbose_name = _("nguồn nhập phiên bản thủ tục")
        verbose_name_plural = _("nguồn nhập phiên bản thủ tục")

    def __str__(self) -> str:
        return str(self.version_id)


class ProcedureCase(models.Model):
    """A case (trường hợp) of a procedure with its own time, fees or components."""

    version = models.ForeignKey(
        ProcedureVersion, verbose_name=_("phiên bản thủ tục"), on_delete=models.CASCADE, related_name="cases"
    )
    name = models.TextField(_("trường hợp"))
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("trường hợp")
        verbose_name_plural = _("trường hợp")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name[:80]


class ProcessingOption(models.Model):
    """The statutory processing time and fees of one submission channel (and case) of a version."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        related_name="options",
    )
    case = models.ForeignKey(
        ProcedureCase,
        verbose_name=_("trường hợp"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="options",
    )
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    time_amount = models.DecimalField(_("thời hạn"), max_digits=8, decimal_places=2, null=True, blank=True)
    time_unit = models.CharField(_("đơn vị"), max_length=20, choices=TimeUnit.choices, blank=True)
    time_assumed = models.BooleanField(
        _("đơn vị được giả định"),
        default=False,
        help_text=_("Nguồn không ghi đơn vị; mặc định ngày làm việc."),
    )
    time_text = models.CharField(_("thời hạn (gốc)"), max_length=500, blank=True)
    free = models.BooleanField(_("miễn phí"), null=True, blank=True)
    fee_text = models.TextField(_("phí, lệ phí (gốc)"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thời hạn và phí theo hình thức nộp")
        verbose_name_plural = _("thời hạn và phí theo hình thức nộp")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.time_amount or '?'} {self.get_time_unit_display()}"


class FeeItem(models.Model):
    """One fee or charge line (phí, lệ phí) of a processing option, in VND."""

    option = models.ForeignKey(
        ProcessingOption, verbose_name=_("thời hạn và phí"), on_delete=models.CASCADE, related_name="fees"
    )
    name = models.CharField(_("tên khoản thu"), max_length=500, blank=True)
    amount = models.BigIntegerField(_("số tiền (đồng)"), null=True, blank=True)
    text = models.TextField(_("nội dung gốc"), blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class ComponentRequirement(models.Model):
    """A paper the applicant must file (thành phần hồ sơ): name, form template, how many originals and
    copies, and whether the system may take it from national data or reuse a stored copy."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        related_name="components",
    )
    case = models.ForeignKey(
        ProcedureCase,
        verbose_name=_("trường hợp"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="components",
    )
    section = models.CharField(_("nhóm"), max_length=300, blank=True, help_text=_("Ví dụ: Giấy tờ phải nộp"))
    name = models.TextField(_("tên giấy tờ"))
    # Every template file the national page lists for the paper, in its order (one paper may have
    # several: "theo Mẫu 05, Mẫu 07" with Mau05.docx and Mau07.docx).
    form_names = models.JSONField(
        _("mẫu đơn, tờ khai"),
        default=list,
        blank=True,
        help_text=_("Tên các tệp mẫu của giấy tờ, theo thứ tự trên trang quốc gia."),
    )
    form_file = models.FileField(_("tệp mẫu"), upload_to="catalog/forms/", blank=True)
    originals = models.PositiveSmallIntegerField(_("số bản chính"), null=True, blank=True)
    copies = models.PositiveSmallIntegerField(_("số bản sao"), null=True, blank=True)
    quantity_text = models.CharField(_("số lượng (gốc)"), max_length=200, blank=True)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    from_national_data = models.BooleanField(_("có thể lấy từ CSDL quốc gia"), default=False)
    exempt_when_reused = models.BooleanField(_("không phải tải lên khi tái sử dụng"), default=False)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name[:100]


class ProcedureResult(models.Model):
    """What the applicant receives (kết quả), with its national result code, e.g. KQ.G15.000033."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        related_name="results",
    )
    name = models.TextField(_("tên kết quả"))
    code = models.CharField(_("mã kết quả"), max_length=60, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name[:100]


class LegalBasis(models.Model):
    """A legal document the procedure rests on (căn cứ pháp lý), e.g. 123/2015/NĐ-CP."""

    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản thủ tục"),
        on_delete=models.CASCADE,
        related_name="legal_basis",
    )
    title = models.TextField(_("tên văn bản"))
    number = models.CharField(_("số hiệu"), max_length=100, blank=True)
    position = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("căn cứ pháp lý")
        verbose_name_plural = _("căn cứ pháp lý")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.number or self.title[:80]


class PublicationDecision(models.Model):
    """A decision that publishes procedures (quyết định công bố): a ministry's for the national
    catalog, or the provincial Chairman's that makes versions effective in the province. Applying a
    provincial decision changes which version is in force; an applied decision is never edited."""

    class Scope(models.TextChoices):
        NATIONAL = "national", _("Bộ, ngành công bố")
        PROVINCIAL = "provincial", _("Chủ tịch UBND tỉnh công bố")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        APPLIED = "applied", _("Đã áp dụng")

    scope = models.CharField(_("phạm vi"), max_length=20, choices=Scope.choices)
    number = models.CharField(_("số quyết định"), max_length=100)
    year = models.PositiveSmallIntegerField(_("năm"), default=0, help_text=_("0 nếu chưa rõ."))
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)
    effective_on = models.DateField(_("ngày hiệu lực"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    applied_at = models.DateTimeField(_("thời điểm áp dụng"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người áp dụng"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(
        verbose_name=_("lịch sử quyết định công bố"), verbose_name_plural=_("lịch sử quyết định công bố")
    )

    class Meta:
        verbose_name = _("quyết định công bố")
        verbose_name_plural = _("quyết định công bố")
        ordering = ["-signed_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "number", "year"], name="decision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}" + (f" ngày {self.signed_on:%d/%m/%Y}" if self.signed_on else "")


class PublicationItem(models.Model):
    """One procedure in a decision and what the decision does to it."""

    class Action(models.TextChoices):
        NEW = "new", _("Ban hành mới")
        AMENDED = "amended", _("Sửa đổi, bổ sung")
        REPLACED = "replaced", _("Thay thế")
        ABOLISHED = "abolished", _("Bãi bỏ")

    decision = models.ForeignKey(
        PublicationDecision,
        verbose_name=_("quyết định công bố"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="publication_items"
    )
    action = models.CharField(_("hình thức"), max_length=10, choices=Action.choices)
    version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("phiên bản"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publication_items",
        help_text=_("Phiên bản được công bố (để trống khi bãi bỏ)."),
    )
    replaces = models.ForeignKey(
        Procedure,
        verbose_name=_("thay thế thủ tục"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by_items",
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("thủ tục trong quyết định")
        verbose_name_plural = _("thủ tục trong quyết định")
        constraints = [
            models.UniqueConstraint(fields=["decision", "procedure"], name="publication_item_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.procedure.code}"


class Workflow(models.Model):
    """The electronic workflow of a procedure's internal process (quy trình nội bộ, approved by the
    Chairman's decision): ordered steps with role, unit and duration. A workflow applies to one agency,
    or — without one — to every competent agency of its level. Versions: a dossier keeps the workflow
    it started with; changing a workflow means a new one and retiring the old."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ACTIVE = "active", _("Đang áp dụng")
        RETIRED = "retired", _("Ngừng áp dụng")

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="workflows"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan áp dụng"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workflows",
        help_text=_("Để trống: áp dụng cho mọi cơ quan giải quyết cùng cấp."),
    )
    level = models.CharField(
        _("cấp áp dụng"),
        max_length=10,
        choices=[("province", _("Cấp tỉnh")), ("commune", _("Cấp xã"))],
        default="province",
    )
    number = models.PositiveIntegerField(_("phiên bản số"), default=1)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField(_("tên quy trình"), max_length=500, blank=True)
    approval_decision = models.CharField(
        _("quyết định phê duyệt"), max_length=300, blank=True, help_text=_("Ví dụ: QĐ số .../QĐ-CT ngày ...")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    history = HistoricalRecords(
        verbose_name=_("lịch sử quy trình điện tử"), verbose_name_plural=_("lịch sử quy trình điện tử")
    )

    class Meta:
        verbose_name = _("quy trình điện tử")
        verbose_name_plural = _("quy trình điện tử")
        ordering = ["procedure__code", "level", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "agency", "level", "number"], name="workflow_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — {self.name or 'quy trình'} (v{self.number})"


class WorkflowStep(models.Model):
    """One step of a workflow: who (role, in which agency) does what, in how long. Consecutive steps
    sharing a ``parallel_group`` run at the same time (inter-agency consultation, docs/domain.md §4 rule 6);
    one of them is the lead."""

    workflow = models.ForeignKey(
        Workflow, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("nội dung công việc"), max_length=500)
    role = models.CharField(_("vai trò thực hiện"), max_length=30, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan thực hiện"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Để trống: cơ quan giải quyết hồ sơ."),
    )
    duration_amount = models.DecimalField(_("thời gian"), max_digits=7, decimal_places=2)
    duration_unit = models.CharField(
        _("đơn vị"),
        max_length=20,
        default=TimeUnit.WORKING_HOUR,
        choices=[(TimeUnit.WORKING_HOUR, _("giờ làm việc")), (TimeUnit.WORKING_DAY, _("ngày làm việc"))],
    )
    parallel_group = models.CharField(
        _("nhóm song song"),
        max_length=20,
        blank=True,
        help_text=_("Các bước liên tiếp cùng nhóm được thực hiện song song."),
    )
    is_lead = models.BooleanField(_("cơ quan chủ trì"), default=False)
    history = HistoricalRecords(
        verbose_name=_("lịch sử bước quy trình"), verbose_name_plural=_("lịch sử bước quy trình")
    )

    class Meta:
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("bước quy trình")
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "position"], name="workflow_step_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
