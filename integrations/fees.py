"""What a dossier is charged, as the partners are told it — read with the dossier's own row, never in
statements of their own (the outbox handlers run once per message: docs/adr/0018 addendum).

A dossier's fees are those of its procedure version's processing option for a channel and its case:
the option of its case if the version has one, else the option for every case (``ProcessingOption``,
``FeeItem``; catalog/models.py).

- The national portal (``DanhSachLePhi``) lists the fee items with an amount of the dossier's option
  for the dossier's channel: ``portal_fee_columns`` annotates the dossier's query with the candidate
  options and their items, ``portal_fees`` picks the option and lists them.
- EMC (``FormsPayments``) asks only whether anything is charged for the channel of the action:
  ``charged_column``, an EXISTS in the dossier's query.
"""

from __future__ import annotations

from typing import Any, TypedDict

from django.db.models import Exists, OuterRef, Q, Subquery

from catalog.models import FeeItem, ProcessingOption
from kernel.jsonrows import json_rows


class LePhi(TypedDict):
    TenPhiLePhi: str
    Gia: int


def _for_the_dossier(prefix: str) -> Q:
    """The options of the outer dossier's version for its case, or for every case (``prefix``: the
    path from the rows read to the option)."""
    return Q(**{f"{prefix}case_id": OuterRef("case_id")}) | Q(**{f"{prefix}case__isnull": True})


def portal_fee_columns() -> dict[str, Subquery]:
    """Annotations of a ``Dossier`` query: ``fee_options`` (the candidate options of its version and
    channel: id, case, position) and ``fee_items`` (their items with an amount), JSON arrays read with
    the dossier's row."""
    options = ProcessingOption.objects.filter(channel=OuterRef("channel")).filter(_for_the_dossier(""))
    items = FeeItem.objects.filter(option__channel=OuterRef("channel"), amount__isnull=False).filter(
        _for_the_dossier("option__")
    )
    return {
        "fee_options": json_rows(options, "version", ["id", "case_id", "position"], outer="version_id"),
        "fee_items": json_rows(
            items,
            "option__version",
            ["id", "option_id", "name", "text", "amount", "position"],
            outer="version_id",
        ),
    }


def portal_fees(
    *, case_id: int | None, options: list[dict[str, Any]] | None, items: list[dict[str, Any]] | None
) -> list[LePhi]:
    """``DanhSachLePhi``: the items with an amount (named, or with their original text) of the option
    for the dossier's case — the first by position — else of the first option for every case."""
    ranked = sorted(options or [], key=lambda o: (o["position"], o["id"]))
    option = next((o for o in ranked if o["case_id"] == case_id), None) or next(
        (o for o in ranked if o["case_id"] is None), None
    )
    if option is None:
        return []
    chosen = sorted(
        (i for i in items or [] if i["option_id"] == option["id"]), key=lambda i: (i["position"], i["id"])
    )
    return [
        {"TenPhiLePhi": item["name"] or item["text"], "Gia": int(item["amount"] or 0)}
        for item in chosen
        if item["name"] or item["text"]
    ]


def charged_column(channel: str) -> Exists:
    """An annotation of a ``Dossier`` query: does its version's option for ``channel`` (its case's, or
    for every case) charge an amount, and is it not marked free?"""
    return Exists(
        FeeItem.objects.filter(
            option__version_id=OuterRef("version_id"), option__channel=channel, amount__gt=0
        )
        .filter(_for_the_dossier("option__"))
        .exclude(option__free=True)
    )
