"""The outbox handler of the topic ``emc.tracking``: one TrackingMCDT per dossier action of
``dossiers.transitions.EMC_STATUS`` (the rows are written by dossiers/actions/recording.py).

EMC off: the rows are not written (recording.py) and the handler is not registered (``connect``, called
when the app starts), so a worker never takes an EMC row it cannot send — a row written before EMC was
switched off waits, untried, until it is on again. No attempt is spent on a partner that is not there.

Exactly once in effect: EMC's report has no identifier of its own to make a resend harmless, so before
sending again a message tried before (``OutboxMessage.tried_before``), the handler looks for an accepted
exchange of this message in the exchange log — a worker that
stopped after EMC accepted but before the delivery was recorded does not report the action twice. (A
worker stopped between EMC's answer and the log line still resends: the window is that one write.)
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from integrations.emc.client import EmcRefused, emc_client
from integrations.emc.page import EMC_OFF, configured
from integrations.emc.tracking import dossier_for_tracking, tracking_record
from integrations.http import PartnerUnavailable
from integrations.models import Exchange
from outbox import delivery
from outbox.delivery import PartnerDown, Refused, Retry
from outbox.models import OutboxMessage

TOPIC = OutboxMessage.Topic.EMC_TRACKING


def deliver(message: OutboxMessage) -> None:
    client = emc_client()
    if client is None:  # switched off in this process since it registered
        raise Retry(EMC_OFF)
    # Asked only when an earlier attempt may have reached EMC (a first attempt has no exchange yet).
    if (
        message.tried_before()
        and Exchange.objects.filter(message=message, outcome=Exchange.Outcome.ACCEPTED).exists()
    ):
        return  # EMC has it already: the worker stopped before recording the delivery
    payload = message.payload
    read = dossier_for_tracking(str(payload.get("uuid", "")), str(payload.get("channel", "")))
    if read is None:
        raise Refused(f"Không có hồ sơ {payload.get('dossier', '')} để báo cáo EMC.")
    record = tracking_record(read=read, payload=payload, site_id=client.site_id)
    try:
        client.track(record, message=message)
    except PartnerUnavailable as failed:
        # Down (no answer, a time-out, a 5xx): the report waits for EMC, with the others (ADR 0016).
        raise (PartnerDown if failed.down else Retry)(str(failed)) from failed
    except EmcRefused as refused:
        raise Refused(f"EMC từ chối (mã {refused.code}): {refused.message}") from refused


def connect() -> bool:
    """Register the handler when EMC is configured (True); otherwise leave the topic without one. A
    setting that cannot work is reported by the system check (integrations/checks.py), not here."""
    try:
        on = configured() is not None
    except ImproperlyConfigured:
        on = False
    if on:
        delivery.register(TOPIC, deliver)
    else:
        delivery.unregister(TOPIC)
    return on
