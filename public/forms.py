from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from incidents import wording
from incidents.readers import Language
from people.forms import DATE_HINT, BirthDateField
from portal.forms import ReferenceCodeField, StyledForm
from portal.lib.text import clean


def future_update(posted_on: date) -> str:
    return f"{posted_on:%m/%d/%Y} is in the future; date an update the day it is posted, or earlier."


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


class NoticeUpdateForm(StyledForm):
    posted_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label="Update", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def clean_posted_on(self) -> date:
        posted_on: date = self.cleaned_data["posted_on"]
        if posted_on > timezone.localdate():
            raise forms.ValidationError(future_update(posted_on))
        return posted_on

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
