"""The notices' templates: seeded for every kind and channel, edited by an administrator through the
service and the admin, refused at save with a precise message when they would not render, rendered
sandboxed (only the notice's own values)."""

from __future__ import annotations

import pytest
from django.test import Client

from kernel.errors import DomainError
from notices import defaults
from notices.models import Channel, Kind, NoticeTemplate
from notices.services import template_refusal, template_update
from testing.dossiers import vn
from testing.notices import counter, deliver, notices

pytestmark = pytest.mark.django_db


def template(kind: str = "received", channel: str = "email") -> NoticeTemplate:
    return NoticeTemplate.objects.get(kind=kind, channel=channel)


def test_every_kind_has_a_template_on_every_channel():
    found = set(NoticeTemplate.objects.values_list("kind", "channel"))
    assert found == {(k, c) for k in Kind.values for c in Channel.values}
    assert all(t.subject for t in NoticeTemplate.objects.exclude(channel="sms"))


def test_an_edited_template_is_used_for_the_next_notice(api, officer_a, province_admin, clock):
    template_update(
        actor=province_admin,
        template=template(channel="inbox"),
        subject="Đã nhận hồ sơ {{ ma_ho_so }}",
        body="Chào {{ nguoi_nop }}, hẹn {{ ngay_hen_tra }}.",
    )
    clock(vn(2026, 3, 2, 9, 0))
    code = counter(api, officer_a)
    deliver()
    (inbox,) = notices(code, channel="inbox")
    assert inbox.subject == f"Đã nhận hồ sơ {code}"
    assert inbox.body == "Chào Nguyễn Thị Dân, hẹn 09:00 ngày 03/03/2026."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Hồ sơ\n{{ ma_ho_so }",
            "Nội dung: «{{ ma_ho_so }» ở dòng 2 chưa được đóng đúng (thiếu }} hoặc %}).",
        ),
        ("Hồ sơ {% if ma_ho_so %}{{ ma_ho_so }}", "Nội dung: lỗi cú pháp mẫu"),
        ("Hồ sơ {{ ma_hoso }}", "Nội dung: không có biến {{ ma_hoso }}."),
        ("{% debug %}", "Nội dung: không được dùng thẻ {% debug %} trong mẫu thông báo."),
        ('{% include "web/base.html" %}', "Nội dung: không được dùng thẻ {% include %} trong mẫu thông báo."),
        ("{% load static %}", "Nội dung: không được dùng thẻ {% load %} trong mẫu thông báo."),
        ("{{ ma_ho_so|khong_co }}", "Nội dung: lỗi cú pháp mẫu — Invalid filter: 'khong_co'"),
        ("   ", "Nội dung mẫu không được để trống."),
    ],
)
def test_a_template_that_would_not_render_is_refused_with_the_reason(province_admin, body, message):
    before = template()
    with pytest.raises(DomainError) as refused:
        template_update(actor=province_admin, template=before, subject="Tiêu đề", body=body)
    assert refused.value.message.startswith(message), refused.value.message
    assert template().body == before.body


def test_a_bad_subject_is_refused_too(province_admin):
    with pytest.raises(DomainError) as refused:
        template_update(actor=province_admin, template=template(), subject="{{ ten }}", body="{{ ma_ho_so }}")
    assert refused.value.fields == {"subject": [refused.value.message]}
    assert refused.value.message.startswith("Tiêu đề: không có biến {{ ten }}.")


def test_the_province_administrator_edits_a_template_in_the_admin(province_admin):
    client = Client()
    client.force_login(province_admin)
    url = f"/quan-tri/notices/noticetemplate/{template().pk}/change/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"subject": "Hồ sơ {{ ma_ho_so }}", "body": "{% debug %}"})
    assert refused.status_code == 200
    assert "không được dùng thẻ {% debug %} trong mẫu thông báo." in refused.content.decode()
    saved = client.post(url, {"subject": "Hồ sơ {{ ma_ho_so }}", "body": "Mã: {{ ma_ho_so }}"})
    assert saved.status_code == 302
    edited = template()
    assert (edited.body, edited.updated_by) == ("Mã: {{ ma_ho_so }}", province_admin)


def test_the_agency_administrator_cannot_edit_templates(agency_admin_a):
    client = Client()
    client.force_login(agency_admin_a)
    assert client.get(f"/quan-tri/notices/noticetemplate/{template().pk}/change/").status_code == 403


@pytest.mark.parametrize("kind", Kind.values)
def test_every_default_text_would_be_accepted_from_an_administrator(kind):
    for channel, (subject, body) in defaults.texts(kind).items():
        assert template_refusal(channel=channel, subject=subject, body=body) is None, (kind, channel)


def test_a_new_default_text_replaces_only_the_texts_nobody_edited(province_admin):
    edited = template_update(
        actor=province_admin,
        template=template("supplement", "email"),
        subject="Bổ sung",
        body="{{ ma_ho_so }}",
    )
    NoticeTemplate.objects.filter(kind="supplement", channel="inbox").update(body="Văn bản cũ")
    defaults.refresh(NoticeTemplate, ["supplement"])
    assert template("supplement", "email").body == edited.body == "{{ ma_ho_so }}"
    assert template("supplement", "inbox").body == defaults.texts("supplement")["inbox"][1]
    assert "{{ han_bo_sung }}" in template("supplement", "inbox").body
