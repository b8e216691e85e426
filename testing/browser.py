"""Steps of the Playwright journeys on the dossier page (web/tests/browser)."""

from __future__ import annotations

from typing import Any


def open_action(page: Any, label: str) -> Any:
    """Open the dialog of the action ``label`` from the dossier page's actions; the dialog."""
    from playwright.sync_api import expect

    page.wait_for_load_state()  # htmx ready: before it, the link opens the dialog as a page of its own
    page.get_by_role("region", name="Thao tác").get_by_role("link", name=label, exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", level=2)).to_have_text(label)
    return dialog


def confirm(page: Any, dialog: Any, label: str, done: str) -> None:
    """Confirm the action in its dialog and wait for the page to say ``done``."""
    from playwright.sync_api import expect

    dialog.get_by_role("button", name=f"Xác nhận: {label}").click()
    expect(page.get_by_role("status").filter(has_text=done)).to_be_visible()
