"""Form helpers shared by the apps: USWDS classes on every widget."""

from typing import Any

from django import forms

from portal.lib import refcode
from portal.lib.phone import InvalidPhone, for_display, to_e164

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Textarea, "usa-textarea"),
    (forms.Select, "usa-select"),
    (forms.widgets.Input, "usa-input"),
]
_ERROR_STATES = {"usa-input", "usa-textarea", "usa-select"}


def style(form: forms.BaseForm) -> None:
    """Give each widget the design system's class."""
    for field in form.fields.values():
        field.widget.attrs["class"] = next((c for kind, c in _WIDGET_CLASSES if isinstance(field.widget, kind)), "")


def mark_errors(form: forms.BaseForm) -> None:
    """After cleaning: the error state on widgets whose field failed."""
    for name in form.errors:
        if name in form.fields and form.fields[name].widget.attrs.get("class") in _ERROR_STATES:
            css = form.fields[name].widget.attrs["class"]
            form.fields[name].widget.attrs["class"] = f"{css} {css}--error"


class DesignSystemForm(forms.BaseForm):
    """Mixin: the design system's classes on widgets, and their error state after cleaning."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    def full_clean(self) -> None:
        super().full_clean()
        mark_errors(self)


class StyledForm(DesignSystemForm, forms.Form):
    pass


class StyledModelForm(DesignSystemForm, forms.ModelForm):
    pass


class PhoneField(forms.CharField):
    """A telephone number as typed, cleaned to E.164 (US unless it says otherwise); blank stays blank."""

    default_error_messages = {"phone": "“%(typed)s” is not a telephone number."}

    def clean(self, value: Any) -> str:
        typed: str = super().clean(value)
        if not typed:
            return ""
        try:
            return to_e164(typed)
        except InvalidPhone:
            raise forms.ValidationError(self.error_messages["phone"], code="phone", params={"typed": typed}) from None

    def prepare_value(self, value: Any) -> Any:
        """A stored number is shown as people dial it, (800) 555-0199, not in its E.164 storage form."""
        return for_display(value) if isinstance(value, str) and value.startswith("+") else value


class ReferenceCodeField(forms.CharField):
    """A reference code as read out: case, spaces and dashes ignored. Without `echo` (on public pages) its
    message does not repeat what was typed."""

    def __init__(self, *args: Any, echo: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.echo = echo

    def clean(self, value: Any) -> str:
        typed: str = super().clean(value)
        code = refcode.normalise(typed)
        if typed and not refcode.is_well_formed(code):
            shown = f"“{typed}”" if self.echo else "This"
            raise forms.ValidationError(
                f"{shown} is not a reference code: it has 12 letters and digits, such as K7QX-M4TP-9RWD."
            )
        return code
