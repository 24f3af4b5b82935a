"""Pictures in the text and revisions, on a laptop and on a phone: insert a picture with its alt
text, publish, see it on the post, change the post, compare two revisions and restore one. Any
console error, failed request or Content-Security-Policy violation fails the walk."""

import re

import pytest
from playwright.sync_api import expect

from cblog.images.tests.files import make_jpeg
from tests.browser.conftest import SCREENS, axe_violations
from tests.browser.test_content_security_policy import RECORD_VIOLATIONS

pytestmark = pytest.mark.browser

FITS_THE_SCREEN = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("screen", SCREENS)
def test_a_writer_inserts_a_picture_then_compares_and_restores_revisions(visitor, screen):
    ada = visitor(f"pictures-{screen}", SCREENS[screen])
    ada.context.add_init_script(RECORD_VIOLATIONS)
    ada.register(f"lens{screen}")
    ada.goto("/post/new/")
    page = ada.page
    status = page.locator("[data-save-status]")

    page.fill("[name=title]", f"Boats at dawn {screen}")
    ada.write("The first light on the harbour.\n\n")
    page.keyboard.press("Control+Alt+I")  # the toolbar button's shortcut
    expect(page.locator("[name=inline_image]")).to_be_focused()
    page.get_by_role("button", name="Insert a picture (Ctrl-Alt-I)").click()
    expect(page.locator("[name=inline_image]")).to_be_focused()
    page.set_input_files(
        "[name=inline_image]",
        {"name": "boats.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg(1600, 1200)},
    )
    page.fill("[name=inline_image_alt]", "Three fishing boats leaving the harbour")
    page.get_by_role("button", name="Insert the picture in the text").click()
    markdown = re.compile(r"!\[Three fishing boats leaving the harbour\]\(/media/blog/")
    expect(page.locator(".CodeMirror")).to_contain_text(markdown, timeout=20_000)
    # Then the text with the picture is saved as a draft, which takes the picture.
    expect(status).to_have_text(re.compile(r"^Draft saved at"), timeout=20_000)
    assert page.input_value("[name=inline_image]") == ""
    ada.shot()

    ada.submit("Publish")
    picture = page.locator(".post-body img")
    expect(picture).to_have_attribute("alt", "Three fishing boats leaving the harbour")
    assert "/media/blog/" in ada.image_loaded(".post-body img")
    assert page.evaluate(FITS_THE_SCREEN)

    ada.follow("Edit")
    page.locator(".EasyMDEContainer .CodeMirror").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\n\nThe wind turned by noon.")
    ada.submit("Update")
    expect(page.locator(".post-body")).to_contain_text("The wind turned by noon.")

    ada.follow("Edit")
    ada.follow("Revisions")
    rows = page.locator(".revision-list tbody tr")
    # Newest first: the update, the publication, and the autosaves of the draft before it.
    expect(rows.nth(0)).to_contain_text("Save")
    expect(rows.nth(1)).to_contain_text("Publish")
    expect(rows.last).to_contain_text("Autosave")
    kept = rows.count()
    assert page.evaluate(FITS_THE_SCREEN)
    assert axe_violations(page) == []

    ada.submit("Compare")
    diff = page.locator(".revision-diff")
    expect(diff.locator("ins").last).to_have_text("+ The wind turned by noon.")
    expect(diff.locator("del")).not_to_contain_text(["harbour"])
    expect(diff).to_contain_text("Three fishing boats leaving the harbour")
    assert page.evaluate(FITS_THE_SCREEN)
    assert axe_violations(page) == []

    ada.follow("Restore the older one")
    ada.submit("Restore this revision")
    expect(page.locator(".alert")).to_contain_text("Restored the revision of")
    expect(page.locator(".CodeMirror")).not_to_contain_text("The wind turned by noon.")
    expect(page.locator(".CodeMirror")).to_contain_text("The first light on the harbour.")

    ada.follow("Revisions")
    expect(rows).to_have_count(kept + 1)
    expect(rows.first).to_contain_text("Restore")
    assert page.evaluate("window.cspViolations") == []
