from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Giấy tờ, kết quả điện tử")

    def ready(self) -> None:
        # The dossier history's daily anchors are signed with an agency's credential, kept here.
        from documents.signing.detached import DetachedSigner
        from dossiers import history_signing

        history_signing.install(DetachedSigner())
