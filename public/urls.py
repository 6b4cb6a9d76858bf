from django.urls import path

from public.views import faq, notice

app_name = "public"

urlpatterns = [
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
]
