"""Who may reach each report URL: the owner, the invitation's interviewer and admins; nobody else (404)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import InvitationFactory, UserFactory
from tests.reports.helpers import generate, make_chat
from tests.scoring.helpers import scorecard_submitted

pytestmark = pytest.mark.django_db

PAGE_GETS = ["report_detail", "report_pdf", "report_csv"]
API_GETS = ["api-report", "api-report-pdf", "api-report-csv"]


@pytest.fixture
def chat(user, offline_llm):
    chat = make_chat(user)
    generate(chat)
    invitation = InvitationFactory(interviewer=UserFactory(username="their_interviewer", role="interviewer"), chat=chat)
    scorecard_submitted(chat, invitation.interviewer)  # the blind rule: the report shows once they scored
    return chat


def person(name: str, chat):
    if name == "owner":
        return chat.user
    if name == "observer":
        return chat.invitation.interviewer
    if name == "admin":
        return UserFactory(username="boss", role="admin")
    if name == "other_interviewer":
        return UserFactory(username="another_interviewer", role="interviewer")
    return UserFactory(username="another_candidate")


def page_client(client, name, chat):
    client.force_login(person(name, chat))
    return client


def api_client(name, chat) -> APIClient:
    client = APIClient()
    client.force_authenticate(person(name, chat))
    return client


@pytest.mark.parametrize("url_name", PAGE_GETS)
@pytest.mark.parametrize("who", ["owner", "observer", "admin"])
def test_report_pages_allow_viewers(client, chat, url_name, who):
    assert page_client(client, who, chat).get(reverse(url_name, args=[chat.pk])).status_code == 200


@pytest.mark.parametrize("url_name", [*PAGE_GETS, "report_regenerate"])
@pytest.mark.parametrize("who", ["other_interviewer", "other_candidate"])
def test_report_pages_hide_from_others(client, chat, url_name, who):
    method = client.post if url_name == "report_regenerate" else client.get
    page_client(client, who, chat)
    assert method(reverse(url_name, args=[chat.pk])).status_code == 404


@pytest.mark.parametrize("url_name", [*PAGE_GETS, "report_regenerate"])
def test_report_pages_send_anonymous_to_login(client, chat, url_name):
    method = client.post if url_name == "report_regenerate" else client.get
    response = method(reverse(url_name, args=[chat.pk]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.parametrize("who", ["observer", "admin"])
def test_report_regenerate_page_allows_interviewer_and_admin(client, chat, who):
    response = page_client(client, who, chat).post(reverse("report_regenerate", args=[chat.pk]))
    assert response.status_code == 302


def test_report_regenerate_page_refuses_the_invited_candidate(client, chat):
    response = page_client(client, "owner", chat).post(reverse("report_regenerate", args=[chat.pk]))
    assert response.status_code == 403


def test_report_regenerate_page_rejects_get(client, chat):
    assert page_client(client, "owner", chat).get(reverse("report_regenerate", args=[chat.pk])).status_code == 405


@pytest.mark.parametrize("url_name", API_GETS)
@pytest.mark.parametrize("who", ["owner", "observer", "admin"])
def test_report_api_allows_viewers(chat, url_name, who):
    assert api_client(who, chat).get(reverse(url_name, args=[chat.pk])).status_code == 200


@pytest.mark.parametrize("url_name", [*API_GETS, "api-report-regenerate"])
@pytest.mark.parametrize("who", ["other_interviewer", "other_candidate"])
def test_report_api_hides_from_others(chat, url_name, who):
    client = api_client(who, chat)
    method = client.post if url_name == "api-report-regenerate" else client.get
    assert method(reverse(url_name, args=[chat.pk])).status_code == 404


@pytest.mark.parametrize("url_name", [*API_GETS, "api-report-regenerate"])
def test_report_api_rejects_anonymous(chat, url_name):
    client = APIClient()
    method = client.post if url_name == "api-report-regenerate" else client.get
    assert method(reverse(url_name, args=[chat.pk])).status_code == 401


@pytest.mark.parametrize("who", ["observer", "admin"])
def test_report_api_regenerate_allows_interviewer_and_admin(chat, who):
    assert api_client(who, chat).post(reverse("api-report-regenerate", args=[chat.pk])).status_code == 202


def test_report_api_regenerate_refuses_the_invited_candidate(chat):
    assert api_client("owner", chat).post(reverse("api-report-regenerate", args=[chat.pk])).status_code == 403


def test_report_api_unknown_chat_is_404(chat):
    assert api_client("owner", chat).get(reverse("api-report", args=[999_999])).status_code == 404


@pytest.mark.parametrize("who", ["other_interviewer", "other_candidate", "owner"])
def test_usage_all_is_for_admins_only(client, chat, who):
    assert page_client(client, who, chat).get(reverse("usage_all")).status_code == 403


def test_usage_all_allows_admin(client, chat):
    assert page_client(client, "admin", chat).get(reverse("usage_all")).status_code == 200


@pytest.mark.parametrize("url_name", ["usage_mine", "usage_all"])
def test_usage_pages_send_anonymous_to_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and reverse("login") in response["Location"]
