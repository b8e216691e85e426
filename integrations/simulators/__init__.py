"""Local simulators of the national partners (INTEGRATIONS.md, "Rules for every partner"): each speaks
the partner's HTTP on loopback and can be told to fail. ``manage.py run_simulators`` serves them all
from one port; the tests start the same server in a thread (``integrations/tests/conftest.py``)."""
