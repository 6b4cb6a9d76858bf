from audit.views import audit_log, trail_checks
from incidents.routes import auditor

app_name = "audit"

urlpatterns = [
    auditor("audit/", audit_log.audit_log, "audit-log"),
    auditor("audit/checks/", trail_checks.trail_check_start, "trail-check-start", method="post"),
    auditor("audit/checks/<int:check_id>/", trail_checks.trail_check_detail, "trail-check-detail"),
]
