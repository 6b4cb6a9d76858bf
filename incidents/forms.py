from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import User
from incidents.models import DataType, Incident, Role
from portal.forms import PhoneField, StyledForm, StyledModelForm
from portal.lib.text import clean
from portal.lib.us_states import PLACES

# Path segments that share the URL space with incident slugs.
RESERVED_SLUGS = {"new", "audit", "admin", "accounts", "static", "media", "healthz"}

US_TIME_ZONE_NAMES = {
    "America/New_York": "Eastern",
    "America/Chicago": "Central",
    "America/Denver": "Mountain",
    "America/Phoenix": "Arizona",
    "America/Los_Angeles": "Pacific",
    "America/Anchorage": "Alaska",
    "Pacific/Honolulu": "Hawaii",
}
US_TIME_ZONES = [(zone, f"{name} ({zone})") for zone, name in US_TIME_ZONE_NAMES.items()]

# Words in a notice section that only a parent should read (the letters add parents' own section).
_PARENT_ONLY = ("your child", "your son", "your daughter", "su hijo", "su hija", "sus hijos")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAYS = [("0", "Monday"), ("1", "Tuesday"), ("2", "Wednesday"), ("3", "Thursday"), ("4", "Friday"),
            ("5", "Saturday"), ("6", "Sunday")]  # fmt: skip


class WeekdaysField(forms.MultipleChoiceField):
    """Weekdays as checkboxes, stored as a string of day numbers ("01234")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, required=False, **kwargs)

    def clean(self, value: Any) -> str:
        return "".join(sorted(super().clean(value)))


class IncidentForm(StyledModelForm):
    data_types = forms.ModelMultipleChoiceField(
        queryset=DataType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Data types in scope",
        help_text="The kinds of information that were exposed in this incident.",
    )
    hotline_phone = PhoneField(
        label="Hotline phone number",
        required=False,
        max_length=20,
        help_text="For example (800) 555-0199.",
        error_messages={"phone": "“%(typed)s” is not a valid US telephone number."},
    )
    hotline_time_zone = forms.ChoiceField(choices=US_TIME_ZONES, label="Hotline time zone")
    hotline_days = WeekdaysField(label="Days the hotline is open")

    class Meta:
        model = Incident
        fields = [
            "slug",
            "title",
            "title_es",
            "organisation_name",
            "organisation_type",
            "organisation_state",
            "occurred_on",
            "discovered_on",
            "contained_on",
            "notice_on",
            "what_happened",
            "what_happened_es",
            "what_information",
            "what_information_es",
            "what_we_are_doing",
            "what_we_are_doing_es",
            "what_you_can_do",
            "what_you_can_do_es",
            "for_more_information",
            "for_more_information_es",
            "hotline_phone",
            "hotline_hours",
            "hotline_hours_es",
            "hotline_days",
            "hotline_opens_at",
            "hotline_closes_at",
            "hotline_time_zone",
            "contact_email",
            "ferpa_party",
            "ferpa_description",
            "detected_how",
            "cause",
            "records_from",
            "records_to",
            "law_enforcement_notified_on",
            "data_types",
        ]
        labels = {
            "slug": "Short name for links",
            "organisation_name": "Organisation name",
            "organisation_type": "Type of organisation",
            "organisation_state": "Organisation's state",
            "ferpa_party": "Party that received the records",
            "detected_how": "How and by whom it was detected",
            "records_from": "Records cover from",
            "records_to": "Records cover to",
            "law_enforcement_notified_on": "Date law enforcement was notified",
            "ferpa_description": "Description of the disclosure",
            "occurred_on": "Date the incident occurred",
            "discovered_on": "Date discovered",
            "contained_on": "Date contained",
            "notice_on": "Notice date",
            **dict(Incident.NOTICE_SECTIONS),
            **{f"{name}_es": f"{label} (Spanish)" for name, label in Incident.SPANISH_SECTION_LABELS.items()},
            "hotline_hours": "Hotline hours, as letters print them",
            "title_es": "Título (Spanish)",
            "hotline_hours_es": "Horario de la línea de ayuda (Spanish)",
            "hotline_opens_at": "Hotline opens at",
            "hotline_closes_at": "Hotline closes at",
            "contact_email": "Contact email",
        }
        help_texts = {
            "slug": "Lowercase letters, digits and hyphens, such as riverbend-2026-records. It cannot change later.",
            "occurred_on": "Leave empty if not yet known.",
            "notice_on": "The date letters are dated (a batch may choose its mail date); minors are counted as of it.",
            "hotline_hours": "For example Monday to Friday, 8:00 a.m. to 5:30 p.m. (the time zone below is added).",
            "hotline_hours_es": "For example de lunes a viernes, de 8:00 a. m. a 5:30 p. m.",
            "for_more_information": (
                "Anything beyond the hotline's number and hours and the contact e-mail, which letters and the "
                "notice print after this section."
            ),
            "title_es": "For Spanish letters that name the incident (the merge field incident_title).",
            "hotline_opens_at": "Local time, for example 08:00. Agents see a banner outside the hours.",
            "hotline_closes_at": "Local time, for example 17:30.",
        }
        widgets = {
            "occurred_on": DATE_WIDGET,
            "discovered_on": DATE_WIDGET,
            "contained_on": DATE_WIDGET,
            "notice_on": DATE_WIDGET,
            "hotline_opens_at": TIME_WIDGET,
            "hotline_closes_at": TIME_WIDGET,
            "what_happened": forms.Textarea(attrs={"rows": 5}),
            "what_information": forms.Textarea(attrs={"rows": 4}),
            "what_we_are_doing": forms.Textarea(attrs={"rows": 4}),
            "what_you_can_do": forms.Textarea(attrs={"rows": 4}),
            "for_more_information": forms.Textarea(attrs={"rows": 3}),
            "title_es": forms.TextInput(attrs={"lang": "es"}),
            "what_happened_es": forms.Textarea(attrs={"rows": 5, "lang": "es"}),
            "what_information_es": forms.Textarea(attrs={"rows": 4, "lang": "es"}),
            "what_we_are_doing_es": forms.Textarea(attrs={"rows": 4, "lang": "es"}),
            "what_you_can_do_es": forms.Textarea(attrs={"rows": 4, "lang": "es"}),
            "for_more_information_es": forms.Textarea(attrs={"rows": 3, "lang": "es"}),
            "hotline_hours_es": forms.TextInput(attrs={"lang": "es"}),
            "detected_how": forms.Textarea(attrs={"rows": 3}),
            "cause": forms.Textarea(attrs={"rows": 3}),
            "records_from": DATE_WIDGET,
            "records_to": DATE_WIDGET,
            "law_enforcement_notified_on": DATE_WIDGET,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["slug"]
        self.initial["hotline_days"] = list(self.initial.get("hotline_days") or "")
        place = self.fields["organisation_state"]
        assert isinstance(place, forms.ChoiceField)
        place.choices = [("", "Not given yet"), *PLACES]
        zone = self.fields["hotline_time_zone"]
        assert isinstance(zone, forms.ChoiceField)
        current = self.instance.hotline_time_zone
        if current not in US_TIME_ZONE_NAMES:
            zone.choices = [*US_TIME_ZONES, (current, current)]
        zone.initial = current

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(f"“{slug}” is reserved; choose another short name.")
        if Incident.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"The short name “{slug}” is already in use; choose another.")
        return slug

    def clean_title(self) -> str:
        return clean(self.cleaned_data["title"])

    def clean_organisation_name(self) -> str:
        return clean(self.cleaned_data["organisation_name"])

    def notice_pairs(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """Each notice section beside its Spanish, for the form's two columns."""
        return [(self[name], self[f"{name}_es"]) for name, _label in Incident.NOTICE_SECTIONS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._check_said_once(data)
        self._check_every_reader(data)
        self._check_hours(data)
        self._check_not_future(data)
        self._check_order(data)
        return data

    def _check_said_once(self, data: dict[str, Any]) -> None:
        """Letters and the notice print the hotline's number and hours after "For more information": the
        section saying them too would say them twice."""
        number = "".join(ch for ch in data.get("hotline_phone") or "" if ch.isdigit())[-7:]
        for name in ("for_more_information", "for_more_information_es"):
            text = data.get(name) or ""
            digits = "".join(ch for ch in text if ch.isdigit())
            hours = [data.get(h) or "" for h in ("hotline_hours", "hotline_hours_es")]
            if (number and number in digits) or any(h.strip() and h.strip().rstrip(".") in text for h in hours):
                self.add_error(
                    name,
                    "Leave out the hotline's number and hours here: letters and the notice print them right after "
                    "this section, so they would be said twice.",
                )

    def _check_every_reader(self, data: dict[str, Any]) -> None:
        """The sections go to adults about their own information as well as to parents: a section that
        speaks of "your child" would tell an adult student to protect their child."""
        for name, _label in Incident.NOTICE_SECTIONS:
            for field in (name, f"{name}_es"):
                text = (data.get(field) or "").lower()
                found = next((words for words in _PARENT_ONLY if words in text), None)
                if found:
                    self.add_error(
                        field,
                        f"“{found}” would reach adults who receive their own letter too: write for every reader "
                        "(for example “a child's credit file”); the standard letter adds a section for parents.",
                    )

    def _check_hours(self, data: dict[str, Any]) -> None:
        opens, closes = data.get("hotline_opens_at"), data.get("hotline_closes_at")
        if (opens is None) != (closes is None):
            missing = "hotline_closes_at" if closes is None else "hotline_opens_at"
            self.add_error(missing, "Give both the opening and the closing time, or neither.")
        elif opens is not None and closes is not None and closes <= opens:
            self.add_error("hotline_closes_at", "The hotline must close after it opens.")

    def _check_not_future(self, data: dict[str, Any]) -> None:
        today = timezone.localdate()
        for name in ("occurred_on", "discovered_on", "contained_on"):
            value: date | None = data.get(name)
            if value and value > today:
                self.add_error(name, f"{value:%B} {value.day}, {value.year} is in the future.")

    def _check_order(self, data: dict[str, Any]) -> None:
        occurred, discovered, contained = data.get("occurred_on"), data.get("discovered_on"), data.get("contained_on")
        notice = data.get("notice_on")
        if occurred and discovered and discovered < occurred:
            self.add_error("discovered_on", "The incident cannot be discovered before it occurred.")
        if discovered and contained and contained < discovered:
            self.add_error("contained_on", "The incident cannot be contained before it was discovered.")
        if discovered and notice and notice < discovered:
            self.add_error("notice_on", "Notice cannot be dated before the incident was discovered.")

    def incident_fields(self) -> dict[str, Any]:
        """Cleaned values for the model's own columns (the action applies them)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "data_types"}


class StatusForm(StyledForm):
    status = forms.ChoiceField(label="New status")

    _PLACEHOLDER = ("", "Choose a status")

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Incident.Status.choices)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [self._PLACEHOLDER, *((s, labels[s]) for s in incident.allowed_statuses())]


class MembershipForm(StyledForm):
    username = forms.CharField(
        label="Username", max_length=150, help_text="The user's sign-in name, exactly as written."
    )
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), *Role.choices])

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(f"There is no active user named “{username}”.")
        return user
