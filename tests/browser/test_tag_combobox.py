"""The post form's tags field as a WAI-ARIA combobox, on a laptop and a phone: existing tags are
offered while a name is typed, taken with the arrows and Enter, or a tap; Escape closes the list;
axe-core finds no violation with the list open. Without JavaScript it is a plain text field."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENS, axe_violations, visitors_of

pytestmark = pytest.mark.browser

# A prefix no other walk writes, so that only these tags are suggested.
PREFIX = "Quillon"


@pytest.mark.parametrize("screen", SCREENS)
def test_a_writer_takes_tags_from_the_suggestions_with_the_keyboard(visitor, screen):
    ada = visitor(f"tags-{screen}", SCREENS[screen])
    ada.register(f"quill{screen}")
    ada.write_post("Two tags to suggest", tags=f"{PREFIX}bay, {PREFIX}cove")
    ada.goto("/post/new/")
    page = ada.page
    field = page.get_by_role("combobox", name="Tags")
    listbox = page.get_by_role("listbox", name="Existing tags")

    field.press_sequentially(PREFIX.lower())
    expect(listbox.get_by_role("option")).to_have_text([f"{PREFIX}bay", f"{PREFIX}cove"])
    expect(field).to_have_attribute("aria-expanded", "true")
    expect(field).not_to_have_attribute("aria-activedescendant", re.compile("."))
    ada.shot()
    assert axe_violations(page) == []

    field.press("ArrowDown")
    field.press("ArrowDown")
    field.press("ArrowDown")  # past the last, round to the first
    first = listbox.get_by_role("option", name=f"{PREFIX}bay")
    expect(field).to_have_attribute("aria-activedescendant", first.get_attribute("id"))
    expect(first).to_have_attribute("aria-selected", "true")
    field.press("ArrowUp")  # round to the last
    expect(listbox.get_by_role("option", selected=True)).to_have_text(f"{PREFIX}cove")
    field.press("Enter")

    expect(field).to_have_value(f"{PREFIX}cove, ")
    expect(field).to_have_attribute("aria-expanded", "false")
    expect(listbox).to_be_hidden()
    assert page.url.endswith("/post/new/")  # Enter took the tag and sent nothing

    field.press_sequentially(PREFIX[:3])
    expect(listbox.get_by_role("option")).to_have_text([f"{PREFIX}bay"])  # not the one taken
    field.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_value(f"{PREFIX}cove, {PREFIX[:3]}")

    field.press("ArrowDown")  # opens the list again, on its first option
    expect(listbox.get_by_role("option", selected=True)).to_have_text(f"{PREFIX}bay")
    field.press("Escape")
    field.press("Backspace")
    expect(listbox.get_by_role("option")).to_have_text([f"{PREFIX}bay"])
    if screen == "phone":
        listbox.get_by_role("option").tap()
    else:
        listbox.get_by_role("option").click()
    expect(field).to_have_value(f"{PREFIX}cove, {PREFIX}bay, ")
    expect(field).to_be_focused()

    page.fill("[name=title]", "Tagged from the list")
    ada.write("Picked from the suggestions.")
    ada.submit("Publish")
    assert sorted(page.locator("a.chip-tag").all_inner_texts()) == [
        f"#{PREFIX}bay",
        f"#{PREFIX}cove",
    ]


def test_without_javascript_the_tags_field_is_plain_text(chromium, stack):
    with visitors_of(chromium, stack.url) as visitor:
        ada = visitor("tags-no-script")
        ada.register("quillplain")
        plain = chromium.new_context(
            base_url=stack.url, java_script_enabled=False, storage_state=ada.context.storage_state()
        )
        page = plain.new_page()
        page.goto("/post/new/")
        field = page.locator("[name=tags]")
        assert field.get_attribute("role") is None
        expect(page.get_by_role("listbox")).to_have_count(0)

        page.fill("[name=title]", "Written without scripts")
        page.fill("[name=content]", "Plain words.")
        page.fill("[name=tags]", f"{PREFIX}plain, {PREFIX}text")
        with page.expect_navigation():
            page.get_by_role("button", name="Publish", exact=True).click()
        assert sorted(page.locator("a.chip-tag").all_inner_texts()) == [
            f"#{PREFIX}plain",
            f"#{PREFIX}text",
        ]
        plain.close()
