"""Forms of the citizen portal: the online filing wizard, files, supplements, withdrawal.

Labels, help texts and messages are Vietnamese; Django renders ``aria-describedby`` and
``aria-invalid`` for help texts and errors. Domain rules stay in the services: these forms only check
what a browser can get wrong (missing field, too long, malformed number).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from catalog.models import ProcedureCase
from documents.models import VaultItem
from documents.validation import ALLOWED_LABEL
from kernel.text import nfc
from organization.models import Agency

PHONE = re.compile(r"^(\+84|0)\d{9,10}$")
NATIONAL_ID = re.compile(r"^\d{12}$")


def _text(value: str | None) -> str:
    return nfc(value or "")


class PlaceForm(forms.Form):
    """Step 1: the case (trường hợp) of the procedure and where the dossier is filed."""

    case = forms.TypedChoiceField(
        label=_("Trường hợp của bạn"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Hãy chọn một trường hợp."),
            "invalid_choice": _("Trường hợp không hợp lệ."),
        },
    )
    receiving = forms.ChoiceField(
        label=_("Nơi nộp hồ sơ"),
        help_text=_("Trung tâm Phục vụ hành chính công sẽ kiểm tra và tiếp nhận hồ sơ."),
        error_messages={
            "required": _("Hãy chọn nơi nộp hồ sơ."),
            "invalid_choice": _("Nơi nộp không hợp lệ."),
        },
    )
    handling = forms.ChoiceField(
        label=_("Cơ quan giải quyết"),
        required=False,
        error_messages={"invalid_choice": _("Cơ quan giải quyết không hợp lệ.")},
    )

    def __init__(
        self,
        *args: Any,
        cases: Iterable[ProcedureCase],
        province_centres: Iterable[Agency],
        commune_centres: Iterable[Agency],
        handling_agencies: Iterable[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        case_choices = [(c.pk, c.name) for c in cases]
        if case_choices:
            self.fields["case"].choices = case_choices  # type: ignore[attr-defined]
        else:
            del self.fields["case"]
        groups: list[tuple[str, list[tuple[str, str]]]] = []
        province = [(a.code, a.name) for a in province_centres]
        commune = [(a.code, a.name) for a in commune_centres]
        if province:
            groups.append(("Cấp tỉnh", province))
        if commune:
            groups.append(("Cấp xã, phường", commune))
        self.fields["receiving"].choices = [("", "— Chọn nơi nộp —"), *groups]  # type: ignore[attr-defined]
        handling = [(a.code, a.name) for a in handling_agencies]
        if len(handling) > 1:
            self.fields["handling"].choices = [("", "— Chọn cơ quan —"), *handling]  # type: ignore[attr-defined]
            self.fields["handling"].help_text = "Chỉ cần chọn khi nộp tại Trung tâm cấp tỉnh."
        else:
            del self.fields["handling"]


class ApplicationForm(forms.Form):
    """Step 2: the e-form. Name and identity come from the account; contact details are editable."""

    address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=500, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        help_text=_("Để cán bộ liên hệ khi cần. Ví dụ: 0912345678."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    representative_name = forms.CharField(
        label=_("Họ tên người được ủy quyền (nếu có)"), max_length=300, required=False
    )
    representative_id = forms.CharField(
        label=_("Số định danh cá nhân của người được ủy quyền"),
        max_length=12,
        required=False,
        help_text=_("12 chữ số."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label=_("Nội dung đề nghị, ghi chú cho cán bộ (nếu có)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_phone(self) -> str:
        phone = re.sub(r"[\s.\-()]", "", self.cleaned_data.get("phone") or "")
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("Số điện thoại gồm 10–11 chữ số, bắt đầu bằng 0 hoặc +84.")
        return phone

    def clean_representative_id(self) -> str:
        value = (self.cleaned_data.get("representative_id") or "").strip()
        if value and not NATIONAL_ID.match(value):
            raise forms.ValidationError("Số định danh cá nhân phải gồm đúng 12 chữ số.")
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("address", "representative_name", "note"):
            data[name] = _text(data.get(name))
        if not data.get("phone") and not data.get("email") and not self.has_error("phone"):
            self.add_error("phone", "Cần ít nhất số điện thoại hoặc thư điện tử để liên hệ.")
        if (
            data.get("representative_name")
            and not data.get("representative_id")
            and not self.has_error("representative_id")
        ):
            self.add_error("representative_id", "Nhập số định danh của người được ủy quyền.")
        if data.get("representative_id") and not data.get("representative_name"):
            self.add_error("representative_name", "Nhập họ tên người được ủy quyền.")
        return data


class UploadForm(forms.Form):
    """One file for one component. The service checks the content (type from the bytes, limits)."""

    file = forms.FileField(
        label=_("Chọn tệp"),
        allow_empty_file=True,  # the upload service says why, in its own words
        error_messages={
            "required": _("Hãy chọn tệp cần tải lên."),
            "missing": _("Hãy chọn tệp cần tải lên."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.MOTCUA_UPLOAD_MAX_MB
        self.fields["file"].help_text = f"{ALLOWED_LABEL}; tối đa {limit} MB."

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.MOTCUA_UPLOAD_MAX_MB * 1024 * 1024
        if upload is not None and upload.size is not None and upload.size > limit:
            # Refused before it is read into memory.
            raise forms.ValidationError(
                f"Tệp quá lớn: {upload.size / 1024 / 1024:.1f} MB, tối đa {settings.MOTCUA_UPLOAD_MAX_MB} MB."
            )
        return upload


class ReuseForm(forms.Form):
    """A paper of the applicant's data store used for a component instead of a new upload."""

    vault_item = forms.TypedChoiceField(
        label=_("Hoặc dùng giấy tờ có sẵn trong Kho dữ liệu"),
        coerce=int,
        error_messages={"required": _("Hãy chọn giấy tờ."), "invalid_choice": _("Giấy tờ không hợp lệ.")},
    )

    def __init__(self, *args: Any, items: Iterable[VaultItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vault_item"].choices = [  # type: ignore[attr-defined]
            (item.pk, vault_item_label(item)) for item in items
        ]


def vault_item_label(item: VaultItem) -> str:
    parts = [item.doc_type[:120]]
    if item.number:
        parts.append(f"số {item.number}")
    if item.issued_on:
        parts.append(f"cấp ngày {item.issued_on:%d/%m/%Y}")
    return ", ".join(parts)


class SupplementForm(forms.Form):
    """The applicant's word to the officer when sending what was asked for."""

    note = forms.CharField(
        label=_("Lời nhắn cho cán bộ (nếu có)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self) -> str:
        return _text(self.cleaned_data.get("note"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do rút hồ sơ (nếu có)"),
        max_length=500,
        required=False,
        widget=forms.TextInput(),
    )

    def clean_reason(self) -> str:
        return _text(self.cleaned_data.get("reason"))
