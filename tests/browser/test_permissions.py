"""What a second signed-in user may see of the first one's posts."""

import pytest

pytestmark = pytest.mark.browser


def test_another_user_gets_a_404_for_a_draft_and_no_edit_or_delete_controls(stack, visitor):
    author = visitor("author")
    author.register("carol")
    draft = author.write_post("Carol's secret draft", status="draft")
    published = author.write_post("Carol in public")
    assert author.page.get_by_role("link", name="Edit").is_visible()

    reader = visitor("reader")
    reader.register("dave")
    reader.goto(draft, status=404)
    reader.goto(published)
    assert reader.page.locator("h1").inner_text() == "Carol in public"
    assert reader.page.get_by_role("link", name="Edit").count() == 0
    assert reader.page.get_by_role("link", name="Delete").count() == 0

    rows = stack.sql(
        "SELECT p.title, p.status FROM blog_post p JOIN users_user u ON u.id = p.author_id"
        " WHERE u.username = 'carol' ORDER BY p.title"
    )
    assert rows == (("Carol in public", "published"), ("Carol's secret draft", "draft"))
