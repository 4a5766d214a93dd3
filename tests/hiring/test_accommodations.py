"""Extra time on invitations (issue 22): the multiplier when inviting, the window it extends, the candidate's
one request and the interviewer's decision before the interview starts (services, API, pages)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from interview.core.errors import ServiceError
from interview.hiring import services as inv
from interview.hiring.accommodations import accommodation_decide, accommodation_request
from interview.models import AccommodationRequest, InvitedInterview
from tests.hiring.helpers import NOW, fillable_template, invitation_with_token, verified_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


@pytest.fixture
def ada():
    return verified_user("ada")


@pytest.fixture
def pending(interviewer, ada):
    return invitation_with_token(interviewer=interviewer, email=ada.email, scheduled_time=NOW, duration=60)


@pytest.fixture
def api():
    return APIClient()


def create(interviewer, **kwargs):
    return inv.invitation_create(
        interviewer=interviewer, candidate_email="ada@example.com", template_id=fillable_template(interviewer).pk,
        scheduled_time=NOW + timedelta(days=1), duration_minutes=45, now=NOW, link_for=lambda t: f"/invite/{t}/",
        **kwargs,
    )  # fmt: skip


def ask(token, user, multiplier="1.5", minutes=-60):
    return accommodation_request(token=token, user=user, multiplier=multiplier, now=NOW + timedelta(minutes=minutes))


def decide(invitation, user, decision="grant", multiplier=None, minutes=-30):
    return accommodation_decide(
        invitation_id=invitation.pk, user=user, decision=decision, multiplier=multiplier,
        now=NOW + timedelta(minutes=minutes),
    )  # fmt: skip


# --- The multiplier when inviting ------------------------------------------------------------------


def test_invitation_create_stores_the_multiplier(interviewer):
    assert create(interviewer, time_multiplier="1.5").invitation.time_multiplier == Decimal("1.5")


@pytest.mark.parametrize("value", [0, 3, "x"])
def test_invitation_create_refuses_a_bad_multiplier_and_saves_nothing(interviewer, value):
    with pytest.raises(ValidationError) as caught:
        create(interviewer, time_multiplier=value)
    assert "1, 1.25, 1.5 or 2" in caught.value.message_dict["time_multiplier"][0]
    assert not InvitedInterview.objects.exists() and not mail.outbox


@pytest.mark.parametrize("value", [0, 3, "x"])
def test_invitations_api_refuses_a_bad_multiplier(api, interviewer, value):
    api.force_authenticate(interviewer)
    body = {
        "candidate_email": "ada@example.com", "template": fillable_template(interviewer).pk,
        "scheduled_time": (timezone.now() + timedelta(days=1)).isoformat(), "duration_minutes": 45,
        "time_multiplier": value,
    }  # fmt: skip
    response = api.post("/api/invitations/", body, format="json")
    assert response.status_code == 400 and "1, 1.25, 1.5 or 2" in response.json()["time_multiplier"][0]
    assert not InvitedInterview.objects.exists()


def test_invitations_api_create_takes_the_multiplier(api, interviewer):
    api.force_authenticate(interviewer)
    body = {
        "candidate_email": "ada@example.com", "template": fillable_template(interviewer).pk,
        "scheduled_time": (timezone.now() + timedelta(days=1)).isoformat(), "duration_minutes": 45,
        "time_multiplier": "1.25",
    }  # fmt: skip
    response = api.post("/api/invitations/", body, format="json")
    assert (response.status_code, response.json()["time_multiplier"]) == (201, "1.25")


def test_invitation_form_refuses_a_bad_multiplier(client, interviewer):
    client.force_login(interviewer)
    data = {
        "candidate_email": "ada@example.com", "template": fillable_template(interviewer).pk,
        "scheduled_time": (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "duration_minutes": 45,
        "time_multiplier": "x",
    }  # fmt: skip
    response = client.post("/invitations/new/", data)
    assert response.status_code == 400 and "1, 1.25, 1.5 or 2" in response.content.decode()
    assert not InvitedInterview.objects.exists()


# --- The chat and its window -----------------------------------------------------------------------


def test_invitation_start_copies_the_multiplier_to_the_chat(pending, ada):
    InvitedInterview.objects.filter(pk=pending[0].pk).update(time_multiplier=Decimal("2"))
    chat = inv.invitation_start(token=pending[1], user=ada, now=NOW + timedelta(minutes=5)).chat
    assert chat.time_multiplier == Decimal("2")


def test_invitation_start_extends_the_window_by_the_extra_clock_time(pending, ada, settings):
    settings.FOLLOW_UP_TIME_LIMIT_RATIO = 0.5
    InvitedInterview.objects.filter(pk=pending[0].pk).update(time_multiplier=Decimal("1.5"))
    started = NOW + timedelta(minutes=5)
    chat = inv.invitation_start(token=pending[1], user=ada, now=started).chat
    clocks = sum(
        q["time_limit"] + chat.max_follow_ups * max(60, round(q["time_limit"] / 2)) for q in chat.key_questions
    )
    assert chat.ends_at == started + timedelta(minutes=60, seconds=clocks / 2)


def test_invitation_start_standard_time_keeps_the_window(pending, ada):
    chat = inv.invitation_start(token=pending[1], user=ada, now=NOW + timedelta(minutes=5)).chat
    assert chat.ends_at == NOW + timedelta(minutes=65)


# --- The candidate's request -----------------------------------------------------------------------


def test_accommodation_request_is_saved_and_emailed_to_the_interviewer(
    pending, ada, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = ask(pending[1], ada)
    assert (made.status, made.requested_multiplier) == ("pending", Decimal("1.5"))
    assert mail.outbox[-1].to == [pending[0].interviewer.email] and "1.5×" in mail.outbox[-1].body


def test_accommodation_request_a_second_time_is_refused(pending, ada):
    ask(pending[1], ada)
    with pytest.raises(ServiceError) as caught:
        ask(pending[1], ada, "2")
    assert caught.value.code == "already_requested" and AccommodationRequest.objects.count() == 1


@pytest.mark.parametrize("value", [0, 3, "x", 1])
def test_accommodation_request_refuses_a_bad_multiplier(pending, ada, value):
    with pytest.raises(ServiceError) as caught:
        ask(pending[1], ada, value)
    assert caught.value.code == "invalid" and not AccommodationRequest.objects.exists()


def test_accommodation_request_after_the_start_is_refused(pending, ada):
    inv.invitation_start(token=pending[1], user=ada, now=NOW + timedelta(minutes=1))
    with pytest.raises(ServiceError) as caught:
        ask(pending[1], ada, minutes=2)
    assert caught.value.code == "already_started"


def test_accommodation_request_by_someone_else_is_refused(pending):
    with pytest.raises(ServiceError) as caught:
        ask(pending[1], verified_user("eve"))
    assert caught.value.code == "wrong_email" and not AccommodationRequest.objects.exists()


# --- The interviewer's decision --------------------------------------------------------------------


def test_accommodation_grant_sets_the_multiplier_asked_for(pending, ada, interviewer):
    ask(pending[1], ada)
    decided = decide(pending[0], interviewer)
    pending[0].refresh_from_db()
    assert (decided.status, pending[0].time_multiplier) == ("granted", Decimal("1.5"))


def test_accommodation_grant_with_another_multiplier(pending, ada, interviewer):
    ask(pending[1], ada, "2")
    decide(pending[0], interviewer, multiplier="1.25")
    pending[0].refresh_from_db()
    assert pending[0].time_multiplier == Decimal("1.25")


def test_accommodation_decline_keeps_standard_time(pending, ada, interviewer):
    ask(pending[1], ada)
    assert decide(pending[0], interviewer, "decline").status == "declined"
    pending[0].refresh_from_db()
    assert pending[0].time_multiplier == Decimal("1")


def test_accommodation_decide_after_the_start_is_refused(pending, ada, interviewer):
    ask(pending[1], ada)
    inv.invitation_start(token=pending[1], user=ada, now=NOW + timedelta(minutes=1))
    with pytest.raises(ServiceError) as caught:
        decide(pending[0], interviewer, minutes=2)
    pending[0].refresh_from_db()
    assert (caught.value.code, pending[0].time_multiplier) == ("already_started", Decimal("1"))


def test_accommodation_decide_twice_is_refused(pending, ada, interviewer):
    ask(pending[1], ada)
    decide(pending[0], interviewer, "decline")
    with pytest.raises(ServiceError) as caught:
        decide(pending[0], interviewer)
    assert caught.value.code == "already_decided"


def test_accommodation_decide_by_another_interviewer_is_not_found(pending, ada):
    ask(pending[1], ada)
    with pytest.raises(ServiceError) as caught:
        decide(pending[0], verified_user("bob", role="interviewer"))
    assert caught.value.code == "not_found"


# --- API and pages -----------------------------------------------------------------------------------


def test_accommodation_api_request_then_second_request(api, pending, ada):
    api.force_authenticate(ada)
    first = api.post("/api/invitations/accommodation/", {"token": pending[1], "multiplier": 1.5}, format="json")
    second = api.post("/api/invitations/accommodation/", {"token": pending[1], "multiplier": 2}, format="json")
    assert (first.status_code, first.json()["requested_multiplier"]) == (201, "1.50")
    assert (second.status_code, second.json()["code"]) == (409, "already_requested")


@pytest.mark.parametrize("value", [0, 3, "x"])
def test_accommodation_api_refuses_a_bad_multiplier(api, pending, ada, value):
    api.force_authenticate(ada)
    response = api.post("/api/invitations/accommodation/", {"token": pending[1], "multiplier": value}, format="json")
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "1, 1.25, 1.5 or 2" in response.json()["detail"]


def test_accommodation_api_decision_grants(api, pending, ada, interviewer):
    ask(pending[1], ada)
    api.force_authenticate(interviewer)
    url = f"/api/invitations/{pending[0].pk}/accommodation/decision/"
    response = api.post(url, {"decision": "grant"}, format="json")
    body = response.json()
    assert (response.status_code, body["time_multiplier"], body["accommodation"]["status"]) == (200, "1.50", "granted")


def test_accommodation_api_decision_without_a_request(api, pending, interviewer):
    api.force_authenticate(interviewer)
    response = api.post(f"/api/invitations/{pending[0].pk}/accommodation/decision/", {"decision": "grant"})
    assert (response.status_code, response.json()["code"]) == (409, "no_request")


def test_accommodation_api_decision_refused_to_a_candidate(api, pending, ada):
    ask(pending[1], ada)
    api.force_authenticate(ada)
    response = api.post(f"/api/invitations/{pending[0].pk}/accommodation/decision/", {"decision": "grant"})
    assert response.status_code == 403


def test_join_page_offers_the_request_without_asking_a_reason(client, pending, ada):
    client.force_login(ada)
    page = client.get(f"/invite/{pending[1]}/").content.decode()
    assert "Ask for extra time" in page and "do not need to give a reason" in page


def test_join_page_request_then_second_request_says_why(client, pending, ada):
    client.force_login(ada)
    client.post(f"/invite/{pending[1]}/accommodation/", {"multiplier": "1.50"})
    response = client.post(f"/invite/{pending[1]}/accommodation/", {"multiplier": "2.00"}, follow=True)
    assert "already asked for extra time" in response.content.decode()
    assert AccommodationRequest.objects.get().requested_multiplier == Decimal("1.5")


def test_join_page_request_refuses_a_bad_multiplier(client, pending, ada):
    client.force_login(ada)
    response = client.post(f"/invite/{pending[1]}/accommodation/", {"multiplier": "3"}, follow=True)
    assert "Choose extra time of 1.25, 1.5 or 2" in response.content.decode()
    assert not AccommodationRequest.objects.exists()


def test_review_page_grant_form_sets_the_multiplier(client, pending, ada, interviewer):
    ask(pending[1], ada)
    client.force_login(interviewer)
    page = client.get(f"/invitations/{pending[0].pk}/review/").content.decode()
    response = client.post(f"/invitations/{pending[0].pk}/accommodation/", {"decision": "grant", "multiplier": "2.00"})
    pending[0].refresh_from_db()
    assert "asked for extra time" in page and response.status_code == 302
    assert pending[0].time_multiplier == Decimal("2")
