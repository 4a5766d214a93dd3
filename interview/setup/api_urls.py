"""API routes for interview templates."""

from rest_framework.routers import SimpleRouter

from interview.setup.api import TemplateViewSet

router = SimpleRouter()
router.register("templates", TemplateViewSet, basename="api-template")

urlpatterns = router.urls
