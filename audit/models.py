"""Who read whose personal data (Decree 13/2023/NĐ-CP on personal data protection): every time staff
open a dossier's personal data, download its files, look an applicant up at the counter or read a
certified copy, one row. Rows are only ever added (``audit.services.record_access``); nothing in motcua
changes or deletes them. The applicant sees the rows of his own dossiers on the portal.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier
from organization.models import Agency, Role


class PersonalDataAccess(models.Model):
    """One read of personal data by a member of staff: who (account, and the agency and role he acted
    through), when, from which address, what (``kind``) and whose — a dossier, or, for a counter
    look-up, the looked-up identity number kept only as a keyed hash and a mask (docs/adr/0010)."""

    class Kind(models.TextChoices):
        DOSSIER_VIEW = "dossier_view", _("Xem hồ sơ")
        FILE_DOWNLOAD = "file_download", _("Tải tệp của hồ sơ")
        FORM_PRINT = "form_print", _("In biểu mẫu của hồ sơ")
        APPLICANT_LOOKUP = "applicant_lookup", _("Tra cứu người nộp theo số định danh")
        CERTIFIED_COPY = "certified_copy", _("Xem bản sao chứng thực")

    kind = models.CharField(_("nội dung truy cập"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người truy cập"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Đơn vị mà người truy cập làm việc khi xem."),
    )
    role = models.CharField(_("vai trò"), max_length=30, choices=Role.choices, blank=True)
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="personal_data_accesses",
    )
    subject_hash = models.CharField(
        _("mã băm số định danh được tra cứu"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("HMAC-SHA256 với khóa bí mật của hệ thống: so khớp được, không đảo ngược được."),
    )
    subject_mask = models.CharField(_("số định danh (che)"), max_length=20, blank=True)
    found = models.BooleanField(_("có kết quả"), null=True, blank=True)
    object_ref = models.CharField(_("đối tượng"), max_length=100, blank=True)
    client_address = models.CharField(_("địa chỉ mạng"), max_length=45, blank=True)
    at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        verbose_name = _("lượt truy cập dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký truy cập dữ liệu cá nhân")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["dossier", "-at"], name="access_by_dossier"),
            models.Index(fields=["actor", "-at"], name="access_by_actor"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_id} {self.kind}"
