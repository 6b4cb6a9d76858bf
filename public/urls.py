from incidents.routes import MANAGER, incident
from portal.lib.routes import public
from public.views import faq, notice

app_name = "public"

urlpatterns = [
    incident("incidents/<slug:slug>/faq/", faq.faq_list, "faq-list", MANAGER),
    incident("incidents/<slug:slug>/faq/<int:entry_id>/edit/", faq.faq_edit, "faq-edit", MANAGER),
    incident("incidents/<slug:slug>/faq/<int:entry_id>/remove/", faq.faq_remove, "faq-remove", MANAGER, method="post"),
    incident("incidents/<slug:slug>/notice/", notice.notice_manage, "notice-manage", MANAGER),
    incident("incidents/<slug:slug>/notice/publish/", notice.notice_publish, "notice-publish", MANAGER, method="post"),
    incident(
        "incidents/<slug:slug>/notice/unpublish/", notice.notice_unpublish, "notice-unpublish", MANAGER, method="post"
    ),
    incident(
        "incidents/<slug:slug>/notice/updates/<int:update_id>/remove/",
        notice.notice_update_remove,
        "notice-update-remove",
        MANAGER,
        method="post",
    ),
    # Anyone may read a published notice; an unpublished one is not found.
    public("notice/<slug:slug>/", notice.public_notice, "public-notice"),
]
