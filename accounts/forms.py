from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from portal.forms import DesignSystemForm, StyledForm


class LoginForm(DesignSystemForm, AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class CodeForm(StyledForm):
    """A code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The six digits your authenticator app shows now, or one of your recovery codes.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["code"].widget
        # No numeric keypad: a recovery code has letters.
        widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True})
        widget.attrs["spellcheck"] = "false"


class EnrolForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = "The six digits the app shows for this portal once you have added it."
        self.fields["code"].widget.attrs["inputmode"] = "numeric"
