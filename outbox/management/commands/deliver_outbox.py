"""``manage.py deliver_outbox [--until-empty]``: deliver the outbox messages due now, then exit
(docs/adr/0016). Without ``--until-empty``, one batch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from outbox import delivery
from outbox.worker import Worker


class Command(BaseCommand):
    help = "Deliver the outbox messages due now (one batch, or all with --until-empty) and exit."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--until-empty", action="store_true", help="Keep claiming batches until nothing is due."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        topics = delivery.registered_topics()
        if not topics:
            self.stdout.write("No handler is registered for any topic: nothing is delivered.")
        worker = Worker()
        tally = worker.deliver_due() if options["until_empty"] else worker.deliver_batch()
        self.stdout.write(f"delivered {tally.delivered}, retried {tally.retried}, dead {tally.dead}")
