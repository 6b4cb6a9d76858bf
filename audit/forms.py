from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms

from audit.api import ACTIONS, INSTALLATION_ACTIONS
from incidents.models import Incident
from portal.forms import StyledForm

EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


class AuditFilterForm(StyledForm):
    incident = forms.ChoiceField(label="Incident", required=False)
    actor = forms.CharField(label="User", required=False, max_length=150)
    action = forms.ChoiceField(label="Action", required=False)
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, incidents: Iterable[Incident], installation_wide: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        incident = self.fields["incident"]
        assert isinstance(incident, forms.ChoiceField)
        incident.choices = [("", "All my incidents"), *((str(i.pk), i.title) for i in incidents)]
        # Sign-ins and user administration belong to no incident: only administrators see them.
        offered = ACTIONS if installation_wide else {k: v for k, v in ACTIONS.items() if k not in INSTALLATION_ACTIONS}
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "Any action"), *sorted(offered.items(), key=lambda kv: kv[1])]

    def _clean_bounded(self, name: str) -> date | None:
        value: date | None = self.cleaned_data.get(name)
        if value and not EARLIEST <= value <= LATEST:
            raise forms.ValidationError(f"Choose a date between {EARLIEST.year} and {LATEST.year}.")
        return value

    def clean_start(self) -> date | None:
        return self._clean_bounded("start")

    def clean_end(self) -> date | None:
        return self._clean_bounded("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date is before the start date.")
        return data
