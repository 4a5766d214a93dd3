"""The interviewer's review page: who asked each follow-up, and how it ended."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interview.hiring import selectors as sel
from tests.factories import InvitationFactory
from tests.reports.helpers import FOLLOW_UPS, make_chat

pytestmark = pytest.mark.django_db


def review_page(client, interviewer, chat) -> str:
    invitation = InvitationFactory(
        interviewer=interviewer, candidate=chat.user, candidate_email=chat.user.email, chat=chat, status="completed"
    )
    client.force_login(interviewer)
    response = client.get(reverse("invitation_review", args=[invitation.pk]))
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


@pytest.fixture
def html(client, user, interviewer) -> str:
    return review_page(client, interviewer, make_chat(user, follow_ups=FOLLOW_UPS))


def test_review_page_names_the_ai_interviewer_as_asker(html):
    assert "follow-up 1.1, asked by the AI interviewer" in html


def test_review_page_names_the_offline_rule_as_asker(html):
    assert "follow-up 2.2, asked by the offline interviewer&#x27;s rule" in html


def test_review_page_names_the_hiring_team_member_as_asker(html):
    assert "<td>2.1</td><td>How did the team take the prototype&#x27;s results?</td>" in html
    assert "<td>Asked by Ada Lovelace (hiring team)</td><td>skipped</td>" in html


def test_review_page_lists_expired_follow_up_as_time_ran_out(html):
    assert "<td>Asked by the offline interviewer&#x27;s rule</td><td>time ran out</td>" in html


def test_review_page_labels_answers_to_follow_ups(html):
    assert "Candidate · answer to follow-up 1.1 · 12.5 s" in html


def test_review_page_without_follow_ups_has_no_follow_up_section(client, user, interviewer):
    html = review_page(client, interviewer, make_chat(user))
    assert "Follow-up questions" not in html and "follow-up" not in html


def test_review_follow_ups_lists_every_follow_up_in_order(user):
    rows = sel.review_follow_ups(make_chat(user, follow_ups=FOLLOW_UPS))
    assert [(r.label, r.asker, r.status) for r in rows] == [
        ("1.1", "asked by the AI interviewer", "answered"),
        ("1.2", "asked by the offline interviewer's rule", "time ran out"),
        ("2.1", "asked by Ada Lovelace (hiring team)", "skipped"),
        ("2.2", "asked by the offline interviewer's rule", "answered"),
    ]


def test_review_follow_ups_of_observer_without_name_say_hiring_team(user):
    chat = make_chat(user, follow_ups=FOLLOW_UPS)
    chat.key_questions[1]["follow_ups"][0]["asked_by"] = None
    assert sel.review_follow_ups(chat)[2].asker == "asked by the hiring team"


def test_review_messages_of_chat_without_follow_ups_are_the_transcript(user):
    chat = make_chat(user)
    invitation = InvitationFactory(candidate=user, candidate_email=user.email, chat=chat)
    assert sel.invitation_review_data(invitation).messages == [m for m in chat.messages if m["content"]]


def test_review_data_of_deleted_chat_has_no_follow_ups(user):
    invitation = InvitationFactory(candidate=user, candidate_email=user.email, chat=None)
    assert sel.invitation_review_data(invitation).follow_ups == []
