"""Account pages: allauth's sign-in (under our old addresses where they differ), role requests, verification."""

from allauth.account import views as allauth_views
from django.urls import include, path
from django.views.generic import RedirectView

from interview.accounts import oidc, views

urlpatterns = [
    # Our names and addresses, served by allauth's views (templates: templates/account/).
    path("accounts/register/", allauth_views.signup, name="register"),
    path("accounts/signup/", RedirectView.as_view(pattern_name="register", query_string=True)),
    path("accounts/login/", allauth_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    path(
        "accounts/password/",
        RedirectView.as_view(pattern_name="account_change_password", query_string=True),
        name="password_change",
    ),
    path("accounts/password/done/", views.password_change_done, name="password_change_done"),
    # Every OpenID Connect provider of OIDC_PROVIDERS, with the ID token's signature always checked.
    path("accounts/oidc/<str:provider_id>/login/", oidc.oidc_login, name="openid_connect_login"),
    path("accounts/oidc/<str:provider_id>/login/callback/", oidc.oidc_callback, name="openid_connect_callback"),
    path("accounts/verify-email/", views.email_verify, name="email_verify"),
    path("accounts/verify-email/<str:token>/", views.email_verify_confirm, name="email_verify_confirm"),
    path("accounts/", include("allauth.urls")),
    path("roles/request/", views.role_request, name="role_request"),
    path("roles/requests/", views.role_request_admin, name="role_request_admin"),
    path("roles/requests/<int:request_id>/decide/", views.role_request_decision, name="role_request_decision"),
]
