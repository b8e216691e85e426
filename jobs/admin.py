"""The runs of the periodic jobs, read-only for superusers (docs/adr/0022). The task queue's own rows
(django_tasks_db) are not shown: what each task did is recorded here and in the reconciliation runs."""

from __future__ import annotations

from typing import Any

import django_tasks_db.admin  # noqa: F401 — registers DBTaskResult, unregistered below
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from jobs.models import JobRun
from jobs.schedule import BY_NAME
from organization.admin_policy import PolicyAdmin

if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)


@admin.register(JobRun)
class JobRunAdmin(PolicyAdmin):
    list_display = ("slot", "job_label", "attempt", "status", "started_at", "finished_at", "short_summary")
    list_filter = ("status", "job")
    date_hierarchy = "slot"
    readonly_fields = (
        "job",
        "slot",
        "attempt",
        "claimed_at",
        "claimed_by",
        "task_id",
        "status",
        "started_at",
        "finished_at",
        "summary_shown",
        "error_shown",
    )
    # The page shows these and nothing else: the raw summary and error (reasons stored as msgids) are not
    # shown beside their translation.
    fields = readonly_fields

    @admin.display(description=_("việc"), ordering="job")
    def job_label(self, obj: JobRun) -> str:
        job = BY_NAME.get(obj.job)
        return str(job.label) if job is not None else obj.job

    # A skip's or an abandoned run's reason is stored as its msgid: shown in the page's language.
    @admin.display(description=_("kết quả"))
    def short_summary(self, obj: JobRun) -> str:
        summary = obj.summary_text
        return summary if len(summary) <= 100 else summary[:99] + "…"

    @admin.display(description=_("kết quả"))
    def summary_shown(self, obj: JobRun) -> str:
        return obj.summary_text

    @admin.display(description=_("lỗi"))
    def error_shown(self, obj: JobRun) -> str:
        return obj.error_text

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the record of what ran
