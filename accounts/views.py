from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import actions, mfa
from accounts.access import signed_in_user
from accounts.forms import CodeForm, EnrolForm
from accounts.models import User

RECOVERY_CODES_TO_SHOW = "portal_recovery_codes"
REPLACING = "portal_replacing_authenticator"


def _next(request: HttpRequest, default: str = "incidents:incident-list") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _wrong_code(user: User, first_words: str, pending: TOTPDevice | None = None) -> str:
    wait = mfa.seconds_to_wait(user, pending)
    if wait > 0:
        seconds = f"{wait} second{'s' if wait != 1 else ''}"
        return (
            f"{first_words} After wrong codes each try waits longer: wait {seconds}, then type the code the app shows."
        )
    return f"{first_words} Type the code the app shows now."


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You have signed out.")
        return response


def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator, or a recovery code."""
    user = signed_in_user(request)
    if not mfa.has_second_factor(user):  # the same test as the middleware's, so the two never disagree
        return redirect("accounts:mfa-enrol")
    form = CodeForm(request.POST or None)
    if (device := _device_for_code(request, user, form)) is not None:
        otp_login(request, device)
        mfa.mark_reauthenticated(request)
        actions.record_second_factor(user, device)
        return redirect(_next(request))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request, "")})


def _device_for_code(request: HttpRequest, user: User, form: CodeForm) -> Any:
    """The device that accepts the code posted; None when nothing was posted or the code is wrong (the
    failure recorded and said on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    device = mfa.matching_device(user, form.cleaned_data["code"])
    if device is None:
        actions.record_second_factor_failed(user)
        form.add_error("code", _wrong_code(user, "That code is not right, or was used already."))
    return device


def _qr_svg(uri: str) -> str:
    """The otpauth address as a QR code, in an SVG data URI (no inline markup for the page's policy)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, dark="#1b1b1b")


def mfa_enrol(request: HttpRequest) -> HttpResponse:
    """Setting up the authenticator at first sign-in: scan, type the first code, keep the recovery codes."""
    user = signed_in_user(request)
    verified = request.user.is_verified()  # type: ignore[union-attr]
    if mfa.has_second_factor(user) and not verified:
        return redirect("accounts:mfa-verify")  # whoever has a factor gives it before setting up another
    if mfa.is_enrolled(user) and not request.session.get(REPLACING):
        return redirect("accounts:security")  # a new phone only through the security page, with a fresh code
    device = mfa.pending_authenticator(request, user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.first_code_is_right(device, "".join(form.cleaned_data["code"].split())):
            return _enrolled(request, user, device)
        mfa.keep_pending(request, device)  # the wrong code slows the next try
        wrong = "That code does not match: check the app shows this portal's entry."
        form.add_error("code", _wrong_code(user, wrong, device))
    context = {
        "form": form,
        "qr": _qr_svg(device.config_url),
        "secret": _grouped(device.bin_key),
        "next": _next(request, ""),
    }
    return render(request, "accounts/mfa_enrol.html", context)


def _enrolled(request: HttpRequest, user: User, device: TOTPDevice) -> HttpResponse:
    """The first code was right: the device is saved only now, and the old authenticator goes."""
    codes = actions.enrol_authenticator(user, device)
    mfa.forget_pending(request)
    request.session.pop(REPLACING, None)
    otp_login(request, device)
    mfa.mark_reauthenticated(request)
    request.session[RECOVERY_CODES_TO_SHOW] = codes
    return redirect(f"{reverse('accounts:mfa-recovery-codes')}?{urlencode({'next': _next(request)})}")


def _grouped(key: bytes) -> str:
    """The secret for typing into the app by hand, in groups of four."""
    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[n : n + 4] for n in range(0, len(text), 4))


def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The recovery codes, once: right after they were made."""
    codes = request.session.pop(RECOVERY_CODES_TO_SHOW, None)
    if not codes:
        return redirect("accounts:security")
    return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)})


def security(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "accounts/security.html", {"codes_left": mfa.recovery_codes_left(user)})


def mfa_new_recovery_codes(request: HttpRequest) -> HttpResponse:
    if (needed := fresh_code_needed(request, reverse("accounts:security"))) is not None:
        return needed
    request.session[RECOVERY_CODES_TO_SHOW] = actions.renew_recovery_codes(signed_in_user(request))
    return redirect("accounts:mfa-recovery-codes")


def mfa_replace(request: HttpRequest) -> HttpResponse:
    """A new phone: set up its authenticator; the old one keeps working until the new one's first code."""
    if (needed := fresh_code_needed(request, reverse("accounts:security"))) is not None:
        return needed
    request.session[REPLACING] = True
    return redirect("accounts:mfa-enrol")


def safe_referer(request: HttpRequest) -> str | None:
    """The page the request came from, when it is one of the portal's own."""
    referer = request.headers.get("Referer", "")
    return referer if url_has_allowed_host_and_scheme(referer, {request.get_host()}) else None


def fresh_code_needed(request: HttpRequest, back_to: str | None = None) -> HttpResponse | None:
    """For exports of personal data, role changes and changes to the second factor, after the view's access
    check: None when the user gave a code within MFA_REAUTH_MINUTES, else the way to give one, coming back
    to `back_to`. By default a download (GET) resumes by itself afterwards, and a form is sent again from
    the page it was on."""
    if mfa.recently_reauthenticated(request):
        return None
    if back_to is None:
        if request.method == "GET":
            back_to = request.get_full_path()
        else:
            back_to = safe_referer(request) or reverse(settings.LOGIN_REDIRECT_URL)
    return reauthentication_needed(request, back_to)


def reauthentication_needed(request: HttpRequest, back_to: str) -> HttpResponse:
    """Send the user to confirm a fresh code, then back to the page they acted from (`back_to`, a path)."""
    messages.info(request, "Confirm it is you with a code from your authenticator, then do that again.")
    return redirect(f"{reverse('accounts:reauthenticate')}?{urlencode({'next': back_to})}")


def reauthenticate(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = CodeForm(request.POST or None)
    if _device_for_code(request, user, form) is not None:
        mfa.mark_reauthenticated(request)
        actions.record_reauthentication(user)
        return redirect(_next(request))
    return render(request, "accounts/reauthenticate.html", {"form": form, "next": _next(request, "")})
