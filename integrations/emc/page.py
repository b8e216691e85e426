"""EMC's tracking snippet, carried by every public page (INTEGRATIONS.md: "Every public page carries the
tracking snippet with the site id"). To confirm with the operator's current documents.

The national scanner looks for an inline script that names the tracker (``setTrackerUrl``) and the
site (``setSiteId``) and loads EMC's tracking script; the snippet here is that script. The contract
names two settings only, ``MOTCUA_EMC_URL`` (where dossier actions are reported) and
``MOTCUA_EMC_SITE_ID``: the page tracker and its script are taken from the same server as
``MOTCUA_EMC_URL`` — ``<origin>/tracking`` and ``<origin>/embed/gov-tracking.min.js``, the paths the
public portals of other provinces use.

The pages run under a Content-Security-Policy that forbids inline scripts: this one is allowed by its
SHA-256 hash (``csp_sources``), and EMC's server is allowed for the script it loads and the page views
it sends. The snippet is built from validated settings only (a site id of digits, an http(s) origin),
so it is the same bytes on every page and its hash holds.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.safestring import SafeString, mark_safe

EMC_OFF = "Đo lường EMC chưa bật: đặt MOTCUA_EMC_URL và MOTCUA_EMC_SITE_ID."
_SITE_ID = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Emc:
    origin: str  # scheme://host[:port] of MOTCUA_EMC_URL
    site_id: str

    @property
    def tracker_url(self) -> str:
        return f"{self.origin}/tracking"

    @property
    def script_url(self) -> str:
        return f"{self.origin}/embed/gov-tracking.min.js"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"MOTCUA_EMC_URL không phải địa chỉ http(s): {url!r}")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}"


@functools.cache
def _configured(url: str, site_id: str) -> Emc | None:
    if not url and not site_id:
        return None
    if not url or not site_id:
        raise ImproperlyConfigured("EMC cần cả MOTCUA_EMC_URL và MOTCUA_EMC_SITE_ID.")
    if not _SITE_ID.fullmatch(site_id):
        raise ImproperlyConfigured(f"MOTCUA_EMC_SITE_ID phải là dãy chữ số: {site_id!r}")
    return Emc(origin=_origin(url), site_id=site_id)


def configured() -> Emc | None:
    """EMC as the settings give it, or None when it is off (both settings unset)."""
    return _configured(settings.MOTCUA_EMC_URL, settings.MOTCUA_EMC_SITE_ID)


@functools.cache
def _script(emc: Emc) -> str:
    # Values as JSON strings: the site id is digits and the URLs an origin with fixed paths (validated
    # above), so nothing in them can close the script element.
    tracker, site, source = (json.dumps(value) for value in (emc.tracker_url, emc.site_id, emc.script_url))
    return (
        "var _govaq = window._govaq || [];"
        "_govaq.push(['trackPageView']);"
        "_govaq.push(['enableLinkTracking']);"
        "(function () {"
        f"_govaq.push(['setTrackerUrl', {tracker}]);"
        f"_govaq.push(['setSiteId', {site}]);"
        "var d = document, g = d.createElement('script'), s = d.getElementsByTagName('script')[0];"
        "g.type = 'text/javascript'; g.async = true; g.defer = true;"
        f"g.src = {source};"
        "s.parentNode.insertBefore(g, s);"
        "})();"
    )


def page_script() -> SafeString | None:
    """The body of the snippet's inline ``<script>``, or None when EMC is off."""
    emc = configured()
    # Safe: built from validated settings only (see _script).
    return None if emc is None else mark_safe(_script(emc))


def csp_sources() -> dict[str, list[str]]:
    """What the pages' Content-Security-Policy must add for the snippet (nothing when EMC is off): the
    inline script by its hash, EMC's server for the script it loads and for the page views it sends."""
    emc = configured()
    if emc is None:
        return {}
    digest = base64.b64encode(hashlib.sha256(_script(emc).encode()).digest()).decode()
    return {
        "script-src": [emc.origin, f"'sha256-{digest}'"],
        "connect-src": [emc.origin],
        "img-src": [emc.origin],
    }
