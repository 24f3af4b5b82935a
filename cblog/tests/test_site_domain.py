"""With SITE_DOMAIN set, every absolute URL names it, whatever Host header the request carried."""

import re

import pytest

from blog.tests.factories import PostFactory

BALANCER = "cblog-123.eu-west-1.elb.amazonaws.com"
PUBLIC = "https://blog.example.com/"
# Vocabularies named by URL (XML namespaces, JSON-LD's @context), not links to anywhere.
XML_NAMESPACES = (
    "http://www.w3.org/",
    "http://purl.org/",
    "http://www.sitemaps.org/",
    "https://schema.org",
)


@pytest.fixture
def production(settings, client, user):
    """The site behind a load balancer that forwards its own name and a port as Host."""
    settings.SITE_DOMAIN = "blog.example.com"
    settings.ALLOWED_HOSTS = ["blog.example.com", BALANCER]
    post = PostFactory(author=user)

    def get(path):
        return client.get(path.format(slug=post.slug), HTTP_HOST=f"{BALANCER}:8443", secure=True)

    return get


def absolute_urls(text):
    found = re.findall(r"https?://[^\s<\"']+", text)
    return [url for url in found if not url.startswith(XML_NAMESPACES)]


@pytest.mark.parametrize(
    "path", ["/feeds/rss/", "/feeds/atom/", "/sitemap.xml", "/robots.txt", "/post/{slug}/"]
)
def test_absolute_urls_name_the_site_domain_and_no_port(production, path):
    response = production(path)

    urls = absolute_urls(response.text)
    assert response.status_code == 200
    assert urls
    assert all(url.startswith(PUBLIC) for url in urls), urls


def test_reset_links_name_the_site_domain_and_no_port(settings, client, user, mailoutbox):
    settings.SITE_DOMAIN = "blog.example.com"
    settings.ALLOWED_HOSTS = ["blog.example.com", BALANCER]

    client.post(
        "/users/password-reset/",
        {"email": user.email},
        HTTP_HOST=f"{BALANCER}:8443",
        secure=True,
    )

    [link] = re.findall(r"https?://\S+/users/password-reset/\S+", mailoutbox[0].body)
    assert link.startswith(PUBLIC + "users/password-reset/")


def test_a_host_outside_allowed_hosts_is_still_refused(settings, client, db):
    settings.SITE_DOMAIN = "blog.example.com"
    settings.ALLOWED_HOSTS = ["blog.example.com"]

    assert client.get("/", HTTP_HOST="evil.example.net").status_code == 400


def test_without_a_site_domain_urls_name_the_validated_request_host(settings, client, db):
    settings.ALLOWED_HOSTS = ["blog.example.com"]

    response = client.get("/robots.txt", HTTP_HOST="blog.example.com:8000")

    assert "http://blog.example.com:8000/sitemap.xml" in response.text
