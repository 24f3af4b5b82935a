"""Conversations and subscriptions end to end: the mails come through the stack's job worker and
land in its SMTP sink."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, SCREENS, axe_violations
from tests.browser.test_admin import run_action
from tests.helpers import eventually

pytestmark = pytest.mark.browser


def mails_to(stack, address):
    return [m for m in stack.mailbox.messages if m["To"] == address]


@pytest.fixture(scope="module")
def moderator_account(stack):
    stack.manage(
        "createsuperuser", "--noinput", "--username", "moderator",
        "--email", "moderator@example.com", DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )  # fmt: skip
    return "moderator"


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reply_is_approved_and_its_notification_reaches_the_commenter(
    stack, visitor, moderator_account, screen
):
    gail = visitor(f"author-{screen}", SCREENS[screen])
    gail.register(f"gail{screen}", email=f"gail-{screen}@example.com")
    path = gail.write_post(f"Tides and ferries ({screen})")
    gail.page.fill("#id_content", "Ask me anything about the ferries.")
    gail.submit("Add comment")

    hugo = visitor(f"replier-{screen}", SCREENS[screen])
    hugo.register(f"hugo{screen}", email=f"hugo-{screen}@example.com")
    hugo.goto(path)
    hugo.page.locator("summary", has_text="Reply").click()
    reply = f"Which one goes to the island? ({screen})"
    hugo.page.get_by_label(f"Your reply to gail{screen}").fill(reply)
    hugo.submit("Reply")
    assert hugo.page.get_by_text("once a moderator approves it").is_visible()
    assert hugo.page.get_by_text("Awaiting approval").is_visible()

    moderator = visitor("moderator")
    moderator.goto("/admin/")
    moderator.page.fill("[name=username]", moderator_account)
    moderator.page.fill("[name=password]", PASSWORD)
    moderator.submit("Log in")
    run_action(moderator, "comment", reply, "approve")
    assert moderator.page.get_by_text("1 comment(s) approved.").is_visible()

    mail = eventually(
        lambda: mails_to(stack, f"gail-{screen}@example.com"), "the reply notification"
    )[-1]
    assert str(mail["Subject"]).strip() == (
        f"hugo{screen} replied to you on “Tides and ferries ({screen})”"
    )
    link = re.search(r"http://\S+#comment-\d+", mail.get_content())[0]
    assert link.startswith(stack.url + path)
    gail.goto("/")
    gail.goto(link)
    assert gail.page.get_by_text(reply).is_visible()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_reader_subscribes_confirms_receives_a_new_post_and_leaves_in_one_click(
    stack, visitor, screen
):
    address = f"iris-{screen}@example.com"
    iris = visitor(f"subscriber-{screen}", SCREENS[screen])
    iris.goto("/")
    iris.follow("New posts by email")
    iris.page.fill("[name=email]", address)
    iris.submit("Subscribe")
    assert iris.page.get_by_text("Almost done").is_visible()

    confirmation = eventually(lambda: mails_to(stack, address), "the confirmation")
    link = re.search(r"http://\S+/subscribe/confirm/\S+/", confirmation[-1].get_content())[0]
    iris.goto(link)
    iris.submit("Confirm")
    assert iris.page.get_by_text("will receive new posts").is_visible()

    jack = visitor(f"writer-{screen}")
    jack.register(f"jack{screen}")
    jack.write_post(f"Lighthouse at dusk ({screen})")

    post = eventually(
        lambda: [m for m in mails_to(stack, address) if "Lighthouse" in m["Subject"]],
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
        "SELECT COUNT(*) FROM subscriptions_subscription WHERE email = %s", [address]
    ) == ((0,),)


@pytest.mark.parametrize("screen", SCREENS)
def test_a_visitor_writes_from_the_contact_page_and_the_admins_receive_it(
    stack, visitor, moderator_account, screen
):
    kim = visitor(f"contact-{screen}", SCREENS[screen])
    kim.goto("/")
    kim.follow("Contact")
    kim.page.get_by_label("Your name").fill(f"Kim {screen}")
    kim.page.get_by_label("Your email address").fill("kim at example")
    kim.page.get_by_label("Your message").fill(f"A question from a {screen}.")
    kim.expected_errors.add(kim.absolute("/contact/"))  # the form comes back with a 400
    kim.submit("Send")
    expect(kim.page.get_by_role("alert")).to_contain_text("Enter a valid email address.")
    assert axe_violations(kim.page) == []  # the form with its error summary and marked field

    kim.page.get_by_label("Your email address").fill(f"kim-{screen}@example.com")
    kim.submit("Send")
    expect(kim.page.get_by_text(f"Thank you, Kim {screen}")).to_be_visible()

    mail = eventually(
        lambda: [
            m
            for m in stack.mailbox.messages
            if "moderator@example.com" in str(m["To"]) and f"Kim {screen}" in str(m["Subject"])
        ],
        "the contact message",
    )[-1]
    assert mail["Reply-To"] == f"kim-{screen}@example.com"
    assert f"A question from a {screen}." in mail.get_content()
