"""The client's address for sign-in lockouts, read where the portal's rate limits read it
(RATELIMIT_IP_META_KEY, a request header's name)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    # A header that lists several addresses: the last is the one the proxy in front added itself; the
    # ones before it came from the client and can say anything. No header: the connection's address.
    value = request.META.get(key, "").split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return value
    # One IPv6 subscriber holds a whole /64: counted as one, as django-ratelimit counts it.
    return str(ipaddress.ip_network(f"{address}/64", strict=False)) if address.version == 6 else str(address)
