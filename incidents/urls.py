from django.urls import path

from incidents.views import audit_log, exports, faq, imports, incidents, members, notice, obligations, trail_checks

app_name = "incidents"

urlpatterns = [
    path("", incidents.incident_list, name="incident-list"),
    path("incidents/new/", incidents.incident_create, name="incident-create"),
    path("incidents/<slug:slug>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<slug:slug>/timeline/", incidents.incident_timeline, name="incident-timeline"),
    path("incidents/<slug:slug>/edit/", incidents.incident_edit, name="incident-edit"),
    path("incidents/<slug:slug>/status/", incidents.incident_status, name="incident-status"),
    path("incidents/<slug:slug>/members/", members.member_list, name="member-list"),
    path("incidents/<slug:slug>/members/<int:membership_id>/remove/", members.member_remove, name="member-remove"),
    path("incidents/<slug:slug>/imports/", imports.import_list, name="import-list"),
    path("incidents/<slug:slug>/imports/<int:job_id>/", imports.import_detail, name="import-detail"),
    path("incidents/<slug:slug>/imports/<int:job_id>/mapping/", imports.import_mapping, name="import-mapping"),
    path("incidents/<slug:slug>/imports/<int:job_id>/preview/", imports.import_preview, name="import-preview"),
    path("incidents/<slug:slug>/imports/<int:job_id>/header/", imports.import_header, name="import-header"),
    path("incidents/<slug:slug>/imports/<int:job_id>/progress/", imports.import_progress, name="import-progress"),
    path("incidents/<slug:slug>/imports/<int:job_id>/confirm/", imports.import_confirm, name="import-confirm"),
    path("incidents/<slug:slug>/imports/<int:job_id>/discard/", imports.import_discard, name="import-discard"),
    path("incidents/<slug:slug>/faq/", faq.faq_list, name="faq-list"),
    path("incidents/<slug:slug>/faq/<int:entry_id>/edit/", faq.faq_edit, name="faq-edit"),
    path("incidents/<slug:slug>/faq/<int:entry_id>/remove/", faq.faq_remove, name="faq-remove"),
    path("incidents/<slug:slug>/notice/", notice.notice_manage, name="notice-manage"),
    path("incidents/<slug:slug>/notice/publish/", notice.notice_publish, name="notice-publish"),
    path("incidents/<slug:slug>/notice/unpublish/", notice.notice_unpublish, name="notice-unpublish"),
    path(
        "incidents/<slug:slug>/notice/updates/<int:update_id>/remove/",
        notice.notice_update_remove,
        name="notice-update-remove",
    ),
    path("notice/<slug:slug>/", notice.public_notice, name="public-notice"),
    path("incidents/<slug:slug>/obligations/", obligations.obligation_list, name="obligation-list"),
    path("incidents/<slug:slug>/exports/", exports.export_list, name="export-list"),
    path("incidents/<slug:slug>/exports/<str:public_id>/", exports.export_detail, name="export-detail"),
    path("incidents/<slug:slug>/exports/<str:public_id>/decide/", exports.export_decide, name="export-decide"),
    path("incidents/<slug:slug>/exports/<str:public_id>/file/", exports.export_download, name="export-download"),
    path("incidents/<slug:slug>/obligations/<str:key>/", obligations.obligation_detail, name="obligation-detail"),
    path(
        "incidents/<slug:slug>/obligations/<str:key>/packet.pdf",
        obligations.obligation_packet,
        {"kind": "pdf"},
        name="obligation-packet-pdf",
    ),
    path(
        "incidents/<slug:slug>/obligations/<str:key>/packet.csv",
        obligations.obligation_packet,
        {"kind": "csv"},
        name="obligation-packet-csv",
    ),
    path(
        "incidents/<slug:slug>/obligations/<str:key>/evidence/",
        obligations.obligation_evidence,
        name="obligation-evidence",
    ),
    path("audit/", audit_log.audit_log, name="audit-log"),
    path("audit/checks/", trail_checks.trail_check_start, name="trail-check-start"),
    path("audit/checks/<int:check_id>/", trail_checks.trail_check_detail, name="trail-check-detail"),
]
