"""People who use motcua: staff accounts, citizens and businesses, and their API tokens."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

national_id_validator = RegexValidator(r"^\d{12}$", _("Số định danh cá nhân phải gồm đúng 12 chữ số."))
tax_code_validator = RegexValidator(
    r"^\d{10}(-\d{3})?$", _("Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu '-' và 3 chữ số.")
)


# Saved alone, these fields add no row to the history: Django saves ``last_login`` alone at every login,
# and a password change (``accounts.services.password_set``) is recorded as an ``AccountEvent``.
_NOT_HISTORY = frozenset({"last_login", "password"})


class UserHistory(HistoricalRecords):
    """The history of accounts, without the password hash and without a row at every login or password
    change: those are the person's doing (or recorded in ``AccountEvent``), not an administrator's edit."""

    def post_save(
        self, instance: models.Model, created: bool, using: str | None = None, **kwargs: object
    ) -> None:
        update_fields = kwargs.get("update_fields")
        if isinstance(update_fields, frozenset) and update_fields and update_fields <= _NOT_HISTORY:
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
    security_stamp = models.CharField(
        _("dấu phiên bảo mật"),
        max_length=32,
        blank=True,
        editable=False,
        help_text=_("Đổi giá trị này làm mọi phiên đăng nhập và mã truy cập API đã cấp hết hiệu lực."),
    )
    history = UserHistory(
        excluded_fields=["password", "last_login", "security_stamp"],
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

    # Django checks this hash on every request of a session (and we on every API token, see
    # ``ApiToken.fingerprint``): it covers the password hash, so a new password set by any path —
    # the person, an administrator, ``manage.py changepassword`` — ends every other session and
    # token; and the security stamp, which ``accounts.services.credentials_revoke`` renews to end
    # them without a password change (deactivation, a second-factor reset).
    def get_session_auth_hash(self) -> str:
        return self._credentials_hash(None)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback in settings.SECRET_KEY_FALLBACKS:
            yield self._credentials_hash(fallback)

    def _credentials_hash(self, secret: str | bytes | None) -> str:
        return salted_hmac(
            "motcua.accounts.User.credentials",
            f"{self.password}\n{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


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


def credentials_fingerprint(credentials_hash: str) -> str:
    return hashlib.sha256(credentials_hash.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 is stored; the raw token is shown once.

    ``fingerprint`` binds the token to the password and security stamp it was issued under (a hash
    of ``User.get_session_auth_hash()``): a token issued before a password change or a revocation of
    every credential no longer works, whichever path changed them. The public identifier is ``uuid``.
    """

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    fingerprint = models.CharField(
        _("dấu mật khẩu lúc cấp"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Mã truy cập hết hiệu lực khi mật khẩu hoặc dấu phiên bảo mật đổi."),
    )
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
    Redis is not configured; written only by ``kernel.ratelimit`` through one atomic upsert."""

    key = models.CharField(_("khóa"), max_length=255, unique=True)
    count = models.PositiveIntegerField(_("số lần"), default=0)
    window_end = models.BigIntegerField(_("hết cửa sổ lúc (giây epoch)"), db_index=True)

    class Meta:
        verbose_name = _("bộ đếm giới hạn tần suất")
        verbose_name_plural = _("bộ đếm giới hạn tần suất")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class SecondFactor(models.Model):
    """A person's second factor: the secret of a TOTP authenticator app (RFC 6238), set when the person
    confirmed a first code. ``last_step`` is the time step of the last code accepted, so that a code
    seen over someone's shoulder cannot be used again within its 90-second validity.

    The secret is stored as is (as django-otp does): the server must compute codes from it. Protect
    database backups like the password hashes next to it.
    """

    user = models.OneToOneField(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="second_factor"
    )
    secret = models.CharField(_("khóa bí mật (base32)"), max_length=64)
    enrolled_at = models.DateTimeField(_("đăng ký lúc"))
    last_step = models.BigIntegerField(_("bước thời gian đã dùng gần nhất"), default=0)

    class Meta:
        verbose_name = _("xác thực hai bước")
        verbose_name_plural = _("xác thực hai bước")

    def __str__(self) -> str:
        return str(self.user)


class RecoveryCode(models.Model):
    """A one-time recovery code, for when the authenticator app is not at hand. Only its SHA-256 is
    stored (the codes are 80 random bits, so a fast hash is enough); each works once."""

    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(_("mã băm SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("tạo lúc"))
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã khôi phục")
        verbose_name_plural = _("mã khôi phục")
        indexes = [models.Index(fields=["user", "digest"], name="recoverycode_user_digest")]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"


class AccountEvent(models.Model):
    """What happened to a login's credentials, who did it and when: second-factor enrolments and
    resets, recovery codes, password changes, deactivations, unlocks. Shown to the person on their
    account page; append-only."""

    class Kind(models.TextChoices):
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Đăng ký xác thực hai bước")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Đặt lại xác thực hai bước")
        RECOVERY_CODES_GENERATED = "recovery_codes_generated", _("Tạo mã khôi phục mới")
        RECOVERY_CODE_USED = "recovery_code_used", _("Đăng nhập bằng mã khôi phục")
        PASSWORD_CHANGED = "password_changed", _("Đổi mật khẩu")
        PASSWORD_SET = "password_set", _("Quản trị đặt mật khẩu")
        DEACTIVATED = "deactivated", _("Khóa tài khoản")
        UNLOCKED = "unlocked", _("Mở khóa đăng nhập")
        TOKENS_REVOKED = "tokens_revoked", _("Thu hồi mọi phiên và mã truy cập")

    user = models.ForeignKey(
        User, verbose_name=_("tài khoản"), on_delete=models.CASCADE, related_name="account_events"
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("người thực hiện"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Trống: lệnh quản trị chạy trên máy chủ."),
    )
    kind = models.CharField(_("sự việc"), max_length=40, choices=Kind.choices)
    at = models.DateTimeField(_("lúc"))
    address = models.CharField(_("địa chỉ IP"), max_length=64, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sự việc bảo mật của tài khoản")
        verbose_name_plural = _("sự việc bảo mật của tài khoản")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"], name="accountevent_user_at")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_kind_display()} — {self.at:%Y-%m-%d %H:%M}"
