"""Forms of the call center's manager screens: escalations, address reviews, dispositions."""

from django import forms

from callcenter.models import CallbackOutcome, Disposition
from portal.forms import StyledForm
from portal.lib.text import clean

NOTES_MAX = 2000


class CallbackForm(StyledForm):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Choose an outcome"), *CallbackOutcome.choices],
        error_messages={"required": "Choose how the callback went.", "invalid_choice": "Choose an outcome offered."},
    )
    notes = forms.CharField(
        label="Notes",
        required=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was said or agreed. Write no numbers from the caller's record here.",
    )


class ResolveForm(StyledForm):
    resolution = forms.CharField(
        label="Resolution",
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the caller's question was settled.",
        error_messages={"required": "Write how the escalation was resolved."},
    )


class ReviewForm(StyledForm):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("reject", "Reject")],
        error_messages={"required": "Choose Approve or Reject.", "invalid_choice": "Choose Approve or Reject."},
    )

    @property
    def approves(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class DispositionForm(StyledForm):
    label = forms.CharField(
        label="New disposition",
        max_length=Disposition._meta.get_field("label").max_length,
        help_text="As agents will see it when they close a call, for example “Asked for a Spanish letter”.",
        error_messages={"required": "Write the name of the disposition."},
    )

    def clean_label(self) -> str:
        return clean(self.cleaned_data["label"])


class DispositionToggleForm(StyledForm):
    active = forms.ChoiceField(
        label="Offer to agents",
        choices=[("yes", "Show"), ("no", "Hide")],
        error_messages={"required": "Choose Show or Hide.", "invalid_choice": "Choose Show or Hide."},
    )

    @property
    def shows(self) -> bool:
        return self.cleaned_data["active"] == "yes"
