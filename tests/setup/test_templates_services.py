"""Template services: create, update, copy and delete, visibility, and assembly from a template."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from interview.core.rubric import default_rubric
from interview.models import InterviewTemplate, Tag
from interview.setup.assembly import ShortageError
from interview.setup.interview_templates import (
    TemplateData,
    template_copy,
    template_create,
    template_delete,
    template_key_questions,
    template_update,
)
from tests.factories import QuestionBankFactory, QuestionFactory, TemplateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(interviewer):
    bank = QuestionBankFactory(owner=interviewer)
    python = Tag.objects.create(name="python")
    for difficulty, n in (("easy", 4), ("medium", 4), ("hard", 2)):
        for question in QuestionFactory.create_batch(n, question_bank=bank, difficulty=difficulty):
            question.tags.add(python)
    return bank


def data(bank, **changes) -> TemplateData:
    base = TemplateData(
        name="Python screen",
        difficulty=3,
        question_count=5,
        easy_percentage=40,
        medium_percentage=40,
        hard_percentage=20,
        tag_names=["Python"],
        banks=[bank],
    )
    return TemplateData(**(base.__dict__ | changes))


def test_template_create_saves_fields_tags_and_banks(interviewer, bank):
    template = template_create(user=interviewer, data=data(bank))
    assert template.to_dict() | {"created_at": None, "updated_at": None} == {
        "id": template.pk,
        "name": "Python screen",
        "description": "",
        "difficulty": 3,
        "difficulty_display": "Medium",
        "question_count": 5,
        "easy_percentage": 40,
        "medium_percentage": 40,
        "hard_percentage": 20,
        "max_follow_ups": 1,
        "rubric": default_rubric(),
        "tags": ["python"],
        "question_banks": [{"id": bank.pk, "name": bank.name}],
        "is_public": False,
        "owner": "interviewer",
        "created_at": None,
        "updated_at": None,
    }


def test_template_create_refuses_percentages_not_summing_to_100(interviewer, bank):
    with pytest.raises(ValidationError, match="add up to 100 \\(they add up to 90\\)"):
        template_create(user=interviewer, data=data(bank, hard_percentage=10))
    assert not InterviewTemplate.objects.exists()


def test_template_create_refuses_count_the_banks_cannot_supply(interviewer, bank):
    with pytest.raises(ValidationError) as caught:
        template_create(user=interviewer, data=data(bank, question_count=20))
    assert "needs 4 hard questions tagged #python, has 2" in caught.value.message_dict["question_count"][0]
    assert not InterviewTemplate.objects.exists()


def test_template_create_refused_leaves_no_new_tags(interviewer, bank):
    with pytest.raises(ValidationError):
        template_create(user=interviewer, data=data(bank, question_count=20, tag_names=["python", "brand-new"]))
    assert not Tag.objects.filter(name="brand-new").exists()


def test_template_create_refuses_count_above_50(interviewer, bank):
    with pytest.raises(ValidationError) as caught:
        template_create(user=interviewer, data=data(bank, question_count=51))
    assert "question_count" in caught.value.message_dict


def test_template_create_refuses_overlong_name(interviewer, bank):
    with pytest.raises(ValidationError) as caught:
        template_create(user=interviewer, data=data(bank, name="x" * 10_000))
    assert "name" in caught.value.message_dict


def test_template_create_shares_with_users_but_not_owner(interviewer, bank):
    colleague = UserFactory(username="colleague")
    template = template_create(user=interviewer, data=data(bank, shared_with=[colleague, interviewer]))
    assert list(template.shared_with.all()) == [colleague]


def test_template_update_replaces_tags_and_banks(interviewer, bank):
    template = template_create(user=interviewer, data=data(bank))
    other = QuestionBankFactory(owner=interviewer)
    QuestionFactory.create_batch(5, question_bank=other, difficulty="medium")
    template_update(
        template=template, data=data(other, tag_names=[], easy_percentage=0, medium_percentage=100, hard_percentage=0)
    )
    assert (list(template.question_banks.all()), list(template.tags.all())) == ([other], [])


def test_template_update_refused_changes_nothing(interviewer, bank):
    template = template_create(user=interviewer, data=data(bank))
    with pytest.raises(ValidationError):
        template_update(template=template, data=data(bank, name="Renamed", easy_percentage=90))
    assert InterviewTemplate.objects.get(pk=template.pk).name == "Python screen"


def test_template_copy_is_private_and_owned_by_copier(interviewer, bank):
    original = template_create(user=interviewer, data=data(bank, is_public=True, shared_with=[UserFactory()]))
    copier = UserFactory(username="copier", role="interviewer")
    copy = template_copy(template=original, user=copier)
    assert (copy.user, copy.is_public, copy.shared_with.count()) == (copier, False, 0)


def test_template_copy_keeps_tags_and_banks(interviewer, bank):
    original = template_create(user=interviewer, data=data(bank))
    copy = template_copy(template=original, user=interviewer)
    assert (copy.to_dict()["tags"], copy.to_dict()["question_banks"]) == (
        ["python"],
        [{"id": bank.pk, "name": bank.name}],
    )


def test_template_copy_name_fits_the_field(interviewer, bank):
    original = TemplateFactory(user=interviewer, name="x" * 200)
    assert len(template_copy(template=original, user=interviewer).name) == 200


def test_template_delete_removes_it(interviewer):
    template = TemplateFactory(user=interviewer)
    template_delete(template=template)
    assert not InterviewTemplate.objects.exists()


def test_template_key_questions_follow_the_mix(interviewer, bank):
    template = template_create(user=interviewer, data=data(bank))
    picked = template_key_questions(template, seed=3)
    assert [q["difficulty"] for q in picked] == ["easy", "easy", "medium", "medium", "hard"]


def test_template_key_questions_use_configured_time_limits(interviewer, bank, settings):
    settings.KEY_QUESTION_TIME_LIMITS = {"easy": 60, "medium": 90, "hard": 600}
    template = template_create(user=interviewer, data=data(bank))
    assert {q["time_limit"] for q in template_key_questions(template, seed=3)} == {60, 90, 600}


def test_template_key_questions_shortage_after_questions_removed(interviewer, bank):
    template = template_create(user=interviewer, data=data(bank))
    bank.questions.filter(difficulty="hard").delete()
    with pytest.raises(ShortageError, match="needs 1 hard question tagged #python, has 0"):
        template_key_questions(template, seed=3)


def test_template_visible_to_shared_user(interviewer):
    colleague = UserFactory()
    template = TemplateFactory(user=interviewer)
    template.shared_with.add(colleague)
    assert template in InterviewTemplate.objects.visible_to(colleague)


def test_template_public_visible_to_candidate(user, interviewer):
    assert TemplateFactory(user=interviewer, is_public=True) in InterviewTemplate.objects.visible_to(user)


def test_template_private_hidden_from_candidate(user, interviewer):
    assert TemplateFactory(user=interviewer) not in InterviewTemplate.objects.visible_to(user)
