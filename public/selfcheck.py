"""The public notice's self-service check: a reference code and a date of birth in; affected, and which
data types, out.

The answer tells nothing about codes. An unknown code and a known code with the wrong date of birth get
the same page after the same statements: one indexed query, one comparison (against a stand-in date when
no code matched), one audit row. Checks are limited per IP address and per code (the code only as a keyed
hash, so the cache holds no codes), before the lookup, so a limited answer says nothing either. The
limits hold over any hour, not per clock hour (portal.lib.ratelimit): exact with Redis as the cache, as
in production; the embedded file cache can miss counts under concurrent requests.
"""

import hmac
import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables

from incidents.models import DataType, Incident
from people.models import Exposure, Recipient
from portal.lib.client_ip import client_ip
from portal.lib.fieldcrypt import SealError
from portal.lib.ratelimit import SlidingWindow, Verdict
from public import actions as public_actions

logger = logging.getLogger(__name__)

CONFIRMED, NOT_CONFIRMED, LIMITED = "confirmed", "not_confirmed", "limited"
_STAND_IN = date(1900, 1, 1)  # compared against when no code matched, so both answers do the same work


@dataclass(frozen=True)
class Answer:
    outcome: str
    data_types: list[DataType] = field(default_factory=list)
    retry_after: int = 0  # seconds, when limited


def _refused(request: HttpRequest, code: str) -> Verdict | None:
    """Counts this check against its address, then (only if the address may still check) against its code;
    the verdict that refused it, if one did. An address over its limit cannot use up a code's checks."""
    per_ip = SlidingWindow("notice.check.ip", settings.NOTICE_CHECKS_PER_IP_PER_HOUR, 3600)
    verdict = per_ip.hit(client_ip(request))
    if not verdict.allowed:
        return verdict
    per_code = SlidingWindow("notice.check.code", settings.NOTICE_CHECKS_PER_CODE_PER_HOUR, 3600)
    verdict = per_code.hit(salted_hmac("notice.check.code", code).hexdigest())
    return None if verdict.allowed else verdict


@sensitive_variables("born", "on_file")
def check(request: HttpRequest, incident: Incident, code: str, born: date) -> Answer:
    """`code` in stored form (see portal.lib.refcode.normalise)."""
    refused = _refused(request, code)
    if refused is not None:
        # The first refusal until checks open again is audited; the rest are not, so that nobody who is
        # not signed in can grow the audit trail without limit.
        if refused.first_refusal:
            public_actions.record_self_check(incident, None, LIMITED)
        return Answer(LIMITED, retry_after=refused.retry_after)
    try:
        recipient = (
            Recipient.objects.filter(incident=incident, reference_code=code)
            .select_related("individual")
            .only("pk", "individual__date_of_birth")
            .first()
        )
    except SealError:
        # A date of birth that does not open (a wrong key, a damaged value) answers as a mismatch does: an
        # error page here and "not confirmed" for an unknown code would tell which codes exist.
        logger.error("Self-service check: a stored date of birth does not open (see /healthz)")
        recipient = None
    on_file = recipient.individual.date_of_birth if recipient else None
    same = hmac.compare_digest((on_file or _STAND_IN).isoformat(), born.isoformat())
    if recipient is None or on_file is None or not same:
        public_actions.record_self_check(incident, recipient, NOT_CONFIRMED)
        return Answer(NOT_CONFIRMED)
    exposed = Exposure.objects.filter(individual_id=recipient.individual_id).values("data_type_id")
    types = list(DataType.objects.filter(pk__in=exposed).order_by("sort_order", "label"))
    public_actions.record_self_check(incident, recipient, CONFIRMED)
    return Answer(CONFIRMED, types)
