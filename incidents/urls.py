from incidents.models import Role
from incidents.routes import ANY_ROLE, MANAGER, creator, incident
from incidents.views import exports, incidents, members
from portal.lib.routes import signed_in

app_name = "incidents"

# An export is asked for and read by managers and mail administrators; which kind each may ask for and
# approve is the export kind's own rule (incidents/exports.py), checked in the view.
EXPORTERS = {Role.MANAGER, Role.MAIL_ADMIN}

urlpatterns = [
    signed_in("", incidents.incident_list, "incident-list"),
    creator("incidents/new/", incidents.incident_create, "incident-create"),
    incident("incidents/<slug:slug>/", incidents.incident_detail, "incident-detail", ANY_ROLE),
    incident(
        "incidents/<slug:slug>/timeline/",
        incidents.incident_timeline,
        "incident-timeline",
        {Role.MANAGER, Role.AUDITOR},
    ),
    incident("incidents/<slug:slug>/edit/", incidents.incident_edit, "incident-edit", MANAGER),
    incident("incidents/<slug:slug>/status/", incidents.incident_status, "incident-status", MANAGER, method="post"),
    incident("incidents/<slug:slug>/members/", members.member_list, "member-list", MANAGER),
    incident(
        "incidents/<slug:slug>/members/<int:membership_id>/remove/",
        members.member_remove,
        "member-remove",
        MANAGER,
        method="post",
    ),
    incident("incidents/<slug:slug>/exports/", exports.export_list, "export-list", EXPORTERS),
    incident("incidents/<slug:slug>/exports/<str:public_id>/", exports.export_detail, "export-detail", EXPORTERS),
    incident(
        "incidents/<slug:slug>/exports/<str:public_id>/decide/",
        exports.export_decide,
        "export-decide",
        EXPORTERS,
        method="post",
    ),
    incident(
        "incidents/<slug:slug>/exports/<str:public_id>/file/", exports.export_download, "export-download", EXPORTERS
    ),
]
