"""Malformed ids anywhere (path, body, query) are a 404 or a 400, never a 500.

The route list comes from the URLconf, so a new route with an id parameter is swept automatically.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from rest_framework.test import APIClient

from tests.factories import ChatFactory, TagFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]

HOSTILE = ("abc", "-1", str(10**20), "1.5", "%00", "%C2%B2")
BIG = 10**20
# A path parameter is an id when its name says so; tokens and format suffixes are not ids.
ID_NAME = re.compile(r"(^|_)(id|pk)$")
PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>(?:[^()]|\([^()]*\))*\)")


def _route_text(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        return str(pattern._route)
    return pattern.regex.pattern.removeprefix("^").removesuffix("$").removesuffix(r"\Z")


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    """Every route of the URLconf as one pattern string, includes joined."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        text = prefix + _route_text(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, text)
        elif isinstance(entry, URLPattern):
            yield text


def _names(route: str) -> list[str]:
    return [m.group("name") or m.group("rname") for m in PARAM.finditer(route)]


def id_routes() -> list[str]:
    """Routes whose parameters are all ids (a route with a token or a format suffix is left to its own tests)."""
    return sorted({r for r in routes() if (names := _names(r)) and all(ID_NAME.search(n) for n in names)})


def fill(route: str, value: str) -> str:
    """The route's URL with every id parameter set to `value` (regex escapes undone)."""
    url = PARAM.sub(lambda m: value, route)
    return "/" + url.replace("\\", "")


def test_id_routes_cover_the_api_and_the_pages():
    found = id_routes()
    assert {r for r in found if r.startswith("api/chats/")} and {r for r in found if r.startswith("interviews/")}
    assert any(r.startswith("admin/") for r in found) and len(found) > 40


@pytest.fixture
def clients() -> list[Client]:
    """An admin (past every role check) and a candidate, signed in (the API takes the session too)."""
    admin = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    candidate = UserFactory(username="cand")
    ChatFactory(user=candidate)
    made: list[Client] = []
    for user in (admin, candidate):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        made.append(client)
    return made


@pytest.mark.parametrize("value", HOSTILE)
def test_malformed_path_ids_never_500(clients, value):
    failures = []
    for route in id_routes():
        url = fill(route, value)
        for client in clients:
            for method in ("get", "post", "put", "delete"):
                status = getattr(client, method)(url).status_code
                if status >= 500:
                    failures.append(f"{method.upper()} {url} as {client.session.get('_auth_user_id')}: {status}")
    assert not failures, "\n".join(failures)


# --- ids in bodies and query strings ---------------------------------------------------------


@pytest.fixture
def api(user) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


@pytest.fixture
def interviewer_api(interviewer) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(interviewer)
    return client


@pytest.mark.parametrize("field", ["resume", "job_listing", "template"])
@pytest.mark.parametrize("value", [BIG, -1, "abc", 1.5])
def test_chat_create_body_ids_are_400_or_404(api, field, value):
    body = {"title": "x", "type": "GEN", "difficulty": 3, field: value}
    assert api.post("/api/chats/", body, format="json").status_code in (400, 404)


def test_chat_create_huge_template_id_is_400_with_a_message(api):
    body = {"title": "x", "type": "GEN", "difficulty": 3, "template": BIG}
    response = api.post("/api/chats/", body, format="json")
    assert response.status_code == 400 and "template" in response.json()


@pytest.mark.parametrize("value", [BIG, -1, "abc"])
def test_template_create_bank_ids_are_400(interviewer_api, value):
    body = {
        "name": "T", "difficulty": 3, "question_count": 3, "easy_percentage": 0, "medium_percentage": 100,
        "hard_percentage": 0, "question_bank_ids": [value],
    }  # fmt: skip
    response = interviewer_api.post("/api/templates/", body, format="json")
    assert response.status_code == 400 and "question_bank_ids" in response.json()


@pytest.mark.parametrize("value", [BIG, -1, "abc"])
def test_invitation_create_template_id_is_400(interviewer_api, value):
    body = {"candidate_email": "c@example.com", "template": value, "scheduled_time": "2099-01-01T10:00:00Z"}
    body["duration_minutes"] = 30
    assert interviewer_api.post("/api/invitations/", body, format="json").status_code in (400, 404)


@pytest.mark.parametrize("value", [str(BIG), "-1", "abc", "%00", "1.5", "%C2%B2"])
def test_new_interview_page_job_listing_query_is_ignored(client, user, value):
    client.force_login(user)
    assert client.get(f"/interviews/new/?job_listing={value}").status_code == 200


@pytest.mark.parametrize("value", [str(BIG), "-1", "abc"])
def test_new_interview_page_huge_ids_in_the_form_are_400(client, user, value):
    client.force_login(user)
    data = {"title": "x", "type": "GEN", "difficulty": 3, "resume": value, "job_listing": value, "template": value}
    assert client.post("/interviews/new/", data).status_code == 400


@pytest.mark.parametrize("value", [str(BIG), "-1", "abc"])
def test_template_form_huge_bank_ids_are_400(client, interviewer, value):
    client.force_login(interviewer)
    data = {
        "name": "T", "difficulty": 3, "question_count": 3, "easy_percentage": 0, "medium_percentage": 100,
        "hard_percentage": 0, "question_banks": [value],
    }  # fmt: skip
    response = client.post("/setup/templates/new/", data)
    assert response.status_code in (200, 400) and "question_banks" in response.context["form"].errors


@pytest.mark.parametrize("value", [str(BIG), "-1", "abc"])
def test_tag_merge_form_huge_target_is_refused(client, admin_user, value):
    client.force_login(admin_user)
    response = client.post(f"/setup/tags/{TagFactory().pk}/merge/", {"target": value})
    assert response.status_code in (200, 400) and "target" in response.context["form"].errors


@pytest.mark.parametrize("value", [str(BIG), "-1", "abc"])
def test_invitation_form_huge_template_is_refused(client, interviewer, value):
    client.force_login(interviewer)
    data = {"candidate_email": "c@example.com", "template": value, "scheduled_time": "2099-01-01T10:00"}
    data["duration_minutes"] = 30
    response = client.post("/invitations/new/", data)
    assert response.status_code in (200, 400) and "template" in response.context["form"].errors


def test_integer_in_lookup_ignores_values_outside_the_column(interviewer):
    from interview.models import QuestionBank
    from tests.factories import QuestionBankFactory

    bank = QuestionBankFactory(owner=interviewer)
    assert list(QuestionBank.objects.filter(pk__in=[BIG, -BIG, bank.pk])) == [bank]


def test_integer_in_lookup_with_only_outside_values_matches_nothing(interviewer):
    from interview.models import QuestionBank
    from tests.factories import QuestionBankFactory

    QuestionBankFactory(owner=interviewer)
    assert not QuestionBank.objects.filter(pk__in=[BIG]).exists()
