"""The blind rule over every page, API route, export and socket, for each kind of viewer.

Viewers: the inviting interviewer ("author") and a co-interviewer ("member"), each before and after
submitting their own scorecard; the candidate; an admin. A third co-interviewer has submitted a scorecard
carrying HUMAN_MARKER; the AI's report carries AI_MARKER and criterion scores (clarity 91/100).
"""

from __future__ import annotations

import json

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.scoring.helpers import AI_MARKER, HUMAN_MARKER, panel_world

VIEWERS = {  # name → (user key, who has submitted, sees the AI's scores and the other humans')
    "author_before": ("author", (), False),
    "author_after": ("author", ("author",), True),
    "member_before": ("member", (), False),
    "member_after": ("member", ("member",), True),
    "candidate": ("candidate", (), None),  # the report as today's rules allow; never scorecards
    "admin": ("admin", (), True),
}


def setup(viewer: str):
    key, submitted, sees = VIEWERS[viewer]
    world = panel_world(submitted=submitted)
    return world, world.users[key], sees


def page(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    return response.status_code, response.content.decode(errors="replace")


def api(user, url):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(url)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_blind_report_page(viewer):
    world, user, sees = setup(viewer)
    status, body = page(user, reverse("report_detail", args=[world.chat.pk]))
    if sees is False:
        assert (status, AI_MARKER in body, "scores_hidden" in body) == (403, False, True)
    else:
        assert (status, AI_MARKER in body, HUMAN_MARKER in body) == (200, True, False)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("route", ["report_pdf", "report_csv"])
def test_blind_report_exports(viewer, route):
    world, user, sees = setup(viewer)
    status, body = page(user, reverse(route, args=[world.chat.pk]))
    assert status == (403 if sees is False else 200)
    assert HUMAN_MARKER not in body


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("suffix", ["report/", "report.pdf", "report.csv"])
def test_blind_report_api(viewer, suffix):
    world, user, sees = setup(viewer)
    response = api(user, f"/api/chats/{world.chat.pk}/{suffix}")
    if sees is False:  # exports send their refusal as JSON bytes whatever type was asked for
        assert (response.status_code, json.loads(response.content)["code"]) == (403, "scores_hidden")
    else:
        assert response.status_code == 200
        assert HUMAN_MARKER not in response.content.decode(errors="replace")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_blind_report_api_regenerate(viewer):
    world, user, sees = setup(viewer)
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(f"/api/chats/{world.chat.pk}/report/regenerate/")
    assert AI_MARKER not in response.content.decode() or sees is not False
    if sees is False:
        assert response.json()["code"] == "scores_hidden"


@pytest.mark.parametrize("viewer", VIEWERS)
def test_blind_invitation_review_page(viewer):
    world, user, sees = setup(viewer)
    status, body = page(user, reverse("invitation_review", args=[world.invitation.pk]))
    if sees is None:
        assert status == 403  # the review page is the hiring team's
    else:
        assert (status, AI_MARKER in body, 'data-testid="report-hidden"' in body) == (200, sees, not sees)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_blind_scorecard_page(viewer):
    world, user, sees = setup(viewer)
    status, body = page(user, reverse("scorecard_page", args=[world.chat.pk]))
    if sees is None:
        assert (status, HUMAN_MARKER in body) == (403, False)
    else:
        shown = (HUMAN_MARKER in body, "91/100" in body, "score-disagree" in body)
        assert (status, shown) == (200, (sees, sees, sees))


@pytest.mark.parametrize("viewer", VIEWERS)
def test_blind_scorecards_api_list(viewer):
    world, user, sees = setup(viewer)
    response = api(user, f"/api/chats/{world.chat.pk}/scorecards/")
    if sees is None:
        assert response.status_code == 403
        return
    data = response.json()
    authors = {card["interviewer"]["username"] for card in data["scorecards"]}
    assert (data["blind"], data["ai"] is None, "third" in authors) == (not sees, not sees, sees)
    if sees:
        assert data["ai"]["clarity"] == {"score": 91, "band": 5}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_blind_scorecard_api_detail(viewer):
    world, user, sees = setup(viewer)
    response = api(user, f"/api/chats/{world.chat.pk}/scorecards/{world.users['third'].pk}/")
    if sees is None:
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    elif not sees:
        assert (response.status_code, response.json()["code"]) == (403, "scores_hidden")
    else:
        assert (response.status_code, response.json()["scores"]["clarity"]["comment"]) == (200, HUMAN_MARKER)


@pytest.mark.parametrize("viewer", [v for v in VIEWERS if VIEWERS[v][0] in ("author", "member")])
def test_blind_own_scorecard_always_readable(viewer):
    world, user, _ = setup(viewer)
    client = APIClient()
    client.force_authenticate(user)
    client.post(f"/api/chats/{world.chat.pk}/scorecards/", {"scores": {"clarity": 3}}, format="json")
    assert client.get(f"/api/chats/{world.chat.pk}/scorecards/{user.pk}/").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("viewer", VIEWERS)
async def test_blind_socket_snapshot_carries_no_scores(connect, viewer):
    world, user, _ = await database_sync_to_async(setup)(viewer)
    path = "/ws/interview/{}/" if viewer == "candidate" else "/ws/observe/{}/"
    communicator, snapshot = await connect(path.format(world.chat.pk), user)
    await communicator.disconnect()
    text = json.dumps(snapshot)
    assert snapshot["type"] == "session.snapshot"
    assert not any(word in text for word in (AI_MARKER, HUMAN_MARKER, "criterion_scores", "overall_score"))
