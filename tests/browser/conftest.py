"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

No browser is ever downloaded: the tests launch /usr/bin/chromium. They are skipped where it is
missing, unless KONVERGENSI_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from konvergensi.accounts.models import Membership, Role
from konvergensi.wilayah import services as wilayah_services
from konvergensi.wilayah.models import Region

# Playwright's sync API runs an asyncio loop in the test thread; Django's ORM would refuse
# to run there ("You cannot call this from an async context") without this.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HTMX = Path(settings.PROJECT_DIR) / "frontend" / "vendor" / "htmx.min.js"
SHOTS_DIR = Path("/tmp/konvergensi-shots")

JOB_POLL = "**/tugas/**"


def run_worker_while_the_poll_waits(page) -> None:
    """Run the task worker once, with the job page's poll held in the browser meanwhile.

    The job page asks the live server for its job every second. With SQLite's in-memory test
    database the live server and this thread share one database, whose locks fail at once
    ("database table is locked") instead of waiting, so a poll that lands while the worker claims
    its task breaks the worker. The poll is held from just after one answer (the next is a second
    away) until the worker is done, then let through.
    """
    held: list = []
    holding = True

    def hold(route) -> None:
        if holding:
            held.append(route)
        else:
            route.continue_()

    with page.expect_response(lambda response: "/tugas/" in response.url):
        pass
    page.route(JOB_POLL, hold)
    try:
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    finally:
        holding = False
        for route in held:
            route.continue_()
        page.unroute(JOB_POLL)


KAB = "32.11"  # Kabupaten Sumedang, Jawa Barat
NEIGHBOUR = "32.10"  # Kabupaten Majalengka, Jawa Barat
PROVINSI = "32"  # Jawa Barat
PASSWORD = "uji-peramban-Sumedang-7"


def _require_browser() -> None:
    if not CHROMIUM.exists():
        message = (
            f"{CHROMIUM} is missing: install Debian's Chromium (`apt-get install chromium`); "
            "never download one with `playwright install`."
        )
        if os.environ.get("KONVERGENSI_REQUIRE_BROWSER") == "1":
            pytest.fail(f"KONVERGENSI_REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    if not HTMX.exists():
        pytest.fail(
            f"{HTMX} is missing: run `make assets` to fetch the front-end packages first.", pytrace=False
        )


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    """One headless Chromium per test module (Playwright's loop stops before the other tests run)."""
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class PageProblems:
    """What went wrong in the pages of a test: CSP violations, script and console errors, 5xx."""

    csp: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    favicon_missing: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        def on_console(msg) -> None:
            source = (msg.location or {}).get("url", "")
            where = f"{page.url}: {msg.text}" + (f" ({source})" if source else "")
            if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
                self.csp.append(where)
            elif msg.type == "error" and source.endswith("/favicon.ico"):
                # Chromium asks every site for /favicon.ico on its own; the app has none (yet).
                self.favicon_missing.append(where)
            elif msg.type == "error":
                self.console_errors.append(where)

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.js_errors.append(f"{page.url}: {exc}"))
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")
        elif response.status >= 400:
            self.not_found.append(f"{response.status} {response.request.method} {response.url}")


@pytest.fixture
def problems() -> PageProblems:
    return PageProblems()


@pytest.fixture
def new_page(chromium, live_server, problems):
    """``new_page()`` opens a page in a fresh browser context (its own cookies), watched for problems."""
    contexts = []

    def make():
        context = chromium.new_context(
            base_url=live_server.url,
            locale="id-ID",
            viewport={"width": 1280, "height": 900},
            accept_downloads=True,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        problems.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shots(tmp_path) -> Iterator:
    """``shots(page, name)`` saves a full-page screenshot in tmp_path and /tmp/konvergensi-shots."""
    folder = tmp_path / "shots"
    folder.mkdir()
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        (SHOTS_DIR / path.name).write_bytes(path.read_bytes())
        return path

    return take


@dataclass(frozen=True)
class Accounts:
    operator: object
    provinsi: object
    password: str = PASSWORD


@pytest.fixture
def accounts(transactional_db) -> Accounts:
    """Real regions and agencies, an operator of Sumedang and the Jawa Barat reviewer.

    Transactional tests flush every table afterwards, so everything is created here, every time,
    through the project's own services.
    """
    wilayah_services.region_load(only_prefixes=(KAB, NEIGHBOUR))
    for kode in (KAB, NEIGHBOUR):
        wilayah_services.opd_create_standard(kabkota=Region.objects.get(kode=kode))
    User = get_user_model()
    operator = User.objects.create_user(
        "bappeda-sumedang-uji", password=PASSWORD, first_name="Rina", last_name="Operator"
    )
    Membership.objects.create(user=operator, role=Role.OPERATOR, region_id=KAB)
    provinsi = User.objects.create_user(
        "prov-jabar-uji", password=PASSWORD, first_name="Budi", last_name="Provinsi"
    )
    Membership.objects.create(user=provinsi, role=Role.PROVINSI, region_id=PROVINSI)
    return Accounts(operator=operator, provinsi=provinsi)
