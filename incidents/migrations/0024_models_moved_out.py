"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("callcenter", "0006_recipient_in_people"),
        ("incidents", "0023_models_leave_for_their_rooms"),
        ("notifications", "0007_recipient_in_people"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="Recipient",
                ),
                migrations.AddIndex(
                    model_name="membership",
                    index=models.Index(fields=["incident", "role"], name="membership_incident_role"),
                ),
                migrations.AddConstraint(
                    model_name="membership",
                    constraint=models.UniqueConstraint(
                        fields=("user", "incident", "role"), name="membership_unique_role"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
