"""Candidate search and profiles for interviewers and admins."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interview.hiring.selectors import candidate_profile_for, candidate_search
from tests.factories import ChatFactory, InvitationFactory, ResumeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada():
    return UserFactory(username="ada", first_name="Ada", last_name="Lovelace", email="ada@math.example")


def test_candidate_search_by_username(ada):
    assert candidate_search("ADA") == [ada]


def test_candidate_search_by_full_name(ada):
    assert candidate_search("ada lovelace") == [ada]


def test_candidate_search_by_email(ada):
    assert candidate_search("math.example") == [ada]


def test_candidate_search_skips_interviewers(interviewer):
    assert candidate_search("interviewer") == []


def test_candidate_search_empty_query_finds_nothing(ada):
    assert candidate_search("   ") == []


def test_candidate_profile_interviewer_sees_only_own_invitations_interviews(ada, interviewer):
    own = ChatFactory(user=ada)
    InvitationFactory(interviewer=interviewer, candidate_email=ada.email, chat=own, candidate=ada)
    ChatFactory(user=ada)  # practice: private to the candidate
    assert [chat.pk for chat in candidate_profile_for(interviewer, ada.pk).chats] == [own.pk]


def test_candidate_profile_interviewer_sees_only_attached_documents(ada, interviewer):
    attached = ResumeFactory(user=ada)
    ResumeFactory(user=ada)
    chat = ChatFactory(user=ada, resume=attached)
    InvitationFactory(interviewer=interviewer, candidate_email=ada.email, chat=chat, candidate=ada)
    assert candidate_profile_for(interviewer, ada.pk).resumes == [attached]


def test_candidate_profile_admin_sees_everything(ada, admin_user):
    ChatFactory(user=ada)
    ResumeFactory(user=ada)
    profile = candidate_profile_for(admin_user, ada.pk)
    assert (len(profile.chats), len(profile.resumes)) == (1, 1)


def test_candidate_profile_of_an_interviewer_is_none(interviewer, admin_user):
    assert candidate_profile_for(admin_user, interviewer.pk) is None


def test_candidate_search_page_lists_matches(client, interviewer, ada):
    client.force_login(interviewer)
    page = client.get(reverse("candidate_search") + "?q=love").content.decode()
    assert reverse("candidate_profile", args=[ada.pk]) in page


def test_candidate_search_page_no_match_says_so(client, interviewer):
    client.force_login(interviewer)
    assert "No candidate matches" in client.get(reverse("candidate_search") + "?q=zzz").content.decode()


def test_candidate_profile_page_shows_the_candidate(client, interviewer, ada):
    client.force_login(interviewer)
    assert "ada@math.example" in client.get(reverse("candidate_profile", args=[ada.pk])).content.decode()


def test_candidate_profile_page_for_a_non_candidate_is_404(client, interviewer, admin_user):
    client.force_login(interviewer)
    assert client.get(reverse("candidate_profile", args=[admin_user.pk])).status_code == 404
