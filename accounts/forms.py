from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from portal.forms import DesignSystemForm


class LoginForm(DesignSystemForm, AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"
