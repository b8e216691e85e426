"""The national systems around motcua, one folder per partner (``../shared/INTEGRATIONS.md`` is the
contract each adapter follows: field names, codes and configuration names as written there).

Each partner is configured by environment variables; unset, that integration is off and the system
says so (``status()``, shown at ``/suc-khoe/``)."""

from __future__ import annotations

from typing import Any


def status() -> dict[str, dict[str, Any]]:
    """Each integration: whether it is on, and in words why not."""
    from integrations.dvcqg.client import PORTAL_OFF, portal_settings
    from integrations.dvcqg.inbound import INBOUND_OFF, inbound_enabled
    from integrations.emc.page import EMC_OFF, configured
    from integrations.sms.client import SMS_OFF
    from integrations.sms.client import configured as sms_configured

    emc, sms = configured(), sms_configured()
    portal = portal_settings() is not None
    inbound = inbound_enabled()
    return {
        "emc": {"on": emc is not None, "message": "" if emc else EMC_OFF},
        "dvcqg": {"on": portal, "message": "" if portal else PORTAL_OFF},
        "dvcqg_inbound": {"on": inbound, "message": "" if inbound else INBOUND_OFF},
        "sms": {"on": sms is not None, "message": "" if sms else SMS_OFF},
    }
