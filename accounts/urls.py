from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.forms import LoginForm

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("code/", views.mfa_verify, name="mfa-verify"),
    path("authenticator/", views.mfa_enrol, name="mfa-enrol"),
    path("authenticator/replace/", views.mfa_replace, name="mfa-replace"),
    path("recovery-codes/", views.mfa_recovery_codes, name="mfa-recovery-codes"),
    path("recovery-codes/new/", views.mfa_new_recovery_codes, name="mfa-new-recovery-codes"),
    path("confirm/", views.reauthenticate, name="reauthenticate"),
    path("security/", views.security, name="security"),
]
