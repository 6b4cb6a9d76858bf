from django.urls import path

from regulators import views

app_name = "regulators"

urlpatterns = [
    path("incidents/<slug:slug>/obligations/", views.obligation_list, name="obligation-list"),
    path("incidents/<slug:slug>/obligations/<str:key>/", views.obligation_detail, name="obligation-detail"),
    path(
        "incidents/<slug:slug>/obligations/<str:key>/packet.pdf",
        views.obligation_packet,
        {"kind": "pdf"},
        name="obligation-packet-pdf",
    ),
    path(
        "incidents/<slug:slug>/obligations/<str:key>/packet.csv",
        views.obligation_packet,
        {"kind": "csv"},
        name="obligation-packet-csv",
    ),
    path(
        "incidents/<slug:slug>/obligations/<str:key>/evidence/",
        views.obligation_evidence,
        name="obligation-evidence",
    ),
]
