"""A reader's side of the site in Chromium: likes in place (and without JavaScript), the system's
colour scheme, pictures (small beside the text on a phone after the first card), and axe-core on
every public page, desktop and phone, light and dark."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from cblog.images.tests.files import make_jpeg
from tests.browser.conftest import AXE, PASSWORD, Visitor

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def published(chromium, stack):
    """An author's post with a portrait picture and a category, and a second post with a picture."""
    author = Visitor(chromium, stack.url, "reader-setup")
    author.register("rowan")
    paths = []
    for title, size in [("Tall pines", (1200, 1800)), ("Wide fields", (1600, 1000))]:
        author.goto("/post/new/")
        author.page.fill("[name=title]", title)
        author.write(f"Some **words** about {title}.")
        author.page.select_option("[name=category]", index=1)
        author.page.fill("[name=tags]", "pines, light")
        author.page.set_input_files(
            "[name=image]",
            {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg(*size)},
        )
        author.page.fill("[name=image_alt]", f"A photo of {title.lower()}")
        author.submit("Publish")
        paths.append(urlsplit(author.page.url).path)
    author.goto(paths[0])
    category = author.page.locator("a[href^='/category/']").first.get_attribute("href")
    author.context.close()
    assert not author.problems, author.problems
    return {"post": paths[0], "posts": paths, "category": category, "author": "/author/rowan/"}


# Each screen likes a post of its own, so that each starts at 0 likes.
@pytest.mark.parametrize(("screen", "post"), [("desktop", 0), ("phone", 1)])
def test_a_like_toggles_in_place_without_a_reload(visitor, published, screen, post):
    reader = visitor(f"liker-{screen}", {"desktop": DESKTOP, "phone": PHONE}[screen])
    reader.register(f"lee{screen}")
    path = published["posts"][post]
    reader.goto(path)
    reader.page.evaluate("window.sameDocument = true")

    reader.page.get_by_role("button", name=re.compile("^Like 0")).click()

    unlike = reader.page.get_by_role("button", name=re.compile("^Unlike 1"))
    expect(unlike).to_be_visible()
    expect(unlike).to_have_attribute("aria-pressed", "true")
    assert reader.page.evaluate("window.sameDocument") is True
    unlike.click()
    expect(reader.page.get_by_role("button", name=re.compile("^Like 0"))).to_be_visible()
    assert reader.page.evaluate("window.sameDocument") is True
    reader.page.get_by_role("button", name=re.compile("^Like 0")).click()
    expect(unlike).to_be_visible()
    reader.goto(path)
    expect(reader.page.get_by_role("button", name=re.compile("^Unlike 1"))).to_be_visible()


def test_a_like_without_javascript_posts_the_form_and_comes_back(chromium, stack, published):
    reader = Visitor(chromium, stack.url, "liker-nojs")
    reader.register("noscript")
    reader.context.close()
    context = chromium.new_context(base_url=stack.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/users/login/")
    page.fill("[name=username]", "noscript")
    page.fill("[name=password]", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    page.goto(published["post"])
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Like")).click()
    assert urlsplit(page.url).path == published["post"]
    expect(page.get_by_role("button", name=re.compile("^Unlike"))).to_be_visible()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_colour_mode_follows_the_system_setting(chromium, stack, scheme):
    context = chromium.new_context(base_url=stack.url, color_scheme=scheme)
    page = context.new_page()
    page.goto("/")

    theme = page.evaluate("document.documentElement.dataset.bsTheme")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    other = "light" if scheme == "dark" else "dark"
    page.emulate_media(color_scheme=other)
    # A function, not an expression: Playwright polls an expression through eval, which the
    # page's Content-Security-Policy refuses.
    page.wait_for_function("theme => document.documentElement.dataset.bsTheme === theme", arg=other)
    context.close()

    assert theme == scheme
    assert background == {"light": "rgb(255, 255, 255)", "dark": "rgb(33, 37, 41)"}[scheme]


def test_a_portrait_picture_never_fills_more_than_the_first_screen(chromium, stack, published):
    for device in (DESKTOP, PHONE):
        context = chromium.new_context(base_url=stack.url, **device)
        page = context.new_page()
        page.goto(published["post"])
        hero = page.locator("img.post-hero")
        hero.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=hero.element_handle()
        )
        box, source = hero.bounding_box(), hero.evaluate("img => img.currentSrc")
        context.close()

        assert box["height"] <= device["viewport"]["height"] * 0.8 + 1
        assert urlsplit(source).path.endswith(".webp"), source


def loaded_picture(page, card):
    picture = card.locator("img.post-thumb")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    return picture.bounding_box(), picture.evaluate("img => new URL(img.currentSrc).pathname")


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_on_a_phone_cards_after_the_first_show_a_small_picture_beside_the_text(
    chromium, stack, published, device
):
    context = chromium.new_context(base_url=stack.url, **device)
    page = context.new_page()
    page.goto(published["author"])
    first, second = page.locator("article.card").all()
    first_box, _ = loaded_picture(page, first)
    second_box, second_source = loaded_picture(page, second)
    title_box = second.locator("h2").bounding_box()
    context.close()

    if device is PHONE:
        assert first_box["width"] > 300 and second_box["width"] < 120
        assert second_box["x"] + second_box["width"] <= title_box["x"]  # beside the title
        assert second_source.endswith("/w320.webp"), second_source
    else:
        assert second_box["width"] == first_box["width"]
        assert second_box["y"] + second_box["height"] <= title_box["y"]  # above the title


def public_pages(published):
    return [
        "/",
        published["post"],
        published["category"],
        published["author"],
        "/search/?q=pines",
        "/search/?q=nothing+matches+this",
        "/search/",
        "/archive/",
        "/tag/pines/",
        "/subscribe/",
        "/about/",
        "/contact/",
        "/users/login/",
        "/users/register/",
        "/users/password-reset/",
        "/no/such/page/",
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_violation_on_any_public_page(chromium, stack, published, device, scheme):
    # axe is injected through the DevTools protocol, which the page's CSP does not govern.
    context = chromium.new_context(base_url=stack.url, color_scheme=scheme, **device)
    page = context.new_page()
    found = {}
    for path in public_pages(published):
        page.goto(path)
        page.evaluate(AXE)
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        found.update(
            {
                f"{path}: {violation['id']} ({violation['impact']}): "
                f"{[node['target'] for node in violation['nodes']]}": violation["help"]
                for violation in result["violations"]
            }
        )
    context.close()

    assert not found, "\n".join(f"{where}: {what}" for where, what in found.items())
