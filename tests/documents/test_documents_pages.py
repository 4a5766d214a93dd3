"""The resume and job listing pages: list, upload or paste, view, rename, delete, download and live status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from interview.models import UploadedJobListing, UploadedResume
from tests.factories import (
    ChatFactory,
    InvitationFactory,
    JobListingFactory,
    ResumeFactory,
    TemplateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TEXT = b"Jane Doe\nPython developer"


@pytest.fixture
def client_in(client, user):
    client.force_login(user)
    return client


def test_resume_list_empty_state(client_in):
    assert "No resumes yet" in client_in.get(reverse("resume_list")).content.decode()


def test_resume_list_shows_own_resumes_only(client_in, user):
    ResumeFactory(user=user, title="Mine")
    ResumeFactory(title="Theirs")
    page = client_in.get(reverse("resume_list")).content.decode()
    assert "Mine" in page and "Theirs" not in page


def test_resume_list_requires_login(client):
    assert client.get(reverse("resume_list")).status_code == 302


def test_resume_upload_form_renders(client_in):
    assert client_in.get(reverse("resume_upload")).status_code == 200


def test_resume_upload_redirects_to_detail(client_in):
    response = client_in.post(reverse("resume_upload"), {"title": "CV", "file": SimpleUploadedFile("cv.txt", TEXT)})
    assert response.url == reverse("resume_detail", args=[UploadedResume.objects.get().pk])


def test_resume_upload_refusal_shows_reason(client_in):
    response = client_in.post(reverse("resume_upload"), {"title": "CV", "file": SimpleUploadedFile("cv.pdf", TEXT)})
    assert response.status_code == 400 and "the file is a plain-text file" in response.content.decode()


def test_resume_upload_requires_csrf_token(user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("resume_upload"), {"title": "CV", "file": SimpleUploadedFile("cv.txt", TEXT)})
    assert response.status_code == 403 and not UploadedResume.objects.exists()


def test_resume_detail_shows_text(client_in, user):
    resume = ResumeFactory(user=user, text_content="Seven years of Django")
    assert "Seven years of Django" in client_in.get(reverse("resume_detail", args=[resume.pk])).content.decode()


@pytest.mark.parametrize("name", ["resume_detail", "resume_edit", "resume_delete", "resume_download"])
def test_resume_pages_hide_other_users_resume(client_in, name):
    assert client_in.get(reverse(name, args=[ResumeFactory().pk])).status_code == 404


def test_resume_detail_readable_by_observing_interviewer(client, interviewer):
    resume = ResumeFactory()
    InvitationFactory(interviewer=interviewer, chat=ChatFactory(user=resume.user, resume=resume))
    client.force_login(interviewer)
    assert client.get(reverse("resume_detail", args=[resume.pk])).status_code == 200


def test_resume_detail_hidden_from_other_interviewer(client, interviewer):
    resume = ResumeFactory()
    InvitationFactory(chat=ChatFactory(user=resume.user, resume=resume))
    client.force_login(interviewer)
    assert client.get(reverse("resume_detail", args=[resume.pk])).status_code == 404


def test_resume_edit_not_allowed_for_observer(client, interviewer):
    resume = ResumeFactory()
    InvitationFactory(interviewer=interviewer, chat=ChatFactory(user=resume.user, resume=resume))
    client.force_login(interviewer)
    assert client.post(reverse("resume_edit", args=[resume.pk]), {"title": "x"}).status_code == 404


def test_resume_edit_renames(client_in, user):
    resume = ResumeFactory(user=user)
    client_in.post(reverse("resume_edit", args=[resume.pk]), {"title": "Renamed"})
    resume.refresh_from_db()
    assert resume.title == "Renamed"


def test_resume_edit_rejects_blank_title(client_in, user):
    response = client_in.post(reverse("resume_edit", args=[ResumeFactory(user=user).pk]), {"title": ""})
    assert response.status_code == 400


def test_resume_delete_confirms_first(client_in, user):
    resume = ResumeFactory(user=user)
    client_in.get(reverse("resume_delete", args=[resume.pk]))
    assert UploadedResume.objects.filter(pk=resume.pk).exists()


def test_resume_delete_removes(client_in, user):
    resume = ResumeFactory(user=user)
    response = client_in.post(reverse("resume_delete", args=[resume.pk]))
    assert response.url == reverse("resume_list") and not UploadedResume.objects.exists()


def test_resume_download_is_attachment(client_in, user):
    resume = ResumeFactory(user=user, title="My CV")
    response = client_in.get(reverse("resume_download", args=[resume.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="my-cv.txt"'


def test_job_list_empty_state(client_in):
    assert "No job listings yet" in client_in.get(reverse("job_list")).content.decode()


def test_job_list_polls_pending_rows(client_in, user):
    listing = JobListingFactory(user=user)
    page = client_in.get(reverse("job_list")).content.decode()
    assert f'hx-get="{reverse("job_status", args=[listing.pk])}?compact=1"' in page


def test_job_list_loads_vendored_htmx(client_in, user):
    JobListingFactory(user=user)
    assert "js/htmx.min.js" in client_in.get(reverse("job_list")).content.decode()


def test_job_create_from_pasted_text(client_in):
    response = client_in.post(reverse("job_create"), {"title": "Dev", "content": "Senior Django developer."})
    listing = UploadedJobListing.objects.get()
    assert response.url == reverse("job_detail", args=[listing.pk]) and listing.parsing_status == "pending"


def test_job_create_from_file(client_in):
    client_in.post(reverse("job_create"), {"title": "", "file": SimpleUploadedFile("backend.txt", TEXT)})
    assert UploadedJobListing.objects.get().filename == "backend.txt"


def test_job_create_needs_file_or_text(client_in):
    response = client_in.post(reverse("job_create"), {"title": "Dev", "content": ""})
    assert response.status_code == 400 and "Upload a file or paste" in response.content.decode()


def test_job_create_refuses_both(client_in):
    data = {"title": "Dev", "content": "text", "file": SimpleUploadedFile("a.txt", TEXT)}
    assert client_in.post(reverse("job_create"), data).status_code == 400


def test_job_detail_polls_while_pending(client_in, user):
    listing = JobListingFactory(user=user)
    assert (
        reverse("job_status", args=[listing.pk])
        in client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()
    )


def test_job_detail_stops_polling_when_done(client_in, user):
    listing = JobListingFactory(user=user, parsing_status="success", seniority_level="senior")
    page = client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()
    assert "hx-trigger" not in page and "Senior (5-8 years)" in page


def test_job_detail_shows_error_and_retry(client_in, user):
    listing = JobListingFactory(user=user, parsing_status="error", parsing_error="The AI service failed.")
    page = client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()
    assert "The AI service failed." in page and reverse("job_reparse", args=[listing.pk]) in page


def test_job_detail_says_rules_were_used(client_in, user):
    listing = JobListingFactory(user=user, parsing_status="success", requirements={"parsed_by": "rules"})
    assert "Parsed with simple rules" in client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()


def test_job_detail_shows_recommended_template(client_in, user):
    template = TemplateFactory(user=user, name="Senior System Design", difficulty=4)
    listing = JobListingFactory(user=user, parsing_status="success", recommended_template=template)
    assert "Senior System Design" in client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()


def test_job_detail_links_practice_from_recommendation(client_in, user):
    template = TemplateFactory(user=user, name="Senior System Design", difficulty=4)
    listing = JobListingFactory(user=user, parsing_status="success", recommended_template=template)
    page = client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()
    assert f'href="{reverse("interview_new")}?job_listing={listing.pk}"' in page


def test_job_detail_without_recommendation_has_no_practice_link(client_in, user):
    listing = JobListingFactory(user=user, parsing_status="success")
    assert "Practise for this job" not in client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()


def test_job_status_partial_compact_badge(client_in, user):
    listing = JobListingFactory(user=user, parsing_status="in_progress")
    page = client_in.get(reverse("job_status", args=[listing.pk]), {"compact": "1"}).content.decode()
    assert page.strip().startswith(f'<span id="job-status-{listing.pk}"') and "Parsing…" in page


def test_job_status_hidden_from_other_users(client_in):
    assert client_in.get(reverse("job_status", args=[JobListingFactory().pk])).status_code == 404


def test_job_reparse_requeues(client_in, user):
    listing = JobListingFactory(user=user, parsing_status="error")
    client_in.post(reverse("job_reparse", args=[listing.pk]))
    listing.refresh_from_db()
    assert listing.parsing_status == "pending"


def test_job_reparse_other_users_listing_404(client_in):
    assert (
        client_in.post(reverse("job_reparse", args=[JobListingFactory(parsing_status="error").pk])).status_code == 404
    )


@pytest.mark.parametrize("name", ["job_detail", "job_edit", "job_delete", "job_download"])
def test_job_pages_hide_other_users_listing(client_in, name):
    assert client_in.get(reverse(name, args=[JobListingFactory().pk])).status_code == 404


def test_job_download_of_pasted_listing_404(client_in, user):
    assert client_in.get(reverse("job_download", args=[JobListingFactory(user=user).pk])).status_code == 404


def test_job_detail_readable_by_admin_when_attached_to_chat(client, admin_user):
    listing = JobListingFactory()
    ChatFactory(user=listing.user, job_listing=listing)
    client.force_login(admin_user)
    assert client.get(reverse("job_detail", args=[listing.pk])).status_code == 200


def test_job_detail_hidden_from_admin_when_unattached(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("job_detail", args=[JobListingFactory().pk])).status_code == 404


def test_job_edit_renames(client_in, user):
    listing = JobListingFactory(user=user)
    client_in.post(reverse("job_edit", args=[listing.pk]), {"title": "New"})
    listing.refresh_from_db()
    assert listing.title == "New"


def test_job_delete_removes(client_in, user):
    listing = JobListingFactory(user=user)
    client_in.post(reverse("job_delete", args=[listing.pk]))
    assert not UploadedJobListing.objects.exists()


def test_pages_have_no_inline_scripts(client_in, user):
    listing = JobListingFactory(user=user)
    page = client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()
    assert "<script>" not in page and "javascript:" not in page


def test_candidate_cannot_read_via_unrelated_chat(client, user):
    listing = JobListingFactory()
    ChatFactory(user=UserFactory(), job_listing=listing)
    client.force_login(user)
    assert client.get(reverse("job_detail", args=[listing.pk])).status_code == 404


def test_job_detail_slow_parse_hints_and_polls_less(client_in, user):
    listing = JobListingFactory(user=user)
    UploadedJobListing.objects.filter(pk=listing.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    page = client_in.get(reverse("job_detail", args=[listing.pk])).content.decode()
    assert "background worker may not be running" in page and 'hx-trigger="every 15s"' in page
