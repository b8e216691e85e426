"""Real-browser tests: Playwright drives Debian's Chromium against a live server on the test's database.

Fixtures
- ``live_url``: base URL (``http://127.0.0.1:<port>``) of a live server thread that answers with the
  test's own database connection, so the session reference data of the root ``conftest.py`` and the
  objects the test creates (inside its rolled-back transaction) are visible to the pages — with the
  ordinary ``db`` fixture, on SQLite and PostgreSQL alike. Requests are answered one at a time, and
  only while the test waits in a Playwright call: the test's own code and the pages never use the
  connection at once. (So reach the live server through Playwright — ``page.request`` — not through
  another HTTP client, which would wait for ever.) Static files are served.
- ``browser``: one headless Chromium for the session (``/usr/bin/chromium``; ``MOTCUA_CHROMIUM`` overrides).
- ``page``: a fresh context per test — locale vi-VN, time zone Asia/Ho_Chi_Minh, 1280×800,
  ``base_url=live_url`` (so ``page.goto("/tra-cuu/")`` works). ``phone_page``: the same at 360×740, mobile,
  touch. An uncaught JavaScript error or a Content-Security-Policy violation in either fails the test.
- ``new_page(phone=False)``: one more page in a context of its own (a second person in the journey).
- ``login(page, user, password=DEMO_PASSWORD, next=None)``: logs in through the real ``/dang-nhap/`` page,
  then for staff enters their second-factor code (the demo staff share ``DEMO_OTP_SECRET``; a staff
  account made in the test enrols on the way, reading the secret from the page).
- ``shot(page, name)``: saves a full-page PNG to ``var/screenshots/<name>.png`` (the CI artifacts folder
  named in the README) and returns its path. A failing browser test also leaves ``failed-<test>.png`` there.

Without Chromium (or Playwright) the browser tests are skipped with the reason — except under CI
(``CI`` set, as ``.ci/run`` does), where they fail instead.

Write browser tests as journeys marked ``@pytest.mark.browser``; wait with Playwright's ``expect`` (never
sleep) for what a page shows before the test reads the database. ``clock`` works too (the server shares
the frozen time; cookies are session cookies so a date in the past does not expire them).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import threading
import time
from asyncio import events
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import greenlet
import pytest
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections
from django.test.testcases import _MediaFilesHandler
from django.test.utils import override_settings

from demo.loader import DEMO_PASSWORD
from testing.workers import worker_index

CHROMIUM = os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
CSP_MARK = "CSP violation:"
CSP_WATCH = (
    "document.addEventListener('securitypolicyviolation', (e) => console.error("
    f"'{CSP_MARK} ' + e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' +"
    " e.sourceFile + ':' + e.lineNumber + ' ' + (e.sample || '')));"
)
PHONE = {"width": 360, "height": 740}


def _chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright chưa được cài (pip install -r requirements.txt)"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"không có Chromium ở {CHROMIUM} (apt-get install chromium fonts-noto-core)"
    return None


def pytest_configure(config: pytest.Config) -> None:
    """Remove the failure screenshots of an earlier run — once: in a parallel run by the first worker,
    while it collects (every worker collects before any runs a test)."""
    if worker_index() == 0:
        for stale in SCREENSHOTS.glob("failed-*.png"):
            stale.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------------
# The live server


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _SharedConnectionServer(ThreadedWSGIServer):
    """Each request thread answers with the test's connections; nothing closes them."""

    def _close_connections(self) -> None:
        # Closing would end the test's transaction (Django only shares in-memory SQLite, where
        # close() is a no-op).
        pass


class _Gate:
    """Who uses the shared connection: one request thread at a time, or the test thread.

    Request threads take ``lock`` for a whole request. The test thread's own queries take it too (an
    execute wrapper); and once Playwright runs, the test thread holds it all the time except while a
    Playwright call waits on the browser (see ``_hide_the_event_loop``) — so a page's request never
    runs in the middle of the test's own transaction block, and the test never reads while a page is
    being answered.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.test_holds = False
        self.stopped = False

    def hand_to_server(self) -> None:
        if self.test_holds:
            self.test_holds = False
            self.lock.release()

    def take_back(self) -> None:
        if not self.test_holds and not self.stopped:
            self.lock.acquire()
            self.test_holds = True


_GATE: _Gate | None = None  # the gate of the running live server


class _Serialised:
    """Runs one request at a time through the gate and reads the whole body inside it."""

    def __init__(self, app: Any, gate: _Gate) -> None:
        self.app = app
        self.gate = gate

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.gate.lock:
            if self.gate.stopped:  # a request that waited while the test ended
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b""]
            result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()  # sends request_finished
        return [body]


class LiveServer:
    """A WSGI server thread on 127.0.0.1 sharing the calling thread's database connections.

    Django's ``LiveServerThread`` shares a connection only for in-memory SQLite; every other database
    gets fresh connections that cannot see the test's uncommitted transaction. Here every alias's
    connection object is handed to the request threads (thread sharing enabled), its
    ``close_if_unusable_or_obsolete`` (run on request start/finish) is neutralised, and a ``_Gate``
    lets one thread at a time use it — a request thread, or the test thread.
    """

    def __init__(self) -> None:
        self.gate = _Gate()
        self.connections = {conn.alias: conn for conn in connections.all()}
        self.httpd: _SharedConnectionServer | None = None
        self.thread: threading.Thread | None = None
        self._settings = override_settings(
            # Session cookies: a frozen clock (``clock``) in the past must not make them expire at once.
            SESSION_EXPIRE_AT_BROWSER_CLOSE=True,
            CSRF_COOKIE_AGE=None,
            ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "127.0.0.1"],
        )

    def _locked_execute(self, execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        with self.gate.lock:
            return execute(sql, params, many, context)

    def start(self) -> None:
        global _GATE
        _GATE = self.gate
        self._settings.enable()
        for conn in self.connections.values():
            conn.inc_thread_sharing()
            conn.close_if_unusable_or_obsolete = lambda: None  # type: ignore[method-assign]
            conn.execute_wrappers.insert(0, self._locked_execute)
        app = _Serialised(StaticFilesHandler(_MediaFilesHandler(WSGIHandler())), self.gate)
        self.httpd = _SharedConnectionServer(
            ("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False, connections_override=self.connections
        )
        self.httpd.set_app(app)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        global _GATE
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        if self.thread is not None:
            self.thread.join(5)
        self.gate.hand_to_server()
        with self.gate.lock:  # a request thread still answering finishes first
            self.gate.stopped = True
            _GATE = None
            for conn in self.connections.values():
                if self._locked_execute in conn.execute_wrappers:
                    conn.execute_wrappers.remove(self._locked_execute)
                conn.__dict__.pop("close_if_unusable_or_obsolete", None)
                conn.dec_thread_sharing()
        self._settings.disable()


@pytest.fixture
def live_url(db: Any) -> Iterator[str]:
    """Base URL of a live server answering on this test's database connection (see ``LiveServer``)."""
    server = LiveServer()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


# ---------------------------------------------------------------------------------------------------
# Chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium (Debian's) for the whole session."""
    reason = _chromium_missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"Kiểm thử trên trình duyệt bắt buộc trong CI: {reason}")
        pytest.skip(f"Bỏ qua kiểm thử trên trình duyệt: {reason}")
    from playwright.sync_api import sync_playwright

    manager = sync_playwright()
    playwright = manager.__enter__()
    restore = _hide_the_event_loop(greenlet.getcurrent())
    chromium = None
    try:
        chromium = playwright.chromium.launch(
            executable_path=shutil.which(CHROMIUM) or CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
        )
        yield chromium
    finally:
        try:
            if chromium is not None:
                chromium.close()
        finally:
            restore()
            events._set_running_loop(manager._loop)  # __exit__ switches into the loop's greenlet
            manager.__exit__(None, None, None)
            events._set_running_loop(None)


def _hide_the_event_loop(test_greenlet: greenlet.greenlet) -> Callable[[], None]:
    """Show Playwright's asyncio loop as running only while a sync call waits on it.

    Playwright's sync API runs its loop in a greenlet of the main thread and, between calls, leaves it
    marked as the thread's running loop (``wait_for_future`` in ``playwright/_impl/_greenlets.py``).
    The test's own code would then fail wherever it meets asyncio — ``asyncio.run()`` in pyHanko's
    signing, Django's async-safety check on every ORM call — in this test and in every later test of
    the session. The marker is put back on each entry to the dispatcher (which needs it) and cleared
    when control returns to the test's greenlet (event handlers in greenlets of their own keep it).
    The same boundary hands the live server's shared connection to the server and takes it back.
    """
    from playwright._impl import _sync_base

    original = _sync_base.wait_for_future

    def wait_for_future(loop: asyncio.AbstractEventLoop, fiber: greenlet.greenlet, future: Any) -> None:
        __tracebackhide__ = True
        gate = _GATE if greenlet.getcurrent() is test_greenlet else None
        if gate is not None:
            gate.hand_to_server()  # the live server answers the page while the test waits
        events._set_running_loop(loop)
        try:
            original(loop, fiber, future)
        finally:
            if greenlet.getcurrent() is test_greenlet:
                events._set_running_loop(None)
                if gate is not None:
                    gate.take_back()

    _sync_base.wait_for_future = wait_for_future  # type: ignore[assignment]
    events._set_running_loop(None)  # left set by sync_playwright().__enter__()

    def restore() -> None:
        _sync_base.wait_for_future = original

    return restore


def _new_page(
    browser: Any, live_url: str, request: pytest.FixtureRequest, label: str = "", **options: Any
) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        **options,
    )
    context.set_default_timeout(10_000)
    # Every journey also proves the Content-Security-Policy holds: a violation in any page or frame
    # (an inline script or style, an eval, a resource from elsewhere) is reported to the console.
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # The browser sends console messages only once asked, and asking is scheduled on Playwright's
    # loop, which must look running meanwhile (between calls it is hidden: _hide_the_event_loop).
    events._set_running_loop(page._loop)
    try:
        page.on("console", lambda message: errors.append(message.text) if CSP_MARK in message.text else None)
    finally:
        events._set_running_loop(None)
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
            _save(page, f"failed-{name}{label}")
        assert not errors, f"Lỗi JavaScript trên trang: {errors}"
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, live_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A desktop page (1280×800, vi-VN, Asia/Ho_Chi_Minh) whose relative URLs go to ``live_url``."""
    yield from _new_page(browser, live_url, request, viewport=DESKTOP)


@pytest.fixture
def phone_page(browser: Any, live_url: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone page: 360×740, mobile, touch."""
    yield from _new_page(
        browser, live_url, request, label="-phone", viewport=PHONE, is_mobile=True, has_touch=True
    )


@pytest.fixture
def new_page(browser: Any, live_url: str, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """``new_page(phone=False)`` opens one more page in a context of its own (its own cookies): a second
    person in the same journey, e.g. the officer while ``page`` is the citizen."""
    pages: list[Iterator[Any]] = []

    def open_page(phone: bool = False) -> Any:
        options: dict[str, Any] = (
            {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {"viewport": DESKTOP}
        )
        opened = _new_page(browser, live_url, request, label=f"-{len(pages) + 2}", **options)
        pages.append(opened)
        return next(opened)

    yield open_page
    failures: list[BaseException] = []
    for opened in pages:
        try:
            next(opened, None)
        except BaseException as exc:  # close every page before reporting
            failures.append(exc)
    if failures:
        raise failures[0]


@pytest.fixture
def login() -> Callable[..., None]:
    """``login(page, user)`` logs ``user`` in through the real login pages (demo password by default):
    the password, then for staff the second step — the code of their authenticator app, or, if they
    have none yet, the enrolment page (the secret read from the page) and the recovery codes page."""
    from playwright.sync_api import expect

    from accounts import totp
    from testing.clients import current_otp

    def do_login(page: Any, user: Any, password: str = DEMO_PASSWORD, next: str | None = None) -> None:
        page.goto("/dang-nhap/" + (f"?next={next}" if next else ""))
        form = page.locator("main form")
        form.get_by_label("Tên đăng nhập").fill(user.username)
        form.get_by_label("Mật khẩu").fill(password)
        form.get_by_role("button", name="Đăng nhập").click()
        expect(page).not_to_have_url(re.compile(r"/dang-nhap/(\?.*)?$"))
        if "/dang-nhap/dang-ky-xac-thuc/" in page.url:
            secret = page.locator("#otp-secret").inner_text().replace(" ", "")
            page.get_by_label("Mã xác thực").fill(totp.totp(secret, time.time()))
            page.get_by_role("button", name="Xác nhận và đăng nhập").click()
            expect(page.locator("#recovery-codes li")).to_have_count(10)
            page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
        elif "/dang-nhap/ma-xac-thuc/" in page.url:
            page.get_by_label("Mã xác thực").fill(current_otp(user))
            page.get_by_role("button", name="Xác nhận", exact=True).click()
        expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))

    return do_login


def _save(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    """``shot(page, name)`` saves a full-page screenshot to ``var/screenshots/<name>.png``."""
    return _save


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
