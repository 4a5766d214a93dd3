"""Server-rendered pages."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from interview.core import health
from interview.core import views as pages
from interview.views import accounts, interviews

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("interviews/", interviews.interview_list, name="interview_list"),
    path("interviews/new/", interviews.interview_new, name="interview_new"),
    path("interviews/<int:chat_id>/", interviews.interview_live, name="interview_live"),
    path("interviews/<int:chat_id>/observe/", interviews.interview_observe, name="interview_observe"),
    # Accounts
    path("accounts/register/", accounts.register, name="register"),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="registration/password_change_done.html"),
        name="password_change_done",
    ),
    path("", include("interview.urls_documents")),
    path("", include("interview.urls_setup")),
    path("", include("interview.urls_reports")),
    path("", include("interview.urls_hiring")),
]
