"""Pages: a refused save shows the term and why under the field and keeps the text; a warning offers
"Save anyway"; the live preview lists flagged terms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from interview.models import InvitedInterview, Scorecard, ScoreOverride
from tests.fairness.helpers import BIASED, CLEAN, WARNED
from tests.scoring.helpers import panel_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library", "offline_llm")]


@pytest.fixture
def world():
    return panel_world(submitted=("author",))


def _review(client, world, **data):
    client.force_login(world.users["author"])
    return client.post(reverse("invitation_review", args=[world.invitation.pk]), {"action": "publish", **data})


def test_review_page_blocked_keeps_text_and_says_why(client, world):
    response = _review(client, world, feedback=BIASED)
    page = response.content.decode()
    assert response.status_code == 400
    assert "“too old”" in page and "judge skills and evidence, not age" in page
    assert "Strong on SQL, but too old for this team.</textarea>" in page
    assert InvitedInterview.objects.get(pk=world.invitation.pk).interviewer_feedback == ""


def test_review_page_error_sits_under_the_feedback_field(client, world):
    page = _review(client, world, feedback=BIASED).content.decode()
    assert page.index('id="id_feedback_error"') > page.index('name="feedback"')


def test_review_page_warning_offers_save_anyway(client, world):
    page = _review(client, world, feedback=WARNED).content.decode()
    assert 'name="confirm_language"' in page and "Save anyway" in page


def test_review_page_save_anyway_saves(client, world):
    response = _review(client, world, feedback=WARNED, confirm_language="on")
    assert response.status_code == 302
    assert InvitedInterview.objects.get(pk=world.invitation.pk).interviewer_feedback == WARNED


def test_review_page_has_no_save_anyway_box_before_a_warning(client, world):
    client.force_login(world.users["author"])
    page = client.get(reverse("invitation_review", args=[world.invitation.pk])).content.decode()
    assert 'name="confirm_language"' not in page


def test_review_page_textarea_asks_for_the_live_preview(client, world):
    client.force_login(world.users["author"])
    page = client.get(reverse("invitation_review", args=[world.invitation.pk])).content.decode()
    assert f'hx-post="{reverse("fairness_check")}"' in page and 'hx-trigger="input changed delay:400ms"' in page
    assert 'id="id_feedback_fairness"' in page and "js/htmx.min.js" in page


def test_scorecard_page_blocked_comment_keeps_text(client, world):
    client.force_login(world.users["member"])
    data = {"score_clarity": "2", "comment_clarity": "Thick accent, hard to follow.", "action": "save"}
    response = client.post(reverse("scorecard_page", args=[world.chat.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400 and "“thick accent”" in page
    assert "Thick accent, hard to follow.</textarea>" in page
    assert not Scorecard.objects.filter(interviewer=world.users["member"]).exists()


def test_override_page_blocked_reason_keeps_text(client, world):
    client.force_login(world.users["author"])
    data = {"target": "q:1", "score": "5", "reason": "Docked: she is pregnant."}
    response = client.post(reverse("report_override", args=[world.chat.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400 and "“pregnant”" in page
    assert "Docked: she is pregnant.</textarea>" in page and not ScoreOverride.objects.exists()


def test_override_page_warning_then_save_anyway(client, world):
    client.force_login(world.users["author"])
    data = {"target": "q:1", "score": "5", "reason": WARNED}
    assert (
        'name="confirm_language"'
        in client.post(reverse("report_override", args=[world.chat.pk]), data).content.decode()
    )
    client.post(reverse("report_override", args=[world.chat.pk]), {**data, "confirm_language": "on"})
    assert ScoreOverride.objects.get().reason == WARNED


def _preview(client, user, text):
    client.force_login(user)
    return client.post(reverse("fairness_check"), {"fairness_field": "feedback", "feedback": text})


def test_preview_lists_blocking_term(client, world):
    page = _preview(client, world.users["author"], BIASED).content.decode()
    assert "will be refused" in page and "“too old”" in page


def test_preview_lists_warning(client, world):
    page = _preview(client, world.users["author"], WARNED).content.decode()
    assert "Check this wording" in page and "“overqualified”" in page


def test_preview_of_clean_text_is_empty(client, world):
    assert _preview(client, world.users["author"], CLEAN).content.decode().strip() == ""


def test_preview_refuses_candidates(client, world):
    assert _preview(client, world.users["candidate"], BIASED).status_code == 403
