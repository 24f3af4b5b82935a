"""Debian's chromium watching every page, on the stack (tests/conftest.py).

Each person in a walk is a Visitor: its own browser context, a screenshot of every page it
lands on (test-artifacts/browser/), and a failure at the end of the test for any console error,
failed request, 4xx/5xx answer that the test did not ask for, or request that leaves loopback.
"""

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from scripts.stack import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PASSWORD = "correct horse battery staple 42"


@pytest.fixture(scope="package")
def chromium():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Screens the writing walks run on: a laptop, and a phone held upright.
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SCREENS = {"desktop": DESKTOP, "phone": PHONE}

AXE = (ROOT / "tests" / "node_modules" / "axe-core" / "axe.min.js").read_text()


def axe_violations(page):
    """[(rule, targets)] that axe-core finds on the page."""
    # Injected through the DevTools protocol, which the page's CSP does not govern.
    page.evaluate(AXE)
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], [node["target"] for node in v["nodes"]]) for v in result["violations"]]


class Visitor:
    def __init__(self, browser, base_url, label, screen=None):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, **(screen or {}))
        self.page = self.context.new_page()
        self.label = label
        self.problems = []
        self.expected_errors = set()  # URLs whose 4xx answer is what the test checks
        self.shots = 0
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on("request", self.on_request)
        self.page.on("requestfailed", self.on_request_failed)
        self.page.on("response", self.on_response)

    def on_console(self, message):
        url = message.location.get("url", "")
        if url in self.expected_errors:
            return
        if message.type == "error":
            self.problems.append(f"console error: {message.text} at {message.location}")

    def on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in {"file", "data", "blob"} and parts.hostname not in LOCAL_HOSTS:
            self.problems.append(f"request leaves loopback: {request.url}")

    def on_request_failed(self, request):
        self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def on_response(self, response):
        if response.status >= 400 and response.url not in self.expected_errors:
            self.problems.append(f"{response.status} for {response.request.method} {response.url}")

    def shot(self):
        self.shots += 1
        page = re.sub(r"[^A-Za-z0-9]+", "-", urlsplit(self.page.url).path).strip("-") or "home"
        path = ARTIFACTS / f"{self.label}-{self.shots:02d}-{page[:60]}.png"
        self.page.screenshot(path=path, full_page=True)

    def goto(self, url, status=200):
        """Opens a page and checks its status (None: a file, which has none)."""
        if status and status >= 400:
            self.expected_errors.add(self.absolute(url))
        response = self.page.goto(url)
        if status:
            assert response.status == status, f"{url}: {response.status}"
        self.shot()
        return response

    def submit(self, button):
        """Clicks a submit button by its label and waits for the page it leads to."""
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button, exact=True).click()
        self.shot()

    def follow(self, link, within=None):
        """Clicks a link by its name (inside the `within` locator, if given)."""
        with self.page.expect_navigation():
            (within or self.page).get_by_role("link", name=link, exact=True).click()
        self.shot()

    def search(self, words):
        """Searches from the header's box, opening the menu first where a phone folds it away."""
        toggler = self.page.get_by_role("button", name="Toggle navigation")
        if toggler.is_visible():
            toggler.click()
        self.page.get_by_label("Search posts").fill(words)
        with self.page.expect_navigation():
            self.page.get_by_label("Search posts").press("Enter")
        self.shot()

    def absolute(self, url):
        return url if "://" in url else self.base_url + url

    def image_loaded(self, selector):
        image = self.page.locator(selector).first
        image.scroll_into_view_if_needed()
        self.page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        return image.evaluate("img => img.currentSrc")

    # What a person does

    def register(self, username, email=None):
        self.goto("/users/register/")
        self.page.fill("[name=username]", username)
        self.page.fill("[name=email]", email or f"{username}@example.com")
        self.page.fill("[name=password1]", PASSWORD)
        self.page.fill("[name=password2]", PASSWORD)
        self.submit("Register")
        self.assert_signed_in(username)

    def assert_signed_in(self, username):
        # On a phone the header's links sit in the collapsed menu.
        link = self.page.get_by_role("link", name=username, exact=True, include_hidden=True)
        assert link.count() == 1

    def sign_out(self):
        self.submit("Sign out")

    def sign_in(self, username, password=PASSWORD):
        self.goto("/users/login/")
        self.page.fill("[name=username]", username)
        self.page.fill("[name=password]", password)
        self.submit("Sign in")
        self.assert_signed_in(username)

    def write(self, text):
        """Types into the post editor (EasyMDE hides the textarea behind CodeMirror)."""
        self.page.locator(".EasyMDEContainer .CodeMirror").click()
        self.page.keyboard.insert_text(text)

    def write_post(
        self, title, *, status="published", image=None, category=None, text=None, tags=None
    ):
        """Creates a post through the form; returns its path."""
        self.goto("/post/new/")
        self.page.fill("[name=title]", title)
        self.write(text or f"Some **words** about {title}.")
        if category:
            self.page.select_option("[name=category]", label=category)
        if tags:
            self.page.fill("[name=tags]", tags)
        if image:
            self.page.set_input_files(
                "[name=image]", {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": image}
            )
            self.page.fill("[name=image_alt]", f"A photo for {title}")
        self.submit("Publish" if status == "published" else "Save draft")
        assert self.page.locator("h1").inner_text() == title
        return urlsplit(self.page.url).path


@contextmanager
def visitors_of(browser, base_url):
    """Makes Visitors of the site at base_url; fails on any problem one of them saw."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visitors = []

    def make(label, screen=None):
        visitors.append(Visitor(browser, base_url, label, screen))
        return visitors[-1]

    yield make
    problems = [f"{v.label}: {problem}" for v in visitors for problem in v.problems]
    for person in visitors:
        person.context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def visitor(chromium, stack):
    """Makes Visitors of the stack; fails the test on any problem one of them saw."""
    with visitors_of(chromium, stack.url) as make:
        yield make
