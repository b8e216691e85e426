"""The citizen's inbox on the portal (``/thong-bao/``): the notices of his dossiers, read or unread, and
his saved preference for e-mail and SMS (each dossier may say otherwise when filed). Each account sees its own entries only; another's answers "not found"."""

from __future__ import annotations

from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import User
from kernel.errors import DomainError
from notices import selectors, services
from web.portal_common import applicant_of
from web.portal_filing import handles_refusals

PAGE_SIZE = 20


class ChannelForm(forms.Form):
    email = forms.BooleanField(label=_("Thư điện tử"), required=False)
    sms = forms.BooleanField(label=_("Tin nhắn SMS"), required=False)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _page(request: HttpRequest, form: ChannelForm | None = None, status: int = 200) -> HttpResponse:
    user = _user(request)
    applicant = applicant_of(user)
    if form is None and applicant is not None:
        email, sms = selectors.channel_choice(applicant)
        form = ChannelForm(initial={"email": email, "sms": sms})
    page = Paginator(selectors.inbox(user), PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {
        "page": page,
        "unread": selectors.unread_count(user),
        "form": form if applicant is not None else None,
    }
    return render(request, "web/portal/notices.html", context, status=status)


@handles_refusals
def inbox(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@handles_refusals
def mark_read(request: HttpRequest, entry: UUID) -> HttpResponse:
    services.inbox_mark_read(user=_user(request), entry_uuid=entry)
    return redirect("web:notices")


@require_POST
@handles_refusals
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.inbox_mark_all_read(user=_user(request))
    return redirect("web:notices")


@require_POST
@handles_refusals
def choose_channels(request: HttpRequest) -> HttpResponse:
    applicant = applicant_of(request.user)
    if applicant is None:
        raise DomainError(
            "not_applicant", gettext("Chỉ người nộp hồ sơ chọn cách nhận thông báo."), status=404
        )
    form = ChannelForm(request.POST)
    if not form.is_valid():  # pragma: no cover — booleans are always valid
        return _page(request, form, status=400)
    services.channels_choose(applicant=applicant, **form.cleaned_data)
    messages.success(request, gettext("Đã lưu cách nhận thông báo."))
    return redirect("web:notices")
