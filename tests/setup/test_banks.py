"""Question banks and questions: services, visibility, and tag filters with AND and OR."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from interview.models import Question, QuestionBank, Tag
from interview.setup.banks import bank_create, bank_update, question_create, question_update
from interview.setup.selectors import bank_list_for_user, question_list
from tests.factories import QuestionBankFactory, QuestionFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(interviewer):
    return QuestionBankFactory(owner=interviewer, name="Python")


def tagged(bank, text, *tags, difficulty="medium"):
    question = QuestionFactory(question_bank=bank, text=text, difficulty=difficulty)
    question.tags.add(*[Tag.objects.get_or_create_normalised(t)[0] for t in tags])
    return question


def texts(questions):
    return sorted(q.text for q in questions)


# --- Services -------------------------------------------------------------------------------------


def test_bank_create_sets_owner(interviewer):
    assert bank_create(owner=interviewer, name=" Backend ").owner == interviewer


def test_bank_create_refuses_blank_name(interviewer):
    with pytest.raises(ValidationError):
        bank_create(owner=interviewer, name="  ")
    assert not QuestionBank.objects.exists()


def test_bank_update_shares_bank(bank):
    bank_update(bank=bank, name="Python", is_shared=True)
    assert QuestionBank.objects.get(pk=bank.pk).is_shared


def test_question_create_normalises_tags(bank):
    question = question_create(bank=bank, text="What is a GIL?", difficulty="hard", tag_names=["#Python", "python"])
    assert list(question.tags.values_list("name", flat=True)) == ["Python"]


def test_question_create_reuses_tag_any_case(bank):
    TagFactory(name="Django")
    question_create(bank=bank, text="ORM?", difficulty="easy", tag_names=["django"])
    assert Tag.objects.count() == 1


def test_question_create_refuses_unknown_difficulty(bank):
    with pytest.raises(ValidationError):
        question_create(bank=bank, text="Why?", difficulty="extreme")
    assert not Question.objects.exists()


def test_question_create_with_overlong_tag_saves_nothing(bank):
    with pytest.raises(ValidationError):
        question_create(bank=bank, text="Why?", difficulty="easy", tag_names=["ok", "x" * 80])
    assert not Question.objects.exists() and not Tag.objects.exists()


def test_question_update_replaces_tags(bank):
    question = tagged(bank, "Q", "python")
    question_update(question=question, text="Q", difficulty="easy", tag_names=["sql"])
    assert list(question.tags.values_list("name", flat=True)) == ["sql"]


# --- Visibility -----------------------------------------------------------------------------------


def test_bank_list_for_user_shows_own_and_shared(interviewer, bank):
    shared = QuestionBankFactory(is_shared=True)
    QuestionBankFactory()  # someone else's private bank
    assert set(bank_list_for_user(interviewer)) == {bank, shared}


def test_bank_list_for_user_admin_sees_all(admin_user, bank):
    other = QuestionBankFactory()
    assert set(bank_list_for_user(admin_user)) == {bank, other}


def test_bank_list_for_user_counts_questions(interviewer, bank):
    tagged(bank, "A")
    tagged(bank, "B")
    assert bank_list_for_user(interviewer).get(pk=bank.pk).question_total == 2


# --- Filters --------------------------------------------------------------------------------------


@pytest.fixture
def library(bank):
    tagged(bank, "python only", "python")
    tagged(bank, "python and sql", "python", "sql")
    tagged(bank, "sql only", "SQL")
    tagged(bank, "untagged")
    return QuestionBank.objects.filter(pk=bank.pk)


def test_question_list_all_tags_is_and(library):
    assert texts(question_list(banks=library, tags=["python", "sql"], match="all")) == ["python and sql"]


def test_question_list_any_tag_is_or(library):
    found = question_list(banks=library, tags=["python", "sql"], match="any")
    assert texts(found) == ["python and sql", "python only", "sql only"]


def test_question_list_any_tag_lists_each_question_once(library):
    assert question_list(banks=library, tags=["python", "sql"], match="any").count() == 3


def test_question_list_tags_ignore_case(library):
    assert texts(question_list(banks=library, tags=["PYTHON"], match="all")) == ["python and sql", "python only"]


def test_question_list_all_with_unknown_tag_is_empty(library):
    assert not question_list(banks=library, tags=["python", "nosuch"], match="all").exists()


def test_question_list_any_with_unknown_tag_ignores_it(library):
    assert texts(question_list(banks=library, tags=["sql", "nosuch"], match="any")) == ["python and sql", "sql only"]


def test_question_list_searches_text(library):
    assert texts(question_list(banks=library, search="ONLY")) == ["python only", "sql only"]


def test_question_list_filters_difficulty(bank, library):
    tagged(bank, "hard one", difficulty="hard")
    assert texts(question_list(banks=library, difficulty="hard")) == ["hard one"]


def test_question_list_stays_in_given_banks(library):
    tagged(QuestionBankFactory(owner=UserFactory()), "elsewhere", "python")
    assert "elsewhere" not in texts(question_list(banks=library, tags=["python"]))
