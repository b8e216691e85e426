"""The simulator server's shared faults, seen through motcua's one HTTP seam (integrations/http.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from integrations.http import PartnerUnavailable, post_json
from integrations.simulators.base import SimRequest, SimResponse, Simulator
from integrations.simulators.server import SimulatorServer, start
from testing.simulators import SimulatorHandle


class Echo(Simulator):
    name = "echo"

    def answer(self, request: SimRequest) -> SimResponse:
        return SimResponse(200, {"error_code": 0, "result": request.json()})


@pytest.fixture
def echo() -> Iterator[SimulatorHandle]:
    server = SimulatorServer(("127.0.0.1", 0), [Echo()])
    import threading

    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield SimulatorHandle(server)
    server.shutdown()
    server.server_close()


def call(echo: SimulatorHandle, body: Any = None, timeout: float = 2) -> Any:
    return post_json(f"{echo.base_url}/echo/x", body or {"a": "Hồ sơ"}, timeout=timeout)


def test_an_answer_comes_back_as_json(echo: SimulatorHandle) -> None:
    assert call(echo) == {"error_code": 0, "result": {"a": "Hồ sơ"}}
    assert echo.state("echo") == {"calls": 1}


def test_a_refusal_is_the_partners_answer_not_a_wire_failure(echo: SimulatorHandle) -> None:
    echo.fault("echo", refuse_calls=1, refuse_code=7, refuse_message="Sai dữ liệu")
    assert call(echo) == {"error_code": 7, "message": "Sai dữ liệu"}
    assert call(echo)["error_code"] == 0


def test_a_partner_down_is_unavailable_until_it_comes_back(echo: SimulatorHandle) -> None:
    echo.fault("echo", down_seconds=60)
    with pytest.raises(PartnerUnavailable):
        call(echo)
    echo.fault("echo", up=True)
    assert call(echo)["error_code"] == 0


def test_a_hanging_partner_times_out(echo: SimulatorHandle) -> None:
    echo.fault("echo", timeout_calls=1, hang_seconds=1.5)
    started = time.monotonic()
    with pytest.raises(PartnerUnavailable):
        call(echo, timeout=0.3)
    assert time.monotonic() - started < 1.4
    assert call(echo)["error_code"] == 0


def test_nothing_listening_is_unavailable() -> None:
    server = start(names=[])
    url = server.base_url
    server.shutdown()
    server.server_close()
    with pytest.raises(PartnerUnavailable):
        post_json(f"{url}/echo/x", {}, timeout=1)


def test_reset_forgets_calls_and_faults(echo: SimulatorHandle) -> None:
    echo.fault("echo", down_seconds=60)
    echo.reset()
    assert call(echo)["error_code"] == 0
    assert echo.state("echo") == {"calls": 1}
