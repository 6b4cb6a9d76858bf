"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("callcenter", "0005_sealed_identifiers"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="addresschange",
                    name="recipient",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="address_changes",
                        to="people.recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="call",
                    name="recipient",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="calls",
                        to="people.recipient",
                    ),
                ),
                migrations.AlterField(
                    model_name="letterresend",
                    name="recipient",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="letter_resends",
                        to="people.recipient",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
