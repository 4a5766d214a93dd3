"""API routes for interviews (chats)."""

from rest_framework.routers import SimpleRouter

from interview.interviews.api import ChatViewSet

router = SimpleRouter()
router.register("chats", ChatViewSet, basename="api-chat")

urlpatterns = router.urls
