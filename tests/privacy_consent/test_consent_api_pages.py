"""Consent to the configured model: the provider shown, the page and the API, withdrawal, a changed provider."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from interview.accounts.consent import llm_provider
from interview.audit.actions import AuditAction
from interview.models import AuditEvent, UploadedResume
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("llm")]

FAKE = "OpenAI-compatible server at 127.0.0.1"


@pytest.fixture
def newcomer():
    return UserFactory(username="newcomer", llm_consent=False)


@pytest.fixture
def api(newcomer):
    client = APIClient()
    client.force_authenticate(newcomer)
    return client


def test_provider_label_from_settings(settings):
    settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = "", "sk-real"
    assert llm_provider().label == "OpenAI (api.openai.com)"
    settings.OPENAI_BASE_URL, settings.LLM_PROVIDER_NAME = "http://127.0.0.1:8080/v1", "llama.cpp"
    assert llm_provider().label == "llama.cpp at 127.0.0.1"
    settings.LLM_OFFLINE = True
    assert llm_provider() is None


def test_never_asked_then_agree_then_withdraw(api, newcomer):
    assert api.get("/api/me/consent/").json() == {
        "state": "unasked",
        "agreed": None,
        "provider": FAKE,
        "provider_name": "OpenAI-compatible server",
        "host": "127.0.0.1",
    }
    agreed = api.post("/api/me/consent/", {"agreed": True}, format="json")
    assert (agreed.status_code, agreed.json()["state"], agreed.json()["agreed"]) == (200, "agreed", True)
    newcomer.profile.refresh_from_db()
    assert (newcomer.profile.llm_consent, newcomer.profile.llm_consent_provider) == (True, FAKE)
    assert newcomer.profile.llm_consent_at is not None
    withdrawn = api.post("/api/me/consent/", {"agreed": False}, format="json").json()
    assert (withdrawn["state"], withdrawn["agreed"]) == ("declined", False)
    actions = list(AuditEvent.objects.filter(actor=newcomer).order_by("id").values_list("action", flat=True))
    assert actions == [AuditAction.CONSENT_GIVEN, AuditAction.CONSENT_WITHDRAWN]


def test_bad_body_is_a_400(api):
    assert api.post("/api/me/consent/", {"agreed": "lots"}, format="json").status_code == 400
    assert api.post("/api/me/consent/", {}, format="json").status_code == 400


def test_a_changed_provider_asks_again(api, settings):
    api.post("/api/me/consent/", {"agreed": True}, format="json")
    settings.LLM_PROVIDER_NAME = "llama.cpp"
    body = api.get("/api/me/consent/").json()
    assert (body["state"], body["provider"]) == ("unasked", "llama.cpp at 127.0.0.1")
    upload = SimpleUploadedFile("cv.txt", b"Jane Doe\nPython developer")
    refused = api.post("/api/resumes/", {"title": "CV", "file": upload})
    assert (refused.status_code, refused.json()["code"]) == (403, "consent_required")


def test_page_agree_returns_to_next(newcomer):
    client = Client()
    client.force_login(newcomer)
    upload_url = reverse("resume_upload")
    sent_away = client.get(upload_url)
    assert sent_away.status_code == 302 and sent_away.url.startswith(reverse("account_consent") + "?next=")
    page = client.get(sent_away.url)
    assert FAKE in page.content.decode()
    back = client.post(reverse("account_consent"), {"agreed": "yes", "next": upload_url})
    assert (back.status_code, back.url) == (302, upload_url)
    assert client.get(upload_url).status_code == 200


def test_page_decline_then_upload_is_allowed_but_not_sent(newcomer, llm):
    client = Client()
    client.force_login(newcomer)
    client.post(reverse("account_consent"), {"agreed": "no"})
    assert client.get(reverse("resume_upload")).status_code == 200
    upload = SimpleUploadedFile("cv.txt", b"Jane Doe\nPython developer")
    client.post(reverse("resume_upload"), {"title": "CV", "file": upload})
    assert UploadedResume.objects.filter(user=newcomer).count() == 1
    assert llm.requests == []


def test_offline_asks_nothing(newcomer, offline_llm):
    client = APIClient()
    client.force_authenticate(newcomer)
    assert client.get("/api/me/consent/").json()["state"] == "not_needed"
    refused = client.post("/api/me/consent/", {"agreed": True}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid")
    upload = SimpleUploadedFile("cv.txt", b"Jane Doe\nPython developer")
    assert client.post("/api/resumes/", {"title": "CV", "file": upload}).status_code == 201
