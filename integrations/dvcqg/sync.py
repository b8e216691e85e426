"""The outbound dossier sync: the handler of the outbox topic ``portal.sync`` (one message per dossier
event, written by dossiers/actions/recording.py ``_announce``). To confirm with the operator's current
documents.

For each message: ``DongBoHoSoMC`` with the dossier as it is now — ``isUpdating`` "False" the first
time, "True" once the portal has accepted the dossier (``PortalDossier``) — then
``CapNhatTienDoHoSoMC`` with the message's event.

- **Exactly once in effect.** The portal appends progress events: one sent twice shows twice. A message
  tried before (``attempts`` > 1, or an error kept from an earlier attempt) may have reached the portal
  although its delivery was not recorded (a worker that stopped in between): the handler then asks
  ``TraCuuHoSo`` first, takes the portal's word on whether it knows the dossier, and leaves out the
  progress events it already shows. A ``DongBoHoSoMC`` sent again is harmless (the portal keeps the last
  object).
- **From the submission** (ADR 0021): an online dossier has its code from its submission, so its
  first message — the submission — creates it on the portal (TrangThaiHoSo 1, NgayNopHoSo); a return
  for completion and a re-submission update it (still 1) with their progress events, a refusal (3,
  NgayTuChoi) or a withdrawal (7) before reception reach the portal like any later change, and the
  reception updates it to 2 (NgayTiepNhan, NgayHenTra). A counter or postal dossier's first message is
  its reception's. Messages keep the dossier's order because they bear its code (outbox: one message
  in flight per dossier and topic).
- **Messages without a code**: those an older version wrote for a dossier submitted before codes were
  issued at submission (and a withdrawn draft's, which never reaches the portal). They are delivered
  without a call; their events go with the dossier's first message that has a code (its reception, or
  its re-submission after a return), before that message's own event.
- A refused login (``LoginRefused``: credentials, dstcode) → ``Retry``: the settings are at fault, not the
  message.
- ``PortalUnavailable`` (down, timed out, the session refused twice) → ``Retry`` — ``PartnerDown`` when
  the portal could not be reached at all (refused or dropped connection, time-out, HTTP 5xx: the
  message waits for the portal, and the first delivery that reaches it again releases the others,
  docs/adr/0016); ``PortalRefused`` →
  ``Refused`` with the portal's code and message, kept as the dead letter's last error.
- **Portal off** (``MOTCUA_DVCQG_*`` unset): the handler is registered only when the portal is
  configured at start (``register_if_configured``, from ``IntegrationsConfig.ready``), so the worker
  leaves the topic's messages alone — pending, no attempt counted — until a start with the settings
  (docs/adr/0016: a topic without a handler is not claimed). Should the settings vanish while
  registered (a test), the handler answers ``Retry`` with the reason.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import Exists
from django.utils import timezone

from dossiers.models import Dossier
from integrations.dvcqg import payloads
from integrations.dvcqg.client import (
    PORTAL_OFF,
    LoginRefused,
    PortalClient,
    PortalRefused,
    PortalUnavailable,
    portal_client,
)
from integrations.services import portal_dossier_accepted
from outbox import delivery
from outbox.delivery import PartnerDown, Refused, Retry
from outbox.models import OutboxMessage

logger = logging.getLogger("motcua.integrations")

SYNC = "DongBoHoSoMC"
PROGRESS = "CapNhatTienDoHoSoMC"
LOOKUP = "TraCuuHoSo"


def lookup_many(
    client: PortalClient,
    *,
    madonvi: str,
    codes: list[str],
    dossier_code: str = "",
    message: OutboxMessage | None = None,
) -> dict[str, dict[str, Any]]:
    """What the portal holds for ``codes`` (one ``TraCuuHoSo`` call): per code it knows, ``{"MaHoSo",
    "TrangThaiHoSo", "DanhSachTienDo"}``; a code it does not know is absent."""
    found = client.call(
        LOOKUP,
        madonvi=madonvi,
        data=[{"MaHoSo": code} for code in codes],
        dossier_code=dossier_code,
        message=message,
    )
    if isinstance(found, dict):
        found = [found]
    wanted = set(codes)
    return {
        str(item["MaHoSo"]): item
        for item in (found if isinstance(found, list) else [])
        if isinstance(item, dict) and str(item.get("MaHoSo")) in wanted
    }


def lookup(
    client: PortalClient, *, madonvi: str, code: str, message: OutboxMessage | None = None
) -> dict[str, Any] | None:
    """What the portal holds for ``code``, or None when it does not know the code."""
    return lookup_many(client, madonvi=madonvi, codes=[code], dossier_code=code, message=message).get(code)


def _seq(message: OutboxMessage) -> int:
    if isinstance(message.payload.get("seq"), int):
        return int(message.payload["seq"])
    # Messages written before the payload carried it: the key is "<dossier uuid>:<seq>:sync".
    return int(message.key.split(":")[1])


def _held_back(dossier: Dossier, message: OutboxMessage) -> list[int]:
    """The events of the dossier's messages written before it had a code, when ``message`` is its
    first message with one (a dossier submitted before codes were issued at submission: ADR 0021) —
    one statement: those messages, provided no coded message of the dossier comes before this one."""
    sync = OutboxMessage.objects.filter(topic=OutboxMessage.Topic.PORTAL_SYNC)
    coded_before = sync.filter(dossier_code=dossier.code, pk__lt=message.pk)
    before = sync.filter(dossier_code="", key__startswith=f"{dossier.uuid}:", pk__lt=message.pk).filter(
        ~Exists(coded_before)
    )
    return [_seq(m) for m in before.only("key", "payload")]


def sync_message(client: PortalClient, message: OutboxMessage) -> None:
    """Send one ``portal.sync`` message (see the module's docstring). Raises the client's errors.

    Statements (docs/adr/0018 addendum): the dossier with all it sends, in one; the events, with
    their actors' titles, in one; an exchange-log line per call; on the dossier's first acceptance,
    its ``PortalDossier`` row. The look-up of messages written without a code is made only when it
    can find any: while the portal does not know the dossier yet, or on a resend."""
    code = message.dossier_code
    if not code:
        return  # written before the dossier had a code: sent with its first coded message
    read = payloads.dossier_for_portal(code)
    if read is None:
        raise Refused(f"Không tìm thấy hồ sơ {code}.")
    dossier = read.dossier
    madonvi = dossier.handling_agency.code
    known = read.known
    shown: set[tuple[str, str, str, str]] = set()
    resend = message.tried_before()
    if resend:
        # Tried before: the portal may hold what this message sends although no delivery was recorded.
        held = lookup(client, madonvi=madonvi, code=code, message=message)
        known = held is not None
        if held is not None:
            portal_dossier_accepted(dossier_code=code, at=timezone.now())
            shown = {payloads.event_key(e) for e in held.get("DanhSachTienDo") or [] if isinstance(e, dict)}
    # The held-back events go with the dossier's first coded message, which is the first to reach the
    # portal: once the portal knows the dossier (and this is no resend), that message went before.
    seqs = {_seq(message)}
    if resend or not read.known:
        seqs.update(_held_back(dossier, message))
    record = payloads.dossier_record(read)
    client.call(SYNC, madonvi=madonvi, data=[record], is_updating=known, dossier_code=code, message=message)
    if not known:
        portal_dossier_accepted(dossier_code=code, at=timezone.now())
    progress = payloads.progress_events(read, list(payloads.events_for_portal(dossier, sorted(seqs))))
    fresh = [item for item in progress if payloads.event_key(item) not in shown]
    if fresh:
        client.call(PROGRESS, madonvi=madonvi, data=fresh, dossier_code=code, message=message)


def deliver(message: OutboxMessage) -> None:
    """The ``portal.sync`` handler (outbox.delivery)."""
    client = portal_client()
    if client is None:
        raise Retry(PORTAL_OFF)
    try:
        sync_message(client, message)
    except PortalUnavailable as exc:
        failure = PartnerDown if exc.down else Retry
        raise failure(f"Cổng DVCQG không trả lời: {exc}") from exc
    except LoginRefused as exc:
        raise Retry(f"{exc.message} (mã {exc.code})") from exc
    except PortalRefused as exc:
        raise Refused(f"Cổng DVCQG từ chối (mã {exc.code}): {exc.message}") from exc


def register() -> None:
    delivery.register(OutboxMessage.Topic.PORTAL_SYNC, deliver)


def register_if_configured() -> bool:
    """Register the handler when the portal's settings are all set (at start); True if registered."""
    from integrations.dvcqg.client import portal_settings

    if portal_settings() is None:
        return False
    register()
    return True
