from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("occurred_at", models.DateTimeField()),
                ("actor_id", models.BigIntegerField(blank=True, null=True)),
                ("actor_label", models.CharField(blank=True, max_length=150)),
                ("action", models.CharField(max_length=64)),
                ("incident_id", models.BigIntegerField(blank=True, null=True)),
                ("target_type", models.CharField(blank=True, max_length=64)),
                ("target_id", models.CharField(blank=True, max_length=64)),
                ("details", models.JSONField(blank=True, default=dict)),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("prev_hash", models.CharField(max_length=64, unique=True)),
                ("hash", models.CharField(max_length=64, unique=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["incident_id", "-id"], name="audit_incident_recent"),
                    models.Index(fields=["actor_label", "-id"], name="audit_actor_recent"),
                    models.Index(fields=["action", "-id"], name="audit_action_recent"),
                    models.Index(fields=["occurred_at"], name="audit_occurred_at"),
                ],
            },
        ),
    ]
