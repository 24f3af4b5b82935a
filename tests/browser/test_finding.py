"""A reader finds posts in Chromium, on a laptop and on a phone: through the category menu, category
and tag chips, whole-card links, related and next posts, the archive, and search ranked by
relevance."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENS, Visitor

pytestmark = pytest.mark.browser

# A word no other walk writes, so that search finds only these posts.
WORD = "Zephyrine"


@pytest.fixture(scope="module")
def shelf(chromium, stack):
    """Two Travel posts and a Food one; of the two that mention WORD, the newer has it only in
    its body, many times, and the older in its title. The Food post shares two tags with the
    first, the newer Travel post one."""
    writer = Visitor(chromium, stack.url, "finding-setup")
    writer.register("tove")
    paths = {
        "older travel": writer.write_post(
            f"{WORD} harbour", category="Travel", tags=f"{WORD}quay, {WORD}boats"
        ),
        "food": writer.write_post(
            "Fish soup at the quay", category="Food", tags=f"{WORD}quay, {WORD}boats"
        ),
        "newer travel": writer.write_post(
            "Notes from the ferry",
            category="Travel",
            text=" ".join([f"The {WORD.lower()} light on the water."] * 12),
            tags=f"{WORD}boats",
        ),
    }
    writer.context.close()
    assert not writer.problems, writer.problems
    return paths


def card(page, title):
    return page.locator("article.card", has_text=title)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reader_browses_a_category_opens_a_card_and_reads_on(visitor, shelf, screen):
    reader = visitor(f"browse-{screen}", SCREENS[screen])
    page = reader.page
    reader.goto("/")

    reader.follow("Travel", within=page.get_by_role("navigation", name="Categories"))
    expect(page.locator("h1")).to_have_text("Posts in Travel")
    expect(page.get_by_role("link", name="Travel", exact=True).first).to_have_attribute(
        "aria-current", "page"
    )
    chips = page.locator("article.card a.chip:not(.chip-tag)")
    assert set(chips.all_inner_texts()) == {"Travel"}
    assert page.locator("link[rel=alternate][href='/feeds/rss/category/travel/']").count() == 1
    expect(card(page, "Fish soup")).to_have_count(0)

    # The whole card is one link: a click on its counts opens the post (forced: Playwright
    # refuses to click an element that the stretched link covers, which is the point here).
    with page.expect_navigation():
        card(page, f"{WORD} harbour").locator(".card-footer").click(force=True)
    reader.shot()
    assert urlsplit(page.url).path == shelf["older travel"]
    # Related: most shared tags first (whatever the category), then fewer.
    read_next = page.get_by_role("complementary", name="Read next")
    expect(read_next.locator("a[rel=next]")).to_be_visible()
    related = read_next.get_by_role("list").get_by_role("link")
    expect(related.nth(0)).to_have_text("Fish soup at the quay")
    expect(related.nth(1)).to_have_text("Notes from the ferry")

    reader.follow("Notes from the ferry", within=read_next.get_by_role("list"))
    assert urlsplit(page.url).path == shelf["newer travel"]
    reader.follow("Travel", within=page.locator("article header"))
    expect(page.locator("h1")).to_have_text("Posts in Travel")

    # A tag chip on a card leads to the tag's posts, whatever their category.
    reader.follow(f"#{WORD}boats", within=card(page, "Notes from the ferry"))
    expect(page.locator("h1")).to_have_text(f"Posts tagged “{WORD}boats”")
    assert set(page.locator("article.card h2").all_inner_texts()) == {
        f"{WORD} harbour",
        "Fish soup at the quay",
        "Notes from the ferry",
    }
    tag_feed = f"/feeds/atom/tag/{WORD.lower()}boats/"
    assert page.locator(f"link[rel=alternate][href='{tag_feed}']").count() == 1

    reader.follow("Archive", within=page.get_by_role("navigation", name="Categories"))
    month = page.locator("main a[href^='/archive/']").first
    with page.expect_navigation():
        month.click()
    expect(card(page, "Notes from the ferry")).to_be_visible()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reader_searches_and_reads_the_title_match_first(visitor, shelf, screen):
    reader = visitor(f"search-{screen}", SCREENS[screen])
    page = reader.page
    reader.goto("/")

    reader.search(WORD.lower())

    expect(page.get_by_role("status")).to_have_text("2 posts match, best matches first.")
    titles = page.locator("article.card h2").all_inner_texts()
    assert titles == [f"{WORD} harbour", "Notes from the ferry"]
    expect(card(page, "Notes from the ferry").locator("mark").first).to_have_text(WORD.lower())
    expect(card(page, f"{WORD} harbour").locator("h2 mark")).to_have_text(WORD)

    reader.follow(f"{WORD} harbour")
    assert urlsplit(page.url).path == shelf["older travel"]

    reader.search("qqqxyzzy")
    expect(page.get_by_role("status")).to_have_text(
        "No posts match “qqqxyzzy”. Try fewer or shorter words."
    )
