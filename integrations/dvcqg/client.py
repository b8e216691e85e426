"""The national portal's client: the only place that speaks HTTP to DVCQG (through
``integrations.http.post_json``). To confirm with the operator's current documents.

As INTEGRATIONS.md gives it: log in with ``POST <AUTH_URL>`` ``{"username", "password"}`` and the header
``dstcode``, which answers a session; every call is ``POST <API_URL>`` with the same header and
``{"session", "madonvi", "service", "isUpdating" (DongBoHoSoMC only), "data"}``, answered
``{"error_code", "message", "result"}`` where ``error_code`` 0 (or "0") is success. The session is kept
for the process and shared by its threads; a call refused for its session (``error_code`` -1 with a
message naming the session) logs in again once and is repeated. Every call is logged in the exchange
log (``integrations.models.Exchange``) with its outcome, the portal's code and message, and its
duration.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.translation import gettext_noop

from integrations import http
from integrations.models import Exchange
from integrations.services import ExchangeTimer

if TYPE_CHECKING:
    from outbox.models import OutboxMessage

PARTNER = "dvcqg"
LOGIN = "DangNhap"  # the operation's name in the exchange log
# Marked for translation where it is shown later (a job run's skip reason, ``JobRun.summary_text``):
# stored as this Vietnamese msgid.
PORTAL_OFF = gettext_noop(
    "Đồng bộ Cổng Dịch vụ công quốc gia chưa bật: đặt MOTCUA_DVCQG_AUTH_URL, MOTCUA_DVCQG_API_URL, "
    "MOTCUA_DVCQG_USERNAME, MOTCUA_DVCQG_PASSWORD và MOTCUA_DVCQG_DSTCODE."
)
SETTING_NAMES = (
    "MOTCUA_DVCQG_AUTH_URL",
    "MOTCUA_DVCQG_API_URL",
    "MOTCUA_DVCQG_USERNAME",
    "MOTCUA_DVCQG_PASSWORD",
    "MOTCUA_DVCQG_DSTCODE",
)


class PortalRefused(http.PartnerRefused):
    """The portal answered with an ``error_code`` other than 0 (and not about the session)."""


class LoginRefused(PortalRefused):
    """The portal refused the login itself (credentials, dstcode): the settings' fault, not the
    message's — the sync tries again later rather than burying the message."""


class PortalUnavailable(http.PartnerUnavailable):
    """No usable answer from the portal: down, timed out, not JSON. Try again later."""


@dataclass(frozen=True)
class PortalSettings:
    auth_url: str
    api_url: str
    username: str
    password: str
    dstcode: str


def portal_settings() -> PortalSettings | None:
    """The portal's settings, or None when none of them is set (the integration is off). Half set is
    refused at start by the system check (integrations/checks.py) and treated here as off."""
    values = [str(getattr(settings, name, "") or "") for name in SETTING_NAMES]
    if not all(values):
        return None
    return PortalSettings(*values)


def half_set() -> list[str]:
    """The portal's settings that are missing while others are set (empty: all or none are set)."""
    values = {name: str(getattr(settings, name, "") or "") for name in SETTING_NAMES}
    if all(values.values()) or not any(values.values()):
        return []
    return [name for name, value in values.items() if not value]


def is_success(code: Any) -> bool:
    return str(code).strip() == "0"


def _session_refused(reply: dict[str, Any]) -> bool:
    """A refusal of the session itself (expired, unknown): ``error_code`` -1 with a message naming
    the session (as the simulator models it; to confirm with the operator)."""
    return str(reply.get("error_code")).strip() == "-1" and "session" in str(reply.get("message", "")).lower()


def _summary(data: list[dict[str, Any]]) -> str:
    return f"{len(data)} mục"


class PortalClient:
    """Calls to the portal with one session per process (per settings), shared by its threads."""

    def __init__(self, config: PortalSettings) -> None:
        self.config = config
        self._lock = threading.Lock()
        self._session: str | None = None
        self.logins = 0

    # -- the session ----------------------------------------------------------------------------
    def _login(self) -> str:
        log = ExchangeTimer(partner=PARTNER, operation=LOGIN)
        body = {"username": self.config.username, "password": self.config.password}
        try:
            reply = http.post_json(self.config.auth_url, body, headers={"dstcode": self.config.dstcode})
        except http.PartnerUnavailable as exc:
            log(Exchange.Outcome.FAILED, answer=str(exc))
            raise PortalUnavailable(str(exc), down=exc.down) from exc
        if not isinstance(reply, dict):
            log(Exchange.Outcome.FAILED, answer="Câu trả lời không đúng dạng.")
            raise PortalUnavailable("Cổng DVCQG trả lời đăng nhập không đúng dạng.")
        code = str(reply.get("error_code", ""))
        session = reply.get("session")
        if not is_success(code) or not isinstance(session, str) or not session:
            message = str(reply.get("message") or "Không nhận được phiên làm việc.")
            log(Exchange.Outcome.REFUSED, code=code, answer=message)
            raise LoginRefused(code, f"Đăng nhập Cổng DVCQG bị từ chối: {message}")
        log(Exchange.Outcome.ACCEPTED, code=code)
        self.logins += 1
        return session

    def _current_session(self, stale: str | None = None) -> str:
        """The session to use; ``stale``: the one the portal just refused, replaced unless another
        thread replaced it already."""
        with self._lock:
            if self._session is None or self._session == stale:
                self._session = None
                self._session = self._login()
            return self._session

    # -- a call ---------------------------------------------------------------------------------
    def call(
        self,
        service: str,
        *,
        madonvi: str,
        data: list[dict[str, Any]],
        is_updating: bool | None = None,
        dossier_code: str = "",
        message: OutboxMessage | None = None,
    ) -> Any:
        """Log in if needed, POST the call (again once with a new session if the portal refused the
        session), log the exchange, return the reply's ``result``. Raises ``PortalRefused`` or
        ``PortalUnavailable``."""
        session = self._current_session()
        reply = self._post(service, session, madonvi, data, is_updating, dossier_code, message)
        if _session_refused(reply):
            session = self._current_session(stale=session)
            reply = self._post(service, session, madonvi, data, is_updating, dossier_code, message)
            if _session_refused(reply):
                # A fresh session refused at once is the portal's trouble, not the message's: later.
                raise PortalUnavailable(f"Cổng DVCQG từ chối phiên làm việc mới: {reply.get('message')}")
        code = str(reply.get("error_code", ""))
        if not is_success(code):
            raise PortalRefused(code, str(reply.get("message") or "Cổng DVCQG từ chối, không nêu lý do."))
        return reply.get("result")

    def _post(
        self,
        service: str,
        session: str,
        madonvi: str,
        data: list[dict[str, Any]],
        is_updating: bool | None,
        dossier_code: str,
        message: OutboxMessage | None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {"session": session, "madonvi": madonvi, "service": service}
        if is_updating is not None:
            body["isUpdating"] = "True" if is_updating else "False"
        body["data"] = data
        log = ExchangeTimer(
            partner=PARTNER,
            operation=service,
            dossier_code=dossier_code,
            message=message,
            summary=_summary(data),
        )
        try:
            reply = http.post_json(self.config.api_url, body, headers={"dstcode": self.config.dstcode})
        except http.PartnerUnavailable as exc:
            log(Exchange.Outcome.FAILED, answer=str(exc))
            raise PortalUnavailable(str(exc), down=exc.down) from exc
        if not isinstance(reply, dict) or "error_code" not in reply:
            log(Exchange.Outcome.FAILED, answer="Câu trả lời không đúng dạng.")
            raise PortalUnavailable(f"Cổng DVCQG trả lời {service} không đúng dạng.")
        code = str(reply.get("error_code"))
        outcome = Exchange.Outcome.ACCEPTED if is_success(code) else Exchange.Outcome.REFUSED
        log(outcome, code=code, answer=str(reply.get("message") or ""))
        return reply


_clients: dict[PortalSettings, PortalClient] = {}
_clients_lock = threading.Lock()


def portal_client() -> PortalClient | None:
    """The process's client for the portal as configured now, or None when the integration is off.
    One client (and so one session) per set of settings, shared by the process's threads."""
    config = portal_settings()
    if config is None:
        return None
    with _clients_lock:
        client = _clients.get(config)
        if client is None:
            client = _clients[config] = PortalClient(config)
        return client


def forget_sessions() -> None:
    """Drop every kept client and session (tests; a change of credentials)."""
    with _clients_lock:
        _clients.clear()
