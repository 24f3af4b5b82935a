"""Conversations and subscriptions end to end: the mails come through the stack's job worker and
land in its SMTP sink."""

import re

import pytest

from tests.browser.conftest import PASSWORD
from tests.browser.test_admin import run_action
from tests.helpers import eventually

pytestmark = pytest.mark.browser


def mails_to(stack, address):
    return [m for m in stack.mailbox.messages if m["To"] == address]


def test_a_reply_is_approved_and_its_notification_reaches_the_commenter(stack, visitor):
    stack.manage(
        "createsuperuser", "--noinput", "--username", "moderator",
        "--email", "moderator@example.com", DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )  # fmt: skip
    gail = visitor("author")
    gail.register("gail", email="gail@example.com")
    path = gail.write_post("Tides and ferries")
    gail.page.fill("#id_content", "Ask me anything about the ferries.")
    gail.submit("Add comment")

    hugo = visitor("replier")
    hugo.register("hugo", email="hugo@example.com")
    hugo.goto(path)
    hugo.page.locator("summary", has_text="Reply").click()
    hugo.page.get_by_label("Your reply to gail").fill("Which one goes to the island?")
    hugo.submit("Reply")
    assert hugo.page.get_by_text("once a moderator approves it").is_visible()
    assert hugo.page.get_by_text("Awaiting approval").is_visible()

    moderator = visitor("moderator")
    moderator.goto("/admin/")
    moderator.page.fill("[name=username]", "moderator")
    moderator.page.fill("[name=password]", PASSWORD)
    moderator.submit("Log in")
    run_action(moderator, "comment", "Which one goes to the island?", "approve")
    assert moderator.page.get_by_text("1 comment(s) approved.").is_visible()

    mail = eventually(lambda: mails_to(stack, "gail@example.com"), "the reply notification")[-1]
    assert str(mail["Subject"]).strip() == "hugo replied to you on “Tides and ferries”"
    link = re.search(r"http://\S+#comment-\d+", mail.get_content())[0]
    assert link.startswith(stack.url + path)
    gail.goto("/")
    gail.goto(link)
    assert gail.page.get_by_text("Which one goes to the island?").is_visible()


def test_a_reader_subscribes_confirms_receives_a_new_post_and_leaves_in_one_click(stack, visitor):
    iris = visitor("subscriber")
    iris.goto("/")
    iris.follow("New posts by email")
    iris.page.fill("[name=email]", "iris@example.com")
    iris.submit("Subscribe")
    assert iris.page.get_by_text("Almost done").is_visible()

    confirmation = eventually(lambda: mails_to(stack, "iris@example.com"), "the confirmation")
    link = re.search(r"http://\S+/subscribe/confirm/\S+/", confirmation[-1].get_content())[0]
    iris.goto(link)
    iris.submit("Confirm")
    assert iris.page.get_by_text("will receive new posts").is_visible()

    jack = visitor("writer")
    jack.register("jack")
    jack.write_post("Lighthouse at dusk")

    post = eventually(
        lambda: [m for m in mails_to(stack, "iris@example.com") if "Lighthouse" in m["Subject"]],
        "the new post's mail",
    )
    [mail] = post
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = re.search(r"<([^>]+)>", str(mail["List-Unsubscribe"]))[1]
    assert unsubscribe.startswith(stack.url)

    # What a mail client's unsubscribe button sends (RFC 8058): no cookie, no CSRF token.
    answer = iris.context.request.post(unsubscribe, form={"List-Unsubscribe": "One-Click"})
    assert answer.status == 200
    assert stack.sql(
        "SELECT COUNT(*) FROM subscriptions_subscription WHERE email = 'iris@example.com'"
    ) == ((0,),)
