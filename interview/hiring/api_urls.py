"""API routes for invitations."""

from rest_framework.routers import SimpleRouter

from interview.hiring.api import InvitationViewSet

router = SimpleRouter()
router.register("invitations", InvitationViewSet, basename="api-invitation")

urlpatterns = router.urls
