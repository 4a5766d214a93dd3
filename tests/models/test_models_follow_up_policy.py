"""The follow-up policy on templates and chats, and a bank question's guidance: fields, defaults, validators."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from interview.models import Chat, InterviewTemplate, Question
from tests.factories import ChatFactory, QuestionFactory, TemplateFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [InterviewTemplate, Chat])
def test_max_follow_ups_field_is_an_integer_defaulting_to_one(model):
    field = model._meta.get_field("max_follow_ups")
    assert (field.get_internal_type(), field.default, field.null) == ("IntegerField", 1, False)


def test_template_max_follow_ups_default_is_saved(interviewer):
    assert TemplateFactory(user=interviewer).max_follow_ups == 1


@pytest.mark.parametrize("value", [0, 1, 3])
def test_template_max_follow_ups_in_range_is_valid(interviewer, value):
    TemplateFactory.build(user=interviewer, max_follow_ups=value).full_clean()


@pytest.mark.parametrize("value", [-1, 4, 10**20])
def test_template_max_follow_ups_out_of_range_is_refused(interviewer, value):
    with pytest.raises(ValidationError) as caught:
        TemplateFactory.build(user=interviewer, max_follow_ups=value).full_clean()
    assert "max_follow_ups" in caught.value.message_dict


def test_template_max_follow_ups_not_a_number_is_refused(interviewer):
    with pytest.raises(ValidationError) as caught:
        TemplateFactory.build(user=interviewer, max_follow_ups="x").full_clean()
    assert "max_follow_ups" in caught.value.message_dict


@pytest.mark.parametrize("value", [-1, 4])
def test_chat_max_follow_ups_out_of_range_is_refused(user, value):
    chat = ChatFactory.build(user=user, max_follow_ups=value)
    with pytest.raises(ValidationError) as caught:
        chat.full_clean()
    assert "max_follow_ups" in caught.value.message_dict


def test_template_to_dict_shows_max_follow_ups(interviewer):
    assert TemplateFactory(user=interviewer, max_follow_ups=3).to_dict()["max_follow_ups"] == 3


def test_question_guidance_is_optional():
    field = Question._meta.get_field("guidance")
    assert (field.get_internal_type(), field.blank, field.get_default()) == ("TextField", True, "")


def test_question_without_guidance_is_valid():
    QuestionFactory().full_clean()


def test_question_guidance_over_the_limit_is_refused():
    question = QuestionFactory.build(question_bank=QuestionFactory().question_bank, guidance="x" * 2001)
    with pytest.raises(ValidationError) as caught:
        question.full_clean()
    assert "guidance" in caught.value.message_dict
