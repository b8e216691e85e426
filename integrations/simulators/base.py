"""What every simulator shares: a request and an answer in plain data, and the faults a test or the
benchmark can switch on through the control URL, the same for every partner:

- ``down_seconds``: for this long every call gets no answer (the connection is closed at once);
- ``timeout_calls``: the next N calls hang for ``hang_seconds`` (longer than motcua's time-out), then the
  connection closes with no answer — what a partner that stops answering looks like;
- ``refuse_calls``: the next N calls are refused with ``refuse_code`` and ``refuse_message`` in the
  partner's own refusal format;
- anything a partner adds (the portal: ``expire_session_every``) is read by that simulator.

Simulators keep their state in memory, behind one lock each: one ``run_simulators`` process serves
every worker, so its counts (e.g. duplicates) see all of them.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SimRequest:
    method: str
    path: str  # below the simulator's prefix, e.g. "/api" for "/dvcqg/api"
    headers: dict[str, str]
    body: bytes
    query: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8-sig") or "null")


@dataclass
class SimResponse:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    content_type: str = "application/json; charset=utf-8"

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        return json.dumps(self.body, ensure_ascii=False).encode()


class NoAnswer(Exception):
    """Close the connection without answering (a partner down)."""


class Hang(Exception):
    """Wait ``seconds``, then close without answering (a partner that times out)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(seconds)
        self.seconds = seconds


@dataclass
class Faults:
    down_until: float = 0.0  # time.monotonic()
    timeout_calls: int = 0
    hang_seconds: float = 15.0
    refuse_calls: int = 0
    refuse_code: Any = 99
    refuse_message: str = "Hệ thống đang bảo trì (mô phỏng)."
    extra: dict[str, Any] = field(default_factory=dict)


class Simulator:
    """One partner. Subclasses set ``name`` (its URL prefix) and implement ``answer``; ``refusal``
    gives the partner's own refusal shape."""

    name = ""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.faults = Faults()
        self.calls = 0
        self.reset()

    # -- to implement ---------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything received (subclasses clear their own state, then call this)."""
        self.faults = Faults()
        self.calls = 0

    def answer(self, request: SimRequest) -> SimResponse:
        raise NotImplementedError

    def refusal(self, code: Any, message: str) -> SimResponse:
        return SimResponse(200, {"error_code": code, "message": message})

    def snapshot(self) -> dict[str, Any]:
        """What tests and the benchmark read back (``GET /_state/<name>``)."""
        return {"calls": self.calls}

    # -- shared ---------------------------------------------------------------------------------
    def handle(self, request: SimRequest) -> SimResponse:
        with self.lock:
            self.calls += 1
            faults = self.faults
            if faults.down_until > time.monotonic():
                raise NoAnswer()
            if faults.timeout_calls > 0:
                faults.timeout_calls -= 1
                raise Hang(faults.hang_seconds)
            if faults.refuse_calls > 0:
                faults.refuse_calls -= 1
                return self.refusal(faults.refuse_code, faults.refuse_message)
            return self.answer(request)

    def control(self, order: dict[str, Any]) -> dict[str, Any]:
        """Apply a fault order (``POST /_control/<name>``): ``{"reset": true}``, ``{"down_seconds": 30}``,
        ``{"timeout_calls": 2, "hang_seconds": 3}``, ``{"refuse_calls": 1, "refuse_code": 5,
        "refuse_message": "…"}``, ``{"up": true}``; other keys are kept in ``faults.extra`` for the
        partner's own faults. Answers the faults now in force."""
        with self.lock:
            if order.get("reset"):
                self.reset()
            f = self.faults
            if "down_seconds" in order:
                f.down_until = time.monotonic() + float(order["down_seconds"])
            if order.get("up"):
                f.down_until = 0.0
            for name in ("timeout_calls", "refuse_calls"):
                if name in order:
                    setattr(f, name, int(order[name]))
            if "hang_seconds" in order:
                f.hang_seconds = float(order["hang_seconds"])
            if "refuse_code" in order:
                f.refuse_code = order["refuse_code"]
            if "refuse_message" in order:
                f.refuse_message = str(order["refuse_message"])
            known = {"reset", "down_seconds", "up", "timeout_calls", "refuse_calls", "hang_seconds"}
            known |= {"refuse_code", "refuse_message"}
            f.extra.update({k: v for k, v in order.items() if k not in known})
            return {
                "down_for": max(0.0, f.down_until - time.monotonic()),
                "timeout_calls": f.timeout_calls,
                "refuse_calls": f.refuse_calls,
                **f.extra,
            }
