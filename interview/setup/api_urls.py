"""API routes for interviews (chats) and interview templates."""

from rest_framework.routers import SimpleRouter

from interview.setup.api import ChatViewSet, TemplateViewSet

router = SimpleRouter()
router.register("chats", ChatViewSet, basename="api-chat")
router.register("templates", TemplateViewSet, basename="api-template")

urlpatterns = router.urls
