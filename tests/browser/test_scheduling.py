"""Scheduling a post in the editor, on a laptop and on a phone: write with preview, autosave,
leave and come back, tag it with a suggested tag, schedule it, then watch it appear at its time.

The site runs on a live server in this process, so that time-machine's clock, which every thread
reads, is the server's clock too; its cache is a local-memory one, whose expiry reads that clock
(Redis would keep pages for real seconds, not the test's). Any console error, failed request or
Content-Security-Policy violation fails the walk."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.db import connections
from django.test.testcases import LiveServerThread
from django.utils import timezone
from playwright.sync_api import expect

from blog.tests.factories import PostFactory
from tests.browser.conftest import SCREENS, visitors_of
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS
from tests.browser.test_editor import preview_button

pytestmark = pytest.mark.browser

TITLE = "Moonrise over the harbour"


@dataclass
class ClockedSite:
    url: str
    clock: object  # time-machine's traveller: move_to() moves the server's time too


@pytest.fixture
def django_beside_playwright(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the database calls made here
    (fixtures, set-up, flushing) are plain synchronous ones all the same."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def clocked_site(django_beside_playwright, transactional_db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "scheduling-walk",
        }
    }
    # Kept pages and fragments must still end at the scheduled time.
    settings.PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 300
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # plain HTTP
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    # Start at the real time, so that the browser keeps the cookies the server dates.
    with time_machine.travel(timezone.now(), tick=True) as clock:
        server = LiveServerThread(
            "localhost", static_handler=lambda app: app, connections_override=shared, port=0
        )
        server.daemon = True
        for conn in shared.values():
            conn.inc_thread_sharing()
        server.start()
        server.is_ready.wait()
        try:
            assert not server.error, server.error
            yield ClockedSite(url=f"http://localhost:{server.port}", clock=clock)
        finally:
            server.terminate()
            for conn in shared.values():
                conn.dec_thread_sharing()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_writer_schedules_a_tagged_post_and_readers_see_it_at_its_time(
    chromium, clocked_site, screen
):
    PostFactory(title="By the old river").tags.set(["Rivers"])  # a tag to be suggested
    with visitors_of(chromium, clocked_site.url) as visitor:
        ada = visitor(f"schedule-{screen}", SCREENS[screen])
        ada.context.add_init_script(RECORD_VIOLATIONS)
        ada.register(f"selene{screen}")
        ada.goto("/post/new/")
        page = ada.page

        page.fill("[name=title]", TITLE)
        ada.write("The moon came up **orange** over the boats.")
        preview_button(page).click()
        expect(page.locator(".editor-preview-active strong")).to_have_text("orange")
        ada.shot()
        preview_button(page).click()
        status = page.locator("[data-save-status]")
        expect(status).to_have_text(re.compile(r"^Draft saved at \d\d:\d\d"), timeout=20_000)

        ada.goto("/drafts/")  # leave, and come back through the drafts list
        ada.follow(TITLE)
        ada.follow("Edit")
        expect(page.locator(".CodeMirror")).to_contain_text("orange")

        tags = page.get_by_role("combobox", name="Tags")
        tags.press_sequentially("riv")
        suggestions = page.get_by_role("listbox", name="Existing tags")
        expect(suggestions.get_by_role("option")).to_have_text(["Rivers"])
        tags.press("ArrowDown")
        tags.press("Enter")
        tags.press_sequentially("night walks")
        expect(tags).to_have_value("Rivers, night walks")

        when = timezone.localtime() + timedelta(minutes=10)
        page.fill("[name=publish_at]", f"{when:%Y-%m-%dT%H:%M}")
        ada.submit("Schedule")
        expect(page.locator("h1")).to_have_text(TITLE)
        expect(page.get_by_text(re.compile("^Scheduled for"))).to_be_visible()
        expect(page.locator("a.chip-tag")).to_have_count(2)
        assert sorted(page.locator("a.chip-tag").all_inner_texts()) == ["#Rivers", "#night walks"]
        post_path = re.sub(r"^https?://[^/]+", "", page.url)
        ada.goto("/drafts/")
        expect(page.get_by_text("Scheduled for")).to_be_visible()
        assert page.evaluate("window.cspViolations") == []

        reader = visitor(f"reader-{screen}", SCREENS[screen])
        reader.goto("/")
        expect(reader.page.get_by_role("link", name=TITLE)).to_have_count(0)
        reader.goto(post_path, status=404)

        clocked_site.clock.move_to(when.replace(second=0, microsecond=0) + timedelta(minutes=1))

        reader.goto("/")
        reader.page.reload()  # a reader who kept the page open looks again
        expect(reader.page.get_by_role("link", name=TITLE)).to_be_visible()
        reader.shot()
        reader.follow("#Rivers", within=reader.page.locator("article").first)
        expect(reader.page.get_by_role("link", name=TITLE)).to_be_visible()
        reader.goto(post_path)
        expect(reader.page.locator("h1")).to_have_text(TITLE)
