from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from accounts.models import Role, User
from audit.api import ACTIONS, INSTALLATION_ACTIONS
from incidents import wording
from incidents.importing import rules
from incidents.models import DataType, Incident, Language
from portal.forms import PhoneField, ReferenceCodeField, StyledForm, StyledModelForm
from portal.lib.text import clean

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


class FaqEntryForm(StyledForm):
    question = forms.CharField(
        label="Question",
        max_length=300,
        help_text="As callers ask it, for example “Why did I get this letter?”",
        error_messages={"required": "Write the question."},
    )
    answer = forms.CharField(
        label="Answer",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What agents say and the public notice shows. Plain words; no details about any one person.",
        error_messages={"required": "Write the answer agents give."},
    )
    sort_order = forms.IntegerField(
        label="Position",
        min_value=0,
        max_value=32767,
        help_text="Entries are listed from the lowest number up.",
        error_messages={
            "required": "Give a position, for example 10.",
            "invalid": "Write a whole number, for example 10.",
            "min_value": "Use 0 or a larger number.",
            "max_value": "Use a number up to 32767.",
        },
    )

    def clean_question(self) -> str:
        return clean(self.cleaned_data["question"])

    def entry_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("question", "answer", "sort_order")}


DATE_HINT = "MM/DD/YYYY"


class BirthDateField(forms.CharField):
    """A date as typed: ISO or US (M/D/YYYY). `strict` (for the public) also refuses a bare number, which
    would be read as a spreadsheet's serial date, and a date in the future or before 1900, and never
    repeats what was typed in its messages: a page a member of the public leaves open, or photographs to
    ask for help, should not carry a date of birth."""

    def __init__(self, *args: Any, strict: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strict = strict

    def clean(self, value: Any) -> date | None:
        typed: str = super().clean(value)
        if not typed:
            return None
        shown = "This" if self.strict else f"“{typed}”"
        not_a_date = forms.ValidationError(f"{shown} is not a date; type it as {DATE_HINT}.")
        if self.strict and typed.isdigit():
            raise not_a_date
        try:
            born = rules.parse_date(typed)
        except rules.Invalid:
            raise not_a_date from None
        if self.strict and born > timezone.localdate():
            raise forms.ValidationError("This date is in the future; type the date of birth on the letter.")
        if self.strict and born < rules.EARLIEST_BIRTH:
            raise forms.ValidationError("This date is before 1900; type the date of birth on the letter.")
        return born


class NoticeUpdateForm(StyledForm):
    posted_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label="Update", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean_text(self) -> str:
        return clean(self.cleaned_data["text"])


class SelfCheckForm(StyledForm):
    """The public notice's check: the code printed on the letter and the date of birth of the person it is
    about. Nothing for the browser to remember."""

    reference_code = ReferenceCodeField(label="Reference code from the letter", max_length=40, echo=False)
    date_of_birth = BirthDateField(
        label="Date of birth of the person the letter is about", max_length=20, help_text=DATE_HINT, strict=True
    )

    def __init__(self, *args: Any, language: str = Language.ENGLISH, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"
        if language == Language.SPANISH:
            words = wording.NOTICE_TEXT[Language.SPANISH]
            self.fields["reference_code"].label = words["reference_code"]
            self.fields["date_of_birth"].label = words["date_of_birth"]
            self.fields["date_of_birth"].help_text = words["date_hint"]

    def full_clean(self) -> None:
        super().full_clean()
        errors = self.errors
        if self.language == Language.SPANISH and errors:
            # In Spanish, one plain message per field, which says what to type (and repeats nothing typed).
            words = wording.NOTICE_TEXT[Language.SPANISH]
            for name in [n for n in errors if n in self.fields]:
                errors[name] = self.error_class([words[f"{name}_error"]])


EVIDENCE_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".eml", ".msg", ".txt", ".docx")


class ObligationDoneForm(StyledForm):
    done_on = forms.DateField(label="Date the notice was given", widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(
        label="Reference", max_length=200, required=False,
        help_text="A confirmation number, the letter's date, the name of the person reached.",
    )  # fmt: skip
    evidence = forms.FileField(
        label="Evidence (optional)", required=False,
        help_text="The letter, confirmation page or e-mail sent: PDF, image, e-mail, text or Word file.",
    )  # fmt: skip

    def clean_done_on(self) -> date:
        done_on: date = self.cleaned_data["done_on"]
        if done_on > timezone.localdate():
            raise forms.ValidationError(f"{done_on:%m/%d/%Y} is in the future; give the date the notice was given.")
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
