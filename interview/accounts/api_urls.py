"""API routes for accounts: tokens, who am I, role requests."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from interview.accounts import api
from interview.accounts.consent_views import ConsentView

router = SimpleRouter()
router.register("role-requests", api.RoleRequestViewSet, basename="api-role-request")

urlpatterns = [
    path("auth/token/", api.ObtainTokenView.as_view(), name="api-token"),
    path("auth/token/revoke/", api.RevokeTokenView.as_view(), name="api-token-revoke"),
    # "me/" (GET who am I, DELETE erase the account) is served by interview/privacy/api_urls.py.
    path("me/consent/", ConsentView.as_view(), name="api-me-consent"),
    *router.urls,
]
