"""Django's model backend, its session user read with his applicant (every page's menu asks whether he
files dossiers) and with what apps above accounts add (``accounts.reading``)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from accounts import reading
from accounts.models import User


class UserBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        users = reading.annotated("session user", lambda: User._default_manager.select_related("applicant"))
        user = users.filter(pk=user_id).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        reading.keep(user, user)
        return user
