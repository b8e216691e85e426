"""The handle on a running simulator server that the tests use: its control URLs as methods
(integrations/simulators/server.py)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from integrations.simulators import server as simulator_server


class SimulatorHandle:
    """The running server, and the control URLs as methods."""

    def __init__(self, server: simulator_server.SimulatorServer) -> None:
        self.server = server
        self.base_url = server.base_url

    def _post(self, path: str, body: dict[str, Any]) -> Any:
        request = urllib.request.Request(
            f"{self.base_url}{path}", data=json.dumps(body).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as answer:
            return json.loads(answer.read())

    def fault(self, name: str, **order: Any) -> Any:
        return self._post(f"/_control/{name}", order)

    def state(self, name: str) -> Any:
        with urllib.request.urlopen(f"{self.base_url}/_state/{name}", timeout=5) as answer:
            return json.loads(answer.read())

    def reset(self) -> None:
        self._post("/_reset", {})

    def simulator(self, name: str) -> Any:
        """The simulator object itself (same process), for assertions on its full state."""
        return self.server.simulators[name]
