from django.urls import path

from incidents.views import exports, incidents, members

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
    path("incidents/<slug:slug>/exports/", exports.export_list, name="export-list"),
    path("incidents/<slug:slug>/exports/<str:public_id>/", exports.export_detail, name="export-detail"),
    path("incidents/<slug:slug>/exports/<str:public_id>/decide/", exports.export_decide, name="export-decide"),
    path("incidents/<slug:slug>/exports/<str:public_id>/file/", exports.export_download, name="export-download"),
]
