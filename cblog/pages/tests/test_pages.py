"""About and Contact: written by admins in the admin; contact messages reach the admins by mail."""

import pytest
from django.core import mail
from django.test import Client

from cblog.page_cache import content_version
from cblog.pages import services
from cblog.pages.models import ContactMessage, SitePage
from cblog.pages.views import SENT_MESSAGE
from users.tests.factories import StaffFactory, UserFactory

MESSAGE = {"name": "Dora Reader", "email": "dora@example.com", "message": "Loved the river walk."}


@pytest.fixture
def admin(staff_user):
    client = Client()
    client.force_login(staff_user)
    return client


# The pages


def test_the_about_page_shows_what_an_admin_wrote_in_the_admin_as_markdown(admin, client):
    page = SitePage.objects.get(slug="about")

    response = admin.post(
        f"/admin/pages/sitepage/{page.pk}/change/",
        {"title": "About us", "body": "We **walk** and write.\n\n<script>alert(1)</script>"},
    )

    assert response.status_code == 302
    about = client.get("/about/")
    assert about.status_code == 200
    assert '<h1 class="display-6">About us</h1>' in about.text
    assert "<strong>walk</strong>" in about.text
    assert "alert(1)" not in about.text


def test_saving_a_page_drops_the_cached_pages(db, django_capture_on_commit_callbacks):
    before = content_version()
    page = SitePage.objects.get(slug="about")
    page.body = "New words."

    with django_capture_on_commit_callbacks(execute=True):
        services.site_page_save(page=page)

    assert content_version() != before
    assert SitePage.objects.get(slug="about").body_html == "<p>New words.</p>"


def test_admins_can_neither_add_nor_delete_a_page(admin):
    about = SitePage.objects.get(slug="about")

    assert admin.get("/admin/pages/sitepage/add/").status_code == 403
    assert (
        admin.post(f"/admin/pages/sitepage/{about.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert SitePage.objects.count() == 2


def test_every_page_links_to_about_and_contact_in_its_footer(client, db):
    footer = client.get("/").text.split("<footer", 1)[1]

    assert 'href="/about/"' in footer
    assert 'href="/contact/"' in footer


def test_the_contact_page_shows_its_introduction_and_the_form(client, db):
    response = client.get("/contact/")

    assert response.status_code == 200
    assert "write to the editors below" in response.text
    for field in ("name", "email", "message"):
        assert f'name="{field}"' in response.text
    assert 'class="form-trap' in response.text


# Sending a message


def test_a_message_is_kept_and_mailed_to_the_admins_with_the_sender_as_reply_to(
    client, after_commit, settings
):
    settings.ADMINS = [("Ed", "editor@example.com"), ("Al", "alice@example.com")]

    response = after_commit(client.post, "/contact/", MESSAGE)

    assert response.status_code == 302
    assert response["Location"] == "/contact/"
    contact = ContactMessage.objects.get()
    assert (contact.name, contact.email, contact.mailed_at is not None) == (
        "Dora Reader",
        "dora@example.com",
        True,
    )
    [sent] = mail.outbox
    assert sent.to == ["editor@example.com", "alice@example.com"]
    assert sent.reply_to == ["dora@example.com"]
    assert "Dora Reader" in sent.subject
    assert "Loved the river walk." in sent.body


def test_the_sender_is_told_the_message_was_sent(client, after_commit, settings):
    settings.ADMINS = [("Ed", "editor@example.com")]

    response = after_commit(client.post, "/contact/", MESSAGE, follow=True)

    assert SENT_MESSAGE.format(name="Dora Reader", email="dora@example.com") in response.text


def test_without_admins_named_the_active_superusers_are_mailed(client, after_commit, settings):
    settings.ADMINS = []
    StaffFactory(username="boss", email="boss@example.com")
    StaffFactory(username="gone", email="gone@example.com", is_active=False)
    UserFactory(username="plain", email="plain@example.com")

    after_commit(client.post, "/contact/", MESSAGE)

    [sent] = mail.outbox
    assert sent.to == ["boss@example.com"]


def test_with_nobody_to_tell_the_message_is_kept_unmailed_for_the_admin(
    client, after_commit, settings
):
    settings.ADMINS = []

    after_commit(client.post, "/contact/", MESSAGE)

    assert mail.outbox == []
    assert ContactMessage.objects.get().mailed_at is None


def test_a_message_is_mailed_once_however_often_the_job_runs(client, after_commit, settings):
    settings.ADMINS = [("Ed", "editor@example.com")]
    after_commit(client.post, "/contact/", MESSAGE)
    contact = ContactMessage.objects.get()

    assert services.contact_message_mail(message_id=contact.pk) == 0
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("data", "field", "error"),
    [
        ({**MESSAGE, "name": ""}, "name", "This field is required."),
        ({**MESSAGE, "email": "not an address"}, "email", "Enter a valid email address."),
        ({**MESSAGE, "message": "  "}, "message", "This field is required."),
        ({**MESSAGE, "message": "x" * 5001}, "message", "at most 5000 characters"),
        ({**MESSAGE, "name": "Dora\nBcc: all@example.com"}, "name", "Write your name on one line."),
    ],
    ids=["no name", "bad address", "blank message", "long message", "line break in name"],
)
def test_a_message_with_a_mistake_comes_back_with_the_reason_and_a_400(
    client, after_commit, settings, data, field, error
):
    settings.ADMINS = [("Ed", "editor@example.com")]

    response = after_commit(client.post, "/contact/", data)

    assert response.status_code == 400
    assert error in response.text
    assert f'href="#id_{field}"' in response.text  # the error summary links to the field
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_a_filled_in_honeypot_is_refused_and_nothing_is_sent(client, after_commit, settings):
    settings.ADMINS = [("Ed", "editor@example.com")]

    response = after_commit(client.post, "/contact/", {**MESSAGE, "website": "http://spam"})

    assert response.status_code == 400
    assert "looks automated" in response.text
    assert ContactMessage.objects.count() == 0
    assert mail.outbox == []


def test_messages_over_the_limit_are_refused_with_a_429_and_kept_as_typed(
    client, after_commit, settings
):
    settings.ADMINS = [("Ed", "editor@example.com")]
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "contact": {"ip": "2/h", "email": "3/h"}}

    for _ in range(2):
        assert after_commit(client.post, "/contact/", MESSAGE).status_code == 302
    response = after_commit(client.post, "/contact/", MESSAGE)

    assert response.status_code == 429
    assert "Loved the river walk." in response.text
    assert ContactMessage.objects.count() == 2
    assert len(mail.outbox) == 2


def test_one_address_cannot_flood_the_admins_from_many_clients(after_commit, settings):
    settings.ADMINS = [("Ed", "editor@example.com")]
    settings.THROTTLE_RATES = {**settings.THROTTLE_RATES, "contact": {"ip": "9/h", "email": "1/h"}}

    statuses = [
        after_commit(Client(REMOTE_ADDR=f"203.0.113.{n}").post, "/contact/", MESSAGE).status_code
        for n in (1, 2)
    ]

    assert statuses == [302, 429]
