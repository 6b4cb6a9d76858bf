"""Forms of the letter screens. They own parsing: a template that does not compile, a logo that
is not an image, a returned-mail file with a bad row are refused here, named."""

import csv
import io
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from PIL import Image

from incidents.models import DataType, Incident
from incidents.readers import Language, Relationship
from incidents.wording import written_date
from notifications.actions import ReturnedPiece
from notifications.letters import lettertext, merge, sandbox
from notifications.letters.selection import Selection
from notifications.models import LetterTemplate, ReturnReason
from people.importing import rules
from portal.forms import ReferenceCodeField, StyledForm, StyledModelForm
from portal.lib import refcode
from portal.lib.us_states import STATE_NAMES

# The largest files the views take: a larger one stops as it arrives (portal.lib.uploads), so the forms
# never see it.
MAX_LOGO_BYTES = 1_000_000
MAX_RETURNS_BYTES = 5_000_000
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_ANY = [("", "Any")]


def _state(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return rules.state_code(value)
    except rules.Invalid:
        raise forms.ValidationError(f"“{value[:40]}” is not a US state or its two-letter code.") from None


def _checked(body: str, incident: Incident, language: str) -> str:
    """`body` if it compiles and renders for a made-up recipient, else the problem, with its line."""
    try:
        compiled = sandbox.compile_body(body)
        sandbox.render_body(compiled, merge.sample_context(incident, language))
    except sandbox.TemplateProblem as problem:
        raise forms.ValidationError(str(problem)) from None
    return body


class LetterTemplateForm(StyledModelForm):
    """A variant, written either as letter text (Markdown, merge fields and named sections: new variants)
    or in the template language (variants written before letter text and never converted)."""

    state = forms.CharField(
        label="State", max_length=30, required=False, help_text="A state's name or two-letter code; empty: any state."
    )
    writes_text = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = LetterTemplate
        fields = ["name", "language", "relationship", "state", "data_type", "sort_order", "is_active", "text", "body"]
        labels = {"sort_order": "Position", "is_active": "Active", "data_type": "Data type", "text": "Letter text"}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 28, "spellcheck": "true", "class": "portal-code"}),
            "text": forms.Textarea(attrs={"rows": 28, "spellcheck": "true"}),
        }

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        self.incident = incident
        super().__init__(*args, **kwargs)
        relationship, data_type = self.fields["relationship"], self.fields["data_type"]
        assert isinstance(relationship, forms.ChoiceField)
        assert isinstance(data_type, forms.ModelChoiceField)
        relationship.choices = [("", "Any relationship"), *Relationship.choices]
        data_type.empty_label = "Any data types"
        self.fields["body"].widget.attrs["class"] += " portal-code"
        self.fields["body"].required = False
        self.fields["text"].help_text = (
            "Markdown: a blank line between paragraphs, ## for a heading, **bold**. "
            "Merge fields, sections and blocks below."
        )
        self.fields["writes_text"].initial = self.instance.pk is None or bool(self.instance.text)

    @property
    def is_text(self) -> bool:
        return bool(self["writes_text"].value())

    def clean_state(self) -> str:
        return _state(self.cleaned_data["state"])

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = LetterTemplate.objects.filter(incident=self.incident, name=name).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(f"Another template of this incident is called “{name}”.")
        return name

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if self.is_text:
            return body  # compiled from the text in clean()
        if not body.strip():
            raise forms.ValidationError("Write the letter's body.")
        return _checked(body, self.incident, self.cleaned_data.get("language", "en"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.is_text:
            data["text"] = ""
            return data
        text = data.get("text", "")
        if not text.strip():
            self.add_error("text", "Write the letter.")
            return data
        try:
            body = lettertext.compile_text(text)
            data["body"] = _checked(body, self.incident, data.get("language", "en"))
        except sandbox.TemplateProblem as problem:
            self.add_error("text", str(problem))
        except forms.ValidationError as problem:
            self.add_error("text", problem)
        return data

    def template_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


_BY_STATE_NAME: list[tuple[str, str]] = sorted(STATE_NAMES.items(), key=lambda item: item[1])


class TextPreviewForm(StyledForm):
    """Letter text as the author types it, and the made-up reader to show it for."""

    SAMPLES: dict[str, tuple[str, str, bool]] = {
        "parent_medical": ("A parent; medical information exposed", Relationship.PARENT_GUARDIAN, True),
        "parent": ("A parent; no medical information", Relationship.PARENT_GUARDIAN, False),
        "self_medical": ("An adult, their own recipient; medical information", Relationship.SELF, True),
        "self": ("An adult, their own recipient; no medical information", Relationship.SELF, False),
        "kin": ("Next of kin; no medical information", Relationship.NEXT_OF_KIN, False),
    }
    text = forms.CharField(required=False, widget=forms.Textarea)
    language = forms.ChoiceField(choices=Language.choices, required=False)
    preview_for = forms.ChoiceField(
        label="Preview for", choices=[(key, sample[0]) for key, sample in SAMPLES.items()], required=False
    )
    # The reader's state: the block its law asks for, and the parts it keeps out (the jurisdictions table).
    preview_state = forms.ChoiceField(label="Living in", choices=_BY_STATE_NAME, required=False, initial="MO")


def _image(upload: UploadedFile) -> UploadedFile:
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(_IMAGE_MAGIC):
        raise forms.ValidationError(f"“{upload.name}” is not a PNG or JPEG image.")
    try:  # a damaged image would otherwise fail every letter of the next batch
        with Image.open(upload) as image:
            image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise forms.ValidationError(f"“{upload.name}” is damaged or too large to read as an image.") from None
    finally:
        upload.seek(0)
    return upload


class LetterSettingsForm(StyledForm):
    return_address = forms.CharField(
        label="Return address",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Printed under the organisation's name in the upper window: street, then city, state and ZIP.",
    )
    logo = forms.FileField(label="Logo", required=False, help_text="PNG or JPEG, up to 1 MB. Printed top right.")
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)

    def clean_return_address(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["return_address"].splitlines() if line.strip()]
        if len(lines) > 3:
            raise forms.ValidationError("The upper window holds the organisation's name and three lines at most.")
        return "\n".join(lines)

    def clean_logo(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("logo")
        return _image(upload) if upload else None


class PreviewForm(StyledForm):
    reference_code = ReferenceCodeField(label="Reference code", max_length=40, required=False)


class BatchForm(StyledForm):
    name = forms.CharField(label="Batch name", max_length=100)
    data_type = forms.ModelChoiceField(
        label="Only people with this data type exposed",
        queryset=DataType.objects.all(),
        required=False,
        empty_label="Any",
    )
    state = forms.CharField(label="Only recipients in this state", max_length=30, required=False)
    relationship = forms.ChoiceField(
        label="Only this relationship", choices=[("", "Any"), *Relationship.choices], required=False
    )
    remail = forms.BooleanField(
        label="Re-mail: recipients whose letter came back and whose address has since been corrected", required=False
    )
    letters_dated_on = forms.DateField(
        label="Date printed on the letters",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Empty: the incident's notice date. Choose the day they will be mailed if that is later.",
    )

    def __init__(self, *args: Any, incident: Incident | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if incident is not None and incident.notice_on:
            self.fields["letters_dated_on"].help_text = (
                f"Empty: the incident's notice date, {written_date(incident.notice_on)}. "
                "Choose the day they will be mailed if that is later."
            )

    def clean_state(self) -> str:
        return _state(self.cleaned_data["state"])

    def selection(self) -> Selection:
        data = self.cleaned_data
        return Selection(data["data_type"], data["state"], data["relationship"], data["remail"])


class MailedForm(StyledForm):
    mailed_on = forms.DateField(label="Mail date", help_text="The day the print house handed the letters to USPS.")


_REASON_WORDS = {key.replace("_", " "): key for key in ReturnReason.values} | {
    label.lower().replace(",", ""): key for key, label in ReturnReason.choices
}


def _reason(typed: str) -> str | None:
    return _REASON_WORDS.get(" ".join(typed.lower().replace(",", " ").replace("_", " ").split()))


class ReturnsForm(StyledForm):
    returned_on = forms.DateField(label="Date the mail came back")
    reason = forms.ChoiceField(
        label="USPS reason",
        choices=[("", "Choose a reason"), *ReturnReason.choices],
        required=False,
        help_text="For the codes typed below. An uploaded file gives each row its own reason.",
    )
    codes = forms.CharField(
        label="Reference codes",
        required=False,
        strip=False,  # blank lines at the top still count, so "Line N" is the line the reader sees
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line, as printed on the letter.",
    )
    upload = forms.FileField(
        label="Or a CSV file",
        required=False,
        help_text="Columns reference_code and reason (for example “moved left no address”), with a header row.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        pieces = self._typed(data) + self._uploaded(data.get("upload"))
        if not pieces and not self.errors:
            raise forms.ValidationError("Type at least one reference code, or choose a CSV file.")
        self._refuse_repeats(pieces)
        data["pieces"] = pieces
        return data

    def _refuse_repeats(self, pieces: list[ReturnedPiece]) -> None:
        """One letter comes back once: a code given twice would count it twice."""
        first: dict[str, str] = {}
        for piece in pieces:
            if piece.reference_code in first:
                shown = refcode.display(piece.reference_code)
                self.add_error(None, f"{piece.row}: {shown} is already on {first[piece.reference_code].lower()}.")
            first.setdefault(piece.reference_code, piece.row)

    def _code(self, typed: str, where: str) -> str | None:
        code = refcode.normalise(typed)
        if refcode.is_well_formed(code):
            return code
        self.add_error(None, f"{where}: “{typed.strip()[:40]}” is not a reference code.")
        return None

    def _typed(self, data: dict[str, Any]) -> list[ReturnedPiece]:
        lines = [(n, line) for n, line in enumerate(data.get("codes", "").splitlines(), start=1) if line.strip()]
        if lines and not data.get("reason"):
            self.add_error("reason", "Choose the USPS reason for the typed codes.")
            return []
        found = [(n, self._code(line, f"Line {n}")) for n, line in lines]
        return [ReturnedPiece(f"Line {n}", code, data["reason"]) for n, code in found if code]

    def _uploaded(self, upload: UploadedFile | None) -> list[ReturnedPiece]:
        if upload is None:
            return []
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("upload", f"“{upload.name}” is not a UTF-8 CSV file.")
            return []
        rows = csv.DictReader(io.StringIO(text))
        missing = {"reference_code", "reason"} - {(h or "").strip().lower() for h in rows.fieldnames or []}
        if missing:
            self.add_error("upload", f"“{upload.name}” has no {' or '.join(sorted(missing))} column.")
            return []
        pieces = []
        for n, row in enumerate(rows, start=2):
            row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
            code, reason = self._code(row["reference_code"], f"Row {n}"), _reason(row["reason"])
            if reason is None:
                self.add_error(None, f"Row {n}: “{row['reason'][:40]}” is not a USPS return reason.")
            if code and reason:
                pieces.append(ReturnedPiece(f"Row {n}", code, reason))
        return pieces
