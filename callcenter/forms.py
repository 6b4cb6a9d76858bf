"""Forms of the agent's workspace. They own parsing: what the agent types becomes stored form here."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from accounts.models import User
from callcenter.models import CallerRelationship, Disposition
from callcenter.search import Criteria
from callcenter.verification import Said
from people.forms import DATE_HINT, BirthDateField
from people.importing import rules
from portal.forms import PhoneField, ReferenceCodeField, StyledForm
from portal.lib.text import clean, search_key


class ZipCodeField(forms.CharField):
    """5 digits or ZIP+4, however punctuated; stored as 12345 or 12345-6789."""

    def clean(self, value: Any) -> str:
        typed: str = super().clean(value)
        digits = "".join(ch for ch in typed if ch.isdigit())
        if typed and len(digits) not in (5, 9):
            raise forms.ValidationError(f"“{typed}” is not a ZIP code; type 5 digits or ZIP+4.")
        return f"{digits[:5]}-{digits[5:]}" if len(digits) == 9 else digits


def _reference_code() -> ReferenceCodeField:
    return ReferenceCodeField(label="Reference code", required=False, max_length=40)


def _date_of_birth() -> BirthDateField:
    return BirthDateField(label="Date of birth", required=False, max_length=20, help_text=DATE_HINT)


def _zip_code() -> ZipCodeField:
    return ZipCodeField(label="ZIP code", required=False, max_length=10)


class _CallerDetailsForm(StyledForm):
    """What a caller says, typed by the agent: nothing for the browser to remember or suggest."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["autocomplete"] = "off"


class LookupForm(_CallerDetailsForm):
    reference_code = _reference_code()
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    date_of_birth = _date_of_birth()
    postal_code = _zip_code()
    phone = PhoneField(label="Phone", required=False, max_length=30)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reference_code"].widget.attrs["autofocus"] = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors or data.get("reference_code"):
            return data
        last_name = data.get("last_name", "").strip()
        if data.get("phone") and not last_name:  # the number alone, as the caller's phone gives it
            return data
        seconds = [data.get(name) for name in ("date_of_birth", "postal_code", "phone")]
        if not last_name or not any(seconds):
            raise forms.ValidationError(
                "Search by reference code, by phone number, "
                "or by last name together with a date of birth, ZIP code or phone."
            )
        return data

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        if data["reference_code"]:  # the code alone: other fields are ignored
            return Criteria(reference_code=data["reference_code"])
        return Criteria(
            last_name_key=search_key(data["last_name"]),
            first_name_key=search_key(data["first_name"]),
            date_of_birth=data["date_of_birth"],
            postal_code=data["postal_code"][:5],
            phone=data["phone"],
        )


class VerificationForm(_CallerDetailsForm):
    reference_code = _reference_code()
    date_of_birth = _date_of_birth()
    postal_code = _zip_code()
    street_address = forms.CharField(label="Street address", required=False, max_length=200)
    name = forms.CharField(label="Name", required=False, max_length=200, help_text="First and last name.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not any(data.values()):
            raise forms.ValidationError("Type at least one thing the caller told you.")
        return data

    def said(self) -> Said:
        data = self.cleaned_data
        return Said(
            reference_code=data["reference_code"],
            date_of_birth=data["date_of_birth"],
            postal_code=data["postal_code"],
            street_address=clean(data["street_address"]),
            name=clean(data["name"]),
        )


class CloseCallForm(StyledForm):
    caller_name = forms.CharField(label="Caller's name", required=False, max_length=200)
    caller_relationship = forms.ChoiceField(
        label="Caller is", choices=[("", "Choose…"), *CallerRelationship.choices], required=False
    )
    disposition = forms.ModelChoiceField(
        label="Disposition",
        queryset=Disposition.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose a disposition before closing the call."},
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, incident_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["disposition"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Disposition.objects.filter(incident_id=incident_id, is_active=True)

    def clean_caller_name(self) -> str:
        return clean(self.cleaned_data["caller_name"])


class AddressChangeForm(StyledForm):
    address_line1 = forms.CharField(label="Street address", max_length=200)
    address_line2 = forms.CharField(label="Apartment, suite, unit", required=False, max_length=200)
    city = forms.CharField(label="City", max_length=100)
    state = forms.CharField(label="State", max_length=30, help_text="Two letters or the name, such as MO.")
    postal_code = ZipCodeField(label="ZIP code", max_length=10)

    def clean_state(self) -> str:
        typed: str = self.cleaned_data["state"]
        try:
            return rules.state_code(typed)
        except rules.Invalid as exc:
            raise forms.ValidationError(f"“{typed}”: {exc}.") from None

    def address(self) -> dict[str, str]:
        return {name: clean(value) for name, value in self.cleaned_data.items()}


def _owner_label(obj: object) -> str:
    return obj.display_name() if isinstance(obj, User) else str(obj)


class EscalationForm(StyledForm):
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none(), empty_label="Choose…")
    reason = forms.CharField(
        label="Why it needs escalating",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the caller needs. Keep numbers and addresses out of it.",
    )
    callback_phone = PhoneField(label="Number to call back", required=False, max_length=30)

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = owners
        field.label_from_instance = _owner_label  # type: ignore[method-assign]
