"""Password reset by email, end to end, with the mail caught by the stack's SMTP sink."""

import re

import pytest

from tests.helpers import eventually

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a brand new passphrase 7"


def test_a_user_resets_a_forgotten_password_through_the_emailed_link(stack, visitor):
    frank = visitor("reset")
    frank.register("frank", email="frank@example.com")
    frank.sign_out()
    (old_hash,) = stack.sql("SELECT password FROM users_user WHERE username = 'frank'")[0]

    frank.goto("/users/password-reset/")
    frank.page.fill("[name=email]", "frank@example.com")
    frank.submit("Send the link")
    mail = eventually(
        lambda: [m for m in stack.mailbox.messages if m["To"] == "frank@example.com"],
        "the reset email",
    )[-1]
    link = re.search(r"http://\S+/users/password-reset/\S+/", mail.get_content())[0]
    assert link.startswith(stack.url)

    frank.goto(link)
    frank.page.fill("[name=new_password1]", NEW_PASSWORD)
    frank.page.fill("[name=new_password2]", NEW_PASSWORD)
    frank.submit("Set password")
    frank.sign_in("frank", NEW_PASSWORD)

    (new_hash,) = stack.sql("SELECT password FROM users_user WHERE username = 'frank'")[0]
    assert new_hash != old_hash
