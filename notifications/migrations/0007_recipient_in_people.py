"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0006_standard_letters_as_text"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="letter",
                    name="recipient",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="letters",
                        to="people.recipient",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
