from incidents.models import Role
from incidents.routes import MANAGER, incident
from notifications.views import batches, exports, returns, templates

app_name = "notifications"

# Templates are the managers'. Batches are read by managers and mail administrators, made and rendered
# again by managers, approved and marked mailed by mail administrators.
MAIL_ADMIN = {Role.MAIL_ADMIN}
READERS = {Role.MANAGER, Role.MAIL_ADMIN}
OVERSEERS = {Role.MANAGER, Role.AUDITOR}

urlpatterns = [
    incident("<slug:slug>/templates/", templates.template_list, "template-list", MANAGER),
    incident(
        "<slug:slug>/templates/defaults/", templates.template_defaults, "template-defaults", MANAGER, method="post"
    ),
    incident("<slug:slug>/templates/new/", templates.template_edit, "template-create", MANAGER),
    incident(
        "<slug:slug>/templates/preview-text/",
        templates.template_text_preview,
        "template-text-preview",
        MANAGER,
        method="post",
    ),
    incident("<slug:slug>/templates/<int:template_id>/", templates.template_edit, "template-edit", MANAGER),
    incident(
        "<slug:slug>/templates/<int:template_id>/preview.pdf", templates.template_preview, "template-preview", MANAGER
    ),
    incident("<slug:slug>/batches/", batches.batch_list, "batch-list", READERS, post_roles=MANAGER),
    incident("<slug:slug>/batches/<int:batch_id>/", batches.batch_detail, "batch-detail", READERS),
    incident("<slug:slug>/batches/<int:batch_id>/progress/", batches.batch_progress, "batch-progress", READERS),
    incident(
        "<slug:slug>/batches/<int:batch_id>/rerender/", batches.batch_rerender, "batch-rerender", MANAGER, method="post"
    ),
    incident("<slug:slug>/batches/<int:batch_id>/proof/", batches.batch_proof, "batch-proof", READERS),
    incident(
        "<slug:slug>/batches/<int:batch_id>/proof/<int:number>.png",
        batches.batch_proof_page,
        "batch-proof-page",
        READERS,
    ),
    incident(
        "<slug:slug>/batches/<int:batch_id>/approve/", batches.batch_approve, "batch-approve", MAIL_ADMIN, method="post"
    ),
    incident(
        "<slug:slug>/batches/<int:batch_id>/mailed/", batches.batch_mailed, "batch-mailed", MAIL_ADMIN, method="post"
    ),
    incident("<slug:slug>/returned-mail/", returns.returned_mail, "returned-mail", MAIL_ADMIN),
    incident("<slug:slug>/letter-exports/", exports.letter_exports, "letter-exports", OVERSEERS),
]
