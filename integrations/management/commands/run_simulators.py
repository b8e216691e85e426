"""``manage.py run_simulators [--port N]``: serve the local simulators of the national partners on
loopback until stopped, and print the settings that point motcua at them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from integrations.simulators import server as simulators
from integrations.simulators.settings import environment


class Command(BaseCommand):
    help = "Serve the simulators of the national portal, EMC and the SMS gateway on loopback."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765, help="Port on 127.0.0.1 (default 8765).")

    def handle(self, *args: Any, **options: Any) -> None:
        server = simulators.SimulatorServer(("127.0.0.1", options["port"]), simulators.build())
        self.stdout.write(f"simulators at {server.base_url}: {', '.join(sorted(server.simulators))}")
        for name, value in environment(server.base_url).items():
            self.stdout.write(f"  {name}={value}")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
