"""A chat copies its template's rubric when it is created (practice, recommended template, invitation), else the
default rubric, so editing the template later never changes how past interviews are scored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from interview.core.rubric import default_rubric
from interview.hiring import services as inv
from interview.interviews.chats import chat_create
from interview.setup.interview_templates import TemplateData, template_update
from tests.factories import JobListingFactory
from tests.hiring.helpers import NOW, fillable_template, invitation_with_token, verified_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]

RUBRIC = [
    {
        "key": "depth",
        "name": "Depth",
        "description": "How deep the answers go.",
        "anchors": {"1": "Shallow.", "3": "Some depth.", "5": "Deep."},
        "weight": 0.6,
    },
    {
        "key": "ownership",
        "name": "Ownership",
        "description": "Whether the candidate owns outcomes.",
        "anchors": {"1": "Blames others.", "3": "Shares credit.", "5": "Owns it."},
        "weight": 0.4,
    },
]


@pytest.fixture
def template(interviewer):
    return fillable_template(interviewer, rubric=RUBRIC, is_public=True)


def create(user, **kwargs):
    return chat_create(user=user, **({"title": "Practice", "type": "GEN", "difficulty": 5} | kwargs))


def test_chat_from_a_template_copies_its_rubric(user, template):
    assert create(user, template_id=template.pk).rubric == RUBRIC


def test_chat_without_a_template_gets_the_default_rubric(user):
    assert create(user).rubric == default_rubric()


def test_chat_without_a_template_takes_report_weights_as_the_default_weights(user, settings):
    settings.REPORT_WEIGHTS = {"professionalism": 1, "subject_knowledge": 1, "clarity": 2}
    assert [c["weight"] for c in create(user).rubric] == [0.25, 0.25, 0.5]


def test_editing_the_template_never_changes_a_past_chats_rubric(user, template):
    chat = create(user, template_id=template.pk)
    data = TemplateData(
        name=template.name,
        difficulty=template.difficulty,
        question_count=template.question_count,
        easy_percentage=template.easy_percentage,
        medium_percentage=template.medium_percentage,
        hard_percentage=template.hard_percentage,
        banks=list(template.question_banks.all()),
        rubric=[{**RUBRIC[0], "name": "Changed"}],
    )
    template_update(template=template, data=data)
    chat.refresh_from_db()
    assert (template.rubric[0]["name"], chat.rubric) == ("Changed", RUBRIC)


def test_changing_the_template_rubric_in_place_never_changes_the_chat(user, template):
    chat = create(user, template_id=template.pk)
    template.rubric[0]["anchors"]["5"] = "Mutated."
    template.save()
    chat.refresh_from_db()
    assert chat.rubric[0]["anchors"]["5"] == "Deep."


def test_chat_from_a_job_listings_recommended_template_copies_its_rubric(user, template):
    listing = JobListingFactory(user=user, recommended_template=template)
    assert create(user, job_listing_id=listing.pk).rubric == RUBRIC


def test_invited_chat_copies_the_invitations_template_rubric(interviewer, template):
    ada = verified_user("ada")
    _, token = invitation_with_token(interviewer=interviewer, email=ada.email, scheduled_time=NOW, template=template)
    chat = inv.invitation_start(token=token, user=ada, now=NOW + timedelta(minutes=1)).chat
    assert chat.rubric == RUBRIC
