"""Browser tests: Playwright drives Debian's Chromium against a live server.

Playwright's sync API keeps an event loop running in the test's thread; the
tests still read the database between steps, which Django would refuse from a
thread with a loop, hence DJANGO_ALLOW_ASYNC_UNSAFE while the browser is open.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


class PageProblems:
    """Console errors (CSP violations, failed scripts) and uncaught exceptions of a page."""

    def __init__(self, page):
        self.errors = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        page.on(
            "response",
            lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}"),
        )

    def _console(self, message):
        # A failed sub-resource is reported with its URL by the response hook.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)


@pytest.fixture
def new_page(browser, live_server):
    """Open pages in fresh Italian-speaking browser contexts (one per person);
    every page must finish without console errors."""
    contexts, watchers = [], []

    def open_page(**options):
        context = browser.new_context(locale="it-IT", base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watchers.append(PageProblems(page))
        return page

    yield open_page
    for context in contexts:
        context.close()
    problems = [error for watcher in watchers for error in watcher.errors]
    assert problems == [], problems


def log_in(page, member, password):
    """Log in through the real login page."""
    page.goto("/account/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password*", exact=True).fill(password)
    page.get_by_role("button", name="Accedi").click()
    page.wait_for_url(lambda url: "/account/login/" not in url)
