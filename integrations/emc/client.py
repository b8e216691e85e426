"""EMC's client: the one place that talks HTTP to the measurement system (INTEGRATIONS.md, "Measurement
system (EMC)"). To confirm with the operator's current documents.

``POST <MOTCUA_EMC_URL>`` with a TrackingMCDT object (integrations/emc/tracking.py) as JSON. No public
document gives EMC's answer: motcua reads it like the national portal's, ``{"error_code", "message"}``,
``error_code`` 0 (number or string "0") accepted, anything else refused with its reason in ``message``
— the shape the simulator answers. Every call is logged in the exchange log.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from integrations.emc.page import configured
from integrations.emc.tracking import TrackingMCDT
from integrations.http import PartnerRefused, PartnerUnavailable, post_json
from integrations.models import Exchange
from integrations.services import ExchangeTimer
from outbox.models import OutboxMessage

PARTNER = "emc"
OPERATION = "TrackingMCDT"


class EmcRefused(PartnerRefused):
    """EMC answered with an error code other than 0."""


class EmcClient:
    def __init__(self, *, url: str, site_id: str) -> None:
        self.url = url
        self.site_id = site_id

    def track(self, record: TrackingMCDT, *, message: OutboxMessage | None = None) -> None:
        """Post one report; returns when EMC accepted it, raises ``EmcRefused`` or
        ``PartnerUnavailable`` (the wire failed, or the answer is not EMC's)."""
        log = ExchangeTimer(
            partner=PARTNER,
            operation=OPERATION,
            dossier_code=record["CodeProfile"],
            message=message,
            summary=f"Status {record['Status']} {record['CodeTTHC']}",
        )

        try:
            reply: Any = post_json(self.url, record)
            if not isinstance(reply, dict) or "error_code" not in reply:
                raise PartnerUnavailable(f"Câu trả lời của EMC không có error_code: {str(reply)[:200]}")
        except PartnerUnavailable as failed:
            log(Exchange.Outcome.FAILED, answer=str(failed))
            raise
        code = str(reply["error_code"])
        text = str(reply.get("message") or "")
        if code != "0":
            log(Exchange.Outcome.REFUSED, code=code, answer=text)
            raise EmcRefused(code, text)
        log(Exchange.Outcome.ACCEPTED, code=code, answer=text)


def emc_client() -> EmcClient | None:
    """The client as the settings configure it, or None when EMC is off."""
    emc = configured()
    if emc is None:
        return None
    return EmcClient(url=settings.MOTCUA_EMC_URL, site_id=emc.site_id)
