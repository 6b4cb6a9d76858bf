from django.contrib import admin
from django.urls import include, path

from portal import views
from portal.lib.routes import public

admin.site.site_header = "Breach Notice Portal administration"
admin.site.site_title = "Breach Notice Portal"

urlpatterns = [
    public("healthz", views.healthz, "healthz"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("callcenter/", include("callcenter.urls")),
    path("letters/", include("notifications.urls")),
    path("", include("incidents.urls")),
    path("", include("people.urls")),
    path("", include("regulators.urls")),
    path("", include("public.urls")),
    path("", include("audit.urls")),
]

handler403 = "portal.views.permission_denied"
handler404 = "portal.views.page_not_found"
