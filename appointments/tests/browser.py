"""What the browser tests share: Debian's Chromium (installed by `.ci/run`) driven by Playwright's
Python API through `executable_path` (Playwright's own browser downloads are never used), their
marks, and where their screenshots go."""

from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is not installed")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
SHOTS = Path(settings.BASE_DIR) / "bench" / "results" / "frontdesk"

BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is absent"),
    # The live server needs committed rows; the "Receptionists" group is re-made by
    # post_migrate after every flush (accounts/groups.py), so no serialized rollback is needed.
    pytest.mark.django_db(transaction=True),
]


@contextmanager
def chromium():
    """A headless Chromium, closed afterwards."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
