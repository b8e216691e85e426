"""Who the units are: administrative units, agencies, and the roles people hold in them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organization.codes import agency_code_error


class AdministrativeUnit(models.Model):
    """A province or a commune (xã, phường, đặc khu) of the two-level local government in force since
    1 July 2025. ``code`` is the statistics office's code (Hưng Yên is 33); communes point to their
    province through ``parent``."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh, thành phố")
        COMMUNE = "commune", _("Xã, phường, đặc khu")

    code = models.CharField(_("mã thống kê"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=30, help_text=_("Tỉnh, Thành phố, Xã, Phường, Đặc khu"))
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("thuộc"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=5, null=True, blank=True)
    area_km2 = models.DecimalField(
        _("diện tích (km²)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    name_folded = models.CharField(_("tên không dấu"), max_length=200, editable=False, db_index=True)
    history = HistoricalRecords(
        verbose_name=_("lịch sử đơn vị hành chính"), verbose_name_plural=_("lịch sử đơn vị hành chính")
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def province(self) -> AdministrativeUnit:
        return self if self.level == self.Level.PROVINCE or self.parent is None else self.parent


class LegacyUnit(models.Model):
    """A commune of the three-level government before 1 July 2025 (former Hưng Yên and Thái Bình),
    kept to migrate old addresses and dossiers to the commune that succeeded it."""

    class Mapping(models.TextChoices):
        SEAT = "seat", _("Xã mới giữ mã xã cũ")
        MERGED = "merged", _("Sáp nhập")
        SPLIT = "split", _("Bị chia")

    code = models.CharField(_("mã xã cũ"), max_length=10, unique=True)
    name = models.CharField(_("tên xã cũ"), max_length=200)
    kind = models.CharField(_("loại"), max_length=30)
    district_code = models.CharField(_("mã huyện cũ"), max_length=10)
    district_name = models.CharField(_("huyện cũ"), max_length=200)
    province_code = models.CharField(_("mã tỉnh cũ"), max_length=10)
    province_name = models.CharField(_("tỉnh cũ"), max_length=200)
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("xã, phường mới"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text=_("Đơn vị kế thừa chính; để trống nếu chưa xác định."),
    )
    other_successors = models.ManyToManyField(
        AdministrativeUnit,
        verbose_name=_("các xã, phường mới khác"),
        blank=True,
        related_name="partial_predecessors",
        help_text=_("Các đơn vị nhận một phần khi xã cũ bị chia."),
    )
    mapping = models.CharField(
        _("cách xác định"),
        max_length=10,
        choices=Mapping.choices,
        blank=True,
        help_text=_("Cách xác định xã, phường mới kế thừa chính."),
    )
    history = HistoricalRecords(
        verbose_name=_("lịch sử đơn vị hành chính cũ"), verbose_name_plural=_("lịch sử đơn vị hành chính cũ")
    )

    class Meta:
        verbose_name = _("đơn vị hành chính cũ (trước 01/7/2025)")
        verbose_name_plural = _("đơn vị hành chính cũ (trước 01/7/2025)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}, {self.district_name}, {self.province_name}"


class Agency(models.Model):
    """A body that receives or settles dossiers: a provincial department, the provincial or a commune
    Public Administration Service Centre, a commune People's Committee, a vertical agency, or a
    division inside one of them. ``code`` is its electronic identifier (QĐ 20/2020/QĐ-TTg), which
    prefixes every dossier code it issues."""

    class Kind(models.TextChoices):
        PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
        OFFICE = "office", _("Văn phòng")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
        VERTICAL = "vertical", _("Cơ quan ngành dọc")
        DIVISION = "division", _("Phòng, đơn vị trực thuộc")
        OTHER = "other", _("Khác")

    class Level(models.TextChoices):
        CENTRAL = "central", _("Trung ương")
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")

    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=35,
        unique=True,
        help_text=_("Theo QĐ 20/2020/QĐ-TTg, ví dụ 000.00.01.H22. Là tiền tố của mã hồ sơ."),
    )
    name = models.CharField(_("tên cơ quan"), max_length=300)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.CharField(_("loại cơ quan"), max_length=30, choices=Kind.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("địa bàn"), on_delete=models.PROTECT, related_name="agencies"
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        help_text=_("Tỉnh của địa bàn, để giới hạn phạm vi."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    is_test = models.BooleanField(
        _("đang chạy thử"),
        default=False,
        help_text=_(
            "Hồ sơ của cơ quan chạy thử là hồ sơ thử nghiệm: đồng bộ lên Cổng Dịch vụ công quốc gia "
            "dưới dạng hồ sơ thử và không được tính vào báo cáo, chỉ số phục vụ, chỉ tiêu."
        ),
    )
    name_folded = models.CharField(_("tên không dấu"), max_length=300, editable=False, db_index=True)
    history = HistoricalRecords(verbose_name=_("lịch sử cơ quan"), verbose_name_plural=_("lịch sử cơ quan"))

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["level", "code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if error := agency_code_error(self.code):
            raise ValidationError({"code": error})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Cơ quan không thể trực thuộc chính nó.")})


class Role(models.TextChoices):
    """What a person does in an agency. Roles scope what they see and do (docs/adr/0003)."""

    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên thụ lý")
    LEADER = "leader", _("Lãnh đạo")
    CLERK = "clerk", _("Văn thư")
    MONITOR = "monitor", _("Cán bộ kiểm soát TTHC")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    PROVINCE_ADMIN = "province_admin", _("Quản trị tỉnh")


class Membership(models.Model):
    """A person's role in an agency. One person may hold several roles, in several agencies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("đang hiệu lực"), default=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    history = HistoricalRecords(
        verbose_name=_("lịch sử vai trò trong cơ quan"),
        verbose_name_plural=_("lịch sử vai trò trong cơ quan"),
    )

    class Meta:
        verbose_name = _("vai trò trong cơ quan")
        verbose_name_plural = _("vai trò trong cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.agency}"
