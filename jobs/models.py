"""The runs of the periodic jobs (jobs/schedule.py, docs/adr/0022): one row per job and slot, written
when the slot is claimed — in the transaction that queues the job's task — so that a slot is run once
whatever the number of processes looking at the schedule."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One attempt at one slot of one job: queued when claimed (by a worker's scheduler, with the task
    that runs it, or by ``manage.py run_scheduled``, which runs it at once), then running, then
    succeeded, failed or skipped (a partner the job needs is not configured), with a summary and the
    error — or abandoned, when its process died and the run outlived the job's ``max_duration``
    unfinished (``jobs.services.runs_abandon``). An abandoned attempt of the job's latest slot is followed by the
    next attempt: a row of its own, so the one abandoned keeps what happened to it.

    A skip's reason (``summary``) and an abandoned run's (``error``) are stored as their msgid — the
    Vietnamese text — and translated when shown (``summary_text``, ``error_text``)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("chờ chạy")
        RUNNING = "running", _("đang chạy")
        SUCCEEDED = "succeeded", _("xong")
        FAILED = "failed", _("lỗi")
        SKIPPED = "skipped", _("bỏ qua")
        ABANDONED = "abandoned", _("bỏ dở")

    job = models.CharField(_("việc"), max_length=40)
    slot = models.DateTimeField(_("lượt (giờ theo lịch)"))
    attempt = models.PositiveSmallIntegerField(_("lần chạy"), default=1)
    claimed_at = models.DateTimeField(_("nhận lượt lúc"))
    claimed_by = models.CharField(_("tiến trình nhận lượt"), max_length=100, blank=True)
    task_id = models.CharField(_("mã tác vụ nền"), max_length=64, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(_("bắt đầu lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    summary = models.TextField(_("kết quả"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lượt chạy việc định kỳ")
        verbose_name_plural = _("các lượt chạy việc định kỳ")
        ordering = ["-slot", "job", "-attempt"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot", "attempt"], name="jobrun_once_per_slot_attempt")
        ]
        indexes = [models.Index(fields=["status"], name="jobrun_status")]

    def __str__(self) -> str:
        attempt = f" ({self.attempt})" if self.attempt > 1 else ""
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}{attempt}"

    @property
    def summary_text(self) -> str:
        """The summary as shown: a skip's reason translated (a summary with figures is not a msgid and
        is shown as written — ``gettext`` returns a text it does not know as it is)."""
        return gettext(self.summary) if self.status == self.Status.SKIPPED and self.summary else self.summary

    @property
    def error_text(self) -> str:
        """The error as shown: an abandoned run's reason translated, any other error as written."""
        return gettext(self.error) if self.status == self.Status.ABANDONED and self.error else self.error


# The runs not ended yet (the retention keeps them; the scheduler looks for the abandoned among them).
UNFINISHED = (JobRun.Status.QUEUED, JobRun.Status.RUNNING)
