"""Forms of the officer workspace: inbox filters, counter reception and the dialogs of dossier actions.

They only shape and check input; every rule of the domain stays in the services, whose refusals
(``DomainError`` with ``fields``) are put back on the matching form fields. A field with a hint or an
error points to it with ``aria-describedby`` and says ``aria-invalid``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Applicant
from catalog.models import TimeUnit
from dossiers.models import DeliveryMethod, Outcome
from dossiers.transitions import STATUS_LABELS, Status
from kernel.errors import DomainError
from kernel.text import nfc
from worktime.calendar import VN_TZ

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NATIONAL_ID = re.compile(r"^\d{12}$")
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")


class AccessibleForm(forms.Form):
    """A form whose widgets name their hint and error (WCAG 2.1: 1.3.1, 3.3.1)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()

    def full_clean(self) -> None:
        super().full_clean()
        self.describe()

    def describe(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}-help")
            if name in errors:
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def add_domain_error(self, error: DomainError, field_map: Mapping[str, str] | None = None) -> None:
        """Put a service's refusal on the fields it names (``reason`` → ``reason`` unless mapped)."""
        field_map = field_map or {}
        placed = False
        for key, messages in error.fields.items():
            name = field_map.get(key, key)
            if name in self.fields:
                for message in messages:
                    self.add_error(name, message)
                placed = True
        if not placed:
            self.add_error(None, error.message)
        self.describe()


def set_choices(field: forms.Field, choices: Iterable[tuple[str, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = list(choices)


def _textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def lines(value: str) -> list[str]:
    """One item per line, empty lines dropped, NFC."""
    return [nfc(line) for line in value.splitlines() if nfc(line)]


# ---------------------------------------------------------------------------------------------
# Inbox

INBOX_STATUSES = [(s.value, label) for s, label in STATUS_LABELS.items() if s != Status.DRAFT]


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả trạng thái")), *INBOX_STATUSES]
    )
    procedure = forms.CharField(
        label=_("Mã thủ tục"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("ví dụ 1.001193"), "autocomplete": "off"}),
    )
    overdue = forms.ChoiceField(
        label=_("Thời hạn"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Chỉ hồ sơ quá hạn")), ("0", _("Không quá hạn"))],
    )
    q = forms.CharField(
        label=_("Tìm mã hồ sơ, họ tên, số định danh"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("không cần dấu"), "autocomplete": "off"}
        ),
    )


# ---------------------------------------------------------------------------------------------
# Counter reception


class ReceptionForm(AccessibleForm):
    """The counter form for one procedure. The component checklist is built per procedure:
    ``c_<id>`` (received), ``c_<id>_originals``, ``c_<id>_copies``, ``c_<id>_pages`` (paper pages
    when a scan is attached as ``c_<id>_scan``)."""

    receiving_agency = forms.ChoiceField(label=_("Nơi tiếp nhận"), required=False)
    handling_agency = forms.ChoiceField(label=_("Cơ quan giải quyết"), required=False)
    case = forms.ChoiceField(label=_("Trường hợp"), required=False)
    id_number = forms.CharField(
        label=_("Số định danh cá nhân (CCCD) hoặc mã số thuế"),
        max_length=14,
        help_text=_("12 chữ số với cá nhân; 10 chữ số (hoặc 10-3) với tổ chức. Hệ thống tự tìm người đã có."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "autofocus": True}),
    )
    name = forms.CharField(
        label=_("Họ tên người nộp / tên tổ chức"),
        max_length=300,
        required=False,
        help_text=_("Người đã có trong hệ thống: để trống, hệ thống lấy theo số định danh."),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    # What the applicant asked for (dossiers/notice_choice.py checks the number and the address).
    notify_email = forms.BooleanField(label=_("Gửi thông báo về hồ sơ qua thư điện tử"), required=False)
    notify_sms = forms.BooleanField(
        label=_("Gửi thông báo về hồ sơ qua SMS"),
        required=False,
        help_text=_(
            "Tới số di động ghi ở trên. Người nộp có tài khoản luôn nhận thông báo trong hộp thư trên Cổng."
        ),
    )
    representative_name = forms.CharField(
        label=_("Người được ủy quyền (nếu có)"), max_length=300, required=False
    )
    representative_id = forms.CharField(
        label=_("Số định danh người được ủy quyền"), max_length=12, required=False
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False, widget=_textarea(2))
    processing_amount = forms.DecimalField(
        label=_("Thời hạn giải quyết"), required=False, min_value=Decimal("0.01"), max_value=Decimal(1000)
    )
    processing_unit = forms.ChoiceField(label=_("Đơn vị"), required=False, choices=TimeUnit.choices)

    def __init__(
        self,
        *args: Any,
        receiving: Iterable[tuple[str, str]] = (),
        handling: Iterable[tuple[str, str]] = (),
        cases: Iterable[tuple[str, str]] = (),
        components: Iterable[Any] = (),
        ask_processing_time: bool = False,
        **kwargs: Any,
    ) -> None:
        self.components = list(components)
        super().__init__(*args, **kwargs)
        set_choices(self.fields["receiving_agency"], list(receiving))
        set_choices(self.fields["handling_agency"], [("", "Theo thẩm quyền (tự xác định)"), *handling])
        set_choices(self.fields["case"], [("", "Không chọn trường hợp"), *cases])
        if not ask_processing_time:
            del self.fields["processing_amount"]
            del self.fields["processing_unit"]
        for component in self.components:
            key = f"c_{component.pk}"
            self.fields[key] = forms.BooleanField(label=component.name, required=False)
            self.fields[f"{key}_originals"] = forms.IntegerField(
                label=_("Bản chính"),
                min_value=0,
                max_value=99,
                initial=component.originals or 0,
                required=False,
            )
            self.fields[f"{key}_copies"] = forms.IntegerField(
                label=_("Bản sao"), min_value=0, max_value=99, initial=component.copies or 0, required=False
            )
            self.fields[f"{key}_pages"] = forms.IntegerField(
                label=_("Số trang bản giấy"), min_value=1, max_value=500, required=False
            )
        self.describe()

    def clean_id_number(self) -> str:
        value = "".join(self.cleaned_data["id_number"].split())
        if not (NATIONAL_ID.match(value) or TAX_CODE.match(value)):
            raise forms.ValidationError(
                "Nhập số định danh cá nhân gồm 12 chữ số, hoặc mã số thuế gồm 10 chữ số (hoặc 10-3)."
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for component in self.components:
            key = f"c_{component.pk}"
            # The receipt (form 01 of TT 03/2025/TT-VPCP) states what was handed over, with its numbers
            # of originals and copies: a paper ticked as received came as at least one of either.
            if data.get(key) and not (data.get(f"{key}_originals") or data.get(f"{key}_copies")):
                self.add_error(key, "Ghi số bản chính hoặc bản sao đã nhận của giấy tờ này.")
        number = data.get("id_number")
        if number and not (data.get("name") or "").strip():
            # Enter right after the number: a known applicant needs nothing more.
            lookup = {"national_id": number} if NATIONAL_ID.match(number) else {"tax_code": number}
            known = Applicant.objects.filter(**lookup).values_list("name", flat=True).first()
            if known:
                data["name"] = known
            else:
                self.add_error("name", "Nhập họ tên người nộp (người nộp chưa có trong hệ thống).")
        return data

    @property
    def applicant_kind(self) -> str:
        return "individual" if NATIONAL_ID.match(self.cleaned_data.get("id_number", "")) else "organization"

    def component_rows(self) -> list[dict[str, Any]]:
        """The checklist for the template, with its bound fields."""
        return [
            {
                "requirement": c,
                "received": self[f"c_{c.pk}"],
                "originals": self[f"c_{c.pk}_originals"],
                "copies": self[f"c_{c.pk}_copies"],
                "pages": self[f"c_{c.pk}_pages"],
                "scan_name": f"c_{c.pk}_scan",
            }
            for c in self.components
        ]

    def received_components(self) -> list[tuple[Any, int, int, int | None]]:
        """(requirement, originals, copies, declared pages) of every ticked paper, in catalog order."""
        data = self.cleaned_data
        return [
            (
                c,
                data.get(f"c_{c.pk}_originals") or 0,
                data.get(f"c_{c.pk}_copies") or 0,
                data.get(f"c_{c.pk}_pages"),
            )
            for c in self.components
            if data.get(f"c_{c.pk}")
        ]


# ---------------------------------------------------------------------------------------------
# Action dialogs (one small form per action; the service decides)


class ConfirmForm(AccessibleForm):
    """An action that needs nothing typed (the dialog shows what it will produce)."""


class NoteForm(AccessibleForm):
    note = forms.CharField(label=_("Ghi chú"), max_length=4000, required=False, widget=_textarea(2))


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label=_("Lý do"), max_length=4000, widget=_textarea(3))


class ItemsForm(AccessibleForm):
    items = forms.CharField(
        label=_("Nội dung cần bổ sung, hoàn thiện"),
        help_text=_("Mỗi dòng một nội dung. Liệt kê một lần, đầy đủ (NĐ 61/2018/NĐ-CP, Điều 15)."),
        max_length=8000,
        widget=_textarea(5),
    )
    reason = forms.CharField(label=_("Lý do"), max_length=4000, required=False, widget=_textarea(2))

    def clean_items(self) -> list[str]:
        return lines(self.cleaned_data["items"])


class SupplementForm(ItemsForm):
    """A supplement request after reception: what is missing, and by when (the service refuses a date
    in the past or not a working day, with the reason)."""

    supply_by = forms.DateField(
        label=_("Hạn người nộp bổ sung"),
        help_text=_("Ngày làm việc cuối cùng để người nộp bổ sung; mặc định 10 ngày làm việc."),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ForwardForm(AccessibleForm):
    step = forms.ChoiceField(label=_("Bước đang xử lý"), required=False)
    assignee = forms.ChoiceField(
        label=_("Người nhận bước tiếp theo"),
        required=False,
        help_text=_("Bỏ trống để giao cho mọi người có vai trò của bước tiếp theo."),
    )
    note = forms.CharField(label=_("Ý kiến, ghi chú"), max_length=4000, required=False, widget=_textarea(2))

    def __init__(
        self,
        *args: Any,
        steps: Iterable[tuple[str, str]] = (),
        assignees: Iterable[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        steps = list(steps)
        set_choices(self.fields["step"], steps)
        if len(steps) <= 1:
            self.fields["step"].widget = forms.HiddenInput()
        set_choices(self.fields["assignee"], [("", "— Chưa chỉ định —"), *assignees])
        self.describe()


class SendBackForm(AccessibleForm):
    step = forms.ChoiceField(label=_("Bước đang xử lý"), required=False)
    reason = forms.CharField(label=_("Lý do trả lại"), max_length=4000, widget=_textarea(3))

    def __init__(
        self,
        *args: Any,
        steps: Iterable[tuple[str, str]] = (),
        reason_label: StrOrPromise = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if reason_label:  # a leader's "not approved" (web.workspace_actions.APPROVAL)
            self.fields["reason"].label = reason_label
            self["reason"].label = reason_label  # the bound field was made (``describe``) before
        steps = list(steps)
        set_choices(self.fields["step"], steps)
        if len(steps) <= 1:
            self.fields["step"].widget = forms.HiddenInput()
        self.describe()


CONSULT_ROWS = 3


class ConsultForm(AccessibleForm):
    """Up to three agencies consulted in parallel; exactly one leads (the service checks)."""

    lead = forms.ChoiceField(
        label=_("Cơ quan chủ trì"),
        choices=[(str(i), f"Cơ quan thứ {i}") for i in range(1, CONSULT_ROWS + 1)],
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, agencies: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— Chọn cơ quan —")), *agencies]
        for i in range(1, CONSULT_ROWS + 1):
            self.fields[f"agency_{i}"] = forms.ChoiceField(
                label=_("Cơ quan thứ %(n)s") % {"n": i}, choices=choices, required=i == 1
            )
            self.fields[f"task_{i}"] = forms.CharField(
                label=_("Nhiệm vụ của cơ quan thứ %(n)s") % {"n": i}, max_length=2000, required=False
            )
            self.fields[f"days_{i}"] = forms.DecimalField(
                label=_("Thời hạn (ngày làm việc) của cơ quan thứ %(n)s") % {"n": i},
                min_value=Decimal("0.5"),
                max_value=Decimal(365),
                required=False,
            )
        self.describe()

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"n": i, "agency": self[f"agency_{i}"], "task": self[f"task_{i}"], "days": self[f"days_{i}"]}
            for i in range(1, CONSULT_ROWS + 1)
        ]

    def requests(self) -> list[tuple[str, str, Decimal, bool]]:
        """(agency code, task, working days, lead) of every filled row."""
        data = self.cleaned_data
        found = []
        for i in range(1, CONSULT_ROWS + 1):
            code = data.get(f"agency_{i}")
            if code:
                found.append(
                    (
                        code,
                        data.get(f"task_{i}") or "",
                        data.get(f"days_{i}") or Decimal(0),
                        data.get("lead") == str(i),
                    )
                )
        return found


class ConsultReplyForm(AccessibleForm):
    agency = forms.ChoiceField(label=_("Trả lời thay mặt"))
    answer = forms.CharField(label=_("Ý kiến trả lời"), max_length=4000, widget=_textarea(4))

    def __init__(self, *args: Any, agencies: Iterable[tuple[str, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["agency"], list(agencies))
        self.describe()


class ExtendForm(AccessibleForm):
    new_appointment = forms.DateTimeField(
        label=_("Ngày, giờ hẹn trả kết quả mới"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Lý do chậm giải quyết"), max_length=4000, widget=_textarea(3))

    def clean_new_appointment(self) -> datetime:
        value: datetime = self.cleaned_data["new_appointment"]
        # The officer types a local time (Asia/Ho_Chi_Minh).
        return value.replace(tzinfo=VN_TZ) if value.tzinfo is None else value.astimezone(VN_TZ)


class ResolveForm(AccessibleForm):
    outcome = forms.ChoiceField(
        label=_("Kết quả giải quyết"),
        choices=Outcome.choices,
        initial=Outcome.APPROVED,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Nội dung kết quả / lý do từ chối"),
        help_text=_("Bắt buộc nêu rõ lý do khi từ chối giải quyết."),
        max_length=4000,
        required=False,
        widget=_textarea(3),
    )


class DeliverForm(AccessibleForm):
    method = forms.ChoiceField(
        label=_("Hình thức trả kết quả"), choices=DeliveryMethod.choices, initial=DeliveryMethod.COUNTER
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=4000, required=False, widget=_textarea(2))


class IssueResultForm(AccessibleForm):
    file = forms.FileField(
        label=_("Tệp kết quả (PDF)"),
        help_text=_(
            "Hệ thống ký số bằng chứng thư của cơ quan giải quyết và lưu vào kho dữ liệu của người nộp."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    title = forms.CharField(label=_("Tên kết quả"), max_length=500)
    number = forms.CharField(label=_("Số, ký hiệu"), max_length=100, required=False)


class DigitizeForm(AccessibleForm):
    declared_pages = forms.IntegerField(
        label=_("Số trang của bản giấy"),
        min_value=1,
        max_value=500,
        help_text=_("Hệ thống so số trang bản quét với số trang bản giấy."),
    )


class UploadForm(AccessibleForm):
    file = forms.FileField(label=_("Tệp đính kèm (PDF, ảnh)"))
