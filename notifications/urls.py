from django.urls import path

from notifications.views import batches, exports, returns, templates

app_name = "notifications"

urlpatterns = [
    path("<slug:slug>/templates/", templates.template_list, name="template-list"),
    path("<slug:slug>/templates/defaults/", templates.template_defaults, name="template-defaults"),
    path("<slug:slug>/templates/new/", templates.template_edit, name="template-create"),
    path("<slug:slug>/templates/preview-text/", templates.template_text_preview, name="template-text-preview"),
    path("<slug:slug>/templates/<int:template_id>/", templates.template_edit, name="template-edit"),
    path("<slug:slug>/templates/<int:template_id>/preview.pdf", templates.template_preview, name="template-preview"),
    path("<slug:slug>/batches/", batches.batch_list, name="batch-list"),
    path("<slug:slug>/batches/<int:batch_id>/", batches.batch_detail, name="batch-detail"),
    path("<slug:slug>/batches/<int:batch_id>/progress/", batches.batch_progress, name="batch-progress"),
    path("<slug:slug>/batches/<int:batch_id>/rerender/", batches.batch_rerender, name="batch-rerender"),
    path("<slug:slug>/batches/<int:batch_id>/proof/", batches.batch_proof, name="batch-proof"),
    path(
        "<slug:slug>/batches/<int:batch_id>/proof/<int:number>.png", batches.batch_proof_page, name="batch-proof-page"
    ),
    path("<slug:slug>/batches/<int:batch_id>/approve/", batches.batch_approve, name="batch-approve"),
    path("<slug:slug>/batches/<int:batch_id>/mailed/", batches.batch_mailed, name="batch-mailed"),
    path("<slug:slug>/returned-mail/", returns.returned_mail, name="returned-mail"),
    path("<slug:slug>/letter-exports/", exports.letter_exports, name="letter-exports"),
]
