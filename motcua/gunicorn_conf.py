"""gunicorn's settings for ``make serve`` (``--config python:motcua.gunicorn_conf``).

The address comes from the command line (``--bind``); anything here can be overridden the same way or
through ``GUNICORN_CMD_ARGS``.
"""

from __future__ import annotations

import os

# WEB_CONCURRENCY is the usual way to size the server; gunicorn's own advice is two per core plus one
# (the workers wait on the database and on the file store as much as they compute).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)
worker_class = "sync"
# A counter digitisation OCRs every page of a scan in the request (about 4 s a page on one core, the
# pages in parallel, README "Documents"): 30 s, gunicorn's default, would kill a 20-page scan.
timeout = 120
graceful_timeout = 30
# A worker is replaced after this many requests (jittered so that they do not all restart together),
# which bounds what a slow leak in a native library (WeasyPrint, Pillow) can grow to.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# The scheme and the client's address are Django's to decide (MOTCUA_TRUSTED_PROXIES): gunicorn must
# not turn an X-Forwarded-Proto header into "https" by itself, whoever sent it.
secure_scheme_headers: dict[str, str] = {}
# gunicorn's control socket (gunicornc) is one path per user: a second instance would take it over.
control_socket_disable = True
