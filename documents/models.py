"""Files and what they are for: uploaded and digitised components, signed results, the personal data
store (kho dữ liệu), certified electronic copies (docs/domain.md §6).

A stored file never changes: a new version of a component is a new row pointing to a new file.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Applicant
from dossiers.models import Dossier, DossierComponent
from organization.models import Agency


class Blob(models.Model):
    """The bytes of a file, stored once (local folder or S3) under a name made of their SHA-256. Two
    people uploading the same bytes share the blob — never the upload record (``StoredFile``), which
    carries the file name and who uploaded it (docs/adr/0010). ``kind`` was read from the bytes."""

    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    kind = models.CharField(_("loại tệp"), max_length=10)
    content_type = models.CharField(_("kiểu nội dung (MIME)"), max_length=120)
    storage_name = models.CharField(_("tên lưu trữ"), max_length=300, unique=True)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("nội dung tệp lưu trữ")
        verbose_name_plural = _("nội dung tệp lưu trữ")

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.size} B)"


class StoredFile(models.Model):
    """One upload (or generated file) as its owner knows it: his file name, who stored it, the OCR text,
    pointing to the shared immutable bytes (``blob``). Every upload is its own row, so a person sees
    only the names he gave; the bytes' properties (``sha256``, ``size``, ``kind``...) are the blob's."""

    uuid = models.UUIDField(_("mã UUID"), default=uuid.uuid4, unique=True, editable=False)
    blob = models.ForeignKey(
        Blob, verbose_name=_("nội dung"), on_delete=models.PROTECT, related_name="uploads"
    )
    name = models.CharField(_("tên tệp"), max_length=150)
    text = models.TextField(_("nội dung văn bản (OCR)"), blank=True)
    text_folded = models.TextField(_("nội dung không dấu"), blank=True, editable=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tệp")
        verbose_name_plural = _("tệp")

    def __str__(self) -> str:
        return f"{self.name} ({self.sha256[:12]})"

    @property
    def sha256(self) -> str:
        return self.blob.sha256

    @property
    def size(self) -> int:
        return self.blob.size

    @property
    def kind(self) -> str:
        return self.blob.kind

    @property
    def content_type(self) -> str:
        return self.blob.content_type

    @property
    def storage_name(self) -> str:
        return self.blob.storage_name

    @property
    def pages(self) -> int | None:
        return self.blob.pages


class ComponentFile(models.Model):
    """A version of the file of one filed paper. A supplement adds a version, never overwrites one."""

    class Source(models.TextChoices):
        UPLOADED = "uploaded", _("Tải lên")
        DIGITIZED = "digitized", _("Số hóa tại bộ phận một cửa")
        REUSED = "reused", _("Tái sử dụng từ kho dữ liệu")
        NATIONAL = "national", _("Lấy từ kho dữ liệu quốc gia")

    component = models.ForeignKey(
        DossierComponent, verbose_name=_("giấy tờ đã nộp"), on_delete=models.PROTECT, related_name="files"
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    file = models.ForeignKey(
        StoredFile, verbose_name=_("tệp"), on_delete=models.PROTECT, related_name="component_uses"
    )
    source = models.CharField(_("nguồn"), max_length=12, choices=Source.choices)
    supplement = models.BooleanField(_("nộp bổ sung"), default=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tệp thành phần hồ sơ")
        verbose_name_plural = _("tệp thành phần hồ sơ")
        ordering = ["component", "version"]
        constraints = [
            models.UniqueConstraint(fields=["component", "version"], name="component_file_version")
        ]

    def __str__(self) -> str:
        return f"{self.component} v{self.version}"


class Digitization(models.Model):
    """How one filed paper was digitised at reception (docs/domain.md §6): scanned (with page count, OCR and the
    officer's signature), reused from the data store, taken from the national data, or exempt."""

    class Status(models.TextChoices):
        DIGITIZED = "digitized", _("Đã số hóa")
        REUSED = "reused", _("Tái sử dụng dữ liệu số")
        NATIONAL = "national", _("Lấy từ kho dữ liệu quốc gia")
        EXEMPT = "exempt", _("Không phải số hóa")

    class Exemption(models.TextChoices):
        ONLINE = "online", _("Hồ sơ nộp trực tuyến")
        SHOWN_ONLY = "shown_only", _("Giấy tờ chỉ xuất trình")
        CLASSIFIED = "classified", _("Tài liệu mật")

    component = models.OneToOneField(
        DossierComponent,
        verbose_name=_("giấy tờ đã nộp"),
        on_delete=models.PROTECT,
        related_name="digitization",
    )
    status = models.CharField(_("tình trạng số hóa"), max_length=12, choices=Status.choices)
    exemption = models.CharField(
        _("lý do không số hóa"), max_length=12, choices=Exemption.choices, blank=True
    )
    declared_pages = models.PositiveIntegerField(_("số trang bản giấy"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("số trang bản số hóa"), null=True, blank=True)
    file = models.ForeignKey(
        StoredFile,
        verbose_name=_("tệp số hóa"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Bản số hóa đã ký số."),
    )
    ocr_seconds = models.FloatField(_("thời gian nhận dạng chữ (giây)"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người số hóa"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(_("thời điểm"))

    class Meta:
        verbose_name = _("số hóa thành phần hồ sơ")
        verbose_name_plural = _("số hóa thành phần hồ sơ")

    def __str__(self) -> str:
        return f"{self.component}: {self.get_status_display()}"


class CertificateAuthority(models.Model):
    """A certificate authority motcua runs itself: the demo CA that issues the agencies' signing
    certificates when no real ones are configured (``MOTCUA_DEMO_PKI``). Kept in the database, not on
    disk, so every app server signs with, and trusts, the same CA; the private key is sealed with a key
    derived from ``SECRET_KEY`` (documents/signing/credentials.py)."""

    slug = models.SlugField(_("mã"), unique=True)
    name = models.CharField(_("tên"), max_length=200)
    certificate_pem = models.TextField(_("chứng thư (PEM)"))
    key_sealed = models.TextField(_("khóa bí mật (đã mã hóa)"))
    serial = models.CharField(_("số sê-ri"), max_length=100)
    not_after = models.DateTimeField(_("hết hạn"))
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("tổ chức cấp chứng thư nội bộ")
        verbose_name_plural = _("tổ chức cấp chứng thư nội bộ")

    def __str__(self) -> str:
        return self.name


class SigningCredential(models.Model):
    """An agency's signing certificate and key (PKCS#12). The demo creates them from a local
    certificate authority; a province configures the ones its CA issued."""

    agency = models.OneToOneField(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="signing_credential"
    )
    pkcs12 = models.BinaryField(_("tệp PKCS#12"))
    passphrase = models.CharField(_("mật khẩu PKCS#12"), max_length=200, blank=True)
    subject = models.CharField(_("chủ thể chứng thư"), max_length=500)
    serial = models.CharField(_("số sê-ri"), max_length=100)
    not_after = models.DateTimeField(_("hết hạn"))
    demo = models.BooleanField(_("chứng thư thử nghiệm (CA nội bộ)"), default=False)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("chứng thư ký số của cơ quan")
        verbose_name_plural = _("chứng thư ký số của cơ quan")

    def __str__(self) -> str:
        return f"{self.agency} — {self.subject}"


class ResultDocument(models.Model):
    """A result issued for a dossier, electronic and digitally signed (seed 000 4.h). ``verification_id``
    is what the QR code on it points to; ``file`` is the signed PDF, whose SHA-256 identifies it."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="results"
    )
    verification_id = models.UUIDField(_("mã xác thực"), default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("tên kết quả"), max_length=500)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    file = models.ForeignKey(
        StoredFile, verbose_name=_("tệp đã ký"), on_delete=models.PROTECT, related_name="+"
    )
    source_file = models.ForeignKey(
        StoredFile,
        verbose_name=_("tệp trước khi ký"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Bản trước khi ký."),
    )
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="+")
    signer = models.CharField(_("người ký / cơ quan ký"), max_length=300)
    certificate_serial = models.CharField(_("số sê-ri chứng thư"), max_length=100)
    signed_at = models.DateTimeField(_("ký lúc"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản ký"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kết quả điện tử")
        verbose_name_plural = _("kết quả điện tử")
        ordering = ["dossier", "signed_at"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.title}"


class VaultItem(models.Model):
    """A paper in a citizen's or organisation's personal data store (kho quản lý dữ liệu điện tử): a
    digitised paper, a result, a certified copy. A later dossier that needs the same type, still
    valid, reuses it instead of a new upload (docs/domain.md §6)."""

    class Source(models.TextChoices):
        DIGITIZED = "digitized", _("Số hóa khi nộp hồ sơ")
        UPLOADED = "uploaded", _("Tải lên khi nộp trực tuyến")
        RESULT = "result", _("Kết quả giải quyết TTHC")
        CERTIFIED_COPY = "certified_copy", _("Bản sao điện tử có chứng thực")

    owner = models.ForeignKey(
        Applicant, verbose_name=_("chủ sở hữu"), on_delete=models.PROTECT, related_name="vault_items"
    )
    doc_type = models.CharField(_("loại giấy tờ"), max_length=500)
    type_key = models.CharField(_("khóa loại giấy tờ"), max_length=500, db_index=True, editable=False)
    number = models.CharField(_("số giấy tờ"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=300, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    expires_on = models.DateField(_("ngày hết hạn"), null=True, blank=True)
    file = models.ForeignKey(StoredFile, verbose_name=_("tệp"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("kho dữ liệu cá nhân, tổ chức")
        ordering = ["owner", "-created_at"]

    def __str__(self) -> str:
        return f"{self.doc_type} — {self.owner}"


class CertifiedCopy(models.Model):
    """A certified electronic copy made from an original (chứng thực bản sao điện tử từ bản chính):
    scanned and checked by a commune officer, signed, numbered in the agency's certification register,
    and delivered to the requester's data store."""

    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chứng thực"),
        on_delete=models.PROTECT,
        related_name="certified_copies",
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số chứng thực"))
    requester = models.ForeignKey(
        Applicant, verbose_name=_("người yêu cầu"), on_delete=models.PROTECT, related_name="certified_copies"
    )
    document_title = models.CharField(_("tên giấy tờ"), max_length=500)
    original_number = models.CharField(_("số, ký hiệu bản chính"), max_length=100, blank=True)
    original_issuer = models.CharField(_("cơ quan cấp bản chính"), max_length=300, blank=True)
    pages = models.PositiveIntegerField(_("số trang"))
    file = models.ForeignKey(StoredFile, verbose_name=_("tệp"), on_delete=models.PROTECT, related_name="+")
    vault_item = models.OneToOneField(
        VaultItem,
        verbose_name=_("giấy tờ trong kho dữ liệu"),
        on_delete=models.PROTECT,
        related_name="certified_copy",
    )
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chứng thực"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    certified_at = models.DateTimeField(_("chứng thực lúc"))

    class Meta:
        verbose_name = _("bản sao điện tử có chứng thực")
        verbose_name_plural = _("sổ chứng thực bản sao điện tử")
        ordering = ["agency", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"], name="certified_copy_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.year} — {self.document_title}"

    @property
    def register_number(self) -> str:
        return f"{self.number:04d}/{self.year}/SCT-BSĐT"
