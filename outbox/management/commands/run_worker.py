"""``manage.py run_worker [--once] [--idle SECONDS]``: deliver the outbox as messages fall due, until
SIGTERM or SIGINT; the message in hand is finished first (docs/adr/0016)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outbox import delivery
from outbox.worker import Worker


class Command(BaseCommand):
    help = "Deliver outbox messages as they fall due, until SIGTERM or SIGINT (--once: one pass)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass over what is due, then exit.")
        parser.add_argument(
            "--idle", type=float, default=5.0, help="Seconds to wait when nothing is due (default 5)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker()
        topics = delivery.registered_topics()
        self.stdout.write(
            f"worker {worker.name}: topics {', '.join(topics) if topics else 'none (nothing to deliver)'}"
        )
        previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}

        def stop(signum: int, frame: Any) -> None:
            self.stdout.write(f"signal {signum}: stopping after the message in hand")
            worker.stop()

        for sig in previous:
            signal.signal(sig, stop)
        try:
            tally = worker.run(idle_seconds=options["idle"], once=options["once"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"delivered {tally.delivered}, retried {tally.retried}, dead {tally.dead}")
