"""Documents in the admin: files are read-only; credentials and the data store are managed here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from documents.models import (
    CertifiedCopy,
    ComponentFile,
    ResultDocument,
    SigningCredential,
    StoredFile,
    VaultItem,
)
from organization.admin_policy import PolicyAdmin


class ReadOnlyAdmin(PolicyAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "size", "pages", "sha256", "created_at")
    list_filter = ("blob__kind",)
    list_select_related = ("blob",)
    search_fields = ("name", "blob__sha256")


@admin.register(ComponentFile)
class ComponentFileAdmin(ReadOnlyAdmin):
    list_display = ("component", "version", "source", "supplement", "created_at")
    list_filter = ("source", "supplement")


@admin.register(ResultDocument)
class ResultDocumentAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "title", "agency", "signer", "signed_at")
    search_fields = ("dossier__code", "title")


@admin.register(VaultItem)
class VaultItemAdmin(ReadOnlyAdmin):
    list_display = ("owner", "doc_type", "number", "source", "issued_on", "expires_on")
    list_filter = ("source",)
    search_fields = ("owner__name", "owner__national_id", "doc_type", "number")


@admin.register(CertifiedCopy)
class CertifiedCopyAdmin(ReadOnlyAdmin):
    list_display = ("register_number", "agency", "requester", "document_title", "certified_at")
    list_filter = ("year",)
    search_fields = ("document_title", "requester__name")

    @admin.display(description=_("số vào sổ chứng thực"), ordering="number")
    def register_number(self, obj: CertifiedCopy) -> str:
        return obj.register_number


@admin.register(SigningCredential)
class SigningCredentialAdmin(PolicyAdmin):
    list_display = ("agency", "subject", "serial", "not_after", "demo")
    list_filter = ("demo",)
    readonly_fields = ("subject", "serial", "not_after", "created_at")
    exclude = ("pkcs12", "passphrase")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by the signing service (demo CA) or `manage.py import_signing_credential`
