"""People who use motcua: staff accounts, citizens and businesses, and their API tokens."""

from __future__ import annotations

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

national_id_validator = RegexValidator(r"^\d{12}$", _("Số định danh cá nhân phải gồm đúng 12 chữ số."))
tax_code_validator = RegexValidator(
    r"^\d{10}(-\d{3})?$", _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu '-' và 3 chữ số.")
)


class UserHistory(HistoricalRecords):
    """The history of accounts, without the password hash and without a row at every login: Django saves
    ``last_login`` alone when someone logs in, which is not an administrator's edit."""

    def post_save(
        self, instance: models.Model, created: bool, using: str | None = None, **kwargs: object
    ) -> None:
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return
        super().post_save(instance, created, using=using, **kwargs)


class User(AbstractUser):
    """A login of motcua: an officer of an agency, a citizen, or a representative of an organisation.

    Staff rights come from memberships in agencies (``organization.Membership``); citizens and
    organisations carry an ``Applicant`` profile. The public identifier is ``uuid``.
    """

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    history = UserHistory(
        excluded_fields=["password", "last_login"],
        verbose_name=_("lịch sử tài khoản"),
        verbose_name_plural=_("lịch sử tài khoản"),
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Applicant(models.Model):
    """A citizen (cá nhân) or an organisation (tổ chức, doanh nghiệp) who files dossiers.

    An individual is keyed by the 12-digit personal identification number (số định danh cá nhân,
    the key VNeID and the national portal use); an organisation by its tax code. An applicant may
    have a login (``user``) or only exist because an officer received their paper dossier.
    """

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("Cá nhân")
        ORGANIZATION = "organization", _("Tổ chức, doanh nghiệp")

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    user = models.OneToOneField(
        User,
        verbose_name=_("tài khoản"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applicant",
    )
    name = models.CharField(_("họ tên / tên tổ chức"), max_length=300)
    national_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[national_id_validator],
        help_text=_("12 chữ số, bắt buộc với cá nhân."),
    )
    tax_code = models.CharField(
        _("mã số thuế"),
        max_length=14,
        blank=True,
        validators=[tax_code_validator],
        help_text=_("Bắt buộc với tổ chức, doanh nghiệp."),
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    unit = models.ForeignKey(
        "organization.AdministrativeUnit",
        verbose_name=_("xã, phường"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    portal_user_id = models.CharField(
        _("mã tài khoản Cổng DVCQG"),
        max_length=100,
        blank=True,
        help_text=_("TechID của Cổng Dịch vụ công quốc gia, dùng khi đồng bộ."),
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=~models.Q(national_id=""),
                name="applicant_unique_national_id",
            ),
            models.UniqueConstraint(
                fields=["tax_code"], condition=~models.Q(tax_code=""), name="applicant_unique_tax_code"
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="individual") & ~models.Q(national_id=""))
                | (models.Q(kind="organization") & ~models.Q(tax_code="")),
                name="applicant_has_identifier",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.national_id or self.tax_code})"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the raw token is shown once."""

    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    prefix = models.CharField(
        _("đầu mã"), max_length=8, help_text=_("Đầu mã để nhận biết, không đủ để đăng nhập.")
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng gần nhất lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class RateCounter(models.Model):
    """A fixed-window counter of events per key ("login-account:…"), shared by every app server when
    Redis is not configured; written only by ``motcua.ratelimit`` through one atomic upsert."""

    key = models.CharField(_("khóa"), max_length=255, unique=True)
    count = models.PositiveIntegerField(_("số lần"), default=0)
    window_end = models.BigIntegerField(_("hết cửa sổ lúc (giây epoch)"), db_index=True)

    class Meta:
        verbose_name = _("bộ đếm giới hạn tần suất")
        verbose_name_plural = _("bộ đếm giới hạn tần suất")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
