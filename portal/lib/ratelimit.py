"""Rate limits over a sliding window, kept in Django's cache (Redis in production, files when embedded).

A fixed window (django-ratelimit's) lets the limit through at the end of one hour and again at the start
of the next: twice the limit within minutes. Here the window is cut into slots (a minute each for an
hour) and a hit is refused when the slots touching the last `seconds` already hold `limit`: since they
cover at least the whole window, no span of `seconds` ever holds more than `limit` accepted hits. The
price is that a hit keeps counting for up to one slot longer than the window.

Only accepted hits count, so someone refused who keeps trying is let in again once the window has moved
on. A hit is counted first and taken back when over the limit: two requests racing for the last place can
both be refused, never both let in (with Redis, whose increments are atomic; the file cache can miss a
count under concurrent requests).

Written here rather than taken from the `limits` package, whose moving window needs Redis, memcached or
MongoDB: the embedded default has none of them, and a per-process memory store would give each web
worker its own count.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # seconds until one more hit would be let in, when refused
    first_refusal: bool = False  # the first refusal until retry_after has passed (for one audit row)


@dataclass(frozen=True)
class SlidingWindow:
    group: str
    limit: int
    seconds: int
    slots: int = 60

    @property
    def _slot_seconds(self) -> float:
        return self.seconds / self.slots

    def _keys(self, key: str, now: float) -> list[str]:
        """Cache keys of the slots from the one holding `now - seconds` to the one holding `now`."""
        who = hashlib.sha256(f"{self.group}\0{key}".encode()).hexdigest()[:32]
        current = math.floor(now / self._slot_seconds)
        return [f"rl:{who}:{slot}" for slot in range(current - self.slots, current + 1)]

    def _retry_after(self, counts: list[int], now: float) -> int:
        """Seconds until the oldest slots have left the window and the rest hold fewer than `limit`."""
        remaining = sum(counts)
        oldest = math.floor(now / self._slot_seconds) - self.slots
        for offset, count in enumerate(counts):
            remaining -= count
            if remaining < self.limit:
                leaves = (oldest + offset + 1) * self._slot_seconds + self.seconds
                return max(1, math.ceil(leaves - now))
        return 1

    def hit(self, key: str) -> Verdict:
        """Count one hit for `key` if the window has room for it."""
        now = time.time()
        keys = self._keys(key, now)
        current = keys[-1]
        lifetime = self.seconds + 2 * math.ceil(self._slot_seconds)
        counts = _count(keys, lifetime)
        if sum(counts) <= self.limit:
            return Verdict(True)
        cache.decr(current)
        cache.touch(current, lifetime)
        counts[-1] -= 1
        retry_after = self._retry_after(counts, now)
        first = cache.add(current.rpartition(":")[0] + ":refused", 1, timeout=retry_after)
        return Verdict(False, retry_after, first)


def _count(keys: list[str], lifetime: int) -> list[int]:
    """Adds one to the last slot; the counts of all the slots, that one's with the hit."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _count_in_redis(backend, keys, lifetime)
    current = keys[-1]
    cache.add(current, 0, timeout=lifetime)
    mine = cache.incr(current)
    cache.touch(current, lifetime)  # the file cache's incr writes the value again with the default timeout
    stored = cache.get_many(keys[:-1])
    return [int(stored.get(slot, 0)) for slot in keys[:-1]] + [mine]


def _count_in_redis(backend: RedisCache, keys: list[str], lifetime: int) -> list[int]:
    """The same in one round trip: INCR creates the missing slot at 1, as add-then-incr does; integers are
    stored as their digits by Django's Redis cache, so the cache API reads these slots as it wrote them."""
    # make_key, not make_and_validate_key: the slots' keys are this module's own ("rl:", hex, digits), and the
    # validation walks every character of all 61 of them on each search.
    names = [backend.make_key(key) for key in keys]
    client = backend._cache.get_client(names[-1], write=True)  # type: ignore[attr-defined]  # Django's own client
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(names[-1])
    pipeline.expire(names[-1], lifetime)
    pipeline.mget(names[:-1])
    mine, _, stored = pipeline.execute()
    return [int(value or 0) for value in stored] + [int(mine)]
