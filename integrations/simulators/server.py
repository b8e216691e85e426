"""One HTTP server on loopback for every simulator: ``/<name>/...`` goes to the simulator of that name;
``POST /_control/<name>`` switches its faults (base.Simulator.control); ``GET /_state/<name>`` reads back
what it received; ``POST /_reset`` forgets everything. Plain standard library: a test starts it in a
thread, ``manage.py run_simulators`` in its own process."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from integrations.simulators.base import Hang, NoAnswer, SimRequest, SimResponse, Simulator

logger = logging.getLogger("motcua.simulators")

_factories: dict[str, type[Simulator]] = {}


def simulator(cls: type[Simulator]) -> type[Simulator]:
    """Class decorator: serve this simulator from every simulator server."""
    _factories[cls.name] = cls
    return cls


def _load_all() -> None:
    # Each partner's module registers its simulator on import.
    import importlib
    import pkgutil

    import integrations

    for info in pkgutil.iter_modules(integrations.__path__):
        if info.ispkg:
            try:
                importlib.import_module(f"integrations.{info.name}.simulator")
            except ModuleNotFoundError as missing:
                if missing.name != f"integrations.{info.name}.simulator":
                    raise


class SimulatorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], simulators: Iterable[Simulator]) -> None:
        super().__init__(address, _Handler)
        self.simulators = {sim.name: sim for sim in simulators}

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: SimulatorServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _send(self, response: SimResponse) -> None:
        body = response.encoded()
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        segments = parts.path.strip("/").split("/", 1)
        head, rest = segments[0], "/" + (segments[1] if len(segments) > 1 else "")
        sims = self.server.simulators
        try:
            if head == "_reset" and method == "POST":
                for each in sims.values():
                    with each.lock:
                        each.reset()
                return self._send(SimResponse(200, {"reset": sorted(sims)}))
            if head in ("_control", "_state"):
                target = sims.get(rest.strip("/"))
                if target is None:
                    return self._send(SimResponse(404, {"error": f"no simulator {rest.strip('/')!r}"}))
                if head == "_state":
                    with target.lock:
                        return self._send(SimResponse(200, target.snapshot()))
                order = json.loads(body or b"{}")
                return self._send(SimResponse(200, target.control(order)))
            sim = sims.get(head)
            if sim is None:
                return self._send(SimResponse(404, {"error": f"no simulator {head!r}"}))
            request = SimRequest(
                method=method,
                path=rest,
                headers={k.lower(): v for k, v in self.headers.items()},
                body=body,
                query=dict(parse_qsl(parts.query)),
            )
            self._send(sim.handle(request))
        except NoAnswer:
            self.close_connection = True
        except Hang as hang:
            time.sleep(hang.seconds)
            self.close_connection = True
        except (ValueError, UnicodeDecodeError) as bad:
            self._send(SimResponse(400, {"error_code": 400, "message": f"Yêu cầu không hợp lệ: {bad}"}))


def build(names: Iterable[str] | None = None) -> list[Simulator]:
    """Fresh simulators: all the partners', or those named."""
    _load_all()
    wanted = set(names) if names is not None else set(_factories)
    return [cls() for name, cls in sorted(_factories.items()) if name in wanted]


def start(host: str = "127.0.0.1", port: int = 0, names: Iterable[str] | None = None) -> SimulatorServer:
    """Serve the simulators in a daemon thread (port 0: any free port); ``server.shutdown()`` stops it."""
    server = SimulatorServer((host, port), build(names))
    threading.Thread(target=server.serve_forever, name="simulators", daemon=True).start()
    return server
