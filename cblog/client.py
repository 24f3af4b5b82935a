"""The visitor's address, read in this one place by throttles, sign-in lockout and the access log."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    return client_address(request.META)


def client_address(environ) -> str:
    """The address of whoever sent the request to the first proxy we trust.

    Each trusted proxy (CloudFront, then the ALB) appends the address it received the request
    from to X-Forwarded-For, so the entry TRUSTED_PROXY_HOPS from the right is the visitor's; entries
    further left are whatever the visitor sent and are ignored. IPv6 visitors are grouped by their
    /64, which one subscriber can usually fill with addresses at will.
    """
    hops = settings.TRUSTED_PROXY_HOPS
    remote = environ.get("REMOTE_ADDR", "")
    forwarded = [entry.strip() for entry in environ.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    # With fewer entries than proxies, the request skipped a proxy: the leftmost is its sender.
    candidate = forwarded[-min(hops, len(forwarded))] if hops and forwarded else remote
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
