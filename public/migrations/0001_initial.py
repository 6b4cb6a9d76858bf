"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("incidents", "0023_models_leave_for_their_rooms"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FaqEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("question", models.CharField(max_length=300)),
                        ("answer", models.TextField()),
                        ("sort_order", models.PositiveSmallIntegerField(default=100)),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="faq_entries",
                                to="incidents.incident",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_faqentry",
                        "ordering": ["sort_order", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="NoticeUpdate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("posted_on", models.DateField()),
                        ("text", models.TextField()),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notice_updates",
                                to="incidents.incident",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_noticeupdate",
                        "ordering": ["-posted_on", "-id"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
