from django.urls import path

from incidents.views import audit_log, incidents, members, trail_checks

app_name = "incidents"

urlpatterns = [
    path("", incidents.incident_list, name="incident-list"),
    path("incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/<slug:slug>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<slug:slug>/edit/", incidents.incident_edit, name="incident-edit"),
    path("incidents/<slug:slug>/status/", incidents.incident_status, name="incident-status"),
    path("incidents/<slug:slug>/members/", members.member_list, name="member-list"),
    path("incidents/<slug:slug>/members/<int:membership_id>/remove/", members.member_remove, name="member-remove"),
    path("audit/", audit_log.audit_log, name="audit-log"),
    path("audit/checks/", trail_checks.trail_check_start, name="trail-check-start"),
    path("audit/checks/<int:check_id>/", trail_checks.trail_check_detail, name="trail-check-detail"),
]
