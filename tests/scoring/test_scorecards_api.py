"""The scorecard API contract: save and submit your own, status codes and error codes, admin reopening."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from interview.models import Chat, Scorecard
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.scoring.helpers import full_scores, scorecard_submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def chat(interviewer):
    chat = ChatFactory(status=Chat.COMPLETED)
    InvitationFactory(interviewer=interviewer, chat=chat, status="completed")
    return chat


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(user, chat, body):
    return client_for(user).post(f"/api/chats/{chat.pk}/scorecards/", body, format="json")


def test_scorecards_api_post_creates_a_draft(chat, interviewer):
    response = post(interviewer, chat, {"scores": {"clarity": {"score": 4, "comment": "ok"}}, "notes": "n"})
    data = response.json()
    assert (response.status_code, data["status"], data["scores"], data["interviewer"]["id"]) == (
        200,
        "draft",
        {"clarity": {"score": 4, "comment": "ok"}},
        interviewer.pk,
    )


def test_scorecards_api_post_submit(chat, interviewer):
    response = post(interviewer, chat, {"scores": full_scores(), "recommendation": "yes", "submit": True})
    assert (response.status_code, response.json()["status"]) == (200, "submitted")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"scores": {"clarity": 7}}, 400, "score_out_of_range"),
        ({"scores": {"clarity": {"score": 0}}}, 400, "score_out_of_range"),
        ({"scores": {"humour": 3}}, 400, "unknown_criterion"),
        ({"scores": [3, 4]}, 400, "invalid"),
        ({"recommendation": "perhaps"}, 400, "invalid"),
        ({"scores": {"clarity": 3}, "submit": True}, 400, "scorecard_incomplete"),
    ],
)
def test_scorecards_api_refusals_save_nothing(chat, interviewer, body, status, code):
    response = post(interviewer, chat, body)
    assert (response.status_code, response.json()["code"], Scorecard.objects.exists()) == (status, code, False)


def test_scorecards_api_second_submission_is_409(chat, interviewer):
    scorecard_submitted(chat, interviewer)
    response = post(interviewer, chat, {"notes": "changed my mind"})
    assert (response.status_code, response.json()["code"]) == (409, "already_submitted")


def test_scorecards_api_submit_before_the_end_is_409(interviewer):
    chat = ChatFactory(status=Chat.IN_PROGRESS)
    InvitationFactory(interviewer=interviewer, chat=chat)
    response = post(interviewer, chat, {"scores": full_scores(), "recommendation": "no", "submit": True})
    assert (response.status_code, response.json()["code"]) == (409, "not_completed")


def test_scorecards_api_candidate_is_403(chat):
    response = post(chat.user, chat, {"scores": {"clarity": 3}})
    assert (response.status_code, response.json()["code"]) == (403, "not_on_panel")


def test_scorecards_api_stranger_is_404(chat):
    assert post(UserFactory(role="interviewer"), chat, {"scores": {"clarity": 3}}).status_code == 404


def test_scorecards_api_practice_chat_is_404(admin_user):
    assert client_for(admin_user).get(f"/api/chats/{ChatFactory().pk}/scorecards/").status_code == 404


def test_scorecards_api_list_gives_the_rubric(chat, interviewer):
    data = client_for(interviewer).get(f"/api/chats/{chat.pk}/scorecards/").json()
    assert [c["key"] for c in data["criteria"]] == ["professionalism", "subject_knowledge", "clarity"]


def test_scorecards_api_admin_sees_drafts(chat, interviewer, admin_user):
    post(interviewer, chat, {"scores": {"clarity": 2}})
    data = client_for(admin_user).get(f"/api/chats/{chat.pk}/scorecards/").json()
    assert [card["status"] for card in data["scorecards"]] == ["draft"]


def test_scorecards_api_others_drafts_stay_private(chat, interviewer):
    member = UserFactory(role="interviewer")
    chat.invitation.panel.add(member)
    post(member, chat, {"scores": {"clarity": 2}})
    scorecard_submitted(chat, interviewer)
    data = client_for(interviewer).get(f"/api/chats/{chat.pk}/scorecards/").json()
    assert [card["interviewer"]["id"] for card in data["scorecards"]] == [interviewer.pk]
    assert client_for(interviewer).get(f"/api/chats/{chat.pk}/scorecards/{member.pk}/").status_code == 404


def test_scorecards_api_reopen_by_admin(chat, interviewer, admin_user):
    scorecard_submitted(chat, interviewer)
    response = client_for(admin_user).post(f"/api/chats/{chat.pk}/scorecards/{interviewer.pk}/reopen/")
    assert (response.status_code, response.json()["status"], response.json()["reopened_by"]) == (
        200,
        "draft",
        admin_user.username,
    )


def test_scorecards_api_reopen_by_the_author_is_403(chat, interviewer):
    scorecard_submitted(chat, interviewer)
    response = client_for(interviewer).post(f"/api/chats/{chat.pk}/scorecards/{interviewer.pk}/reopen/")
    assert (response.status_code, Scorecard.objects.get().status) == (403, "submitted")


def test_scorecards_api_is_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/chats/{chat_id}/scorecards/", "/api/chats/{chat_id}/scorecards/{user_id}/", "decision/"):
        assert path in schema
