"""Calling the project as a client does: the API with a bearer token, the login pages with the second
factor."""

from __future__ import annotations

import json
import time
from typing import Any

from django.test import Client

from accounts.models import User
from accounts.services import token_create


class ApiClient:
    """Calls ``/api/v1`` as a user (bearer token) or anonymously; answers are (status, json)."""

    def __init__(self, client: Client, user: User | None) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        if user is not None:
            raw, _token = token_create(user=user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def _url(self, path: str) -> str:
        return path if path.startswith("/") else f"/api/v1/{path}"

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        response = self.client.get(self._url(path), params, headers=self.headers)
        return response.status_code, _json(response)

    def post(self, path: str, body: Any = None, *, raw: str | None = None) -> tuple[int, Any]:
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        response = self.client.post(
            self._url(path), data, content_type="application/json", headers=self.headers
        )
        return response.status_code, _json(response)


def current_otp(user: User) -> str:
    """A code ``user``'s second factor accepts now. Each step's code works once, so when this step's was
    used already (two logins within 30 s) it is the next step's, which is accepted too; with a frozen
    clock (``clock``) the used steps are forgotten instead — the replay rule has its own tests."""
    from accounts import totp
    from accounts.models import SecondFactor

    factor = SecondFactor.objects.get(user=user)
    now = totp.step_at(time.time())
    step = max(now, factor.last_step + 1)
    if step > now + totp.WINDOW:
        SecondFactor.objects.filter(pk=factor.pk).update(last_step=now - totp.WINDOW - 1)
        step = now
    return totp.hotp(totp.secret_bytes(factor.secret), step)


def web_login(client: Client, user: User, password: str | None = None, next: str = "") -> Any:
    """Log ``user`` in through the login pages (password, then the code for staff); the last response."""
    from demo.loader import DEMO_PASSWORD

    url = "/dang-nhap/" + (f"?next={next}" if next else "")
    response = client.post(url, {"username": user.username, "password": password or DEMO_PASSWORD})
    if response.status_code == 302 and response["Location"] == "/dang-nhap/ma-xac-thuc/":
        response = client.post("/dang-nhap/ma-xac-thuc/", {"code": current_otp(user)})
    return response


def logged_in(user: User) -> Client:
    """A test client with ``user``'s session (no login pages)."""
    client = Client()
    client.force_login(user)
    return client


def _json(response: Any) -> Any:
    if not response.content:  # 204 No Content
        return None
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return response.content.decode()
