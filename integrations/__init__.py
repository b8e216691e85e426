"""The national systems around motcua, one folder per partner (``../shared/INTEGRATIONS.md`` is the
contract each adapter follows: field names, codes and configuration names as written there).

Each partner is configured by environment variables; unset, that integration is off and the system
says so (``status()``, shown at ``/suc-khoe/``)."""

from __future__ import annotations

from typing import Any


def status() -> dict[str, dict[str, Any]]:
    """Each integration: whether it is on, and in words why not."""
    from integrations.dvcqg.client import PORTAL_OFF, portal_settings
    from integrations.emc.page import EMC_OFF, configured

    emc = configured()
    portal = portal_settings() is not None
    return {
        "emc": {"on": emc is not None, "message": "" if emc else EMC_OFF},
        "dvcqg": {"on": portal, "message": "" if portal else PORTAL_OFF},
    }
