"""The scorecard page: the form until you submit, the side-by-side board after; the admin's reopen action."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interview.models import Scorecard
from tests.scoring.helpers import panel_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]


def form_data(action="save", **scores):
    data = {"action": action, "recommendation": "yes" if action == "submit" else "", "notes": "Good"}
    return data | {f"score_{key}": str(value) for key, value in scores.items()}


def test_scorecard_page_saves_a_draft(client):
    world = panel_world()
    client.force_login(world.users["member"])
    response = client.post(reverse("scorecard_page", args=[world.chat.pk]), form_data(clarity=3))
    card = Scorecard.objects.get(interviewer=world.users["member"])
    assert (response.status_code, card.status, card.scores["clarity"]["score"]) == (302, "draft", 3)


def test_scorecard_page_submit_shows_the_side_by_side_board(client):
    world = panel_world()
    client.force_login(world.users["member"])
    url = reverse("scorecard_page", args=[world.chat.pk])
    client.post(url, form_data("submit", professionalism=4, subject_knowledge=3, clarity=4))
    body = client.get(url).content.decode()
    assert 'data-testid="side-by-side"' in body and 'data-testid="blind-notice"' not in body


def test_scorecard_page_incomplete_submit_is_400_and_keeps_nothing(client):
    world = panel_world()
    client.force_login(world.users["member"])
    response = client.post(reverse("scorecard_page", args=[world.chat.pk]), form_data("submit", clarity=4))
    assert (response.status_code, "Before submitting" in response.content.decode()) == (400, True)
    assert not Scorecard.objects.filter(interviewer=world.users["member"]).exists()


def test_scorecard_page_flags_two_band_disagreement_only(client):
    # The AI: professionalism 70 (band 4), subject knowledge 55 (3), clarity 91 (5); "third" gave 2 everywhere.
    world = panel_world(submitted=("member",))  # member gave 4 everywhere
    client.force_login(world.users["member"])
    body = client.get(reverse("scorecard_page", args=[world.chat.pk])).content.decode()
    flagged = {key for key in ("professionalism", "subject_knowledge", "clarity") if
               f'class="score-disagree" data-criterion="{key}"' in body}  # fmt: skip
    assert flagged == {"professionalism", "subject_knowledge", "clarity"}


def test_scorecard_page_no_flag_within_one_band(client):
    world = panel_world(submitted=("member",))
    Scorecard.objects.filter(interviewer=world.users["third"]).delete()
    client.force_login(world.users["member"])
    body = client.get(reverse("scorecard_page", args=[world.chat.pk])).content.decode()
    # member 4 against the AI's 4 (professionalism), 3 (subject knowledge) and 5 (clarity): within one band.
    assert "score-disagree" not in body


def test_admin_reopen_action_reopens_and_records(admin_client, admin_user):
    world = panel_world()
    card = Scorecard.objects.get(interviewer=world.users["third"])
    data = {"action": "reopen", "_selected_action": [card.pk]}
    response = admin_client.post(reverse("admin:interview_scorecard_changelist"), data)
    card.refresh_from_db()
    assert (response.status_code, card.status, card.reopened_by) == (302, "draft", admin_user)


def test_scorecard_page_post_after_submitting_says_it_is_final(client):
    world = panel_world(submitted=("member",))
    client.force_login(world.users["member"])
    url = reverse("scorecard_page", args=[world.chat.pk])
    response = client.post(url, form_data(clarity=1), follow=True)
    card = Scorecard.objects.get(interviewer=world.users["member"])
    assert ("submitted and final" in response.content.decode(), card.scores["clarity"]["score"]) == (True, 4)
