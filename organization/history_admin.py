"""The admin base class of every model with a history (django-simple-history).

simple_history's own templates print the application's label ("catalog") in the breadcrumbs of the
page of one version and a missing change reason as "None"; these read in Vietnamese like the rest of
the admin (web/templates/admin/history/).

The page of one version is read-only. simple_history's "revert" saves the whole old row, fields the
form does not show included (an old ``is_superuser``, an old status of a version in force), around the
services that check every write; an old value is restored by editing the object instead. The history
of an object opens only for those who see the object now (simple_history falls back to the history
rows of an object missing from the actor's queryset, which would show what is not his).
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.encoding import force_str
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from organization.admin_policy import PolicyAdmin, not_found_message, request_reach


class HistoryAdmin(PolicyAdmin, SimpleHistoryAdmin):
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_view_title(self, request: HttpRequest, obj: Any) -> str:
        return gettext("Change history: %s") % force_str(obj)  # Django's words, "Lịch sử thay đổi"

    def history_form_view_title(self, request: HttpRequest, obj: Any) -> str:
        return gettext("Xem phiên bản: %s") % force_str(obj)

    def _require_current(self, request: HttpRequest, object_id: str, version_id: str | None = None) -> None:
        # A superuser may read the history of a deleted object; others only of what they see now.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        try:  # simple_history looks ids up unchecked: "abc" would be a server error
            self.opts.pk.to_python(unquote(object_id))
            if version_id is not None:
                self.model.history.model._meta.pk.to_python(version_id)
        except ValidationError as exc:
            raise Http404(not_found_message(self.opts)) from exc
        if request_reach(request).superuser:
            return
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404(not_found_message(self.opts))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        self._require_current(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied(
                gettext("Không khôi phục phiên bản cũ từ trang này: hãy sửa trực tiếp đối tượng.")
            )
        self._require_current(request, object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
