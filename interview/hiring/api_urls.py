"""API routes for invitations and role requests."""

from rest_framework.routers import SimpleRouter

from interview.hiring.api import InvitationViewSet, RoleRequestViewSet

router = SimpleRouter()
router.register("invitations", InvitationViewSet, basename="api-invitation")
router.register("role-requests", RoleRequestViewSet, basename="api-role-request")

urlpatterns = router.urls
