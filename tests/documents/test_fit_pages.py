"""The fit summary on pages: the new-interview partial endpoint, the job listing page and the candidate profile.

The resume's parsed fields come from the resume-parsing work (issue 21); `_parsed` stores them in the
database when the model has them and otherwise sets them on the model class, so these tests run before
and after that work is merged.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from interview.models import UploadedJobListing, UploadedResume
from tests.factories import ChatFactory, InvitationFactory, JobListingFactory, ResumeFactory, UserFactory

pytestmark = pytest.mark.django_db

SKILLS = ["Python", "Django", "Postgres", "Docker"]
JOBS = [{"title": "Backend developer", "organisation": "Acme", "start": "2016-01", "end": "2021-12", "highlights": []}]
PARSED_FIELDS = {"skills", "experience", "parsing_status"}


@pytest.fixture(autouse=True)
def _offline(offline_llm):
    """No model: nothing here may call one."""


def _parsed(monkeypatch, resume, *, skills=SKILLS, experience=JOBS, status="success"):
    values = {"skills": skills, "experience": experience, "parsing_status": status}
    if PARSED_FIELDS <= {f.name for f in UploadedResume._meta.get_fields()}:
        UploadedResume.objects.filter(pk=resume.pk).update(**values)
    else:
        for name, value in values.items():
            monkeypatch.setattr(UploadedResume, name, value, raising=False)
    return resume


def _listing(user, **changes):
    values = {
        "user": user,
        "title": "Senior backend",
        "parsing_status": UploadedJobListing.SUCCESS,
        "required_skills": ["Python", "Django", "PostgreSQL", "Kubernetes"],
        "seniority_level": "senior",
        "requirements": {"years_experience": "5+"},
    }
    return JobListingFactory(**(values | changes))


@pytest.fixture
def as_user(client, user):
    client.force_login(user)
    return client


def _fit(client, resume, listing):
    return client.get(reverse("interview_fit"), {"resume": resume.pk, "job_listing": listing.pk})


# --- the partial endpoint ---------------------------------------------------------------------------------


def test_fit_partial_shows_score_matched_missing_and_years(as_user, user, monkeypatch):
    resume = _parsed(monkeypatch, ResumeFactory(user=user))
    page = _fit(as_user, resume, _listing(user)).content.decode()
    assert "Fit 83/100" in page
    assert "matched: Django, PostgreSQL, Python; missing: Kubernetes; 6 of 5 years" in page


def test_fit_partial_says_computed_not_ai(as_user, user, monkeypatch):
    resume = _parsed(monkeypatch, ResumeFactory(user=user))
    page = _fit(as_user, resume, _listing(user)).content.decode()
    assert "How this is computed" in page and "Computed from the listed skills and dates, not by AI" in page


def test_fit_partial_unparsed_resume_asks_to_parse_without_a_score(as_user, user, monkeypatch):
    resume = _parsed(monkeypatch, ResumeFactory(user=user), status="pending")
    page = _fit(as_user, resume, _listing(user)).content.decode()
    assert "Parse the resume" in page and "/100" not in page


def test_fit_partial_resume_without_parsed_fields_counts_as_unparsed(as_user, user):
    page = _fit(as_user, ResumeFactory(user=user), _listing(user)).content.decode()
    assert "Parse the resume" in page and "/100" not in page


def test_fit_partial_unparsed_listing_says_so(as_user, user, monkeypatch):
    resume = _parsed(monkeypatch, ResumeFactory(user=user))
    listing = _listing(user, parsing_status=UploadedJobListing.PENDING)
    assert "not parsed yet" in _fit(as_user, resume, listing).content.decode()


def test_fit_partial_without_choices_prompts(as_user):
    assert "Choose a resume and a job listing" in as_user.get(reverse("interview_fit")).content.decode()


def test_fit_partial_another_users_resume_is_404(as_user, user):
    response = _fit(as_user, ResumeFactory(user=UserFactory()), _listing(user))
    assert response.status_code == 404


def test_fit_partial_another_users_listing_is_404(as_user, user):
    response = _fit(as_user, ResumeFactory(user=user), _listing(UserFactory()))
    assert response.status_code == 404


def test_fit_partial_non_numeric_id_is_400(as_user):
    assert as_user.get(reverse("interview_fit"), {"resume": "abc"}).status_code == 400


def test_fit_partial_anonymous_goes_to_login(client):
    assert reverse("login") in client.get(reverse("interview_fit")).url


# --- the pages ----------------------------------------------------------------------------------------------


def test_new_interview_page_shows_fit_of_the_linked_listing_and_latest_resume(as_user, user, monkeypatch):
    _parsed(monkeypatch, ResumeFactory(user=user))
    page = as_user.get(reverse("interview_new"), {"job_listing": _listing(user).pk}).content.decode()
    assert "Fit 83/100" in page and 'hx-get="/interviews/fit/"' in page


def test_new_interview_page_without_choices_prompts(as_user):
    assert "Choose a resume and a job listing" in as_user.get(reverse("interview_new")).content.decode()


def test_job_page_shows_fit_against_the_latest_resume(as_user, user, monkeypatch):
    _parsed(monkeypatch, ResumeFactory(user=user))
    listing = _listing(user)
    assert "Fit 83/100" in as_user.get(reverse("job_detail", args=[listing.pk])).content.decode()


def test_job_page_picks_the_chosen_resume(as_user, user):
    older = ResumeFactory(user=user, title="Older resume")
    ResumeFactory(user=user, title="Newer resume")
    listing = _listing(user)
    page = as_user.get(reverse("job_detail", args=[listing.pk]), {"resume": older.pk}).content.decode()
    assert f'<option value="{older.pk}" selected>' in page and "Older resume" in page


def test_job_page_without_resumes_invites_an_upload(as_user, user):
    page = as_user.get(reverse("job_detail", args=[_listing(user).pk])).content.decode()
    assert "Upload a resume to see how it fits" in page


def test_job_page_has_no_fit_panel_for_an_observer(client, interviewer, user):
    listing = _listing(user)
    InvitationFactory(interviewer=interviewer, chat=ChatFactory(user=user, job_listing=listing))
    client.force_login(interviewer)
    assert "Your fit for this job" not in client.get(reverse("job_detail", args=[listing.pk])).content.decode()


def test_candidate_profile_shows_fit_of_an_invitation_interview(client, interviewer, user, monkeypatch):
    resume = _parsed(monkeypatch, ResumeFactory(user=user, title="CV 2026"))
    chat = ChatFactory(user=user, resume=resume, job_listing=_listing(user))
    InvitationFactory(interviewer=interviewer, chat=chat)
    client.force_login(interviewer)
    page = client.get(reverse("candidate_profile", args=[user.pk])).content.decode()
    assert "Fit 83/100" in page and "CV 2026" in page


def test_candidate_profile_hides_fit_of_interviews_the_viewer_may_not_see(client, interviewer, user, monkeypatch):
    resume = _parsed(monkeypatch, ResumeFactory(user=user))
    InvitationFactory(chat=ChatFactory(user=user, resume=resume, job_listing=_listing(user)))
    client.force_login(interviewer)
    page = client.get(reverse("candidate_profile", args=[user.pk])).content.decode()
    assert "/100" not in page and "No interview you may see has both" in page


# --- bad input ------------------------------------------------------------------------------------------------


def test_fit_partial_escapes_html_in_skills(as_user, user, monkeypatch):
    resume = _parsed(monkeypatch, ResumeFactory(user=user), skills=["<b>Python</b>"])
    listing = _listing(user, required_skills=["<script>alert(1)</script>"])
    page = _fit(as_user, resume, listing).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_fit_partial_survives_malformed_parsed_fields(as_user, user, monkeypatch):
    experience = ["not a dict", {"title": "Dev", "start": 2019, "end": {"bad": 1}}, {"start": None}]
    resume = _parsed(monkeypatch, ResumeFactory(user=user), skills=["Python", 7, None] * 4000, experience=experience)
    page = _fit(as_user, resume, _listing(user)).content.decode()
    assert "Fit " in page and "not understood" in page
