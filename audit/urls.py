from django.urls import path

from audit.views import audit_log, trail_checks

app_name = "audit"

urlpatterns = [
    path("audit/", audit_log.audit_log, name="audit-log"),
    path("audit/checks/", trail_checks.trail_check_start, name="trail-check-start"),
    path("audit/checks/<int:check_id>/", trail_checks.trail_check_detail, name="trail-check-detail"),
]
