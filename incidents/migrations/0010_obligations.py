import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0009_public_notice"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="organisation_type",
            field=models.CharField(
                choices=[
                    ("school_district", "School district"),
                    ("health_care", "Health care provider or plan (HIPAA covered entity)"),
                    ("government", "Other government body"),
                    ("business", "Business"),
                    ("nonprofit", "Nonprofit"),
                ],
                default="school_district",
                help_text="Which notification laws apply depends on it (for example HIPAA only for a covered entity).",
                max_length=20,
            ),
        ),
        migrations.RenameField(model_name="obligation", old_name="agency", new_name="party"),
        migrations.AlterField(model_name="obligation", name="rule", field=models.CharField(blank=True, max_length=60)),
        migrations.AddField(
            model_name="obligation",
            name="notice",
            field=models.CharField(default="", max_length=300),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="obligation", name="citation", field=models.CharField(blank=True, max_length=100)
        ),
        migrations.AddField(
            model_name="obligation", name="due_rule", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.AddField(
            model_name="obligation", name="reference", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.AlterField(
            model_name="obligation",
            name="evidence",
            field=models.FileField(blank=True, max_length=300, upload_to="obligations/%Y/"),
        ),
        migrations.AddField(
            model_name="obligation", name="evidence_name", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.AddField(
            model_name="obligation",
            name="done_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterModelOptions(name="obligation", options={"ordering": ["due_on", "party"]}),
        migrations.AddConstraint(
            model_name="obligation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rule", ""), _negated=True),
                fields=("incident", "rule"),
                name="obligation_one_per_rule",
            ),
        ),
    ]
