"""Who sent a request: the address (read only here, for throttles, lockout and the access log)
and the visitor that views are counted for."""

import hashlib
import ipaddress

from crawlerdetect import CrawlerDetect
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
        # The /64's first address stands for all of it, and is still a valid address to store.
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return str(address)


_crawlers = CrawlerDetect()


def visitor_key(request) -> str | None:
    """Who reads the page, for counting views: the account, else address and browser together.

    None for requests without a User-Agent and for known bots, crawlers and HTTP tools.
    """
    agent = request.META.get("HTTP_USER_AGENT", "").strip()
    if not agent or _crawlers.is_crawler(agent):
        return None
    if request.user.is_authenticated:
        return f"user-{request.user.pk}"
    return hashlib.sha256(f"{client_ip(request)} {agent}".encode()).hexdigest()
