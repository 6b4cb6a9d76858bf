"""Content types (which admin history and permissions point at) follow the models to their new apps, so
the history of a person's or an obligation's row stays attached to it."""

from django.db import migrations

MOVED = {
    ("incidents", "individual"): "people",
    ("incidents", "exposure"): "people",
    ("incidents", "recipient"): "people",
    ("incidents", "importjob"): "people",
    ("incidents", "importrow"): "people",
    ("incidents", "obligation"): "regulators",
    ("incidents", "noticeupdate"): "public",
    ("incidents", "faqentry"): "public",
    ("accounts", "membership"): "incidents",
}


def _move(apps, schema_editor, pairs):
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    for (old_app, model), new_app in pairs:
        if content_types.filter(app_label=new_app, model=model).exists():
            continue  # a post_migrate of an earlier run made it already; the old one stays unused
        content_types.filter(app_label=old_app, model=model).update(app_label=new_app)


def forwards(apps, schema_editor):
    _move(apps, schema_editor, MOVED.items())


def backwards(apps, schema_editor):
    _move(apps, schema_editor, [((new_app, model), old_app) for (old_app, model), new_app in MOVED.items()])


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("incidents", "0024_models_moved_out"),
        ("accounts", "0005_membership_in_incidents"),
        ("people", "0001_initial"),
        ("public", "0001_initial"),
        ("regulators", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
