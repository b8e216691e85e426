"""The one seam through which motcua talks HTTP to a partner (STYLE: "all outbound HTTP goes through one
seam with timeouts"). JSON in, JSON out; every way the wire can fail becomes ``PartnerUnavailable``, which
the outbox handlers turn into a later retry — ``down`` when the partner could not be reached at all
(``PartnerDown``: its messages wait for it). What the partner *says* (its own error codes) is for the
partner's client to judge."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings


class PartnerRefused(Exception):
    """The partner answered, and said no: its own code and message (each client names its subclass)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class PartnerUnavailable(Exception):
    """The partner could not be reached or did not answer in time or in JSON: try again later.
    ``down``: the wire itself failed — the connection refused or closed unanswered, a time-out, an HTTP
    5xx — so the partner is down rather than answering something unusable; the outbox handlers turn it
    into ``PartnerDown`` (its messages then wait for the partner, docs/adr/0016)."""

    def __init__(self, reason: str, *, down: bool = False) -> None:
        super().__init__(reason)
        self.down = down


def post_json(
    url: str,
    body: Any,
    *,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
) -> Any:
    """POST ``body`` as JSON to ``url`` and return the decoded JSON answer. A refused connection, a
    time-out, an HTTP status of 500 or more, or an answer that is not JSON raise ``PartnerUnavailable``;
    a 4xx whose body is JSON is returned like a 200 (partners put their refusals in the body)."""
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            **(headers or {}),
        },
    )
    wait = settings.MOTCUA_PARTNER_TIMEOUT_SECONDS if timeout is None else timeout
    try:
        with urllib.request.urlopen(request, timeout=wait) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raw = error.read() if error.code < 500 else b""
        if error.code >= 500 or not raw:
            raise PartnerUnavailable(f"HTTP {error.code} từ {url}", down=error.code >= 500) from error
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PartnerUnavailable(f"Không kết nối được {url}: {reason}", down=True) from error
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PartnerUnavailable(f"Câu trả lời của {url} không phải JSON") from error


def get_bytes(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
) -> bytes:
    """GET ``url`` (http or https only: never a local file) and return the body — how a partner's
    download link is fetched. A refused connection, a time-out, any HTTP status other than 2xx, or a
    body longer than ``max_bytes`` raise ``PartnerUnavailable`` with the reason in Vietnamese."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise PartnerUnavailable(f"Đường dẫn tải tệp phải là http hoặc https: {url[:200]}")
    request = urllib.request.Request(url, method="GET", headers=headers or {})
    wait = settings.MOTCUA_PARTNER_TIMEOUT_SECONDS if timeout is None else timeout
    try:
        with urllib.request.urlopen(request, timeout=wait) as response:
            data: bytes = response.read(-1 if max_bytes is None else max_bytes + 1)
    except urllib.error.HTTPError as error:
        raise PartnerUnavailable(f"HTTP {error.code} từ {url}", down=error.code >= 500) from error
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PartnerUnavailable(f"Không tải được {url}: {reason}", down=True) from error
    except ValueError as error:  # a malformed address
        raise PartnerUnavailable(f"Không tải được {url}: {error}") from error
    if max_bytes is not None and len(data) > max_bytes:
        raise PartnerUnavailable(f"Tệp tại {url} lớn hơn {max_bytes} byte")
    return data
