"""The admin base class of every model with a history (django-simple-history).

simple_history's own templates print the application's label ("catalog") in the breadcrumbs of the
page of one version and a missing change reason as "None"; these read in Vietnamese like the rest of
the admin (web/templates/admin/history/).
"""

from __future__ import annotations

from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/history/object_history_list.html"
    object_history_form_template = "admin/history/object_history_form.html"
