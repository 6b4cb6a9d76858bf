"""Models move between apps; their tables, data and indexes stay where they are: every operation here
changes Django's record of the models (state) and none touches the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import people.models
import portal.lib.sealed_fields


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
                    name="ImportJob",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("uploaded", "Waiting for its column mapping"),
                                    ("validating", "Checking"),
                                    ("validated", "Checked: waiting for confirmation"),
                                    ("importing", "Importing"),
                                    ("imported", "Imported"),
                                    ("failed", "Failed"),
                                    ("discarded", "Discarded"),
                                ],
                                default="uploaded",
                                max_length=20,
                            ),
                        ),
                        ("file", models.FileField(blank=True, max_length=300, upload_to="imports/")),
                        ("original_name", models.CharField(max_length=255)),
                        ("size", models.BigIntegerField(default=0)),
                        ("kind", models.CharField(max_length=10)),
                        ("encoding", models.CharField(blank=True, max_length=20)),
                        ("encoding_sure", models.BooleanField(default=True)),
                        ("delimiter", models.CharField(blank=True, max_length=1)),
                        ("header", models.JSONField(default=list)),
                        ("header_row", models.PositiveIntegerField(default=1)),
                        (
                            "header_found",
                            models.BooleanField(default=False, help_text="The header was found below title lines."),
                        ),
                        ("sheet", models.CharField(blank=True, max_length=100)),
                        ("sheets", models.JSONField(default=list)),
                        ("mapping", models.JSONField(default=dict)),
                        ("file_data_type_ids", models.JSONField(default=list)),
                        ("letter_to_both_parents", models.BooleanField(default=False)),
                        ("minor_cutoff", models.DateField(blank=True, null=True)),
                        ("claim", models.CharField(blank=True, max_length=64)),
                        ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                        ("progress_done", models.BigIntegerField(default=0)),
                        ("progress_total", models.BigIntegerField(default=0)),
                        ("validated_at", models.DateTimeField(blank=True, null=True)),
                        ("imported_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "reason",
                            models.TextField(
                                blank=True, help_text="Why the job failed, in words the manager can act on."
                            ),
                        ),
                        ("rows_read", models.PositiveIntegerField(default=0)),
                        ("rows_valid", models.PositiveIntegerField(default=0)),
                        ("rows_rejected", models.PositiveIntegerField(default=0)),
                        ("duplicates_merged", models.PositiveIntegerField(default=0)),
                        ("warnings", models.PositiveIntegerField(default=0)),
                        ("without_address", models.PositiveIntegerField(default=0)),
                        (
                            "footer_rows",
                            models.PositiveIntegerField(default=0, help_text="Report lines under the data, left out."),
                        ),
                        ("first_issues", models.JSONField(default=list)),
                        ("changes", models.JSONField(default=dict)),
                        ("error_report", models.FileField(blank=True, max_length=300, upload_to="imports/")),
                        ("individuals_added", models.PositiveIntegerField(default=0)),
                        ("individuals_updated", models.PositiveIntegerField(default=0)),
                        ("recipients_added", models.PositiveIntegerField(default=0)),
                        ("recipients_updated", models.PositiveIntegerField(default=0)),
                        ("exposures_added", models.PositiveIntegerField(default=0)),
                        (
                            "confirmed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "created_by",
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
                                related_name="import_jobs",
                                to="incidents.incident",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_importjob",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="ImportRow",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("row_number", models.PositiveIntegerField()),
                        ("match_key", models.TextField()),
                        ("external_id", portal.lib.sealed_fields.SealedCharField(kind="external_id")),
                        ("external_id_key", models.CharField(default="", max_length=22)),
                        ("first_name", models.CharField(max_length=100)),
                        ("middle_name", models.CharField(max_length=100)),
                        ("last_name", models.CharField(max_length=100)),
                        ("suffix", models.CharField(max_length=20)),
                        ("last_name_key", models.CharField(max_length=100)),
                        ("first_name_key", models.CharField(max_length=100)),
                        ("date_of_birth", portal.lib.sealed_fields.SealedDateField(kind="date_of_birth", null=True)),
                        ("date_of_birth_key", models.CharField(default="", max_length=22)),
                        ("is_deceased", models.BooleanField()),
                        ("language", models.CharField(max_length=5)),
                        ("relationship", models.CharField(max_length=20)),
                        ("recipient_name", models.CharField(max_length=200)),
                        ("recipient_name_key", models.CharField(max_length=200)),
                        ("recipient_last_name_key", models.CharField(default="", max_length=100)),
                        ("address_line1", models.CharField(max_length=200)),
                        ("address_line2", models.CharField(max_length=200)),
                        ("city", models.CharField(max_length=100)),
                        ("state", models.CharField(max_length=2)),
                        ("postal_code", models.CharField(max_length=10)),
                        ("phone", portal.lib.sealed_fields.SealedCharField(kind="phone")),
                        ("phone_key", models.CharField(default="", max_length=22)),
                        ("email", portal.lib.sealed_fields.SealedCharField(kind="email")),
                        ("email_key", models.CharField(default="", max_length=22)),
                        ("guardian_phone", portal.lib.sealed_fields.SealedCharField(default="", kind="phone")),
                        ("guardian_phone_key", models.CharField(default="", max_length=22)),
                        ("guardian_email", portal.lib.sealed_fields.SealedCharField(default="", kind="email")),
                        ("guardian_email_key", models.CharField(default="", max_length=22)),
                        ("next_of_kin_phone", portal.lib.sealed_fields.SealedCharField(default="", kind="phone")),
                        ("next_of_kin_phone_key", models.CharField(default="", max_length=22)),
                        ("next_of_kin_email", portal.lib.sealed_fields.SealedCharField(default="", kind="email")),
                        ("next_of_kin_email_key", models.CharField(default="", max_length=22)),
                        ("reference_code", models.CharField(max_length=12)),
                        ("data_type_ids", models.TextField()),
                        (
                            "job",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="people.importjob",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_importrow",
                    },
                ),
                migrations.CreateModel(
                    name="Individual",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "external_id",
                            portal.lib.sealed_fields.SealedCharField(
                                blank=True,
                                help_text="For example the state student ID.",
                                kind="external_id",
                                max_length=64,
                            ),
                        ),
                        ("external_id_key", portal.lib.sealed_fields.LookupKeyField(source="external_id")),
                        ("first_name", models.CharField(blank=True, max_length=100)),
                        ("middle_name", models.CharField(blank=True, max_length=100)),
                        ("last_name", models.CharField(max_length=100)),
                        ("suffix", models.CharField(blank=True, max_length=20)),
                        (
                            "date_of_birth",
                            portal.lib.sealed_fields.SealedDateField(blank=True, kind="date_of_birth", null=True),
                        ),
                        ("date_of_birth_key", portal.lib.sealed_fields.LookupKeyField(source="date_of_birth")),
                        ("is_deceased", models.BooleanField(default=False)),
                        (
                            "language",
                            models.CharField(
                                choices=[("en", "English"), ("es", "Spanish")], default="en", max_length=5
                            ),
                        ),
                        ("last_name_key", models.CharField(max_length=100)),
                        ("first_name_key", models.CharField(blank=True, max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "incident",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="individuals",
                                to="incidents.incident",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_individual",
                    },
                ),
                migrations.CreateModel(
                    name="Exposure",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "data_type",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="exposures",
                                to="incidents.datatype",
                            ),
                        ),
                        (
                            "incident",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="exposures",
                                to="incidents.incident",
                            ),
                        ),
                        (
                            "individual",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="exposures",
                                to="people.individual",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_exposure",
                    },
                ),
                migrations.CreateModel(
                    name="Recipient",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "relationship",
                            models.CharField(
                                choices=[
                                    ("self", "Self"),
                                    ("parent_guardian", "Parent or guardian"),
                                    ("next_of_kin", "Next of kin"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        ("address_line1", models.CharField(blank=True, max_length=200)),
                        ("address_line2", models.CharField(blank=True, max_length=200)),
                        ("city", models.CharField(blank=True, max_length=100)),
                        ("state", models.CharField(blank=True, max_length=2)),
                        ("postal_code", models.CharField(blank=True, max_length=10)),
                        (
                            "phone",
                            portal.lib.sealed_fields.SealedCharField(
                                blank=True, help_text="E.164, for example +15735550100.", kind="phone", max_length=20
                            ),
                        ),
                        ("phone_key", portal.lib.sealed_fields.LookupKeyField(source="phone")),
                        ("email", portal.lib.sealed_fields.SealedCharField(blank=True, kind="email", max_length=254)),
                        ("email_key", portal.lib.sealed_fields.LookupKeyField(source="email")),
                        (
                            "guardian_phone",
                            portal.lib.sealed_fields.SealedCharField(blank=True, kind="phone", max_length=20),
                        ),
                        ("guardian_phone_key", portal.lib.sealed_fields.LookupKeyField(source="guardian_phone")),
                        (
                            "guardian_email",
                            portal.lib.sealed_fields.SealedCharField(blank=True, kind="email", max_length=254),
                        ),
                        ("guardian_email_key", portal.lib.sealed_fields.LookupKeyField(source="guardian_email")),
                        (
                            "next_of_kin_phone",
                            portal.lib.sealed_fields.SealedCharField(blank=True, kind="phone", max_length=20),
                        ),
                        ("next_of_kin_phone_key", portal.lib.sealed_fields.LookupKeyField(source="next_of_kin_phone")),
                        (
                            "next_of_kin_email",
                            portal.lib.sealed_fields.SealedCharField(blank=True, kind="email", max_length=254),
                        ),
                        ("next_of_kin_email_key", portal.lib.sealed_fields.LookupKeyField(source="next_of_kin_email")),
                        ("reference_code", models.CharField(default=people.models.new_reference_code, max_length=12)),
                        (
                            "address_returned_on",
                            models.DateField(
                                blank=True,
                                help_text="Mail came back from this address; cleared when the address is corrected.",
                                null=True,
                            ),
                        ),
                        ("name_key", models.CharField(blank=True, max_length=200)),
                        ("last_name_key", models.CharField(blank=True, max_length=100)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "incident",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="recipients",
                                to="incidents.incident",
                            ),
                        ),
                        (
                            "individual",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="recipients",
                                to="people.individual",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "incidents_recipient",
                    },
                ),
                migrations.AddIndex(
                    model_name="importjob",
                    index=models.Index(fields=["incident", "-created_at"], name="importjob_incident_recent"),
                ),
                migrations.AddIndex(
                    model_name="individual",
                    index=models.Index(
                        fields=["incident", "last_name_key", "first_name_key"], name="individual_name_key"
                    ),
                ),
                migrations.AddIndex(
                    model_name="individual",
                    index=models.Index(fields=["incident", "date_of_birth_key"], name="individual_dob"),
                ),
                migrations.AddConstraint(
                    model_name="individual",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("external_id_key", ""), _negated=True),
                        fields=("incident", "external_id_key"),
                        name="individual_unique_external_id",
                    ),
                ),
                migrations.AddIndex(
                    model_name="exposure",
                    index=models.Index(fields=["incident", "data_type"], name="exposure_incident_type"),
                ),
                migrations.AddConstraint(
                    model_name="exposure",
                    constraint=models.UniqueConstraint(fields=("individual", "data_type"), name="exposure_unique"),
                ),
                migrations.AddIndex(
                    model_name="recipient",
                    index=models.Index(fields=["incident", "name_key"], name="recipient_name_key"),
                ),
                migrations.AddIndex(
                    model_name="recipient",
                    index=models.Index(fields=["incident", "last_name_key"], name="recipient_last_name_key"),
                ),
                migrations.AddIndex(
                    model_name="recipient",
                    index=models.Index(
                        fields=["incident", "postal_code", "last_name_key"], name="recipient_postal_name"
                    ),
                ),
                migrations.AddIndex(
                    model_name="recipient",
                    index=models.Index(
                        condition=models.Q(("phone_key", ""), _negated=True),
                        fields=["incident", "phone_key"],
                        name="recipient_phone",
                    ),
                ),
                migrations.AddIndex(
                    model_name="recipient",
                    index=models.Index(
                        condition=models.Q(("guardian_phone_key", ""), _negated=True),
                        fields=["incident", "guardian_phone_key"],
                        name="recipient_guardian_phone",
                    ),
                ),
                migrations.AddIndex(
                    model_name="recipient",
                    index=models.Index(
                        condition=models.Q(("next_of_kin_phone_key", ""), _negated=True),
                        fields=["incident", "next_of_kin_phone_key"],
                        name="recipient_kin_phone",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="recipient",
                    constraint=models.UniqueConstraint(
                        fields=("reference_code",), name="recipient_unique_reference_code"
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
