"""Writing a post in the editor, on a laptop and on a phone: preview, autosave, leave, come back,
publish. Any console error, failed request or Content-Security-Policy violation fails the walk."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, SCREENS
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser

TEXT = (
    "| boat | length |\n|---|--:|\n| Ketch | 12 m |\n\n> Calm water all morning.\n\n"
    "`knots` and\n\n```\ntide 2.1 m\n```\n\n<script>window.previewRan = true</script>\n\n"
)
UNSAVED_WARNING = """() => {
  const event = new Event("beforeunload", {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def preview_button(page):
    return page.get_by_role("button", name="Toggle Preview", exact=True)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_writer_previews_autosaves_leaves_comes_back_and_publishes(visitor, screen):
    ada = visitor(f"editor-{screen}", SCREENS[screen])
    ada.context.add_init_script(RECORD_VIOLATIONS)
    ada.register(f"harbour{screen}")
    ada.goto("/post/new/")
    page = ada.page
    status = page.locator("[data-save-status]")

    page.fill("[name=title]", "Notes from the harbour")
    ada.write(TEXT)
    page.keyboard.press("Control+B")  # the toolbar's shortcut: ** around what comes next
    page.keyboard.insert_text("strong words")
    assert ada.page.evaluate(UNSAVED_WARNING) is True

    preview_button(page).click()
    preview = page.locator(".editor-preview-active")
    expect(preview.locator("td").first).to_have_text("Ketch")
    expect(preview.locator("strong")).to_have_text("strong words")
    expect(preview.locator("blockquote")).to_have_text("Calm water all morning.")
    assert preview.locator("script").count() == 0
    assert page.evaluate("window.previewRan") is None
    preview_html = preview.inner_html()
    ada.shot()
    preview_button(page).click()

    expect(status).to_have_text(re.compile(r"^Draft saved at \d\d:\d\d"), timeout=20_000)
    edit_path = re.sub(r"^https?://[^/]+", "", page.url)
    assert re.fullmatch(r"/post/notes-from-the-harbour(-\d+)?/edit/", edit_path)
    assert ada.page.evaluate(UNSAVED_WARNING) is False

    ada.goto("/drafts/")  # leave, and come back through the drafts list
    ada.follow("Notes from the harbour")
    ada.follow("Edit")
    expect(page.locator(".CodeMirror")).to_contain_text("strong words")
    assert page.input_value("[name=title]") == "Notes from the harbour"

    ada.submit("Publish")
    expect(page.locator("h1")).to_have_text("Notes from the harbour")
    body = page.locator(".post-body")
    assert body.inner_html().strip() == preview_html.strip()
    # The post styles reach what Markdown renders.
    assert (
        body.locator("blockquote").evaluate("q => getComputedStyle(q).borderLeftStyle") == "solid"
    )
    assert body.locator("td").first.evaluate("c => getComputedStyle(c).borderTopStyle") == "solid"
    assert page.evaluate("window.cspViolations") == []
    ada.goto("/")
    expect(page.locator(f'a[href="{edit_path.removesuffix("edit/")}"]')).to_be_visible()


def test_an_editor_without_javascript_is_the_plain_form(chromium, stack):
    context = chromium.new_context(base_url=stack.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/users/register/")
        page.fill("[name=username]", "plainwriter")
        page.fill("[name=email]", "plainwriter@example.com")
        page.fill("[name=password1]", "correct horse battery staple 42")
        page.fill("[name=password2]", "correct horse battery staple 42")
        page.get_by_role("button", name="Register").click()
        page.goto("/post/new/")
        assert page.locator(".CodeMirror").count() == 0
        page.fill("[name=title]", "Written without scripts")
        page.fill("[name=content]", "Plain **text**.")
        page.keyboard.press("Enter")  # in the textarea: a new line, not a submit
        page.get_by_role("button", name="Publish", exact=True).click()
        expect(page.locator("h1")).to_have_text("Written without scripts")
        expect(page.locator(".post-body strong")).to_have_text("text")
    finally:
        context.close()


def test_the_editor_follows_dark_mode(visitor):
    ada = visitor("editor-dark", {**DESKTOP, "color_scheme": "dark"})
    ada.register("nightwriter")
    ada.goto("/post/new/")
    colours = ada.page.evaluate(
        """() => {
          const colour = (selector, property) =>
            getComputedStyle(document.querySelector(selector))[property];
          return {
            page: colour("body", "backgroundColor"),
            text: colour("body", "color"),
            editor: colour(".EasyMDEContainer .CodeMirror", "backgroundColor"),
            typed: colour(".EasyMDEContainer .CodeMirror", "color"),
            button: colour(".editor-toolbar button", "color"),
          };
        }"""
    )
    assert colours["page"] == colours["editor"] != "rgb(255, 255, 255)"
    assert colours["text"] == colours["typed"] == colours["button"]
