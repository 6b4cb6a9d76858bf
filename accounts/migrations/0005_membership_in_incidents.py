"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_field_key_check"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="Membership",
                ),
            ],
            database_operations=[],
        ),
    ]
