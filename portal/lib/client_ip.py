"""The client's address, read where the portal's rate limits read it (RATELIMIT_IP_META_KEY)."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    key = settings.RATELIMIT_IP_META_KEY or "REMOTE_ADDR"
    # A header that lists several addresses: the last is the one the proxy in front added itself; the
    # ones before it came from the client and can say anything.
    return request.META.get(key, "").split(",")[-1].strip()
