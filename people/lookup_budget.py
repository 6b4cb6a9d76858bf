"""The hourly budget of look-ups of a person by one user.

A caller search (callcenter) and a letter preview by reference code (notifications) find a person the same
way, so they draw on one budget, kept with the people they find.
"""

from django.conf import settings

from portal.lib.ratelimit import SlidingWindow


def lookup_budget_spent(user_id: int) -> int | None:
    """Counts one look-up of a person (a caller search, or a letter preview by reference code) against the
    user's hourly budget; when the budget was spent in the past hour (any hour, not the clock's), the
    minutes until look-ups open again."""
    window = SlidingWindow("callcenter.lookup", settings.CALLCENTER_SEARCHES_PER_HOUR, 3600)
    verdict = window.hit(str(user_id))
    return None if verdict.allowed else max(1, (verdict.retry_after + 59) // 60)
