"""TrackingMCDT, EMC's report of a dossier action (INTEGRATIONS.md, "Measurement system (EMC)"): the body
in EMC's field names, and the code mappings from motcua's facts. To confirm with the operator's current
documents.

Where each fact comes from:

- ``Status``: the action, through the one table ``dossiers.transitions.EMC_STATUS``, written in the
  outbox row with the event — as are the channel, the delivery method and whether it was paid online,
  which change over a dossier's life: each report gives them as they were at its action.
- ``FormsReception`` (1 online, 2 counter): the dossier's channel; a dossier sent by post is received at
  the one-stop desk, not online (2), and ``IsDVCBC`` says it came by post.
- ``FormsPayments`` (0 none, 1 online, 2 direct): paid online (``Dossier.paid_online``) is 1; otherwise a
  dossier whose processing option (its version, channel and case) charges an amount is 2, paid at the
  desk; a free one is 0.
- ``Level``: the procedure version's online level in the catalog — fully online 4, partly online 3, not
  online 1 (fully at the counter). The catalog knows no "partly at the counter" (0): it is never sent.
- ``IsDVCBC`` (0 in person, 1 public postal service, 2 other): 1 when the dossier was filed by post or its
  result goes back by post; otherwise 0 for a dossier filed at the desk, 2 for one filed online.
- ``IsFromDVCQG``: 1 for a dossier filed on the national portal and pushed here (the inbound flow,
  integrations/dvcqg/inbound.py ``from_portal``), else 0.
- ``User``: the applicant — ``ID_local`` the applicant's UUID (motcua's public identifier, never a row
  id), ``ID_QG`` the portal account id kept from the national login (``TechID``, empty when the applicant
  never logged in through it), ``TYPE`` 1 citizen / 2 business as the portal's account types (an
  organisation and a business are one kind in motcua, keyed by tax code: 2), ``LOCATION`` the statistics
  code of the applicant's commune (empty when unknown).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypedDict

from accounts.models import Applicant
from catalog.models import Channel, OnlineLevel
from dossiers.models import DeliveryMethod, Dossier
from integrations.dvcqg.inbound import pushed_from_portal
from integrations.fees import charged_column


class TrackingMCDT(TypedDict):
    CodeProfile: str
    SiteId: str
    CodeTTHC: str
    NameTTHC: str
    MaHoSo: str
    Status: int
    FormsReception: int
    FormsPayments: int
    Level: int
    IsFromDVCQG: int
    IsDVCBC: int
    User: str  # a JSON object as a string: {"ID_local", "ID_QG", "TYPE", "LOCATION"}


RECEPTION_FORM: dict[str, int] = {Channel.ONLINE: 1, Channel.COUNTER: 2, Channel.POSTAL: 2}
LEVEL: dict[str, int] = {OnlineLevel.FULL: 4, OnlineLevel.PARTIAL: 3, OnlineLevel.NONE: 1}
USER_TYPE: dict[str, int] = {Applicant.Kind.INDIVIDUAL: 1, Applicant.Kind.ORGANIZATION: 2}


def payment_form(*, paid_online: bool, charged: bool) -> int:
    if paid_online:
        return 1
    return 2 if charged else 0


def postal_service(*, channel: str, delivery_method: str) -> int:
    if channel == Channel.POSTAL or delivery_method == DeliveryMethod.POSTAL:
        return 1
    return 0 if channel == Channel.COUNTER else 2


def user_field(*, local_id: str, portal_id: str, kind: str, location: str) -> str:
    return json.dumps(
        {"ID_local": local_id, "ID_QG": portal_id, "TYPE": USER_TYPE[kind], "LOCATION": location},
        ensure_ascii=False,
    )


# What the report reads of the dossier, its procedure and version, and its applicant (one statement).
TRACKING_COLUMNS = (
    "uuid", "code", "procedure__code", "version__name", "version__online_level", "case_id",
    "applicant__uuid", "applicant__portal_user_id", "applicant__kind", "applicant__unit__code",
)  # fmt: skip


@dataclass
class TrackingRead:
    """A dossier as its report reads it: whether its option for the action's channel charges an
    amount, and whether it was filed on the national portal — both read with its row."""

    dossier: Dossier
    charged: bool
    from_portal: bool


def dossier_for_tracking(uuid: str, channel: str) -> TrackingRead | None:
    """The dossier with what the report of an action on ``channel`` reads of it, in one statement
    (None when there is no such dossier)."""
    found = (
        Dossier.objects.select_related("procedure", "version", "applicant", "applicant__unit")
        .only(*TRACKING_COLUMNS)
        .annotate(charged=charged_column(channel), pushed=pushed_from_portal())
        .filter(uuid=uuid)
        .first()
    )
    if found is None:
        return None
    row: Any = found  # the annotations
    return TrackingRead(dossier=found, charged=bool(row.charged), from_portal=bool(row.pushed))


def tracking_record(*, read: TrackingRead, payload: dict[str, Any], site_id: str) -> TrackingMCDT:
    """The report of the action of an outbox row (``payload``, written by dossiers/actions/recording.py:
    the EMC status, and the channel, payment and delivery method as they were at the action) on the
    dossier (received: it has its code; read with ``dossier_for_tracking`` for the payload's channel);
    the rest, which a dossier's life does not change, is read from the dossier, its procedure version
    and its applicant."""
    dossier = read.dossier
    code = dossier.code or ""
    channel = str(payload["channel"])
    applicant = dossier.applicant
    return {
        "CodeProfile": code,
        "SiteId": site_id,
        "CodeTTHC": dossier.procedure.code,
        "NameTTHC": dossier.version.name,
        "MaHoSo": code,
        "Status": int(payload["emc_status"]),
        "FormsReception": RECEPTION_FORM[channel],
        "FormsPayments": payment_form(paid_online=bool(payload["paid_online"]), charged=read.charged),
        "Level": LEVEL[dossier.version.online_level],
        "IsFromDVCQG": 1 if code and read.from_portal else 0,
        "IsDVCBC": postal_service(channel=channel, delivery_method=str(payload["delivery_method"])),
        "User": user_field(
            local_id=str(applicant.uuid),
            portal_id=applicant.portal_user_id,
            kind=applicant.kind,
            location=applicant.unit.code if applicant.unit else "",
        ),
    }
