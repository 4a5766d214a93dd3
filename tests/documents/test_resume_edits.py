"""The owner's edits of a parsed resume and re-parsing, through the API and the resume page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from interview.documents.resume_parsing import CONFIRM_MESSAGE
from interview.models import UploadedResume
from tests.documents.resume_helpers import VALID
from tests.factories import ResumeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def parsed(user):
    return ResumeFactory(user=user, parsing_status="success", parsed_at=timezone.now(), parsed_by="gpt", **VALID)


def url(resume: UploadedResume, tail: str = "") -> str:
    return f"/api/resumes/{resume.pk}/{tail}"


def test_api_patch_replaces_the_skills_and_marks_the_edit(api, parsed):
    response = api.patch(url(parsed), {"skills": ["Python", "Rust"]}, format="json")
    parsed.refresh_from_db()
    assert response.status_code == 200 and response.json()["skills"] == ["Python", "Rust"]
    assert parsed.skills == ["Python", "Rust"] and parsed.parsed_edited_at is not None


def test_api_patch_ten_thousand_skills_refused_nothing_saved(api, parsed):
    response = api.patch(url(parsed), {"summary": "New", "skills": [f"s{n}" for n in range(10_000)]}, format="json")
    parsed.refresh_from_db()
    assert response.status_code == 400 and response.json()["skills"] == ["skills has 10,000 entries; the limit is 200."]
    assert (parsed.summary, parsed.skills, parsed.parsed_edited_at) == (VALID["summary"], VALID["skills"], None)


def test_api_patch_refuses_a_malformed_experience_entry(api, parsed):
    bad = [{"title": "Dev", "organisation": "Acme", "salary": "lots"}]
    response = api.patch(url(parsed), {"experience": bad}, format="json")
    assert response.status_code == 400 and "unknown keys: salary" in response.json()["experience"][0]


def test_api_patch_refuses_unknown_fields(api, parsed):
    response = api.patch(url(parsed), {"parsing_status": "success", "skills": []}, format="json")
    assert response.status_code == 400


def test_api_patch_while_parsing_is_a_409(api, user):
    resume = ResumeFactory(user=user, parsing_status="in_progress", parsed_at=timezone.now())
    response = api.patch(url(resume), {"skills": ["Go"]}, format="json")
    resume.refresh_from_db()
    assert (response.status_code, response.json()["code"], resume.skills) == (409, "parsing_busy", [])


def test_api_reparse_while_one_runs_is_parsing_busy(api, user):
    resume = ResumeFactory(user=user, parsing_status="in_progress", parsed_at=timezone.now())
    response = api.post(url(resume, "reparse/"))
    assert (response.status_code, response.json()["code"]) == (409, "parsing_busy")
    assert not DBTaskResult.objects.exists()


def test_api_reparse_after_an_edit_asks_for_confirmation(api, parsed):
    api.patch(url(parsed), {"skills": ["Mine"]}, format="json")
    response = api.post(url(parsed, "reparse/"))
    parsed.refresh_from_db()
    assert (response.status_code, response.json()["code"]) == (409, "confirm_required")
    assert (parsed.parsing_status, parsed.skills) == ("success", ["Mine"])


def test_api_reparse_confirmed_queues_the_parse(api, parsed, django_capture_on_commit_callbacks):
    api.patch(url(parsed), {"skills": ["Mine"]}, format="json")
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(url(parsed, "reparse/"), {"confirm": True}, format="json")
    assert (response.status_code, response.json()["parsing_status"]) == (202, "pending")
    assert DBTaskResult.objects.count() == 1


def test_api_reparse_of_a_resume_without_text_is_refused(api, user):
    resume = ResumeFactory(user=user, text_content="", parsing_status="error")
    response = api.post(url(resume, "reparse/"))
    assert response.status_code == 400 and "no text layer" in response.json()["detail"]


def test_api_paste_creates_a_pending_resume(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/resumes/", {"title": "CV", "content": "Jane\nPython dev"}, format="json")
    assert (response.status_code, response.json()["parsing_status"]) == (201, "pending")
    assert DBTaskResult.objects.count() == 1


def test_api_create_refuses_neither_file_nor_text(api):
    assert api.post("/api/resumes/", {"title": "CV"}, format="json").status_code == 400


def test_page_edit_saves_the_fields(client, user, parsed):
    client.force_login(user)
    data = {
        "summary": "S",
        "skills": "Python\nRust\n",
        "experience": "Dev | Acme | 2020 | 2021\n- Shipped",
        "education": "",
    }
    response = client.post(reverse("resume_parsed_edit", args=[parsed.pk]), data)
    parsed.refresh_from_db()
    assert response.status_code == 302 and parsed.skills == ["Python", "Rust"]
    assert parsed.experience == [
        {"title": "Dev", "organisation": "Acme", "start": "2020", "end": "2021", "highlights": ["Shipped"]}
    ]


def test_page_edit_over_the_limit_shows_the_error_and_saves_nothing(client, user, parsed):
    client.force_login(user)
    data = {"summary": "S", "skills": "\n".join(f"s{n}" for n in range(10_000)), "experience": "", "education": ""}
    response = client.post(reverse("resume_parsed_edit", args=[parsed.pk]), data)
    parsed.refresh_from_db()
    assert response.status_code == 400 and "the limit is 200" in response.content.decode()
    assert parsed.skills == VALID["skills"] and parsed.summary == VALID["summary"]


def test_page_shows_html_in_a_skill_as_text(client, user, parsed):
    client.force_login(user)
    client.post(
        reverse("resume_parsed_edit", args=[parsed.pk]),
        {"summary": "", "skills": "<script>alert(1)</script>", "experience": "", "education": ""},
    )
    html = client.get(reverse("resume_detail", args=[parsed.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_page_reparse_after_an_edit_shows_a_confirm_step(client, user, parsed):
    parsed.parsed_edited_at = timezone.now()
    parsed.save()
    client.force_login(user)
    response = client.post(reverse("resume_reparse", args=[parsed.pk]))
    parsed.refresh_from_db()
    assert CONFIRM_MESSAGE in response.content.decode() and parsed.parsing_status == "success"


def test_page_reparse_confirmed_goes_pending(client, user, parsed):
    parsed.parsed_edited_at = timezone.now()
    parsed.save()
    client.force_login(user)
    client.post(reverse("resume_reparse", args=[parsed.pk]), {"confirm": "1"})
    parsed.refresh_from_db()
    assert parsed.parsing_status == "pending"


def test_page_polls_while_pending(client, user):
    resume = ResumeFactory(user=user)
    client.force_login(user)
    html = client.get(reverse("resume_detail", args=[resume.pk])).content.decode()
    assert f'hx-get="{reverse("resume_status", args=[resume.pk])}"' in html


def test_page_stops_polling_once_parsed(client, user, parsed):
    client.force_login(user)
    html = client.get(reverse("resume_status", args=[parsed.pk])).content.decode()
    assert "hx-get" not in html and "Cut API latency by 40%" in html


def test_page_labels_the_offline_rules(client, user):
    resume = ResumeFactory(user=user, parsing_status="success", parsed_by="rules", skills=["Python"])
    client.force_login(user)
    html = client.get(reverse("resume_detail", args=[resume.pk])).content.decode()
    assert "was not read by AI" in html


def test_offline_parse_finds_skills_by_rules_labelled_as_such(offline_llm, user):
    from interview.documents.resume_parsing import resume_parse

    resume = ResumeFactory(user=user, text_content="Jane Doe. Python and Django for six years.")
    resume_parse(resume_id=resume.pk)
    resume.refresh_from_db()
    assert (resume.parsing_status, resume.parsed_by, resume.skills, resume.experience) == (
        "success",
        "rules",
        ["Python", "Django"],
        [],
    )


def test_offline_rules_never_stand_in_for_the_resume_text_in_prompts(user):
    from interview.documents.selectors import resume_prompt_text

    resume = ResumeFactory(user=user, parsing_status="success", parsed_by="rules", skills=["Python"])
    assert resume_prompt_text(resume, limit=6000) == resume.text_content
