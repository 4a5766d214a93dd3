"""Top-level URL configuration."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

# allauth answers a rate-limited request with this view (it looks for ROOT_URLCONF.handler429).
handler429 = "interview.accounts.views.too_many_requests"

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    # The admin signs in through the site's login (allauth: throttling, second factor, MFA_REQUIRED_ROLES).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("interview.api_urls")),
    path("", include("interview.urls")),
]
