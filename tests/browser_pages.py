"""
Headless Chromium for the page tests: the system's Chromium through Playwright, and pages logged in as a user.

TLDR: the ``browser`` fixture (``tests/conftest.py``) gives a test one Chromium; ``logged_in_page`` copies the Django
test client's session cookie into a new browser context, so a page opens as that user without the login form, and
collects the page's script errors in ``page.errors``. ``artefact_dir`` is where screenshots are kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

__all__ = ["ARGS", "artefact_dir", "chromium", "logged_in_page"]

ARGS = ["--no-sandbox", "--disable-gpu", "--headless=new"]


@contextmanager
def chromium() -> Iterator[Any]:
    """The system's headless Chromium through playwright (the Django ORM stays usable in the test thread)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still sync.
    with mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}), sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def logged_in_page(browser: Any, live_server: Any, user: Any, *, width: int = 1024) -> Any:
    """A page logged in as ``user`` (the test client's session cookie), its script errors in ``page.errors``."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 800})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return page


def artefact_dir() -> Path:
    """The folder the browser tests keep their screenshots in (under the test data folder)."""
    from django.conf import settings

    path = Path(os.environ.get("VAULT_DATA_DIR") or settings.DATA_DIR) / "artefacts"
    path.mkdir(parents=True, exist_ok=True)
    return path
