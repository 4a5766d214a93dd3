"""Work that needs consent: refused with consent_required (socket error frame, API 403, page redirect), and the
model never called without it; a declining user practises with the offline interviewer."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from interview.accounts.consent import DECLINED_PARSING_REASON, consent_record
from interview.documents import job_parsing as jp
from interview.models import Chat, UploadedJobListing
from tests.factories import ChatFactory, InvitationFactory, ResumeFactory, UserFactory
from tests.sockets.helpers import frames_until, of_type

pytestmark = pytest.mark.django_db(transaction=True)

QUESTIONS = [{"question": "Explain Python's GIL.", "time_limit": 120}]


@database_sync_to_async
def chat_of(consent: bool | None, *, invited: bool = False):
    user = UserFactory(llm_consent=False)
    if consent is not None:
        consent_record(user=user, agreed=consent)
    chat = ChatFactory(user=user, key_questions=QUESTIONS)
    if invited:
        InvitationFactory(interviewer=UserFactory(role="interviewer"), candidate_email=user.email, chat=chat)
    return chat


@database_sync_to_async
def fresh(chat):
    return Chat.objects.get(pk=chat.pk)


async def start(connect, chat):
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    return ws


async def test_start_never_asked_is_an_error_frame_and_no_model_call(connect, llm):
    chat = await chat_of(None)
    ws = await start(connect, chat)
    frames = await frames_until(ws, of_type("error"))
    assert frames[-1]["code"] == "consent_required"
    assert (await fresh(chat)).status == Chat.NOT_STARTED
    assert llm.requests == []


async def test_declined_practises_offline(connect, llm):
    chat = await chat_of(False)
    ws, snapshot = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    assert snapshot["offline"] is True  # labelled offline before it starts
    await ws.send_json_to({"type": "interview.start"})
    frames = await frames_until(ws, of_type("question.started"))
    stored = await fresh(chat)
    assert stored.is_offline and stored.status == Chat.IN_PROGRESS
    assert "offline practice interviewer" in stored.messages[0]["content"]
    assert not any(f["type"] == "error" for f in frames)
    assert llm.requests == []


async def test_invited_candidate_who_declined_must_consent(connect, llm):
    chat = await chat_of(False, invited=True)
    ws = await start(connect, chat)
    frames = await frames_until(ws, of_type("error"))
    assert frames[-1]["code"] == "consent_required"
    assert llm.requests == []


async def test_agreed_uses_the_model(connect, llm):
    llm.configure(text="Hello there.")
    chat = await chat_of(True)
    ws = await start(connect, chat)
    await frames_until(ws, of_type("question.started"))
    assert not (await fresh(chat)).is_offline
    assert len(llm.requests) >= 1


def _newcomer_api():
    user = UserFactory(llm_consent=False)
    api = APIClient()
    api.force_authenticate(user)
    return user, api


@pytest.mark.usefixtures("llm")
def test_api_upload_and_chat_with_resume_refused(llm):
    user, api = _newcomer_api()
    upload = SimpleUploadedFile("cv.txt", b"Jane Doe\nPython developer")
    refused = api.post("/api/resumes/", {"title": "CV", "file": upload})
    assert (refused.status_code, refused.json()["code"]) == (403, "consent_required")
    listing = api.post("/api/job-listings/", {"content": "Senior Django developer."}, format="json")
    assert (listing.status_code, listing.json()["code"]) == (403, "consent_required")
    resume = ResumeFactory(user=user)
    body = {"title": "Practice", "type": "SKL", "difficulty": 4, "resume": resume.pk}
    chat = api.post("/api/chats/", body, format="json")
    assert (chat.status_code, chat.json()["code"]) == (403, "consent_required")
    assert not Chat.objects.filter(user=user).exists()
    assert llm.requests == []


@pytest.mark.usefixtures("llm")
def test_declined_chat_with_resume_uses_the_banks_without_the_model(llm):
    user, api = _newcomer_api()
    consent_record(user=user, agreed=False)
    resume = ResumeFactory(user=user)
    body = {"title": "Practice", "type": "SKL", "difficulty": 4, "resume": resume.pk}
    assert api.post("/api/chats/", body, format="json").status_code == 201
    assert llm.requests == []


@pytest.mark.usefixtures("llm")
def test_pages_redirect_to_consent_with_next():
    user = UserFactory(llm_consent=False)
    client = Client()
    client.force_login(user)
    chat = ChatFactory(user=user, key_questions=QUESTIONS)
    for url in (reverse("interview_new"), reverse("job_create"), reverse("interview_live", args=[chat.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_consent") + "?next="), url


@pytest.mark.usefixtures("llm")
def test_declined_listing_waits_with_a_reason_then_parses_after_consent(llm, django_capture_on_commit_callbacks):
    user, api = _newcomer_api()
    consent_record(user=user, agreed=False)
    created = api.post("/api/job-listings/", {"content": "Senior Django developer. 5+ years Python."}, format="json")
    assert created.status_code == 201
    listing = UploadedJobListing.objects.get(pk=created.json()["id"])
    assert jp.job_listing_parse(listing_id=listing.pk) == "waiting_for_consent"
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == ("pending", DECLINED_PARSING_REASON)
    assert llm.requests == []
    consent_record(user=user, agreed=True)
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == ("pending", "")


async def test_withdrawn_mid_interview_refuses_the_next_answer(connect, llm):
    llm.configure(text="Hello there.")
    chat = await chat_of(True)
    ws = await start(connect, chat)
    await frames_until(ws, of_type("question.started"))
    calls = len(llm.requests)
    await database_sync_to_async(consent_record)(user=chat.user, agreed=False)
    await ws.send_json_to({"type": "answer.submit", "id": "a1", "content": "The GIL serialises bytecode."})
    frames = await frames_until(ws, of_type("error"))
    assert (frames[-1]["code"], frames[-1].get("client_id")) == ("consent_required", "a1")
    assert len(llm.requests) == calls
    assert [m["role"] for m in (await fresh(chat)).messages] == ["assistant"]
