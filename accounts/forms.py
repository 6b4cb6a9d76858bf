from typing import Any

from django.contrib.auth.forms import AuthenticationForm

from portal.forms import mark_errors, style


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def full_clean(self) -> None:
        super().full_clean()
        mark_errors(self)
