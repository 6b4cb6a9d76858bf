from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("incidents/<slug:slug>/imports/", views.import_list, name="import-list"),
    path("incidents/<slug:slug>/imports/<int:job_id>/", views.import_detail, name="import-detail"),
    path("incidents/<slug:slug>/imports/<int:job_id>/mapping/", views.import_mapping, name="import-mapping"),
    path("incidents/<slug:slug>/imports/<int:job_id>/preview/", views.import_preview, name="import-preview"),
    path("incidents/<slug:slug>/imports/<int:job_id>/header/", views.import_header, name="import-header"),
    path("incidents/<slug:slug>/imports/<int:job_id>/progress/", views.import_progress, name="import-progress"),
    path("incidents/<slug:slug>/imports/<int:job_id>/confirm/", views.import_confirm, name="import-confirm"),
    path("incidents/<slug:slug>/imports/<int:job_id>/discard/", views.import_discard, name="import-discard"),
]
