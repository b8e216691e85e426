"""The monitor's pages of the sync with the national portal: the sync ledger of every dossier they
monitor, filtered and paginated, and the reconciliations with the portal (the nightly runs, and the
check of the overdue dossiers a monitor starts from here or from the overdue list).

Only the monitoring office (role ``monitor``, province-wide) and the superuser open them; other staff
get a 403 page (an officer sees a dossier's own ledger on the dossier page). Reads through
``integrations.selectors``; the check is queued as a background task (``integrations.dvcqg.reconcile``,
docs/adr/0022): the page answers at once and, while the run is in progress, polls it (htmx) until its
result is there.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from integrations.dvcqg.reconcile import OVERDUE_LIMIT, overdue_check_request
from integrations.models import Mismatch, ReconciliationRun
from integrations.selectors import (
    SYNC_STATES,
    LedgerFilters,
    ledger_entries,
    may_monitor_sync,
    monitored_agencies,
    reconciliation_runs,
    sync_ledger_list,
)
from jobs.selectors import job_state
from organization.models import Agency
from web.workspace_common import acting_user, error_page, is_htmx, officer_view
from web.workspace_views import labelled

PAGE_SIZE = 25
RUNS_SHOWN = 20
MONITOR_ONLY = _("Trang này dành cho cán bộ kiểm soát thủ tục hành chính (Văn phòng UBND tỉnh).")


class SyncLedgerFilterForm(forms.Form):
    agency = forms.ChoiceField(label=_("Cơ quan giải quyết"), required=False)
    state = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=[("", _("Tất cả")), *SYNC_STATES.items()]
    )
    date_from = forms.DateField(
        label=_("Ghi từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, data: Any, agencies: list[Agency]) -> None:
        super().__init__(data)
        self.agencies = {a.code: a for a in agencies}
        self.fields["agency"].choices = [("", _("Tất cả")), *((a.code, a.name) for a in agencies)]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", gettext("Ngày kết thúc phải từ ngày bắt đầu trở đi."))
        return data

    def filters(self) -> LedgerFilters:
        """The filters the form holds; a field with an error filters nothing."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        start: date | None = data.get("date_from") if "date_from" not in self.errors else None
        end: date | None = data.get("date_to") if "date_to" not in self.errors else None
        return LedgerFilters(
            agency=self.agencies.get(data.get("agency") or ""),
            state=data.get("state") or "",
            date_from=start,
            date_to=end,
            dossier_code=(data.get("code") or "").strip(),
        )


def _refused(request: HttpRequest) -> HttpResponse | None:
    if not may_monitor_sync(request.user):
        return error_page(request, str(MONITOR_ONLY), status=403)
    return None


@officer_view
def sync_ledger(request: HttpRequest) -> HttpResponse:
    """Every ``portal.sync`` message of the monitored dossiers, newest first, 25 a page."""
    if (refusal := _refused(request)) is not None:
        return refusal
    user = acting_user(request)
    form = SyncLedgerFilterForm(request.GET, list(monitored_agencies(user)))
    form.is_valid()
    messages = sync_ledger_list(user=user, filters=form.filters())
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "entries": labelled(ledger_entries(page.object_list)),
        "page_query": keep.urlencode(),
        "htmx": is_htmx(request),
        "ws_section": "sync",
    }
    template = "web/workspace/_sync_results.html" if is_htmx(request) else "web/workspace/sync_ledger.html"
    return render(request, template, context)


def _mismatches(request: HttpRequest, run: ReconciliationRun) -> QuerySet[Mismatch]:
    """The run's mismatches of the dossiers the reader monitors."""
    agencies = monitored_agencies(acting_user(request)).values("pk")
    return run.mismatches.filter(handling_agency_id__in=agencies).select_related("handling_agency")


@officer_view
@require_http_methods(["GET", "POST"])
def reconciliations(request: HttpRequest) -> HttpResponse:
    """GET: the latest runs, the nightly run's schedule, and one run with its mismatches (``?run=``, else
    the latest); an htmx request gets that run's section alone (what a run in progress polls). POST: queue
    a check of the monitor's overdue dossiers against the portal — or, while one of theirs is queued or
    running, start none — and show that run."""
    if (refusal := _refused(request)) is not None:
        return refusal
    user = acting_user(request)
    if request.method == "POST":
        run, queued = overdue_check_request(actor=user, at=timezone.now())
        if not queued:
            messages.info(
                request,
                gettext("Lượt đối chiếu bạn yêu cầu lúc %(at)s chưa xong: chưa bắt đầu lượt mới.")
                % {"at": f"{timezone.localtime(run.started_at):%H:%M %d/%m/%Y}"},
            )
        return HttpResponseRedirect(f"{reverse('web:workspace_reconciliations')}?run={run.pk}")
    runs = list(reconciliation_runs(user=user).select_related("started_by")[:RUNS_SHOWN])
    wanted = request.GET.get("run", "")
    chosen: ReconciliationRun | None = None
    if wanted:
        chosen = reconciliation_runs(user=user).filter(pk=int(wanted)).first() if wanted.isdigit() else None
        if chosen is None:
            return error_page(request, gettext("Không tìm thấy lượt đối chiếu."), status=404)
    elif runs:
        chosen = runs[0]
    mismatches = list(_mismatches(request, chosen).order_by("dossier_code")) if chosen else []
    if chosen is not None and is_htmx(request):
        return render(
            request, "web/workspace/_reconciliation_run.html", {"run": chosen, "mismatches": mismatches}
        )
    return render(
        request,
        "web/workspace/reconciliations.html",
        {
            "runs": runs,
            "run": chosen,
            "mismatches": mismatches,
            "limit": OVERDUE_LIMIT,
            "nightly": job_state("reconcile_portal", now=timezone.now()),
            "last_daily": reconciliation_runs(user=user).filter(kind=ReconciliationRun.Kind.DAILY).first(),
            "ws_section": "sync",
        },
    )
