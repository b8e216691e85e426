from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Thông báo cho người nộp hồ sơ")

    def ready(self) -> None:
        from notices.delivery import deliver
        from outbox import delivery
        from outbox.models import OutboxMessage

        delivery.register(OutboxMessage.Topic.NOTIFY_APPLICANT, deliver)
