from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from portal.forms import StyledForm
from portal.lib.text import clean

EVIDENCE_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".eml", ".msg", ".txt", ".docx")
NO_PROOF = (
    "Give a reference or confirmation number, or attach the evidence (a file): either proves the notice was sent."
)


class ObligationDoneForm(StyledForm):
    """What proves a notice was given: the date it was sent, and a reference or confirmation number, or the
    evidence itself (a file). A correction may keep the evidence already stored."""

    done_on = forms.DateField(
        label="Date the notice was sent", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the date the notice was sent.",
                        "invalid": "Give the date the notice was sent as MM/DD/YYYY or YYYY-MM-DD."},
    )  # fmt: skip
    reference = forms.CharField(
        label="Reference or confirmation number", max_length=200, required=False,
        help_text="The agency's confirmation number, the letter's tracking number, or the e-mail's reference.",
    )  # fmt: skip
    evidence = forms.FileField(
        label="Evidence (a file)", required=False,
        help_text="The letter, confirmation page or e-mail sent: PDF, image, e-mail, text or Word file.",
    )  # fmt: skip

    def __init__(self, *args: Any, discovered_on: date, has_evidence: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.discovered_on, self.has_evidence = discovered_on, has_evidence

    def clean_done_on(self) -> date:
        done_on: date = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(f"{done_on:%m/%d/%Y} is in the future; give the date the notice was sent.")
        if done_on < self.discovered_on:
            raise forms.ValidationError(
                f"{done_on:%m/%d/%Y} is before the breach was discovered ({self.discovered_on:%m/%d/%Y}); "
                "give the date the notice was sent."
            )
        return done_on

    def clean_reference(self) -> str:
        return clean(self.cleaned_data["reference"])

    def clean_evidence(self) -> Any:
        upload = self.cleaned_data.get("evidence")
        if upload is None:
            return None
        name = upload.name or ""
        if not name.lower().endswith(EVIDENCE_TYPES):
            raise forms.ValidationError(f"“{name}” is not a PDF, image, e-mail, text or Word file.")
        return upload  # within its limit: the view stops a larger file (portal.lib.uploads)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = data.get("reference") or data.get("evidence") or self.has_evidence
        if not given and "reference" not in self.errors and "evidence" not in self.errors:
            self.add_error("reference", NO_PROOF)
        return data


class ObligationForm(StyledForm):
    party = forms.CharField(label="Owed to", max_length=200, help_text="For example the district's insurer.")
    notice = forms.CharField(label="What is owed", max_length=300)
    due_on = forms.DateField(
        label="Due date (optional)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    citation = forms.CharField(label="Source (optional)", max_length=100, required=False,
                               help_text="A statute, contract clause or policy.")  # fmt: skip
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def cleaned_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "party": clean(data["party"]),
            "notice": clean(data["notice"]),
            "due_on": data["due_on"],
            "citation": clean(data["citation"]),
            "notes": data["notes"].strip(),
        }


class NotNotifyingForm(StyledForm):
    reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="For example the risk-of-harm assessment and who was consulted.",
    )

    def clean_reasons(self) -> str:
        reasons = self.cleaned_data["reasons"].strip()
        if len(reasons) < 20:
            raise forms.ValidationError("Give the reasons in a sentence or more: an auditor will read them.")
        return reasons


class TargetForm(StyledForm):
    target_on = forms.DateField(
        label="Target date", required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date to work toward where the law says “without unreasonable delay”. Empty: no target.",
    )  # fmt: skip
