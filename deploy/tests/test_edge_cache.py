"""CloudFront's cache policies read from edge.yaml, checked against what the app sends.

The rule to prove: CloudFront keeps an anonymous page for everyone, for as long as the app's
Cache-Control allows, and never gives one browser a page rendered for another.
"""

import pytest
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils.cache import get_max_age

from cblog import page_cache
from conftest import s3_settings

pytestmark = pytest.mark.deploy

YEAR = 31536000


def behaviors(templates):
    config = templates["edge"]["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    return {"/": config["DefaultCacheBehavior"]} | {
        b["PathPattern"]: b for b in config["CacheBehaviors"]
    }


def policy(templates, path):
    """The cache policy a behaviour names, which must be one of the stack's own."""
    reference = behaviors(templates)[path]["CachePolicyId"]
    assert reference.keys() == {"Ref"}, reference
    resource = templates["edge"]["Resources"][reference["Ref"]]
    assert resource["Type"] == "AWS::CloudFront::CachePolicy"
    return resource["Properties"]["CachePolicyConfig"]


def cache_key(config, *, host, path, query="", cookies=None):
    """What CloudFront keys an entry by under a cache policy: path plus the named parts."""
    parameters = config["ParametersInCacheKeyAndForwardedToOrigin"]
    cookie_rule = parameters["CookiesConfig"]
    assert cookie_rule["CookieBehavior"] in ("none", "whitelist")  # no allExcept, no all
    named = cookie_rule.get("Cookies", [])
    headers = parameters["HeadersConfig"]
    key_query = query if parameters["QueryStringsConfig"]["QueryStringBehavior"] == "all" else ""
    return (
        host if "Host" in headers.get("Headers", []) else None,
        path,
        key_query,
        tuple(sorted((name, value) for name, value in (cookies or {}).items() if name in named)),
    )


def stored_for(config, cache_control):
    """Seconds CloudFront keeps a response with this Cache-Control under the policy (0: not kept).

    With MinTTL 0 CloudFront honours private, no-store and no-cache; max-age is clamped to the
    policy's MinTTL..MaxTTL; without max-age the DefaultTTL applies.
    """
    directives = {d.split("=")[0].strip() for d in cache_control.split(",")}
    if config["MinTTL"] == 0 and directives & {"private", "no-store", "no-cache"}:
        return 0
    seconds = max_age(cache_control)
    if seconds is None:
        return config["DefaultTTL"]
    return max(config["MinTTL"], min(seconds, config["MaxTTL"]))


def max_age(cache_control):
    return get_max_age(HttpResponse(headers={"Cache-Control": cache_control}))


def private_cookies():
    """Every cookie whose presence makes the app answer a page as private, plus CSRF's."""
    names = {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name, settings.CSRF_COOKIE_NAME}
    for name in names - {settings.CSRF_COOKIE_NAME}:
        request = RequestFactory().get("/", HTTP_COOKIE=f"{name}=x")
        assert not page_cache.is_anonymous(request), name
    return names


def test_pages_are_keyed_by_every_cookie_that_marks_a_browser_as_signed_in_or_holding_a_form(
    templates,
):
    pages = policy(templates, "/")
    anonymous = cache_key(pages, host="blog.example.com", path="/", cookies={"_ga": "1"})
    for name in private_cookies():
        alice = cache_key(pages, host="blog.example.com", path="/", cookies={name: "alice"})
        bob = cache_key(pages, host="blog.example.com", path="/", cookies={name: "bob"})
        assert len({anonymous, alice, bob}) == 3, name


def test_anonymous_readers_share_one_entry_per_host_and_query(templates):
    pages = policy(templates, "/")
    first = cache_key(pages, host="blog.example.com", path="/", query="page=2")
    tracked = cache_key(
        pages, host="blog.example.com", path="/", query="page=2", cookies={"a": "1"}
    )
    assert first == tracked
    assert first != cache_key(pages, host="blog.example.com", path="/", query="page=3")
    # The distribution's own domain reaches Django, which refuses it: its 400 stays apart.
    assert first != cache_key(pages, host="d1.cloudfront.net", path="/", query="page=2")


def test_pages_are_kept_exactly_as_long_as_the_app_says_and_never_when_private(
    templates, client, user
):
    pages = policy(templates, "/")
    assert pages["DefaultTTL"] == 0  # a page without Cache-Control is not kept
    anonymous = client.get("/")["Cache-Control"]
    assert "stale-while-revalidate" in anonymous
    assert stored_for(pages, anonymous) == settings.PAGE_MAX_AGE > 0
    client.force_login(user)
    assert stored_for(pages, client.get("/")["Cache-Control"]) == 0


def test_a_form_page_for_an_anonymous_reader_is_not_kept(templates, client, db):
    response = client.get("/users/login/")
    assert stored_for(policy(templates, "/"), response["Cache-Control"]) == 0


@pytest.mark.parametrize("path", ["/static/*", "/media/*"])
def test_static_files_and_media_are_kept_a_year_keyed_by_path_alone(templates, path):
    assets = policy(templates, path)
    assert assets["DefaultTTL"] == assets["MaxTTL"] == YEAR
    assert stored_for(assets, "") == YEAR
    assert cache_key(assets, host="a", path="/x.css", query="v=1", cookies={"sessionid": "s"}) == (
        cache_key(assets, host="b", path="/x.css")
    )


def test_the_origins_say_a_year_too():
    assert settings.WHITENOISE_MAX_AGE == YEAR
    storage = s3_settings("bucket", "http://127.0.0.1:1")["STORAGES"]["default"]
    assert max_age(storage["OPTIONS"]["object_parameters"]["CacheControl"]) == YEAR
