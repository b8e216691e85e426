"""The dossier's choice of notices (docs/domain.md §4 rule 11): said when filing (here through the API),
checked against the phone and e-mail address filed, each fault said precisely, nothing written when
refused; changed on a draft by its applicant only."""

from __future__ import annotations

import pytest

from dossiers.models import Dossier
from dossiers.notice_choice import mobile_number
from dossiers.services import dossier_choose_notices
from kernel.errors import DomainError, Forbidden
from testing.dossiers import ONLINE, counter_body

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("phone", "number"),
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("+84 912.345.678", "0912345678"),
        ("84-386-123-456", "0386123456"),
        ("0221 3862 000", None),  # a landline
        ("091234567", None),
        ("0123456789", None),
        ("", None),
    ],
)
def test_what_counts_as_a_mobile_number(phone, number):
    assert mobile_number(phone) == number


def file(api, officer, **changes):
    body = counter_body(**{k: v for k, v in changes.items() if k.startswith("notify_")})
    body["applicant"].update({k: v for k, v in changes.items() if not k.startswith("notify_")})
    return api(officer).post("dossiers", body)


def test_the_counter_records_what_the_applicant_asked_for(api, officer_a):
    status, body = file(api, officer_a, phone="+84 987.654.321", notify_sms=True, notify_email=False)
    assert status == 201, body
    dossier = Dossier.objects.get(code=body["code"])
    assert (dossier.notify_email, dossier.notify_sms) == (False, True)
    assert dossier.applicant_phone == "0987654321"  # as the SMS gateway takes it


def test_a_dossier_filed_without_a_choice_keeps_the_saved_preference(api, officer_a):
    status, body = file(api, officer_a)
    assert status == 201, body
    dossier = Dossier.objects.get(code=body["code"])
    assert (dossier.notify_email, dossier.notify_sms, dossier.applicant_phone) == (None, None, "0987654321")


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        (
            {"phone": "", "notify_sms": True},
            {"applicant.phone": ["Để nhận thông báo qua SMS cần số điện thoại di động của người nộp."]},
        ),
        (
            {"phone": "02213862000", "notify_sms": True},
            {
                "applicant.phone": [
                    "Số «02213862000» không nhận được SMS: cần số di động Việt Nam gồm 10 chữ số, bắt đầu "
                    "bằng 03, 05, 07, 08 hoặc 09 (hoặc +84)."
                ]
            },
        ),
        (
            {"email": "", "notify_email": True},
            {"applicant.email": ["Để nhận thông báo qua thư điện tử cần địa chỉ thư điện tử của người nộp."]},
        ),
        (
            {"email": "dan@", "phone": "", "notify_email": True, "notify_sms": True},
            {
                "applicant.email": ["Địa chỉ thư điện tử «dan@» không hợp lệ."],
                "applicant.phone": ["Để nhận thông báo qua SMS cần số điện thoại di động của người nộp."],
            },
        ),
    ],
)
def test_a_chosen_channel_without_a_working_address_is_refused(api, officer_a, changes, fields):
    before = Dossier.objects.count()
    status, body = file(api, officer_a, **changes)
    assert status == 400, body
    assert body["error"]["code"] == "invalid_notice_contact"
    assert body["error"]["fields"] == fields
    assert body["error"]["message"] == " ".join(text for texts in fields.values() for text in texts)
    assert Dossier.objects.count() == before


def test_only_the_applicant_changes_the_choice_and_only_on_a_draft(api, citizen, business, officer_a):
    status, body = api(citizen).post("dossiers", {**ONLINE, "draft": True})
    assert status == 201, body
    draft = Dossier.objects.get(uuid=body["reference"])
    with pytest.raises(Forbidden):
        dossier_choose_notices(dossier=draft, actor=business, email=False, sms=True)
    dossier_choose_notices(dossier=draft, actor=citizen, email=False, sms=True)
    draft.refresh_from_db()
    assert (draft.notify_email, draft.notify_sms) == (False, True)
    assert draft.events.filter(action="edit_draft").get().data == {"changed": ["notify_email", "notify_sms"]}
    status, body = api(citizen).post("dossiers", ONLINE)
    submitted = Dossier.objects.get(code=body["reference"])  # submitted: known by its code (ADR 0021)
    with pytest.raises(DomainError) as refused:
        dossier_choose_notices(dossier=submitted, actor=citizen, email=True, sms=True)
    assert refused.value.code == "not_a_draft" and refused.value.status == 409
