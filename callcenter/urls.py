from callcenter.models import Escalation
from callcenter.views import calls, lookup, manage
from incidents.models import Role
from incidents.routes import MANAGER, incident

app_name = "callcenter"

AGENT = {Role.AGENT}

urlpatterns = [
    incident("<slug:slug>/lookup/", lookup.lookup, "lookup", AGENT),
    incident("<slug:slug>/calls/start/", lookup.call_start, "call-start", AGENT, method="post"),
    incident("<slug:slug>/calls/not-found/", lookup.call_not_found, "call-not-found", AGENT, method="post"),
    # A call is its agent's own (callcenter/access.py finds it among the agent's calls).
    incident("<slug:slug>/calls/<int:call_id>/", calls.call_detail, "call-detail", AGENT),
    incident("<slug:slug>/calls/<int:call_id>/verify/", calls.call_verify, "call-verify", AGENT, method="post"),
    incident("<slug:slug>/calls/<int:call_id>/close/", calls.call_close, "call-close", AGENT, method="post"),
    incident("<slug:slug>/calls/<int:call_id>/address/", calls.call_address, "call-address", AGENT, method="post"),
    incident("<slug:slug>/calls/<int:call_id>/resend/", calls.call_resend, "call-resend", AGENT, method="post"),
    incident("<slug:slug>/calls/<int:call_id>/escalate/", calls.call_escalate, "call-escalate", AGENT, method="post"),
    # Manager screens. An escalation is worked by its owner, a manager or an agent.
    incident("<slug:slug>/supervisor/", manage.supervisor, "supervisor", MANAGER),
    incident("<slug:slug>/escalations/", manage.escalation_list, "escalation-list", MANAGER),
    incident(
        "<slug:slug>/escalations/<int:escalation_id>/",
        manage.escalation_detail,
        "escalation-detail",
        Escalation.OWNER_ROLES,
    ),
    incident(
        "<slug:slug>/escalations/<int:escalation_id>/callback/",
        manage.escalation_callback,
        "escalation-callback",
        Escalation.OWNER_ROLES,
        method="post",
    ),
    incident(
        "<slug:slug>/escalations/<int:escalation_id>/resolve/",
        manage.escalation_resolve,
        "escalation-resolve",
        Escalation.OWNER_ROLES,
        method="post",
    ),
    incident("<slug:slug>/address-changes/", manage.address_change_list, "address-change-list", MANAGER),
    incident(
        "<slug:slug>/address-changes/<int:change_id>/review/",
        manage.address_change_review,
        "address-change-review",
        MANAGER,
        method="post",
    ),
    incident("<slug:slug>/letter-resends/batch/", manage.resend_batch, "resend-batch", MANAGER, method="post"),
    incident("<slug:slug>/dispositions/", manage.disposition_list, "disposition-list", MANAGER),
    incident(
        "<slug:slug>/dispositions/<int:disposition_id>/toggle/",
        manage.disposition_toggle,
        "disposition-toggle",
        MANAGER,
        method="post",
    ),
]
