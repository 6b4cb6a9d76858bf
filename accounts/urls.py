from django.contrib.auth import views as auth_views

from accounts import views
from accounts.forms import LoginForm
from portal.lib.routes import public, signed_in

app_name = "accounts"

urlpatterns = [
    public(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        "login",
        signed_in_redirects=True,
    ),
    public("logout/", views.LogoutView.as_view(), "logout", method="post"),
    signed_in("code/", views.mfa_verify, "mfa-verify"),
    signed_in("authenticator/", views.mfa_enrol, "mfa-enrol"),
    signed_in("authenticator/replace/", views.mfa_replace, "mfa-replace", method="post"),
    signed_in("recovery-codes/", views.mfa_recovery_codes, "mfa-recovery-codes"),
    signed_in("recovery-codes/new/", views.mfa_new_recovery_codes, "mfa-new-recovery-codes", method="post"),
    signed_in("confirm/", views.reauthenticate, "reauthenticate"),
    signed_in("security/", views.security, "security"),
]
