from incidents.models import Role
from incidents.routes import MANAGER, incident
from regulators import jurisdiction_views, views

app_name = "regulators"

OBLIGATION = "incidents/<slug:slug>/obligations/<str:key>"

# The table is the same for every incident; the page is an incident's so that its own jurisdictions come first,
# and so that those who may read it are the incident's managers and auditors, as for its other records.
MANAGER_OR_AUDITOR = frozenset({Role.MANAGER, Role.AUDITOR})

urlpatterns = [
    incident(
        "incidents/<slug:slug>/jurisdictions/",
        jurisdiction_views.jurisdiction_list,
        "jurisdiction-list",
        MANAGER_OR_AUDITOR,
    ),
    incident("incidents/<slug:slug>/obligations/", views.obligation_list, "obligation-list", MANAGER),
    incident(f"{OBLIGATION}/", views.obligation_detail, "obligation-detail", MANAGER),
    incident(
        f"{OBLIGATION}/packet.pdf", views.obligation_packet, "obligation-packet-pdf", MANAGER, kwargs={"kind": "pdf"}
    ),
    incident(
        f"{OBLIGATION}/packet.csv", views.obligation_packet, "obligation-packet-csv", MANAGER, kwargs={"kind": "csv"}
    ),
    incident(f"{OBLIGATION}/evidence/", views.obligation_evidence, "obligation-evidence", MANAGER, method="post"),
]
