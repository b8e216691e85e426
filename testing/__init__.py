"""Test support: plain helpers and constants shared by the test modules of several apps.

Fixtures live in ``conftest.py`` files (the root one for the whole suite, an app's ``tests/conftest.py``
for that app), where pytest finds them without an import. What a test calls by name — the demo's codes,
request bodies, scenario steps, file builders, HTTP helpers — lives here, one module per subject:

- ``testing.reference``: the reference data every test database starts with, the demo logins.
- ``testing.database``: data built once for a test module, rolled back after it.
- ``testing.clients``: the API client, logging in through the pages, the second-factor code.
- ``testing.dossiers``: procedure and agency codes of the demo, request bodies, scenario steps.
- ``testing.documents``: PDF, JPEG and scanned-page bytes; uploads and certified copies through the API.
- ``testing.web``: the pages as a client sees them (htmx header, English, an admin form's values).
- ``testing.portal``: the citizen portal's filing wizard.
- ``testing.kiosk``: the kiosk of commune A's centre.
- ``testing.browser``: steps of the Playwright journeys.
- ``testing.counting``: a computation that counts its calls (what a memo or a kept value saves).
- ``testing.workers``: what differs between the processes of a parallel run (``-n 2``).

A test module never imports another test module or a ``conftest.py`` (motcua/tests/test_test_imports.py
asserts it), and the product never imports this package.
"""
