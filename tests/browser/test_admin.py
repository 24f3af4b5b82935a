"""An admin moderates through Django admin: bulk unpublish and republish, hiding a comment."""

import pytest

from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser


def run_action(admin, model, row_text, action):
    admin.goto(f"/admin/blog/{model}/")
    admin.page.locator("tr", has_text=row_text).locator("input[name=_selected_action]").check()
    admin.page.select_option("select[name=action]", action)
    admin.submit("Go")


def test_an_admin_unpublishes_and_republishes_a_post_and_hides_a_comment(stack, visitor):
    stack.manage(
        "createsuperuser", "--noinput", "--username", "root", "--email", "root@example.com",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )  # fmt: skip
    erin = visitor("commenter")
    erin.register("erin")
    path = erin.write_post("Moderate me")
    erin.page.fill("[name=content]", "Buy cheap watches at my shop")
    erin.submit("Add comment")

    admin = visitor("admin")
    admin.goto("/admin/")
    admin.page.fill("[name=username]", "root")
    admin.page.fill("[name=password]", PASSWORD)
    admin.submit("Log in")
    assert admin.page.get_by_role("link", name="Posts").first.is_visible()

    run_action(admin, "post", "Moderate me", "unpublish")
    assert admin.page.get_by_text("1 post(s) moved back to drafts.").is_visible()
    assert stack.sql("SELECT status FROM blog_post WHERE title = 'Moderate me'") == (("draft",),)
    erin.sign_out()
    erin.goto(path, status=404)

    run_action(admin, "post", "Moderate me", "publish")
    assert admin.page.get_by_text("1 post(s) published.").is_visible()
    assert stack.sql("SELECT status FROM blog_post WHERE title = 'Moderate me'") == (
        ("published",),
    )

    run_action(admin, "comment", "Buy cheap watches", "hide")
    assert admin.page.get_by_text("1 comment(s) hidden.").is_visible()
    assert stack.sql(
        "SELECT is_hidden FROM blog_comment WHERE content LIKE 'Buy cheap watches%'"
    ) == ((1,),)
    erin.goto(path)
    assert erin.page.get_by_text("Buy cheap watches").count() == 0
