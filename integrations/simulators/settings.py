"""The settings that point motcua at the simulators served from ``base_url`` — what ``make run`` exports
and what the tests' ``simulators`` fixture applies. Each partner adds its own names here."""

from __future__ import annotations

# Credentials of the simulated portal: the simulator accepts exactly these.
DVCQG_USERNAME = "motcua-sim"
DVCQG_PASSWORD = "mat-khau-mo-phong"
DVCQG_DSTCODE = "H33"
# What the simulated portal presents when it pushes a dossier to motcua (POST /api/v1/portal/inbound).
DVCQG_INBOUND_TOKEN = "inbound-token-mo-phong"
SMS_TOKEN = "sms-token-mo-phong"
EMC_SITE_ID = "3300001"  # EMC site ids are digits (integrations/emc/page.py)


def environment(base_url: str) -> dict[str, str]:
    return {
        "MOTCUA_DVCQG_AUTH_URL": f"{base_url}/dvcqg/auth",
        "MOTCUA_DVCQG_API_URL": f"{base_url}/dvcqg/api",
        "MOTCUA_DVCQG_USERNAME": DVCQG_USERNAME,
        "MOTCUA_DVCQG_PASSWORD": DVCQG_PASSWORD,
        "MOTCUA_DVCQG_DSTCODE": DVCQG_DSTCODE,
        "MOTCUA_DVCQG_INBOUND_TOKEN": DVCQG_INBOUND_TOKEN,
        "MOTCUA_EMC_URL": f"{base_url}/emc/tracking",
        "MOTCUA_EMC_SITE_ID": EMC_SITE_ID,
        "MOTCUA_SMS_URL": f"{base_url}/sms/send",
        "MOTCUA_SMS_TOKEN": SMS_TOKEN,
    }
