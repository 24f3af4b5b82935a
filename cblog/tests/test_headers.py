"""Every page carries a Content-Security-Policy without inline code and a Permissions-Policy."""

import pytest

from blog.tests.factories import PostFactory

PAGES = [
    "/",
    "/post/{slug}/",
    "/author/alice/",
    "/search/?q=river",
    "/users/login/",
    "/users/register/",
    "/users/password-reset/",
    "/admin/login/",
    "/robots.txt",
    "/feeds/rss/",
    "/post/no-such-post/",
]


@pytest.fixture
def page(client, user):
    post = PostFactory(author=user)

    def get(path):
        return client.get(path.format(slug=post.slug))

    return get


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize("path", PAGES)
def test_every_page_forbids_inline_and_foreign_scripts_and_styles(page, path):
    policy = directives(page(path))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_denies_device_and_tracking_features(page, path):
    features = page(path)["Permissions-Policy"].split(", ")

    for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
        assert feature in features


def test_pictures_come_only_from_the_site_and_its_media(page):
    assert directives(page("/"))["img-src"] == ["'self'", "data:"]


def test_the_signed_in_pages_carry_the_policy_too(client, user):
    client.force_login(user)

    for path in ("/post/new/", "/users/profile/", "/drafts/"):
        assert "script-src 'self'" in client.get(path)["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("environment", "origins"),
    [
        ({}, []),
        (
            {"AWS_STORAGE_BUCKET_NAME": "pics", "AWS_S3_CUSTOM_DOMAIN": "d1.cloudfront.net"},
            ["https://d1.cloudfront.net"],
        ),
        (
            {"AWS_STORAGE_BUCKET_NAME": "pics", "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:5000/"},
            ["http://127.0.0.1:5000"],
        ),
        (
            {"AWS_STORAGE_BUCKET_NAME": "pics", "AWS_S3_REGION_NAME": "eu-west-1"},
            ["https://pics.s3.amazonaws.com", "https://pics.s3.eu-west-1.amazonaws.com"],
        ),
    ],
    ids=["local-files", "cloudfront", "s3-endpoint", "s3"],
)
def test_pictures_may_come_from_where_the_media_is_served(monkeypatch, environment, origins):
    from cblog import settings as project_settings

    for name in ("AWS_S3_CUSTOM_DOMAIN", "AWS_S3_ENDPOINT_URL", "AWS_S3_REGION_NAME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    bucket = environment.get("AWS_STORAGE_BUCKET_NAME", "")
    monkeypatch.setattr(project_settings, "AWS_STORAGE_BUCKET_NAME", bucket)

    assert project_settings.media_origins() == origins


def test_a_view_that_changes_the_policy_still_gets_its_own(rf):
    from csp.decorators import csp_update
    from django.http import HttpResponse

    from cblog.middleware import ContentSecurityPolicyMiddleware

    @csp_update({"img-src": ["https://maps.example"]})
    def view(request):
        return HttpResponse("map")

    middleware = ContentSecurityPolicyMiddleware(view)
    changed = middleware(rf.get("/map/"))["Content-Security-Policy"]
    usual = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("x"))(rf.get("/"))

    assert "https://maps.example" in changed
    assert "https://maps.example" not in usual["Content-Security-Policy"]
