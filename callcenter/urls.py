from django.urls import path

from callcenter.views import calls, lookup, manage

app_name = "callcenter"

urlpatterns = [
    path("<slug:slug>/lookup/", lookup.lookup, name="lookup"),
    path("<slug:slug>/calls/start/", lookup.call_start, name="call-start"),
    path("<slug:slug>/calls/not-found/", lookup.call_not_found, name="call-not-found"),
    path("<slug:slug>/calls/<int:call_id>/", calls.call_detail, name="call-detail"),
    path("<slug:slug>/calls/<int:call_id>/verify/", calls.call_verify, name="call-verify"),
    path("<slug:slug>/calls/<int:call_id>/close/", calls.call_close, name="call-close"),
    path("<slug:slug>/calls/<int:call_id>/address/", calls.call_address, name="call-address"),
    path("<slug:slug>/calls/<int:call_id>/resend/", calls.call_resend, name="call-resend"),
    path("<slug:slug>/calls/<int:call_id>/escalate/", calls.call_escalate, name="call-escalate"),
    # Manager screens
    path("<slug:slug>/supervisor/", manage.supervisor, name="supervisor"),
    path("<slug:slug>/escalations/", manage.escalation_list, name="escalation-list"),
    path("<slug:slug>/escalations/<int:escalation_id>/", manage.escalation_detail, name="escalation-detail"),
    path(
        "<slug:slug>/escalations/<int:escalation_id>/callback/", manage.escalation_callback, name="escalation-callback"
    ),
    path("<slug:slug>/escalations/<int:escalation_id>/resolve/", manage.escalation_resolve, name="escalation-resolve"),
    path("<slug:slug>/address-changes/", manage.address_change_list, name="address-change-list"),
    path(
        "<slug:slug>/address-changes/<int:change_id>/review/",
        manage.address_change_review,
        name="address-change-review",
    ),
    path("<slug:slug>/letter-resends/batch/", manage.resend_batch, name="resend-batch"),
    path("<slug:slug>/dispositions/", manage.disposition_list, name="disposition-list"),
    path("<slug:slug>/dispositions/<int:disposition_id>/toggle/", manage.disposition_toggle, name="disposition-toggle"),
]
