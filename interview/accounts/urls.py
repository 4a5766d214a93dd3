"""Account pages: sign-up, login, logout, password change, role requests and email verification."""

from django.contrib.auth import views as auth_views
from django.urls import path

from interview.accounts import views

urlpatterns = [
    path("accounts/register/", views.register, name="register"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("accounts/verify-email/", views.email_verify, name="email_verify"),
    path("accounts/verify-email/<str:token>/", views.email_verify_confirm, name="email_verify_confirm"),
    path("roles/request/", views.role_request, name="role_request"),
    path("roles/requests/", views.role_request_admin, name="role_request_admin"),
    path("roles/requests/<int:request_id>/decide/", views.role_request_decision, name="role_request_decision"),
]
