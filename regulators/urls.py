from incidents.routes import MANAGER, incident
from regulators import views

app_name = "regulators"

OBLIGATION = "incidents/<slug:slug>/obligations/<str:key>"

urlpatterns = [
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
