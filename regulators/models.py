from django.conf import settings
from django.db import models
from django.db.models import Q

from incidents.models import Incident


class Obligation(models.Model):
    """A notice owed, as recorded: a rule's obligation once marked done (its key in `rule`; see
    regulators.obligations), or one a manager added (no rule). What the rules derive from the incident's
    facts is computed, not stored, until it is marked done."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="obligations")
    rule = models.CharField(max_length=60, blank=True)
    party = models.CharField(max_length=200)
    notice = models.CharField(max_length=300)
    citation = models.CharField(max_length=100, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_rule = models.CharField(max_length=200, blank=True)
    done_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    evidence = models.FileField(upload_to="obligations/%Y/", max_length=300, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    # Instead of the notice: a documented decision not to give it (for example after a risk-of-harm
    # assessment), kept for five years.
    not_notifying_reasons = models.TextField(blank=True)
    not_notifying_on = models.DateField(null=True, blank=True)
    not_notifying_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    keep_until = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "incidents_obligation"
        ordering = ["due_on", "party"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "rule"], condition=~Q(rule=""), name="obligation_one_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.notice}"
