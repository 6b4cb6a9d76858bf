from incidents.routes import MANAGER, incident
from people import views

app_name = "people"

JOB = "incidents/<slug:slug>/imports/<int:job_id>"

urlpatterns = [
    incident("incidents/<slug:slug>/imports/", views.import_list, "import-list", MANAGER),
    incident(f"{JOB}/", views.import_detail, "import-detail", MANAGER),
    incident(f"{JOB}/mapping/", views.import_mapping, "import-mapping", MANAGER, method="post"),
    incident(f"{JOB}/preview/", views.import_preview, "import-preview", MANAGER, method="post"),
    incident(f"{JOB}/header/", views.import_header, "import-header", MANAGER, method="post"),
    incident(f"{JOB}/progress/", views.import_progress, "import-progress", MANAGER),
    incident(f"{JOB}/confirm/", views.import_confirm, "import-confirm", MANAGER, method="post"),
    incident(f"{JOB}/discard/", views.import_discard, "import-discard", MANAGER, method="post"),
]
