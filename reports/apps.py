from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Báo cáo, chỉ số")

    def ready(self) -> None:
        # The fact table follows the dossiers' events in their transactions (dossiers/events.py).
        from dossiers import events
        from reports import facts

        events.event_recorded.connect(facts.on_event_recorded, dispatch_uid="reports.facts.event")
        events.flags_changed.connect(facts.on_flags_changed, dispatch_uid="reports.facts.flags")
