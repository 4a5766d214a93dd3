"""API routes for resumes and job listings."""

from rest_framework.routers import SimpleRouter

from interview.documents.api import JobListingViewSet, ResumeViewSet

router = SimpleRouter()
router.register("resumes", ResumeViewSet, basename="api-resume")
router.register("job-listings", JobListingViewSet, basename="api-job-listing")

urlpatterns = router.urls
