"""The pages as a client sees them: the htmx header, a page as a logged-in user, the pages in English,
the values an admin change form submits."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.test import Client

HX = {"HX-Request": "true"}


def page(client: Client, user: Any, url: str, **kwargs: Any) -> tuple[int, str]:
    """(status, HTML) of ``url`` for ``user`` (logged in on ``client`` first)."""
    client.force_login(user)
    response = client.get(url, **kwargs)
    return response.status_code, response.content.decode()


def english(user: Any = None) -> Client:
    """A browser that chose English in the language selector (logged in as ``user``, if any)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302 and response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    return client


def html_of(client: Client, url: str, **params: Any) -> str:
    """The HTML of a page that must open (200), with no "days" before a date."""
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"days \d", html)  # "ngày" before a date is "on", not the unit
    return html


class FormValues(HTMLParser):
    """What a browser would submit from the admin's change form, as it was rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, Any] = {}
        self._select: tuple[str, bool] | None = None
        self._textarea: str | None = None

    def _add(self, name: str, value: str, multiple: bool = False) -> None:
        if multiple:
            self.data.setdefault(name, []).append(value)
        else:
            self.data[name] = value

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file", "image"}:
            if a.get("type") in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"), multiple=a.get("type") == "checkbox")
            else:
                self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select = (name, "multiple" in a)
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select[0], a.get("value", ""), multiple=self._select[1])
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea] += data.removeprefix("\n")
