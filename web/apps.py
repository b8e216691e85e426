from django.apps import AppConfig


class WebConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "web"

    def ready(self) -> None:
        from accounts import reading
        from web import features  # noqa: F401 - registers the system-package checks
        from web.context import SiteReader

        # The pages' chrome comes with the session's user read (issue 12 §7).
        reading.install(SiteReader())
