"""Hiring evidence and fairness (issue 15): questions stay secret until asked, invited interviews cannot be
deleted by their candidate, and only the interviewer (or an admin) re-rolls an invited interview's report,
everyone under a cooldown."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interview.interviews.chats import ChatDeleteRefused, chat_delete
from interview.interviews.selectors import key_questions_hidden_from
from interview.models import Chat, ExportableReport, InvitedInterview
from interview.reports.services import ReportCooldown, report_regenerate
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.reports.helpers import generate, make_chat
from tests.scoring.helpers import scorecard_submitted

pytestmark = pytest.mark.django_db

SECRET = "SECRET: design a rate limiter for a payments API."
OTHER_SECRET = "SECRET: explain two-phase commit."


@pytest.fixture(autouse=True)
def _offline(offline_llm):
    """No model: reports come from the offline rubric."""


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def invited_chat(candidate, interviewer, **chat_fields) -> Chat:
    """A not-started interview that belongs to an invitation from `interviewer`."""
    questions = [{"question": SECRET, "time_limit": 120}, {"question": OTHER_SECRET, "time_limit": 300}]
    chat = ChatFactory(user=candidate, key_questions=questions, **chat_fields)
    InvitationFactory(interviewer=interviewer, candidate=candidate, candidate_email=candidate.email, chat=chat)
    return chat


def reported_chat(candidate, interviewer=None) -> Chat:
    """A completed interview with a ready report whose last key question was never asked."""
    chat = make_chat(candidate)
    chat.key_questions.append({"question": SECRET, "time_limit": 180, "status": "pending"})
    chat.save()
    if interviewer is not None:
        InvitationFactory(interviewer=interviewer, candidate=candidate, candidate_email=candidate.email, chat=chat)
        scorecard_submitted(chat, interviewer)  # the blind rule: the report's scores show once they scored
    generate(chat)
    return Chat.objects.get(pk=chat.pk)


# --- 1. questions leak before they are asked --------------------------------------------------


def test_chat_api_list_hides_unasked_questions_from_candidate(user, interviewer):
    invited_chat(user, interviewer)
    assert SECRET not in api_as(user).get("/api/chats/").content.decode()


def test_chat_api_detail_hides_unasked_questions_from_candidate(user, interviewer):
    chat = invited_chat(user, interviewer)
    body = api_as(user).get(f"/api/chats/{chat.pk}/").content.decode()
    assert SECRET not in body and OTHER_SECRET not in body


def test_chat_api_keeps_count_and_time_limits_of_hidden_questions(user, interviewer):
    chat = invited_chat(user, interviewer)
    questions = api_as(user).get(f"/api/chats/{chat.pk}/").json()["key_questions"]
    assert [(q["question"], q["time_limit"], q["hidden"]) for q in questions] == [(None, 120, True), (None, 300, True)]


def test_chat_api_shows_candidate_a_question_once_asked(user, interviewer):
    chat = invited_chat(user, interviewer, status=Chat.IN_PROGRESS)
    chat.key_questions[0]["status"] = "asked"
    chat.save()
    questions = api_as(user).get(f"/api/chats/{chat.pk}/").json()["key_questions"]
    assert [q["question"] for q in questions] == [SECRET, None]


def test_chat_api_shows_inviting_interviewer_every_question(user, interviewer):
    chat = invited_chat(user, interviewer)
    questions = api_as(interviewer).get(f"/api/chats/{chat.pk}/").json()["key_questions"]
    assert [q["question"] for q in questions] == [SECRET, OTHER_SECRET]


def test_chat_api_shows_admin_every_question(user, interviewer, admin_user):
    chat = invited_chat(user, interviewer)
    questions = api_as(admin_user).get(f"/api/chats/{chat.pk}/").json()["key_questions"]
    assert [q["question"] for q in questions] == [SECRET, OTHER_SECRET]


def test_key_questions_hidden_from_another_interviewer_too(user, interviewer):
    chat = invited_chat(user, interviewer)
    stranger = UserFactory(username="other_interviewer", role="interviewer")
    assert key_questions_hidden_from(stranger, chat) == {0, 1}


def test_report_api_hides_unasked_question_from_candidate(user):
    chat = reported_chat(user)
    body = api_as(user).get(reverse("api-report", args=[chat.pk])).content.decode()
    assert SECRET not in body and "This question was not asked" in body


def test_report_api_shows_unasked_question_to_inviting_interviewer(user, interviewer):
    chat = reported_chat(user, interviewer)
    assert SECRET in api_as(interviewer).get(reverse("api-report", args=[chat.pk])).content.decode()


def test_report_page_hides_unasked_question_from_candidate(client, user):
    chat = reported_chat(user)
    client.force_login(user)
    assert SECRET not in client.get(reverse("report_detail", args=[chat.pk])).content.decode()


def test_report_csv_hides_unasked_question_from_candidate(client, user):
    chat = reported_chat(user)
    client.force_login(user)
    response = client.get(reverse("report_csv", args=[chat.pk]))
    assert response.status_code == 200 and SECRET not in response.content.decode("utf-8-sig")


def test_report_csv_api_shows_unasked_question_to_interviewer(user, interviewer):
    chat = reported_chat(user, interviewer)
    response = api_as(interviewer).get(reverse("api-report-csv", args=[chat.pk]))
    assert SECRET in response.content.decode("utf-8-sig")


def pdf_text(content: bytes) -> str:
    import pymupdf

    with pymupdf.open(stream=content, filetype="pdf") as document:
        return " ".join(page.get_text() for page in document).replace("\n", " ")


def test_report_pdf_hides_unasked_question_from_candidate(client, user):
    chat = reported_chat(user)
    client.force_login(user)
    response = client.get(reverse("report_pdf", args=[chat.pk]))
    assert response.status_code == 200 and "rate limiter" not in pdf_text(response.content)


def test_report_pdf_of_interviewer_is_not_the_candidates_redacted_copy(client, user, interviewer):
    chat = reported_chat(user, interviewer)
    client.force_login(user)
    client.get(reverse("report_pdf", args=[chat.pk]))  # the candidate's redacted PDF must not be cached
    client.force_login(interviewer)
    assert "rate limiter" in pdf_text(client.get(reverse("report_pdf", args=[chat.pk])).content)


@pytest.mark.django_db(transaction=True)
async def test_socket_snapshot_hides_unasked_questions_from_candidate(connect, offline_llm):
    candidate = await database_sync_to_async(UserFactory)(username="cand")
    interviewer = await database_sync_to_async(UserFactory)(username="inv", role="interviewer")
    chat = await database_sync_to_async(invited_chat)(candidate, interviewer)
    communicator, snapshot = await connect(f"/ws/interview/{chat.pk}/", candidate)
    await communicator.disconnect()
    text = json.dumps(snapshot)
    assert snapshot["interview"]["question_total"] == 2 and SECRET not in text and OTHER_SECRET not in text


# --- 2. a candidate can delete an invited interview --------------------------------------------


def test_chat_api_delete_invited_chat_is_403_with_message(user, interviewer):
    chat = invited_chat(user, interviewer)
    response = api_as(user).delete(f"/api/chats/{chat.pk}/")
    assert response.status_code == 403 and "invitation" in response.json()["detail"]


def test_chat_api_delete_invited_chat_keeps_chat_and_report(user, interviewer):
    chat = reported_chat(user, interviewer)
    api_as(user).delete(f"/api/chats/{chat.pk}/")
    assert Chat.objects.filter(pk=chat.pk).exists() and ExportableReport.objects.filter(chat=chat).exists()


def test_chat_delete_service_refuses_invited_chat_with_code(user, interviewer):
    chat = invited_chat(user, interviewer)
    with pytest.raises(ChatDeleteRefused) as refused:
        chat_delete(user=user, chat_id=chat.pk)
    assert refused.value.code == "invited_interview" and InvitedInterview.objects.get().chat_id == chat.pk


def test_chat_api_delete_practice_chat_is_204(user):
    chat = ChatFactory(user=user)
    assert api_as(user).delete(f"/api/chats/{chat.pk}/").status_code == 204
    assert not Chat.objects.filter(pk=chat.pk).exists()


# --- 3. report regeneration: who, and how often ------------------------------------------------


def regenerate_url(chat) -> str:
    return reverse("api-report-regenerate", args=[chat.pk])


def test_report_api_regenerate_refuses_invited_candidate_with_message(user, interviewer):
    chat = reported_chat(user, interviewer)
    response = api_as(user).post(regenerate_url(chat))
    assert response.status_code == 403 and "interviewer" in response.json()["detail"]


def test_report_api_regenerate_refusal_changes_nothing(user, interviewer):
    chat = reported_chat(user, interviewer)
    api_as(user).post(regenerate_url(chat))
    report = ExportableReport.objects.get(chat=chat)
    assert (report.status, report.version, report.regenerated_at) == ("ready", 1, None)


def test_report_api_regenerate_allows_practice_owner(user):
    chat = reported_chat(user)
    assert api_as(user).post(regenerate_url(chat)).status_code == 202


def test_report_api_regenerate_twice_is_429_with_retry_after(user, settings):
    settings.REPORT_REGENERATE_COOLDOWN_SECONDS = 300
    chat = reported_chat(user)
    client = api_as(user)
    client.post(regenerate_url(chat))
    ExportableReport.objects.filter(chat=chat).update(status="ready")  # as if the worker had finished
    response = client.post(regenerate_url(chat))
    assert response.status_code == 429 and 295 <= int(response["Retry-After"]) <= 300
    assert "regenerate it again" in response.json()["detail"]


def test_report_api_regenerate_cooldown_applies_to_interviewer(user, interviewer):
    chat = reported_chat(user, interviewer)
    ExportableReport.objects.filter(chat=chat).update(regenerated_at=timezone.now() - timedelta(seconds=10))
    assert api_as(interviewer).post(regenerate_url(chat)).status_code == 429


def test_report_regenerate_cooldown_is_read_from_the_database(user, settings):
    settings.REPORT_REGENERATE_COOLDOWN_SECONDS = 60
    chat = reported_chat(user)
    ExportableReport.objects.filter(chat=chat).update(regenerated_at=timezone.now() - timedelta(seconds=30))
    with pytest.raises(ReportCooldown) as refused:
        report_regenerate(chat=chat, user=user)
    assert 29 <= refused.value.retry_after <= 31


def test_report_regenerate_allowed_after_cooldown(user, settings):
    settings.REPORT_REGENERATE_COOLDOWN_SECONDS = 60
    chat = reported_chat(user)
    ExportableReport.objects.filter(chat=chat).update(regenerated_at=timezone.now() - timedelta(seconds=61))
    assert report_regenerate(chat=chat, user=user).status == "pending"


def test_report_page_regenerate_refuses_invited_candidate(client, user, interviewer):
    chat = reported_chat(user, interviewer)
    client.force_login(user)
    response = client.post(reverse("report_regenerate", args=[chat.pk]))
    assert response.status_code == 403 and ExportableReport.objects.get(chat=chat).status == "ready"


def test_report_page_regenerate_cooldown_is_a_message(client, user):
    chat = reported_chat(user)
    ExportableReport.objects.filter(chat=chat).update(regenerated_at=timezone.now())
    client.force_login(user)
    response = client.post(reverse("report_regenerate", args=[chat.pk]), follow=True)
    assert response.status_code == 200 and "regenerate it again" in response.content.decode()


def test_report_page_hides_regenerate_from_invited_candidate(client, user, interviewer):
    chat = reported_chat(user, interviewer)
    client.force_login(user)
    page = client.get(reverse("report_detail", args=[chat.pk])).content.decode()
    assert reverse("report_regenerate", args=[chat.pk]) not in page


def test_report_page_shows_regenerate_to_inviting_interviewer(client, user, interviewer):
    chat = reported_chat(user, interviewer)
    client.force_login(interviewer)
    page = client.get(reverse("report_detail", args=[chat.pk])).content.decode()
    assert reverse("report_regenerate", args=[chat.pk]) in page


def test_report_page_shows_regenerate_to_practice_owner(client, user):
    chat = reported_chat(user)
    client.force_login(user)
    page = client.get(reverse("report_detail", args=[chat.pk])).content.decode()
    assert reverse("report_regenerate", args=[chat.pk]) in page


def test_key_question_skipped_by_the_hiring_team_stays_visible_to_the_candidate(user, interviewer):
    chat = invited_chat(user, interviewer)
    chat.key_questions[0]["status"] = "skipped"
    assert key_questions_hidden_from(user, chat) == {1}
