"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("incidents", "0023_models_leave_for_their_rooms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Obligation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("rule", models.CharField(blank=True, max_length=60)),
                        ("party", models.CharField(max_length=200)),
                        ("notice", models.CharField(max_length=300)),
                        ("citation", models.CharField(blank=True, max_length=100)),
                        ("due_on", models.DateField(blank=True, null=True)),
                        ("due_rule", models.CharField(blank=True, max_length=200)),
                        ("done_on", models.DateField(blank=True, null=True)),
                        ("reference", models.CharField(blank=True, max_length=200)),
                        ("evidence", models.FileField(blank=True, max_length=300, upload_to="obligations/%Y/")),
                        ("evidence_name", models.CharField(blank=True, max_length=200)),
                        ("notes", models.TextField(blank=True)),
                        ("not_notifying_reasons", models.TextField(blank=True)),
                        ("not_notifying_on", models.DateField(blank=True, null=True)),
                        ("keep_until", models.DateField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "done_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="obligations",
                                to="incidents.incident",
                            ),
                        ),
                        (
                            "not_notifying_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_obligation",
                        "ordering": ["due_on", "party"],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("rule", ""), _negated=True),
                                fields=("incident", "rule"),
                                name="obligation_one_per_rule",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
