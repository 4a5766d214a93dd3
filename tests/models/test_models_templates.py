"""The data-model contract for tags, question banks, questions and interview templates."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory

from interview.models import InterviewTemplate, Question, QuestionBank, Tag, normalise_tag_name
from tests.factories import QuestionBankFactory, QuestionFactory, TagFactory, TemplateFactory

User = get_user_model()


def _full_clean_then_save(instance):
    """What a form or service does: validate first, save only when valid."""
    instance.full_clean()
    instance.save()


def _template(user, **overrides):
    fields = {"user": user, "name": "Senior System Design", "difficulty": 4, "question_count": 15}
    return InterviewTemplate(**(fields | overrides))


# --- Field types, sizes and defaults ------------------------------------------------------------

FIELD_SPEC = [
    # (field, internal type, attributes the spec fixes)
    ("user", "ForeignKey", {"related_model": User}),
    ("name", "CharField", {"max_length": 200, "blank": False}),
    ("description", "TextField", {"blank": True}),
    ("difficulty", "IntegerField", {}),
    ("question_count", "IntegerField", {}),
    ("easy_percentage", "IntegerField", {"default": 33}),
    ("medium_percentage", "IntegerField", {"default": 34}),
    ("hard_percentage", "IntegerField", {"default": 33}),
    ("tags", "ManyToManyField", {"related_model": Tag, "blank": True}),
    ("question_banks", "ManyToManyField", {"related_model": QuestionBank, "blank": True}),
    ("created_at", "DateTimeField", {"auto_now_add": True}),
    ("updated_at", "DateTimeField", {"auto_now": True}),
]


@pytest.mark.parametrize(("field_name", "internal_type", "attrs"), FIELD_SPEC, ids=[f for f, _, _ in FIELD_SPEC])
def test_template_field_matches_spec(field_name, internal_type, attrs):
    field = InterviewTemplate._meta.get_field(field_name)
    assert field.get_internal_type() == internal_type
    for attr, expected in attrs.items():
        assert getattr(field, attr) == expected, f"{field_name}.{attr}"


@pytest.mark.parametrize(
    ("field_name", "expected"), [("easy_percentage", 33), ("medium_percentage", 34), ("hard_percentage", 33)]
)
def test_template_percentage_default(user, field_name, expected):
    template = InterviewTemplate.objects.create(user=user, name="Defaults", difficulty=3, question_count=5)
    template.refresh_from_db()
    assert getattr(template, field_name) == expected


def test_template_default_distribution_is_valid(user):
    assert _template(user).validate_difficulty_distribution() is True


@pytest.mark.parametrize(
    ("value", "display"),
    [(1, "Very Easy"), (2, "Easy"), (3, "Medium"), (4, "Hard"), (5, "Very Hard")],
)
def test_template_difficulty_display(value, display):
    assert InterviewTemplate(difficulty=value).get_difficulty_display() == display


def test_question_difficulty_choices_exact():
    assert [v for v, _ in Question._meta.get_field("difficulty").choices] == ["easy", "medium", "hard"]


def test_question_difficulty_default_medium(db):
    bank = QuestionBankFactory()
    assert Question.objects.create(question_bank=bank, text="Why?").difficulty == "medium"


def test_question_difficulty_outside_choices_rejected(db):
    question = Question(question_bank=QuestionBankFactory(), text="Why?", difficulty="brutal")
    with pytest.raises(ValidationError) as exc:
        question.full_clean()
    assert list(exc.value.message_dict) == ["difficulty"]


# --- Validators -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_name", "value"), [("difficulty", 0), ("difficulty", 6), ("question_count", 0), ("question_count", 51)]
)
def test_template_out_of_range_rejected(user, field_name, value):
    with pytest.raises(ValidationError) as exc:
        _full_clean_then_save(_template(user, **{field_name: value}))
    assert field_name in exc.value.message_dict
    assert InterviewTemplate.objects.count() == 0


@pytest.mark.parametrize(
    ("field_name", "value"), [("difficulty", 1), ("difficulty", 5), ("question_count", 1), ("question_count", 50)]
)
def test_template_in_range_accepted(user, field_name, value):
    _full_clean_then_save(_template(user, **{field_name: value}))
    assert getattr(InterviewTemplate.objects.get(), field_name) == value


@pytest.mark.parametrize("field_name", ["easy_percentage", "medium_percentage", "hard_percentage"])
@pytest.mark.parametrize("value", [-1, 101])
def test_template_percentage_out_of_range_rejected(user, field_name, value):
    with pytest.raises(ValidationError) as exc:
        _full_clean_then_save(_template(user, **{field_name: value}))
    assert field_name in exc.value.message_dict
    assert InterviewTemplate.objects.count() == 0


@pytest.mark.parametrize(
    ("easy", "medium", "hard"),
    [(0, 0, 100), (100, 0, 0), (0, 100, 0), (20, 40, 40), (33, 34, 33)],
)
def test_template_percentage_boundaries_accepted(user, easy, medium, hard):
    _full_clean_then_save(_template(user, easy_percentage=easy, medium_percentage=medium, hard_percentage=hard))
    assert InterviewTemplate.objects.count() == 1


def test_template_modelform_rejects_question_count(user):
    form_class = modelform_factory(
        InterviewTemplate,
        fields=["name", "difficulty", "question_count", "easy_percentage", "medium_percentage", "hard_percentage"],
    )
    form = form_class(
        data={
            "name": "T",
            "difficulty": "3",
            "question_count": "51",
            "easy_percentage": "33",
            "medium_percentage": "34",
            "hard_percentage": "33",
        }
    )
    assert not form.is_valid()
    assert "question_count" in form.errors
    assert InterviewTemplate.objects.count() == 0


@pytest.mark.parametrize(
    ("easy", "medium", "hard", "expected"),
    [
        (33, 34, 33, True),
        (20, 40, 40, True),
        (0, 0, 100, True),
        (33, 33, 33, False),
        (50, 50, 50, False),
        (0, 0, 0, False),
        (None, 50, 50, False),
    ],
)
def test_template_validate_difficulty_distribution(easy, medium, hard, expected):
    template = InterviewTemplate(easy_percentage=easy, medium_percentage=medium, hard_percentage=hard)
    assert template.validate_difficulty_distribution() is expected


@pytest.mark.parametrize(("easy", "medium", "hard", "total"), [(33, 33, 33, 99), (50, 50, 10, 110)])
def test_template_clean_names_sum_when_not_100(user, easy, medium, hard, total):
    template = _template(user, easy_percentage=easy, medium_percentage=medium, hard_percentage=hard)
    with pytest.raises(ValidationError) as exc:
        template.clean()
    message = " ".join(exc.value.messages)
    assert "100" in message
    assert str(total) in message


def test_template_full_clean_with_bad_distribution_saves_nothing(user):
    with pytest.raises(ValidationError):
        _full_clean_then_save(_template(user, easy_percentage=10, medium_percentage=10, hard_percentage=10))
    assert InterviewTemplate.objects.count() == 0


def test_template_name_too_long_rejected(user):
    with pytest.raises(ValidationError) as exc:
        _template(user, name="x" * 201).full_clean()
    assert list(exc.value.message_dict) == ["name"]


# --- to_dict ----------------------------------------------------------------------------------


@pytest.fixture
def full_template(user):
    template = TemplateFactory(
        user=user,
        name="Senior System Design",
        description="Advanced system design",
        difficulty=4,
        question_count=15,
        easy_percentage=20,
        medium_percentage=40,
        hard_percentage=40,
    )
    template.tags.add(TagFactory(name="Python"), TagFactory(name="Backend"))
    template.question_banks.add(QuestionBankFactory(name="System Design", owner=user))
    return template


def test_template_to_dict_is_json_serialisable(full_template):
    assert json.loads(json.dumps(full_template.to_dict())) == full_template.to_dict()


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("name", "Senior System Design"),
        ("description", "Advanced system design"),
        ("difficulty", 4),
        ("question_count", 15),
        ("easy_percentage", 20),
        ("medium_percentage", 40),
        ("hard_percentage", 40),
        ("tags", ["Backend", "Python"]),
    ],
)
def test_template_to_dict_content(full_template, key, expected):
    assert full_template.to_dict()[key] == expected


def test_template_to_dict_has_id(full_template):
    assert full_template.to_dict()["id"] == full_template.pk


def test_template_to_dict_lists_question_banks(full_template):
    bank = full_template.question_banks.get()
    assert full_template.to_dict()["question_banks"] == [{"id": bank.pk, "name": "System Design"}]


def test_template_to_dict_unsaved_has_empty_relations(user):
    data = _template(user).to_dict()
    assert (data["tags"], data["question_banks"], data["id"]) == ([], [], None)
    json.dumps(data)


# --- Tags -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  #Python  ", "Python"),
        ("#Python", "Python"),
        ("##Python", "Python"),
        ("Python", "Python"),
        ("# Machine   Learning ", "Machine Learning"),
        ("\tSystem\nDesign ", "System Design"),
        ("   ", ""),
        ("#", ""),
    ],
)
def test_normalise_tag_name(raw, expected):
    assert normalise_tag_name(raw) == expected


def test_tag_save_normalises_name(db):
    tag = Tag.objects.create(name="  #Python  ")
    tag.refresh_from_db()
    assert tag.name == "Python"


def test_tag_full_clean_normalises_name(db):
    tag = Tag(name="  #Python  ")
    tag.full_clean()
    assert tag.name == "Python"


@pytest.mark.parametrize("clash", ["python", "PYTHON", "  #python ", "Python"])
def test_tag_case_insensitive_duplicate_integrity_error(db, clash):
    Tag.objects.create(name="Python")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tag.objects.create(name=clash)
    assert Tag.objects.count() == 1


@pytest.mark.parametrize("clash", ["python", "#PYTHON"])
def test_tag_case_insensitive_duplicate_full_clean_error(db, clash):
    Tag.objects.create(name="Python")
    with pytest.raises(ValidationError) as exc:
        Tag(name=clash).full_clean()
    assert "name" in exc.value.message_dict
    assert Tag.objects.count() == 1


def test_tag_full_clean_of_itself_passes(db):
    tag = Tag.objects.create(name="Python")
    tag.full_clean()


@pytest.mark.parametrize("raw", ["", "   ", "#"])
def test_tag_full_clean_empty_name_rejected(db, raw):
    with pytest.raises(ValidationError) as exc:
        Tag(name=raw).full_clean()
    assert "name" in exc.value.message_dict


@pytest.mark.parametrize("lookup", ["python", "#Python", "  PYTHON ", "Python"])
def test_tag_get_or_create_normalised_finds_existing(db, lookup):
    existing = Tag.objects.create(name="Python")
    tag, created = Tag.objects.get_or_create_normalised(lookup)
    assert (tag, created) == (existing, False)
    assert Tag.objects.count() == 1


def test_tag_get_or_create_normalised_creates_canonical(db):
    tag, created = Tag.objects.get_or_create_normalised("  #Django  ")
    assert (tag.name, created) == ("Django", True)


@pytest.mark.parametrize("raw", ["", "  ", "#"])
def test_tag_get_or_create_normalised_empty_rejected(db, raw):
    with pytest.raises(ValidationError):
        Tag.objects.get_or_create_normalised(raw)
    assert Tag.objects.count() == 0


# --- __str__ ----------------------------------------------------------------------------------


def test_template_str_is_name(db):
    assert str(TemplateFactory(name="Senior System Design")) == "Senior System Design"


def test_tag_str_is_name(db):
    assert str(TagFactory(name="Python")) == "Python"


def test_questionbank_str_is_name(db):
    assert str(QuestionBankFactory(name="System Design")) == "System Design"


def test_question_str_is_short_text(db):
    assert str(QuestionFactory(text="Why Django?")) == "Why Django?"


def test_question_str_truncates_long_text(db):
    text = str(QuestionFactory(text="x" * 200))
    assert len(text) == 80
    assert text.endswith("...")


def test_template_visible_to_owner_shared_and_public_only(db):
    from interview.models import InterviewTemplate
    from tests.factories import TemplateFactory, UserFactory

    viewer = UserFactory()
    own = TemplateFactory(user=viewer)
    shared = TemplateFactory()
    shared.shared_with.add(viewer)
    public = TemplateFactory(is_public=True)
    TemplateFactory()  # someone else's private template
    assert set(InterviewTemplate.objects.visible_to(viewer)) == {own, shared, public}


def test_template_editable_by_owner_only(db):
    from interview.models import InterviewTemplate
    from tests.factories import TemplateFactory, UserFactory

    viewer = UserFactory()
    own = TemplateFactory(user=viewer)
    TemplateFactory(is_public=True)
    assert list(InterviewTemplate.objects.editable_by(viewer)) == [own]


def test_bank_visible_to_owner_and_shared(db):
    from interview.models import QuestionBank
    from tests.factories import QuestionBankFactory, UserFactory

    viewer = UserFactory()
    own = QuestionBankFactory(owner=viewer)
    shared = QuestionBankFactory(is_shared=True)
    QuestionBankFactory()
    assert set(QuestionBank.objects.visible_to(viewer)) == {own, shared}


def test_bank_admin_sees_all(db):
    from interview.models import QuestionBank
    from tests.factories import QuestionBankFactory, UserFactory

    boss = UserFactory(role="admin")
    QuestionBankFactory()
    assert QuestionBank.objects.visible_to(boss).count() == 1
