"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0022_import_changes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="faqentry",
                    name="incident",
                ),
                migrations.RemoveField(
                    model_name="importjob",
                    name="confirmed_by",
                ),
                migrations.RemoveField(
                    model_name="importjob",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="importjob",
                    name="incident",
                ),
                migrations.RemoveField(
                    model_name="importrow",
                    name="job",
                ),
                migrations.RemoveField(
                    model_name="individual",
                    name="incident",
                ),
                migrations.RemoveField(
                    model_name="recipient",
                    name="individual",
                ),
                migrations.RemoveField(
                    model_name="noticeupdate",
                    name="incident",
                ),
                migrations.RemoveField(
                    model_name="obligation",
                    name="created_by",
                ),
                migrations.RemoveField(
                    model_name="obligation",
                    name="done_by",
                ),
                migrations.RemoveField(
                    model_name="obligation",
                    name="incident",
                ),
                migrations.RemoveField(
                    model_name="obligation",
                    name="not_notifying_by",
                ),
                migrations.RemoveField(
                    model_name="recipient",
                    name="incident",
                ),
                migrations.CreateModel(
                    name="Membership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("manager", "Incident manager"),
                                    ("agent", "Call agent"),
                                    ("mail_admin", "Mail administrator"),
                                    ("auditor", "Auditor"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to="incidents.incident",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_membership",
                        "ordering": ["user__username", "role"],
                    },
                ),
                migrations.DeleteModel(
                    name="Exposure",
                ),
                migrations.DeleteModel(
                    name="FaqEntry",
                ),
                migrations.DeleteModel(
                    name="ImportJob",
                ),
                migrations.DeleteModel(
                    name="ImportRow",
                ),
                migrations.DeleteModel(
                    name="Individual",
                ),
                migrations.DeleteModel(
                    name="NoticeUpdate",
                ),
                migrations.DeleteModel(
                    name="Obligation",
                ),
            ],
            database_operations=[],
        ),
    ]
