import pytest
from django.test import RequestFactory

from cblog.client import client_ip

VISITOR = "203.0.113.7"
CLOUDFRONT = "130.176.1.2"
ALB = "10.10.1.5"


def request_from(remote_addr, forwarded_for=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **headers)


@pytest.mark.parametrize(
    ("hops", "remote_addr", "forwarded_for", "expected"),
    [
        # Behind CloudFront and the ALB: CloudFront appends the visitor, the ALB CloudFront.
        (2, ALB, f"{VISITOR}, {CLOUDFRONT}", VISITOR),
        # A spoofed leftmost entry is ignored.
        (2, ALB, f"198.51.100.9, {VISITOR}, {CLOUDFRONT}", VISITOR),
        (2, ALB, f"garbage, 1.2.3.4, {VISITOR},{CLOUDFRONT}", VISITOR),
        # One proxy (a local balancer): its own entry is the visitor.
        (1, "127.0.0.1", f"198.51.100.9, {VISITOR}", VISITOR),
        # No proxy trusted: the header is the visitor's own words, and ignored.
        (0, VISITOR, "198.51.100.9", VISITOR),
        (2, ALB, None, ALB),
        # Fewer entries than proxies: the request skipped one, and its sender is the leftmost.
        (2, ALB, VISITOR, VISITOR),
        # An entry that is no address falls back to the connection's peer.
        (2, ALB, f"{VISITOR}, not-an-address, {CLOUDFRONT}", ALB),
    ],
)
def test_the_client_address_is_the_entry_the_trusted_proxies_appended(
    settings, hops, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXY_HOPS = hops
    assert client_ip(request_from(remote_addr, forwarded_for)) == expected


def test_ipv6_visitors_are_grouped_by_their_64_bit_prefix(settings):
    settings.TRUSTED_PROXY_HOPS = 2
    first = request_from(ALB, f"2001:db8:1:2::1, {CLOUDFRONT}")
    second = request_from(ALB, f"2001:db8:1:2:ffff:1:2:3, {CLOUDFRONT}")
    neighbour = request_from(ALB, f"2001:db8:1:3::1, {CLOUDFRONT}")
    assert client_ip(first) == client_ip(second) == "2001:db8:1:2::"
    assert client_ip(neighbour) != client_ip(first)
