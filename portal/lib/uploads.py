"""One limit on uploaded files: the view stops reading a file at its limit, and its form says so, naming it.

A view that takes a file says how large it may be with `@limited(...)`; its form calls `refuse_too_large` and
needs no size check of its own (the file never arrives whole).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from portal.forms import mark_errors

View = Callable[..., HttpResponse]
_STOPPED = "portal_upload_stopped_at"  # the request attribute: the limit a file was stopped at


class LimitedUpload(TemporaryFileUploadHandler):
    """Streams an upload to a temporary file and stops at `limit` bytes, so a huge file is neither kept in
    memory nor written to disk in full."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            setattr(self.request, _STOPPED, self.limit)
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def limited(limit: Callable[[], int]) -> Callable[[View], View]:
    """The view's uploads stop at `limit()` bytes (read per request, so settings may change it). The handler
    must be in place before anything reads the body, and the CSRF check reads it: so the middleware's check
    is skipped and the same check runs here, after the handler is set. Put it under @login_required."""

    def decorate(view: View) -> View:
        protected = csrf_protect(view)

        @csrf_exempt
        @wraps(view)
        def with_limit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            request.upload_handlers = [LimitedUpload(request, limit())]
            return protected(request, *args, **kwargs)

        return with_limit

    return decorate


def too_large(limit: int, what: str) -> str:
    """The message for a file over `limit` bytes; `what` names the kind of file ("an evidence file")."""
    return f"The file is larger than {limit // 1_000_000:,} MB, the most {what} may be."


def refuse_too_large(request: HttpRequest, form: forms.BaseForm, field: str, what: str) -> None:
    """When the request's file was stopped at its limit, the form is invalid and says why on `field`, in
    place of any other error there (a required file that never arrived is not "required")."""
    limit = getattr(request, _STOPPED, None)
    if limit is None:
        return
    form.errors[field] = form.error_class([too_large(limit, what)])
    mark_errors(form)
