"""What happens to a dossier, published inside the transaction that writes it.

The dossier actions (and the documents app, when a paper or result changes what a dossier counts as)
say what happened here; the apps above them subscribe without the dossiers app knowing them: the
report facts today (``reports.apps``), the applicant's notices and the national portal's sync next.
A subscriber runs in the writer's transaction, with the dossier row locked: if it fails, nothing of
the action is kept.

- ``event_recorded``: an event was appended to the dossier's history, after the dossier row was
  saved. Arguments: ``dossier``, ``event`` (the ``DossierEvent``), ``due_before`` (the due instant
  before the event), ``running_since_before`` (``Dossier.clock_running_since`` before the event; the
  dossier carries the value after it).
- ``flags_changed``: the dossier's counted flags changed (digitised, reused, paid online, electronic
  result, rating). Arguments: ``dossier``, ``before`` (the flags before, as ``flags_of`` gives them).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.dispatch import Signal

if TYPE_CHECKING:
    from dossiers.models import Dossier

event_recorded = Signal()
flags_changed = Signal()

COUNTED_FLAGS = ("digitized", "reused", "paid_online", "e_result", "rating")


def flags_of(dossier: Dossier) -> dict[str, Any]:
    return {name: getattr(dossier, name) for name in COUNTED_FLAGS}


@contextmanager
def flags_change(dossier: Dossier) -> Iterator[None]:
    """Around a change of the dossier's flags (the caller holds its row lock and saves it inside the
    block): publishes ``flags_changed`` when they moved."""
    before = flags_of(dossier)
    yield
    if flags_of(dossier) != before:
        flags_changed.send(sender=type(dossier), dossier=dossier, before=before)
